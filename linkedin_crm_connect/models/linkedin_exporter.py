import base64
import datetime
import json
import logging
import random
import time

from odoo import fields, models
from odoo.tools import html2plaintext

from ..linkedin import entities, errors
from ..linkedin.restli import body_key
from .linkedin_binding import (
    CRM_ENTITY_TYPES,
    ENTITY_TYPES,
    LABEL_OF,
    RESOURCE_OF,
    RSC_ENTITY_TYPES,
)
from .pacing_store import backend_pacer

_logger = logging.getLogger(__name__)

BATCH_SIZE = 100
#: Entity types whose queued deletes are sent, children first.
DELETE_ORDER = (
    "interaction",
    "stage_history",
    "candidate_pipeline",
    "application",
    "candidate",
    "stage",
    "pipeline",
)
#: Columns that an applicant's source category is computed from, for queries
#: on ``hr_applicant a``.
_SOURCE_COLUMNS = (
    " s.name AS source_name,"
    " s.linkedin_category_override AS source_category_override,"
    " m.name AS medium_name,"
    " (SELECT first.message_type = 'email' FROM mail_message first"
    "   WHERE first.model = 'hr.applicant' AND first.res_id = a.id"
    "   ORDER BY first.id LIMIT 1) AS arrived_by_email"
)
_SOURCE_JOINS = (
    " LEFT JOIN utm_source s ON s.id = a.source_id"
    " LEFT JOIN utm_medium m ON m.id = a.medium_id"
)
#: Attempts of one batch on 5xx, timeouts, connection errors and short 429s.
MAX_ATTEMPTS = 4
#: Seconds between two polls of LinkedIn's asynchronous job posting tasks.
JOB_TASK_POLL_SECONDS = 0.5
#: Polls of the job posting tasks before the remaining jobs are failed.
JOB_TASK_MAX_POLLS = 120


class SyncAborted(Exception):
    """A failure that no retry fixes: the whole run stops with this message."""


class ResourceHeld(SyncAborted):
    """LinkedIn's rate limit for one resource is spent until ``until`` (UTC)."""

    def __init__(self, message, resource, until):
        super().__init__(message)
        self.resource = resource
        self.until = until


#: Consecutive 429s on one resource after which it is held until UTC midnight.
MAX_CONSECUTIVE_429 = 5


def next_utc_midnight(now=None):
    """Return the next 00:00 UTC after ``now`` (a naive UTC datetime)."""
    now = now or datetime.datetime.now(datetime.UTC).replace(tzinfo=None)
    return datetime.datetime.combine(
        now.date() + datetime.timedelta(days=1), datetime.time.min
    )


class LinkedInExporter(models.AbstractModel):
    """Historical sync: push all of a company's recruitment data to LinkedIn.

    The data is read in bulk with SQL (one query per entity type), mapped by
    the framework-free ``linkedin.entities`` module and sent in dependency
    order, in batches of at most 100. Each entity's result, read from the
    batch response even when the HTTP status is 2xx, is booked in
    ``linkedin.binding`` with one statement per batch. A record whose parent
    failed is not sent: it is booked failed with the parent's reason, so
    every Odoo record ends as synced or failed with a stated reason.
    """

    _name = "linkedin.exporter"
    _description = "LinkedIn historical sync"

    def run(self, backend, commit=False, rsc=False):
        """Run the historical sync of ``backend`` and return its summary.

        The CRM sync sends the CRM Connect entity types and books its state
        in ``sync_state``. With ``rsc`` only the Recruiter System Connect
        types are sent and booked in ``rsc_sync_state``. An application
        whose candidate is not synced fails with that reason and is queued
        again when a flush syncs the candidate. The summary maps ``counts``
        to ``{entity_type: {state: count}}`` of the types sent, ``totals``
        to the records found per type and ``seconds`` to the time spent
        sending each type.
        """
        types = RSC_ENTITY_TYPES if rsc else CRM_ENTITY_TYPES
        run = _Run(self.env, backend, commit, types=types)
        return run.execute()


