import html
import json
import logging

from odoo import _, api, fields, models
from psycopg2.extras import execute_values

_logger = logging.getLogger(__name__)

#: Entity types in dependency order, with the LinkedIn resource of each.
ENTITY_TYPES = [
    ("job", "Jobs", "simpleJobPostings"),
    ("pipeline", "Pipelines", "tcrmPipelines"),
    ("stage", "Pipeline stages", "tcrmPipelineStages"),
    ("candidate", "Candidates", "atsCandidates"),
    ("candidate_pipeline", "Candidate pipelines", "tcrmCandidatePipelines"),
    ("stage_history", "Stage history", "tcrmCandidatePipelineStages"),
    ("interaction", "Interactions", "tcrmInteractions"),
    ("resume", "Resumes", "hireMediaUrl"),
    ("application", "RSC applications", "atsApplications"),
]
RESOURCE_OF = {code: resource for code, _label, resource in ENTITY_TYPES}
LABEL_OF = {code: label for code, label, _resource in ENTITY_TYPES}
#: Entity types of Recruiter System Connect, synced only for a backend with
#: ``rsc_enabled``; the other types are CRM Connect's.
RSC_ENTITY_TYPES = ("application",)
CRM_ENTITY_TYPES = tuple(
    code for code, _label, _resource in ENTITY_TYPES if code not in RSC_ENTITY_TYPES
)


def entity_types_of(backend):
    """Return the entity type codes ``backend`` syncs, in dependency order."""
    if backend.rsc_enabled:
        return CRM_ENTITY_TYPES + RSC_ENTITY_TYPES
    return CRM_ENTITY_TYPES


