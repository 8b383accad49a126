"""Load generated recruitment data into an Odoo 11 database through the ORM.

Jobs, stages, sources and mediums are reused by name when they exist (Odoo's
own Recruitment demo data has five jobs and five stages) and created
otherwise. Applicants are created with the ORM, with tracking off, then
their dates are moved into the past in one SQL statement, because the ORM
always stamps ``create_date`` with the current time.
"""

import base64
import logging
import time

import datagen
from psycopg2.extras import execute_values

_logger = logging.getLogger(__name__)

QUIET = {
    "tracking_disable": True,
    "mail_notrack": True,
    "mail_create_nolog": True,
    "mail_create_nosubscribe": True,
}


def _by_name(env, model, names, extra=None):
    """Return ``{name: record id}``, creating the records that are missing."""
    records = env[model].with_context(active_test=False).search([])
    ids = {record.name: record.id for record in records}
    for name in names:
        if name and name not in ids:
            ids[name] = env[model].create(dict(extra or {}, name=name)).id
    return ids


def _job_ids(env, dataset, company):
    jobs = env["hr.job"].search([("company_id", "=", company.id)])
    ids = {job.name: job.id for job in jobs}
    for job in dataset.jobs:
        if job.name not in ids:
            ids[job.name] = (
                env["hr.job"]
                .with_context(**QUIET)
                .create(
                    {
                        "name": job.name,
                        "company_id": company.id,
                        "description": "%s, %s" % (job.department, job.location),
                    }
                )
                .id
            )
    return [ids[job.name] for job in dataset.jobs]


def load(env, dataset, company, progress=None):
    """Create the dataset's applications in ``company``; return their ids.

    ``progress(done, total)`` is called every 500 applications.
    """
    started = time.time()
    job_ids = _job_ids(env, dataset, company)
    # Odoo 11's demo data has no "New" stage; it goes first when created.
    stage_ids = _by_name(
        env, "hr.recruitment.stage", datagen.ODOO_STAGES[:1], {"sequence": 0}
    )
    stage_ids.update(_by_name(env, "hr.recruitment.stage", datagen.ODOO_STAGES))
    source_ids = _by_name(
        env, "utm.source", {a.source_name for a in dataset.applications}
    )
    medium_ids = _by_name(
        env, "utm.medium", {a.medium_name for a in dataset.applications}
    )
    note = env.ref("mail.mt_note").id
    comment = env.ref("mail.mt_comment").id
    Applicant = env["hr.applicant"].with_context(**QUIET)
    Message = env["mail.message"].with_context(**QUIET)
    Attachment = env["ir.attachment"]

    created = []
    dates = []
    total = len(dataset.applications)
    for number, application in enumerate(dataset.applications, 1):
        applicant = Applicant.create(
            {
                "name": application.name,
                "partner_name": application.partner_name or False,
                "email_from": application.email_from or False,
                "partner_phone": application.partner_phone or False,
                "partner_mobile": application.partner_mobile or False,
                "job_id": job_ids[application.job_index],
                "stage_id": stage_ids[application.stage_name],
                "source_id": source_ids.get(application.source_name) or False,
                "medium_id": medium_ids.get(application.medium_name) or False,
                "company_id": company.id,
                "active": not application.refused,
            }
        )
        created.append(applicant.id)
        if application.arrived_by == "email" and application.email_from:
            # The job's mail alias creates an applicant from an incoming
            # email, which is the applicant's first message.
            Message.create(
                {
                    "model": "hr.applicant",
                    "res_id": applicant.id,
                    "message_type": "email",
                    "subtype_id": comment,
                    "subject": application.name,
                    "body": "<p>Please find my application attached.</p>",
                    "email_from": application.email_from,
                    "date": application.create_date,
                }
            )
        dates.append((applicant.id, application.create_date, application.write_date))
        for message in application.messages:
            Message.create(
                {
                    "model": "hr.applicant",
                    "res_id": applicant.id,
                    "message_type": "email" if message.kind == "email" else "comment",
                    "subtype_id": comment if message.kind == "email" else note,
                    "subject": message.subject or False,
                    "body": message.body,
                    "email_from": message.email_from or message.author,
                    "date": message.date,
                }
            )
        if application.resume:
            resume = application.resume
            Attachment.create(
                {
                    "name": resume.file_name,
                    "datas_fname": resume.file_name,
                    "datas": base64.b64encode(datagen.resume_bytes(application)),
                    "mimetype": resume.mimetype,
                    "res_model": "hr.applicant",
                    "res_id": applicant.id,
                }
            )
        if progress and number % 500 == 0:
            progress(number, total)

    execute_values(
        env.cr,
        "UPDATE hr_applicant a SET create_date = v.created, write_date = v.modified,"
        " date_last_stage_update = v.modified"
        " FROM (VALUES %s) AS v(id, created, modified) WHERE a.id = v.id",
        dates,
        template="(%s, %s::timestamp, %s::timestamp)",
        page_size=1000,
    )
    env["hr.applicant"].invalidate_cache()
    _logger.info(
        "loaded %d applications in %.1f s", len(created), time.time() - started
    )
    return created