class _Run:
    """State of one historical sync run."""

    def __init__(self, env, backend, commit, types=CRM_ENTITY_TYPES):
        self.env = env
        self.backend = backend
        self.commit_enabled = commit
        #: Entity type codes this run sends, in dependency order.
        self.types = tuple(types)
        #: Prefix of the backend fields that show this run's state.
        self.state_prefix = "rsc_sync" if self.types == RSC_ENTITY_TYPES else "sync"
        self.company = backend.company_id
        self.context = backend.organization_urn
        #: Local refs of the records in the request being sent, for the log.
        self.current_refs = []
        self.client = backend._client(
            on_failure=lambda record: backend._log_failed_request(
                record, refs=self.current_refs
            )
        )
        self.bindings = env["linkedin.binding"].sudo()
        #: Seconds spent sending each entity type, for the summary.
        self.timings = {}
        self.pacer = backend_pacer(env.cr.dbname, backend.id)
        #: Consecutive 429 responses per resource, reset by a success.
        self.rate_limited = {}
        #: Filter of the extraction in progress (see ``_extract``).
        self.only = None
        # Per parent entity type, {local_ref: reason} of records not synced.
        self.parent_failures = {}
        self.job_rows = None

    # -- driver -------------------------------------------------------------

    def execute(self):
        started = time.time()
        prefix = self.state_prefix
        self.backend.write(
            {
                prefix + "_state": "running",
                prefix + "_started_at": fields.Datetime.now(),
                prefix + "_finished_at": False,
                prefix + "_message": False,
            }
        )
        # Journal rows first, so the backfill does not add a second history
        # row for a move that the journal already records. A CRM sync sends
        # the company's current candidates, candidate pipelines and stage
        # history, so the company's rows queue nothing then.
        crm_sync = "candidate_pipeline" in self.types
        self.env["linkedin.capture.journal"].ingest(
            syncing_company=self.company if crm_sync else None
        )
        self.env["linkedin.candidate"].assign_candidates(self.company)
        self.env["linkedin.stage.history"].sudo().backfill(self.company)
        items = {code: self._extract(code) for code in self.types}
        totals = {code: len(rows) for code, rows in items.items()}
        self._commit()
        _logger.info(
            "linkedin backend %s: historical sync started, %s",
            self.backend.id,
            ", ".join("%s %d" % (code, count) for code, count in totals.items()),
        )
        try:
            self._send_deletes()
            for code in self.types:
                self._send(code, items[code])
                self._commit()
        except SyncAborted as exc:
            self._finish("failed", str(exc))
            raise
        counts = {
            code: states
            for code, states in self.bindings.counts(self.backend).items()
            if code in self.types
        }
        failed = sum(states.get("failed", 0) for states in counts.values())
        message = "%d records synced, %d failed, in %.1f s." % (
            sum(states.get("done", 0) for states in counts.values()),
            failed,
            time.time() - started,
        )
        self._finish("done_errors" if failed else "done", message)
        return {"counts": counts, "totals": totals, "seconds": self.timings}

    def _finish(self, state, message):
        _logger.info(
            "linkedin backend %s: %s %s: %s",
            self.backend.id,
            "RSC historical sync"
            if self.state_prefix == "rsc_sync"
            else "historical sync",
            state,
            message,
        )
        prefix = self.state_prefix
        values = {
            prefix + "_state": state,
            prefix + "_finished_at": fields.Datetime.now(),
            prefix + "_message": message,
        }
        if state == "failed":
            values.update(state="action_required", state_reason=message)
        elif self.backend.state == "draft":
            values["state"] = "connected"
        self.backend.write(values)
        self._commit()

    def _commit(self):
        if self.commit_enabled:
            self.env.cr.commit()

    # -- extraction ---------------------------------------------------------

    def _extract(self, code, only=None):
        """Read the records of one entity type, all of them or those in ``only``.

        ``only`` is a collection of ids or, for stages and candidate
        pipelines, of ``(parent id, id)`` pairs; a flush passes the records
        of its claimed outbox rows.
        """
        self.only = tuple(only) if only is not None else None
        if self.only == ():
            return []
        rows = getattr(self, "_extract_%s" % code)()
        if self.only is not None:
            # A flush sends what a change asked for, deleted before or not.
            return rows
        skipped = self.bindings.deleted_refs(self.backend, code)
        if code == "resume":
            # Every upload creates a new resume on LinkedIn, so a resume
            # already held is not sent again.
            skipped |= self.bindings.refs_in_state(self.backend, code, ("done",))
        return [row for row in rows if row["local_ref"] not in skipped]

    def _query(self, sql, params):
        self.env.cr.execute(sql, params)
        names = [column[0] for column in self.env.cr.description]
        return [dict(zip(names, row)) for row in self.env.cr.fetchall()]

    def _filter(self, column):
        """Return an SQL condition restricting ``column`` to ``self.only``."""
        if self.only is None:
            return "", {}
        return " AND %s IN %%(only)s" % column, {"only": self.only}

    def _jobs(self):
        if self.job_rows is None:
            self.job_rows = self._query(
                "SELECT j.id, j.name, j.description, j.state = 'recruit' AS recruiting,"
                " j.create_date AS created, j.write_date AS modified,"
                " ap.city, ac.name AS country, up.email AS owner_email"
                " FROM hr_job j"
                " JOIN res_company co ON co.id = j.company_id"
                " LEFT JOIN res_partner ap"
                "   ON ap.id = COALESCE(j.address_id, co.partner_id)"
                " LEFT JOIN res_country ac ON ac.id = ap.country_id"
                " LEFT JOIN res_users u ON u.id = j.user_id"
                " LEFT JOIN res_partner up ON up.id = u.partner_id"
                " WHERE j.company_id = %s ORDER BY j.id",
                (self.company.id,),
            )
        return self.job_rows

    def _extract_job(self):
        wanted = set(self.only) if self.only is not None else None
        return [
            dict(
                job,
                local_ref="job:%d" % job["id"],
                res_model="hr.job",
                res_id=job["id"],
                job_ref=job["id"],
            )
            for job in self._jobs()
            if wanted is None or job["id"] in wanted
        ]

    def _extract_pipeline(self):
        return self._extract_job()

    def _extract_stage(self):
        stages = self._query(
            "SELECT id, name, job_id, create_date AS created,"
            " linkedin_category_override AS category_override"
            " FROM hr_recruitment_stage ORDER BY sequence, id",
            (),
        )
        rows = []
        wanted = set(self.only) if self.only is not None else None
        for job in self._jobs():
            for stage in stages:
                if stage["job_id"] and stage["job_id"] != job["id"]:
                    continue
                if wanted is not None and (job["id"], stage["id"]) not in wanted:
                    continue
                rows.append(
                    dict(
                        stage,
                        local_ref="job:%d:stage:%d" % (job["id"], stage["id"]),
                        res_model="hr.recruitment.stage",
                        res_id=stage["id"],
                        job_ref=job["id"],
                    )
                )
        return rows

    def _extract_candidate(self):
        rows = self._query(
            "SELECT c.id, c.person_urn, c.email_normalized,"
            " (array_agg(COALESCE(NULLIF(trim(a.partner_name), ''), p.name)"
            "   ORDER BY a.id DESC))[1] AS name,"
            " (array_agg(COALESCE(NULLIF(trim(a.email_from), ''), p.email)"
            "   ORDER BY a.id DESC) FILTER (WHERE"
            "   COALESCE(NULLIF(trim(a.email_from), ''), p.email) IS NOT NULL))[1]"
            "   AS raw_email,"
            " array_remove(array_agg(DISTINCT a.partner_phone)"
            "   || array_agg(DISTINCT a.partner_mobile), NULL) AS phones,"
            " min(a.create_date) AS created, max(a.write_date) AS modified"
            " FROM linkedin_candidate c"
            " JOIN hr_applicant a ON a.linkedin_candidate_id = c.id"
            " LEFT JOIN res_partner p ON p.id = a.partner_id"
            " WHERE c.company_id = %(company)s"
            + self._filter("c.id")[0]
            + " GROUP BY c.id ORDER BY c.id",
            dict(self._filter("c.id")[1], company=self.company.id),
        )
        for row in rows:
            # The latest applicant's email is sent, so a changed email
            # reaches LinkedIn; email_normalized only groups applicants.
            row["email"] = (
                entities.clean_email(row["raw_email"] or "")
                or row["email_normalized"]
                or ""
            )
            row["phones"] = sorted({phone for phone in row["phones"] if phone})
            row.update(
                local_ref="candidate:%d" % row["id"],
                res_model="linkedin.candidate",
                res_id=row["id"],
                candidate_ref=row["id"],
            )
        return rows

    def _extract_candidate_pipeline(self):
        rows = self._query(
            "SELECT DISTINCT ON (a.linkedin_candidate_id, a.job_id)"
            " a.id, a.linkedin_candidate_id AS candidate_id, a.job_id, a.stage_id,"
            " a.create_date AS created, a.active,"
            + _SOURCE_COLUMNS
            + " FROM hr_applicant a"
            " JOIN linkedin_candidate c ON c.id = a.linkedin_candidate_id"
            " JOIN hr_job j ON j.id = a.job_id AND j.company_id = c.company_id"
            + _SOURCE_JOINS
            + " WHERE c.company_id = %(company)s"
            + self._filter("(a.linkedin_candidate_id, a.job_id)")[0]
            + " ORDER BY a.linkedin_candidate_id, a.job_id, a.active DESC, a.id DESC",
            dict(
                self._filter("(a.linkedin_candidate_id, a.job_id)")[1],
                company=self.company.id,
            ),
        )
        for row in rows:
            row.update(
                local_ref="candidate:%d:job:%d" % (row["candidate_id"], row["job_id"]),
                res_model="hr.applicant",
                res_id=row["id"],
                candidate_ref=row["candidate_id"],
                job_ref=row["job_id"],
            )
        return rows

    def _extract_stage_history(self):
        rows = self._query(
            "SELECT h.id, h.candidate_id, h.job_id, h.stage_from_id, h.stage_to_id,"
            " h.changed_at FROM linkedin_stage_history h"
            " JOIN linkedin_candidate c ON c.id = h.candidate_id"
            " JOIN hr_job j ON j.id = h.job_id AND j.company_id = c.company_id"
            " WHERE c.company_id = %(company)s AND h.stage_to_id IS NOT NULL"
            + self._filter("h.id")[0]
            + " ORDER BY h.id",
            dict(self._filter("h.id")[1], company=self.company.id),
        )
        for row in rows:
            row.update(
                local_ref="history:%d" % row["id"],
                res_model="linkedin.stage.history",
                res_id=row["id"],
                candidate_ref=row["candidate_id"],
                job_ref=row["job_id"],
            )
        return rows

    def _extract_interaction(self):
        rows = self._query(
            "SELECT m.id, m.body, m.message_type = 'email' AS is_email,"
            " m.date AS created, m.write_date AS modified, au.name AS author_name,"
            " a.linkedin_candidate_id AS candidate_id, j.id AS job_id,"
            " a.id AS applicant_id"
            " FROM mail_message m"
            " JOIN hr_applicant a ON a.id = m.res_id AND m.model = 'hr.applicant'"
            " JOIN linkedin_candidate c ON c.id = a.linkedin_candidate_id"
            " LEFT JOIN hr_job j ON j.id = a.job_id AND j.company_id = c.company_id"
            " LEFT JOIN res_partner au ON au.id = m.author_id"
            " WHERE c.company_id = %(company)s"
            " AND m.message_type IN ('comment', 'email')"
            " AND COALESCE(m.body, '') <> ''"
            + self._filter("m.id")[0]
            + " ORDER BY m.id",
            dict(self._filter("m.id")[1], company=self.company.id),
        )
        kept = []
        for row in rows:
            row["content"] = html2plaintext(row.pop("body") or "").strip()
            if not row["content"]:
                continue
            row.update(
                local_ref="message:%d" % row["id"],
                res_model="mail.message",
                res_id=row["id"],
                candidate_ref=row["candidate_id"],
                job_ref=row["job_id"],
            )
            kept.append(row)
        return kept

    def _extract_resume(self):
        rows = self._query(
            "SELECT att.id, COALESCE(att.datas_fname, att.name) AS file_name,"
            " att.mimetype, COALESCE(att.file_size, 0) AS size,"
            " a.linkedin_candidate_id AS candidate_id"
            " FROM ir_attachment att"
            " JOIN hr_applicant a ON a.id = att.res_id"
            " JOIN linkedin_candidate c ON c.id = a.linkedin_candidate_id"
            " WHERE att.res_model = 'hr.applicant' AND att.res_field IS NULL"
            " AND c.company_id = %(company)s"
            + self._filter("att.id")[0]
            + " ORDER BY att.id",
            dict(self._filter("att.id")[1], company=self.company.id),
        )
        for row in rows:
            row.update(
                local_ref="attachment:%d" % row["id"],
                res_model="ir.attachment",
                res_id=row["id"],
                candidate_ref=row["candidate_id"],
            )
        return rows

    def _extract_application(self):
        rows = self._query(
            "SELECT a.id, a.linkedin_candidate_id AS candidate_id, a.job_id,"
            " j.name AS job_name, a.stage_id, st.name AS stage_name,"
            " a.create_date AS created, a.write_date AS modified, a.active,"
            " COALESCE(NULLIF(trim(a.partner_name), ''), p.name) AS name,"
            " COALESCE(NULLIF(trim(a.email_from), ''), p.email) AS email,"
            + _SOURCE_COLUMNS
            + " FROM hr_applicant a"
            " JOIN linkedin_candidate c ON c.id = a.linkedin_candidate_id"
            " JOIN hr_job j ON j.id = a.job_id AND j.company_id = c.company_id"
            " LEFT JOIN hr_recruitment_stage st ON st.id = a.stage_id"
            " LEFT JOIN res_partner p ON p.id = a.partner_id"
            + _SOURCE_JOINS
            + " WHERE c.company_id = %(company)s"
            + self._filter("a.id")[0]
            + " ORDER BY a.id",
            dict(self._filter("a.id")[1], company=self.company.id),
        )
        changes = {}
        if rows:
            # The stage history of each applicant, oldest first, for the
            # entity's stages array.
            for change in self._query(
                "SELECT h.applicant_id, s.name AS stage,"
                " previous.name AS previous_stage, h.changed_at"
                " FROM linkedin_stage_history h"
                " JOIN hr_recruitment_stage s ON s.id = h.stage_to_id"
                " LEFT JOIN hr_recruitment_stage previous"
                "   ON previous.id = h.stage_from_id"
                " WHERE h.applicant_id IN %s ORDER BY h.changed_at, h.id",
                (tuple(row["id"] for row in rows),),
            ):
                changes.setdefault(change["applicant_id"], []).append(change)
        for row in rows:
            row["stage_changes"] = changes.get(row["id"], [])
            row.update(
                local_ref="application:%d" % row["id"],
                res_model="hr.applicant",
                res_id=row["id"],
                candidate_ref=row["candidate_id"],
                job_ref=row["job_id"],
            )
        return rows

    # -- sending ------------------------------------------------------------

    def _send(self, code, rows):
        started = time.time()
        if code == "job":
            self._send_jobs(rows)
        elif code == "resume":
            self._send_resumes(rows)
        else:
            for start in range(0, len(rows), BATCH_SIZE):
                self._send_batch(code, rows[start : start + BATCH_SIZE])
                self._commit()
        self.timings[code] = time.time() - started
        _logger.info(
            "linkedin backend %s: %s: %d records sent in %.2f s",
            self.backend.id,
            code,
            len(rows),
            self.timings[code],
        )

    def _failed_parents(self, code):
        """Return ``{local_ref: message}`` of records of ``code`` not synced."""
        self.env.cr.execute(
            "SELECT local_ref, COALESCE(error_message, state) FROM linkedin_binding"
            " WHERE backend_id = %s AND entity_type = %s AND state <> 'done'",
            (self.backend.id, code),
        )
        return dict(self.env.cr.fetchall())

    def _parent_problem(self, code, row):
        """Return why ``row`` cannot be sent because a parent is not synced."""
        parents = []
        if row.get("candidate_ref") and code != "candidate":
            parents.append(("candidate", "candidate:%d" % row["candidate_ref"]))
        if row.get("job_ref") and code in (
            "stage",
            "candidate_pipeline",
            "interaction",
        ):
            parents.append(("pipeline", "job:%d" % row["job_ref"]))
        if code == "stage_history":
            parents.append(
                (
                    "candidate_pipeline",
                    "candidate:%d:job:%d" % (row["candidate_ref"], row["job_ref"]),
                )
            )
        if code == "candidate_pipeline" and row.get("stage_id"):
            parents.append(
                ("stage", "job:%d:stage:%d" % (row["job_ref"], row["stage_id"]))
            )
        for parent_code, ref in parents:
            failed = self.parent_failures.get(parent_code, {})
            if ref in failed:
                return "Not sent: its %s %s is not synced (%s)." % (
                    LABEL_OF[parent_code].lower().rstrip("s"),
                    ref,
                    failed[ref],
                )
        return None

    def _prepare(self, code, rows):
        """Split rows into ``(sendable, failed_results)`` for one batch."""
        for parent_code in ("candidate", "pipeline", "stage", "candidate_pipeline"):
            known = parent_code in self.parent_failures
            if not known and _order(parent_code) < _order(code):
                self.parent_failures[parent_code] = self._failed_parents(parent_code)
        sendable, failed = [], []
        for row in rows:
            problem = self._parent_problem(code, row)
            if problem:
                failed.append(_result(row, None, False, None, problem))
            else:
                sendable.append(row)
        return sendable, failed

    def _key_and_entity(self, code, row):
        ctx = self.context
        if code == "pipeline":
            key = entities.make_key(
                self.client.resource("tcrmPipelines"), ctx, tcrmPipelineId=row["id"]
            )
            return key, entities.pipeline_entity(row)
        if code == "stage":
            key = entities.make_key(
                self.client.resource("tcrmPipelineStages"),
                ctx,
                tcrmPipelineId=row["job_ref"],
                tcrmStageId=row["id"],
            )
            return key, entities.stage_entity(row)
        if code == "candidate":
            key = entities.make_key(
                self.client.resource("atsCandidates"),
                ctx,
                atsCandidateId=entities.candidate_id(row["id"]),
            )
            return key, entities.candidate_entity(row)
        if code == "candidate_pipeline":
            key = entities.make_key(
                self.client.resource("tcrmCandidatePipelines"),
                ctx,
                tcrmCandidateId=entities.candidate_id(row["candidate_id"]),
                tcrmPipelineId=row["job_id"],
            )
            return key, entities.candidate_pipeline_entity(row)
        if code == "stage_history":
            key = entities.make_key(
                self.client.resource("tcrmCandidatePipelineStages"),
                ctx,
                tcrmCandidateId=entities.candidate_id(row["candidate_id"]),
                tcrmPipelineId=row["job_id"],
                tcrmStageTransitionId=row["id"],
            )
            return key, entities.stage_history_entity(row)
        if code == "interaction":
            key = entities.make_key(
                self.client.resource("tcrmInteractions"),
                ctx,
                tcrmInteractionId=row["id"],
            )
            return key, entities.interaction_entity(row)
        if code == "application":
            key = entities.make_key(
                self.client.resource("atsApplications"),
                ctx,
                atsJobApplicationId=entities.application_id(row["id"]),
            )
            return key, entities.application_entity(row)
        raise ValueError("no batched resource for entity type %s" % code)

    def _send_batch(self, code, rows):
        sendable, results = self._prepare(code, rows)
        resource = RESOURCE_OF[code]
        if sendable:
            pairs = [(row, *self._key_and_entity(code, row)) for row in sendable]
            results.extend(self._upsert_isolating(code, resource, pairs))
        self.bindings.record_results(self.backend, code, results)
        if code in ("candidate", "pipeline", "stage", "candidate_pipeline"):
            failures = self.parent_failures.setdefault(code, {})
            for result in results:
                if not result["ok"]:
                    failures[result["local_ref"]] = result["message"]

    def _upsert_isolating(self, code, resource, pairs):
        """Send one batch; when LinkedIn rejects it whole, split it to find why.

        A 4xx on the whole batch is usually caused by one entity; halving the
        batch until that entity is alone lets the others through.
        """
        self.current_refs = [row["local_ref"] for row, _key, _entity in pairs]
        try:
            outcome = self._with_retry(
                resource,
                lambda: self.client.batch_upsert(
                    resource, [(key, entity) for _row, key, entity in pairs]
                ),
                count=len(pairs),
            )
        except errors.LinkedInError as exc:
            if not _is_entity_fault(exc):
                raise SyncAborted(_abort_message(resource, exc)) from exc
            if len(pairs) == 1:
                row, key, _entity = pairs[0]
                return [_result(row, key, False, exc.status, exc.message)]
            middle = len(pairs) // 2
            return self._upsert_isolating(
                code, resource, pairs[:middle]
            ) + self._upsert_isolating(code, resource, pairs[middle:])
        definition = self.client.resource(resource)
        results = []
        for row, key, _entity in pairs:
            entity_result = outcome.get(body_key(definition, key))
            if entity_result is None:
                results.append(_result(row, key, False, None, "no status returned"))
            else:
                results.append(
                    _result(
                        row,
                        key,
                        entity_result.ok,
                        entity_result.status,
                        entity_result.message,
                    )
                )
        return results

    def _with_retry(self, resource, call, *args, count=1):
        """Run ``call(*args)``, retrying transient failures with back-off.

        A 429 is retried after an exponential back-off with jitter. The fifth
        429 in a row on a resource, or one naming the daily limit, raises
        ResourceHeld until the next UTC midnight, because LinkedIn's daily
        counters reset then.
        """
        attempt = 0
        while True:
            attempt += 1
            self.pacer.wait(resource, count, self._records_per_minute(resource))
            try:
                result = call(*args)
                self.rate_limited[resource] = 0
                return result
            except errors.RateLimited as exc:
                self.pacer.release(resource, count)
                in_a_row = self.rate_limited.get(resource, 0) + 1
                self.rate_limited[resource] = in_a_row
                if exc.daily or in_a_row >= MAX_CONSECUTIVE_429:
                    until = next_utc_midnight()
                    raise ResourceHeld(
                        "%s held until %s UTC: %s" % (resource, until, exc),
                        resource,
                        until,
                    ) from exc
                delay = exc.retry_after or _backoff(in_a_row)
            except errors.TransientError as exc:
                if attempt >= MAX_ATTEMPTS:
                    raise SyncAborted(_abort_message(resource, exc)) from exc
                delay = _backoff(attempt)
            _logger.info(
                "linkedin backend %s: %s attempt %d failed, retrying in %.1f s",
                self.backend.id,
                resource,
                attempt,
                delay,
            )
            time.sleep(delay)

    def _send_deletes(self):
        """Send the queued deletes, children first, with the keys stored when queued.

        Jobs are closed rather than deleted on LinkedIn, and resume deletion
        has no documented endpoint, so those rows stay queued. Only the
        entity types of this run are sent.
        """
        for code in DELETE_ORDER:
            if code not in self.types:
                continue
            resource = RESOURCE_OF[code]
            self.env.cr.execute(
                "SELECT id, remote_key FROM linkedin_binding WHERE backend_id = %s"
                " AND entity_type = %s AND state = 'to_delete' ORDER BY id",
                (self.backend.id, code),
            )
            rows = self.env.cr.fetchall()
            never_sent = [binding_id for binding_id, key in rows if not key]
            self._mark_deleted(never_sent)
            queued = [(binding_id, json.loads(key)) for binding_id, key in rows if key]
            definition = self.client.resource(resource)
            for start in range(0, len(queued), BATCH_SIZE):
                batch = queued[start : start + BATCH_SIZE]
                self.current_refs = [
                    "binding %d" % binding_id for binding_id, _k in batch
                ]
                outcome = self._with_retry(
                    resource,
                    self.client.batch_delete,
                    resource,
                    [key for _id, key in batch],
                    count=len(batch),
                )
                deleted = []
                for binding_id, key in batch:
                    result = outcome.get(body_key(definition, key))
                    if result is not None and result.ok:
                        deleted.append(binding_id)
                    else:
                        self.env.cr.execute(
                            "UPDATE linkedin_binding SET error_message = %s,"
                            " error_status = %s WHERE id = %s",
                            (
                                result.message if result else "no status returned",
                                result.status if result else None,
                                binding_id,
                            ),
                        )
                self._mark_deleted(deleted)
                self._commit()
            if queued:
                _logger.info(
                    "linkedin backend %s: %s: %d deletes sent",
                    self.backend.id,
                    code,
                    len(queued),
                )

    def _mark_deleted(self, binding_ids):
        if binding_ids:
            self.env.cr.execute(
                "UPDATE linkedin_binding SET state = 'deleted', error_message = NULL,"
                " error_status = NULL, write_date = now() AT TIME ZONE 'UTC'"
                " WHERE id IN %s",
                (tuple(binding_ids),),
            )
            self.bindings.invalidate_cache()

    def _records_per_minute(self, resource):
        """Return the pacing limit of a resource, 0 when pacing is off."""
        if not self.backend.pace_requests:
            return 0
        return self.client.resource(resource).records_per_minute

    def _send_jobs(self, rows):
        pending = {}
        for start in range(0, len(rows), BATCH_SIZE):
            batch = rows[start : start + BATCH_SIZE]
            elements = [
                entities.job_posting_element(row, self.context) for row in batch
            ]
            outcome = self._with_retry(
                "simpleJobPostings",
                self.client.create_job_postings,
                elements,
                count=len(elements),
            )
            failed = []
            for row, created in zip(batch, outcome):
                if created.ok:
                    pending[created.id] = row
                else:
                    failed.append(
                        _result(row, None, False, created.status, created.message)
                    )
            self.bindings.record_results(self.backend, "job", failed)
        polls = 0
        while pending and polls < JOB_TASK_MAX_POLLS:
            polls += 1
            time.sleep(JOB_TASK_POLL_SECONDS)
            task_ids = list(pending)
            for start in range(0, len(task_ids), BATCH_SIZE):
                chunk = task_ids[start : start + BATCH_SIZE]
                tasks = self._with_retry(
                    "simpleJobPostingTasks",
                    self.client.get_job_tasks,
                    chunk,
                    count=len(chunk),
                )
                done = []
                for task_id in chunk:
                    task = tasks.get(task_id) or {}
                    status = task.get("status")
                    if status in ("SUCCEEDED", "FAILED"):
                        row = pending.pop(task_id)
                        done.append(
                            _result(
                                row,
                                None,
                                status == "SUCCEEDED",
                                None,
                                task.get("message") or "job posting task failed",
                            )
                        )
                self.bindings.record_results(self.backend, "job", done)
            self._commit()
        timed_out = [
            _result(row, None, False, None, "LinkedIn did not finish the job in time")
            for row in pending.values()
        ]
        self.bindings.record_results(self.backend, "job", timed_out)

    def _send_resumes(self, rows):
        attachments = self.env["ir.attachment"].sudo()
        batch = []
        for row in rows:
            problem = self._parent_problem("resume", row) or entities.resume_problem(
                row["file_name"], row["mimetype"], row["size"]
            )
            if problem:
                batch.append(_result(row, None, False, None, problem))
            else:
                batch.append(self._upload_resume(attachments, row))
            if len(batch) >= BATCH_SIZE:
                self.bindings.record_results(self.backend, "resume", batch)
                self._commit()
                batch = []
        self.bindings.record_results(self.backend, "resume", batch)

    def _upload_resume(self, attachments, row):
        self.current_refs = [row["local_ref"]]
        data = base64.b64decode(attachments.browse(row["id"]).datas or b"")
        key = entities.make_key(
            self.client.resource("atsCandidates"),
            self.context,
            atsCandidateId=entities.candidate_id(row["candidate_id"]),
        )
        try:
            urn = self._with_retry(
                "hireMediaUrl",
                lambda: self.client.upload_resume(
                    key,
                    self.backend.contract_urn,
                    row["mimetype"],
                    row["file_name"],
                    data,
                ),
            )
        except errors.LinkedInError as exc:
            if not _is_entity_fault(exc):
                raise SyncAborted(_abort_message("hireMediaUrl", exc)) from exc
            return _result(row, key, False, exc.status, exc.message)
        except ValueError as exc:
            # The client checks the file before sending: an empty file (for
            # example one missing from the filestore) fails this resume only.
            _logger.warning(
                "linkedin backend %s: resume %s not sent: %s",
                self.backend.id,
                row["local_ref"],
                exc,
            )
            return _result(row, key, False, None, str(exc))
        result = _result(row, key, True, None, None)
        result["remote_urn"] = urn
        return result


def _order(code):
    return [entry[0] for entry in ENTITY_TYPES].index(code)


def _result(row, key, ok, status, message):
    return {
        "local_ref": row["local_ref"],
        "res_model": row.get("res_model"),
        "res_id": row.get("res_id"),
        "candidate_ref": row.get("candidate_ref"),
        "job_ref": row.get("job_ref"),
        "remote_key": key,
        "ok": ok,
        "status": status,
        "message": message,
    }


def _is_entity_fault(exc):
    """Tell a 4xx caused by the data sent from one that stops the whole run."""
    if isinstance(
        exc,
        (
            errors.AccessDenied,
            errors.VersionError,
            errors.TokenRejected,
            errors.RateLimited,
            errors.TransientError,
        ),
    ):
        return False
    return exc.status is not None and 400 <= exc.status < 500


def _abort_message(resource, exc):
    return "Sync stopped on %s: %s" % (resource, exc)


def _backoff(attempt):
    """Return the delay before retry ``attempt``: 0.5 s doubled, with jitter."""
    return 0.5 * (2 ** (attempt - 1)) * (0.5 + random.random())