class LinkedInBinding(models.Model):
    """The sync state of one LinkedIn record of one backend.

    ``local_ref`` names the Odoo side of the record (``candidate:12:job:3``
    for a candidate pipeline), ``remote_key`` stores the full compound key as
    sent, so a delete can still be sent when the Odoo record and its parent
    are gone. Rows are written in bulk by SQL: the historical sync books tens
    of thousands of results, and per-record ORM writes would cost more than
    the HTTP traffic.
    """

    _name = "linkedin.binding"
    _description = "LinkedIn sync state"
    _order = "entity_type, id"
    _rec_name = "local_ref"

    backend_id = fields.Many2one(
        "linkedin.backend", required=True, ondelete="cascade", index=True
    )
    entity_type = fields.Selection(
        [(code, label) for code, label, _resource in ENTITY_TYPES],
        required=True,
        index=True,
    )
    local_ref = fields.Char("Record", required=True)
    res_model = fields.Char("Odoo model", index=True)
    res_id = fields.Integer("Odoo record id", index=True)
    candidate_ref = fields.Integer(
        "Candidate id", index=True, help="LinkedIn candidate the record belongs to."
    )
    job_ref = fields.Integer(
        "Job id", index=True, help="Odoo job (LinkedIn pipeline) the record belongs to."
    )
    remote_key = fields.Text("Key sent to LinkedIn")
    remote_urn = fields.Char("URN returned by LinkedIn")
    state = fields.Selection(
        [
            ("pending", "Pending"),
            ("done", "Synced"),
            ("failed", "Failed"),
            ("to_delete", "Delete pending"),
            ("deleted", "Deleted"),
        ],
        required=True,
        default="pending",
        index=True,
    )
    error_status = fields.Integer("HTTP status")
    error_message = fields.Text("Error")
    synced_at = fields.Datetime("Last synced")
    notified_error = fields.Text(
        "Error notified", help="The error last reported to the responsible user."
    )
    attempts = fields.Integer(default=0)

    _sql_constraints = [
        (
            "ref_uniq",
            "unique(backend_id, entity_type, local_ref)",
            "One sync state per record and backend.",
        )
    ]

    @api.model
    def record_results(self, backend, entity_type, results):
        """Upsert the outcome of one batch in a single statement.

        ``results`` is a list of dicts with ``local_ref``, ``res_model``,
        ``res_id``, ``candidate_ref``, ``job_ref``, ``remote_key`` (dict),
        ``ok``, ``status``, ``message`` and optionally ``remote_urn``.
        """
        if not results:
            return
        rows = [
            (
                backend.id,
                entity_type,
                result["local_ref"],
                result.get("res_model"),
                result.get("res_id"),
                result.get("candidate_ref"),
                result.get("job_ref"),
                json.dumps(result["remote_key"]) if result.get("remote_key") else None,
                result.get("remote_urn"),
                "done" if result["ok"] else "failed",
                None if result["ok"] else result.get("status"),
                None if result["ok"] else result.get("message"),
                self.env.uid,
            )
            for result in results
        ]
        execute_values(
            self.env.cr,
            "INSERT INTO linkedin_binding (backend_id, entity_type, local_ref,"
            " res_model, res_id, candidate_ref, job_ref, remote_key, remote_urn,"
            " state, error_status, error_message, create_uid, write_uid,"
            " create_date, write_date, synced_at, attempts)"
            " SELECT v.backend_id, v.entity_type, v.local_ref, v.res_model,"
            " v.res_id, v.candidate_ref, v.job_ref, v.remote_key, v.remote_urn,"
            " v.state, v.error_status, v.error_message, v.uid, v.uid,"
            " now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC',"
            " CASE WHEN v.state = 'done' THEN now() AT TIME ZONE 'UTC' END, 1"
            " FROM (VALUES %s) AS v(backend_id, entity_type, local_ref, res_model,"
            " res_id, candidate_ref, job_ref, remote_key, remote_urn, state,"
            " error_status, error_message, uid)"
            " ON CONFLICT (backend_id, entity_type, local_ref) DO UPDATE SET"
            " res_model = EXCLUDED.res_model, res_id = EXCLUDED.res_id,"
            " candidate_ref = EXCLUDED.candidate_ref, job_ref = EXCLUDED.job_ref,"
            " remote_key = COALESCE(EXCLUDED.remote_key, linkedin_binding.remote_key),"
            " remote_urn = COALESCE(EXCLUDED.remote_urn, linkedin_binding.remote_urn),"
            " state = EXCLUDED.state, error_status = EXCLUDED.error_status,"
            " error_message = EXCLUDED.error_message,"
            " write_date = EXCLUDED.write_date,"
            " synced_at = COALESCE(EXCLUDED.synced_at, linkedin_binding.synced_at),"
            " attempts = linkedin_binding.attempts + 1",
            rows,
            template="(%s, %s, %s, %s, %s::int, %s::int, %s::int, %s, %s, %s,"
            " %s::int, %s, %s)",
            page_size=500,
        )
        self.invalidate_cache()
        failed_refs = [result["local_ref"] for result in results if not result["ok"]]
        if failed_refs and entity_type in ("candidate", "candidate_pipeline"):
            self._notify_failures(backend, entity_type, failed_refs)

    def _notify_failures(self, backend, entity_type, refs):
        """Tell each applicant's responsible user why it failed, once per cause.

        The note goes on the applicant (the most recent one of a candidate)
        and is not repeated while the error message stays the same. A record
        not sent because its parent failed is not noted again: the parent's
        note already gives the cause.
        """
        self.env.cr.execute(
            "UPDATE linkedin_binding SET notified_error = error_message"
            " WHERE backend_id = %s AND entity_type = %s AND local_ref IN %s"
            " AND state = 'failed' AND error_message IS NOT NULL"
            " AND error_message NOT LIKE 'Not sent:%%'"
            " AND notified_error IS DISTINCT FROM error_message"
            " RETURNING res_id, error_message",
            (backend.id, entity_type, tuple(refs)),
        )
        rows = self.env.cr.fetchall()
        if not rows:
            return
        if entity_type == "candidate":
            self.env.cr.execute(
                "SELECT DISTINCT ON (linkedin_candidate_id) linkedin_candidate_id, id"
                " FROM hr_applicant WHERE linkedin_candidate_id IN %s"
                " ORDER BY linkedin_candidate_id, id DESC",
                (tuple(res_id for res_id, _message in rows),),
            )
            applicant_of = dict(self.env.cr.fetchall())
        else:
            applicant_of = {res_id: res_id for res_id, _message in rows}
        applicants = (
            self.env["hr.applicant"]
            .sudo()
            .with_context(active_test=False, mail_notrack=True)
        )
        for res_id, message in rows:
            applicant = applicants.browse(applicant_of.get(res_id)).exists()
            if not applicant:
                continue
            partners = applicant.user_id.partner_id.ids
            applicant.message_post(
                body=_("<p>LinkedIn did not accept this applicant: %s</p>")
                % html.escape(message),
                subtype="mail.mt_note",
                partner_ids=partners,
            )
        self.invalidate_cache()

    @api.multi
    def action_resync(self):
        """Queue the selected records to be sent again at the next flush."""
        changes = [
            {
                "backend_id": binding.backend_id.id,
                "entity_type": binding.entity_type,
                "local_ref": binding.local_ref,
                "operation": "upsert",
                "res_model": binding.res_model,
                "res_id": binding.res_id,
                "candidate_ref": binding.candidate_ref,
                "job_ref": binding.job_ref,
            }
            for binding in self
            if binding.state not in ("to_delete", "deleted")
        ]
        self.env["linkedin.outbox"].sudo().queue(changes)
        return True

    @api.model
    def summarize(self, refs):
        """Return ``(state, error)`` of the records ``[(entity type, ref)]``.

        The state is the worst of their states (failed, then deleted, delete
        pending, pending, synced), "none" when none was ever sent. The error
        lists LinkedIn's messages, leaving out "Not sent" messages that only
        repeat a parent's cause when a cause is present.
        """
        severity = ["none", "done", "pending", "to_delete", "deleted", "failed"]
        state, errors = "none", []
        for entity_type, ref in refs:
            for binding in self.search(
                [("entity_type", "=", entity_type), ("local_ref", "=", ref)]
            ):
                if severity.index(binding.state) > severity.index(state):
                    state = binding.state
                if binding.state == "failed" and binding.error_message:
                    errors.append(binding.error_message)
        causes = [error for error in errors if not error.startswith("Not sent:")]
        return state, "\n".join(causes or errors) or False

    @api.multi
    def action_show_requests(self):
        """Open the logged failed requests that carried this record."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": "Failed requests of %s" % self.local_ref,
            "res_model": "linkedin.request.log",
            "view_mode": "tree,form",
            "domain": [
                ("backend_id", "=", self.backend_id.id),
                ("record_refs", "like", "\n%s\n" % self.local_ref),
            ],
        }

    @api.model
    def refs_in_state(self, backend, entity_type, states):
        """Return the local refs of one entity type that are in ``states``."""
        self.env.cr.execute(
            "SELECT local_ref FROM linkedin_binding WHERE backend_id = %s"
            " AND entity_type = %s AND state IN %s",
            (backend.id, entity_type, tuple(states)),
        )
        return {row[0] for row in self.env.cr.fetchall()}

    @api.model
    def deleted_refs(self, backend, entity_type):
        """Return the local refs deleted on purpose, which a resync must skip."""
        return self.refs_in_state(backend, entity_type, ("to_delete", "deleted"))

    @api.model
    def queue_candidate_deletion(self, candidates):
        """Mark a candidate and everything sent under it for deletion.

        The candidate's candidate pipelines, interactions and resumes go with
        it; their stored remote keys are what the delete requests carry.
        """
        if not candidates:
            return
        self.env.cr.execute(
            "UPDATE linkedin_binding SET state = 'to_delete',"
            " write_date = now() AT TIME ZONE 'UTC'"
            " WHERE candidate_ref IN %s AND state IN ('pending', 'done', 'failed')",
            (tuple(candidates.ids),),
        )
        self.invalidate_cache()

    @api.model
    def counts(self, backend):
        """Return ``{entity_type: {state: count}}`` for one backend."""
        self.env.cr.execute(
            "SELECT entity_type, state, count(*) FROM linkedin_binding"
            " WHERE backend_id = %s GROUP BY entity_type, state",
            (backend.id,),
        )
        result = {}
        for entity_type, state, count in self.env.cr.fetchall():
            result.setdefault(entity_type, {})[state] = count
        return result

    @api.model
    def odoo_counts(self, company):
        """Count, from Odoo's own tables, the records LinkedIn must hold.

        The counts follow the mapping, not the sync's bookkeeping, so they
        can be checked against what LinkedIn reports: pipeline stages count
        job and stage pairs, candidates count persons.
        """
        cr = self.env.cr
        queries = {
            "job": "SELECT count(*) FROM hr_job WHERE company_id = %(c)s",
            "pipeline": "SELECT count(*) FROM hr_job WHERE company_id = %(c)s",
            "stage": "SELECT count(*) FROM hr_job j JOIN hr_recruitment_stage s"
            " ON s.job_id IS NULL OR s.job_id = j.id WHERE j.company_id = %(c)s",
            "candidate": "SELECT count(DISTINCT a.linkedin_candidate_id)"
            " FROM hr_applicant a JOIN linkedin_candidate c"
            " ON c.id = a.linkedin_candidate_id WHERE c.company_id = %(c)s",
            "candidate_pipeline": "SELECT count(*) FROM (SELECT DISTINCT"
            " a.linkedin_candidate_id, a.job_id FROM hr_applicant a"
            " JOIN linkedin_candidate c ON c.id = a.linkedin_candidate_id"
            " JOIN hr_job j ON j.id = a.job_id AND j.company_id = c.company_id"
            " WHERE c.company_id = %(c)s) AS pairs",
            "stage_history": "SELECT count(*) FROM linkedin_stage_history h"
            " JOIN linkedin_candidate c ON c.id = h.candidate_id"
            " JOIN hr_job j ON j.id = h.job_id AND j.company_id = c.company_id"
            " WHERE c.company_id = %(c)s AND h.stage_to_id IS NOT NULL",
            "interaction": "SELECT count(*) FROM mail_message m"
            " JOIN hr_applicant a ON a.id = m.res_id AND m.model = 'hr.applicant'"
            " JOIN linkedin_candidate c ON c.id = a.linkedin_candidate_id"
            " WHERE c.company_id = %(c)s AND m.message_type IN ('comment', 'email')"
            " AND COALESCE(m.body, '') <> ''",
            "resume": "SELECT count(*) FROM ir_attachment att"
            " JOIN hr_applicant a ON a.id = att.res_id"
            " JOIN linkedin_candidate c ON c.id = a.linkedin_candidate_id"
            " WHERE att.res_model = 'hr.applicant' AND att.res_field IS NULL"
            " AND c.company_id = %(c)s",
            "application": "SELECT count(*) FROM hr_applicant a"
            " JOIN linkedin_candidate c ON c.id = a.linkedin_candidate_id"
            " JOIN hr_job j ON j.id = a.job_id AND j.company_id = c.company_id"
            " WHERE c.company_id = %(c)s",
        }
        counts = {}
        for code, sql in queries.items():
            cr.execute(sql, {"c": company.id})
            counts[code] = cr.fetchone()[0]
        return counts

    @api.model
    def progress_table(self, backend):
        """Render the sync dashboard of a backend as an HTML table.

        Per entity type: the records in Odoo, those LinkedIn confirmed, changes waiting in the outbox, failed
        records (linked to their list) and whether the resource is held. The
        RSC rows show only while the backend has ``rsc_enabled``.
        """
        if not backend.id:
            return ""
        counts = self.counts(backend)
        outbox = self.env["linkedin.outbox"].sudo().counts(backend)
        total_of = self.odoo_counts(backend.company_id)
        holds = backend._holds()
        shown = entity_types_of(backend)
        rows = []
        for code, label, resource in ENTITY_TYPES:
            if code not in shown:
                continue
            states = counts.get(code, {})
            done = states.get("done", 0)
            failed = states.get("failed", 0)
            waiting = outbox.get(code, {})
            pending = waiting.get("pending", 0) + waiting.get("claimed", 0)
            pending += states.get("to_delete", 0)
            total = total_of.get(code, done + failed)
            hold = holds.get(resource)
            rows.append(
                "<tr><td>%s</td><td class='text-right'>%d</td>"
                "<td class='text-right'>%d</td><td class='text-right'>%d</td>"
                "<td class='text-right%s'>%d</td><td>%s</td></tr>"
                % (
                    html.escape(label),
                    total,
                    done,
                    pending,
                    " text-danger" if failed else "",
                    failed,
                    "until %s UTC" % hold["until"] if hold else "",
                )
            )
        return (
            "<table class='table table-condensed o_linkedin_progress'>"
            "<thead><tr><th>Entity</th><th class='text-right'>In Odoo</th>"
            "<th class='text-right'>Confirmed by LinkedIn</th>"
            "<th class='text-right'>Pending</th><th class='text-right'>Failed</th>"
            "<th>Held</th></tr></thead><tbody>%s</tbody></table>" % "".join(rows)
        )
