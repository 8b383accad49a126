import contextlib
import logging

from odoo import api, models, tools
from psycopg2.extensions import TRANSACTION_STATUS_INERROR

from ..linkedin import entities, resources
from .sql_functions import NO_CAPTURE_SETTING

_logger = logging.getLogger(__name__)

#: Applicant fields LinkedIn receives on the candidate.
CANDIDATE_FIELDS = frozenset(
    ("partner_name", "email_from", "partner_phone", "partner_mobile", "partner_id")
)
#: Applicant fields LinkedIn receives on the candidate pipeline.
PIPELINE_FIELDS = frozenset(
    ("job_id", "stage_id", "active", "source_id", "medium_id", "company_id")
)
#: Job fields LinkedIn receives on the job posting and the pipeline.
JOB_FIELDS = frozenset(
    ("name", "description", "state", "address_id", "user_id", "company_id")
)
#: Applicant fields whose write the capture in Python handles. A stage move
#: is recorded in the capture journal by the trigger
#: ``linkedin_applicant_stage_changed``.
WRITE_HOOK_FIELDS = (CANDIDATE_FIELDS | PIPELINE_FIELDS) - {"stage_id"}
#: Stage fields LinkedIn receives on the pipeline stages.
STAGE_FIELDS = frozenset(("name", "job_id", "linkedin_category_override"))
#: Applicant fields whose write refreshes the stored name of its candidate.
CANDIDATE_NAME_FIELDS = frozenset(("partner_name", "partner_id"))
#: Context key set by code that writes back what LinkedIn returned, so the
#: write queues nothing. Creates and stage moves of applicants honour it
#: through the setting ``sql_functions.NO_CAPTURE_SETTING``, which their
#: triggers read.
NO_CAPTURE = "linkedin_no_capture"


def _record_id(value):
    """Return the id that a many2one value of ``write`` names, or None."""
    if isinstance(value, models.BaseModel):
        return value.id or None
    return value or None


class LinkedInCapture(models.AbstractModel):
    """Turn ORM changes into outbox rows, in the user's transaction.

    The model overrides call these methods with the records and, for writes
    and deletes, the values read before the change, so each record of a
    batch write keeps its own old values. Nothing here sends anything.
    """

    _name = "linkedin.capture"
    _description = "LinkedIn change capture"

    # -- helpers ------------------------------------------------------------

    def _enabled(self):
        return not self.env.context.get(NO_CAPTURE)

    @contextlib.contextmanager
    def trigger_capture_off(self):
        """Turn the capture triggers of ``hr.applicant`` off inside the block.

        The setting is local to the transaction and is cleared on leaving the
        block, so later creates and stage moves in the same transaction are
        captured. After a failed statement the transaction only accepts a
        rollback, which undoes the setting too, so it is left alone then.
        """
        cr = self.env.cr
        cr.execute("SELECT set_config(%s, 'on', true)", (NO_CAPTURE_SETTING,))
        try:
            yield
        finally:
            if cr._cnx.get_transaction_status() != TRANSACTION_STATUS_INERROR:
                cr.execute("SELECT set_config(%s, '', true)", (NO_CAPTURE_SETTING,))

    @tools.ormcache()
    def _backend_ids(self):
        """Return ``((company id, backend id), ...)`` of the active backends.

        Every captured change needs this map, so it is cached in the registry.
        ``linkedin.backend`` clears the cache when a backend is created or
        deleted, or its company or ``active`` changes.
        """
        self.env.cr.execute(
            "SELECT company_id, id FROM linkedin_backend WHERE active ORDER BY id"
        )
        return tuple(self.env.cr.fetchall())

    def _backends(self):
        """Return ``{company_id: backend}`` of the active backends."""
        backends = self.env["linkedin.backend"].sudo()
        return {
            company_id: backends.browse(backend_id)
            for company_id, backend_id in self._backend_ids()
        }

    def _delete_key(self, backend, resource_name, **ids):
        resource = resources.resolve(
            resource_name, backend.resource_setting_ids.as_overrides()
        )
        return entities.make_key(resource, backend.organization_urn or "", **ids)

    def _change(self, backend, entity_type, local_ref, operation, **extra):
        change = {
            "backend_id": backend.id,
            "entity_type": entity_type,
            "local_ref": local_ref,
            "operation": operation,
        }
        change.update(extra)
        return change

    def _queue(self, changes, history=()):
        """Queue changes, adding the stage history deletes of deleted pipelines.

        A candidate pipeline's stage history goes with it; PostgreSQL may
        remove the history rows by ON DELETE CASCADE, so their deletes are
        queued here, while the rows still exist. ``history`` lists stage
        changes to record, see ``linkedin.outbox.queue``.
        """
        pairs = {
            (change["candidate_ref"], change["job_ref"]): change["backend_id"]
            for change in changes
            if change["entity_type"] == "candidate_pipeline"
            and change["operation"] == "delete"
        }
        if pairs:
            backends = {b.id: b for b in self._backends().values()}
            self.env.cr.execute(
                "SELECT id, candidate_id, job_id FROM linkedin_stage_history"
                " WHERE (candidate_id, job_id) IN %s",
                (tuple(pairs),),
            )
            for history_id, candidate_id, job_id in self.env.cr.fetchall():
                backend = backends.get(pairs[(candidate_id, job_id)])
                if backend:
                    changes.append(
                        self._history_change(
                            backend, history_id, candidate_id, job_id, "delete"
                        )
                    )
        self.env["linkedin.outbox"].sudo().queue(changes, history)

    def _history_change(self, backend, history_id, candidate_id, job_id, operation):
        extra = {
            "res_model": "linkedin.stage.history",
            "res_id": history_id,
            "candidate_ref": candidate_id,
            "job_ref": job_id,
        }
        if operation == "delete":
            extra["remote_key"] = self._delete_key(
                backend,
                "tcrmCandidatePipelineStages",
                tcrmCandidateId=entities.candidate_id(candidate_id),
                tcrmPipelineId=job_id,
                tcrmStageTransitionId=history_id,
            )
        return self._change(
            backend, "stage_history", "history:%d" % history_id, operation, **extra
        )

    # -- candidates and candidate pipelines -----------------------------------

    def _candidate_change(self, backend, candidate_id, operation):
        extra = {
            "res_model": "linkedin.candidate",
            "res_id": candidate_id,
            "candidate_ref": candidate_id,
        }
        if operation == "delete":
            extra["remote_key"] = self._delete_key(
                backend,
                "atsCandidates",
                atsCandidateId=entities.candidate_id(candidate_id),
            )
        return self._change(
            backend, "candidate", "candidate:%d" % candidate_id, operation, **extra
        )

    def _pipeline_change(self, backend, candidate_id, job_id, operation):
        extra = {"candidate_ref": candidate_id, "job_ref": job_id}
        if operation == "delete":
            extra["remote_key"] = self._delete_key(
                backend,
                "tcrmCandidatePipelines",
                tcrmCandidateId=entities.candidate_id(candidate_id),
                tcrmPipelineId=job_id,
            )
        return self._change(
            backend,
            "candidate_pipeline",
            "candidate:%d:job:%d" % (candidate_id, job_id),
            operation,
            **extra,
        )

    def _pair_remains(self, candidate_id, job_id, excluded_ids):
        """Tell whether another applicant keeps (candidate, job) in a pipeline."""
        self.env.cr.execute(
            "SELECT 1 FROM hr_applicant WHERE linkedin_candidate_id = %s"
            " AND job_id = %s AND id NOT IN %s LIMIT 1",
            (candidate_id, job_id, tuple(excluded_ids) or (0,)),
        )
        return bool(self.env.cr.fetchone())

    def _candidate_remains(self, candidate_id, excluded_ids):
        self.env.cr.execute(
            "SELECT 1 FROM hr_applicant WHERE linkedin_candidate_id = %s"
            " AND id NOT IN %s LIMIT 1",
            (candidate_id, tuple(excluded_ids) or (0,)),
        )
        return bool(self.env.cr.fetchone())

    @api.model
    def applicant_snapshot(self, applicants, fields_written=None):
        """Return ``{id: (candidate id, job id, stage id, company id)}`` before a change.

        The company is the applicant's, else its job's. Values come from the
        ORM cache, which a read of one field fills for every record of the
        prefetch set in one query. ``hr.applicant.write`` reads ``stage_id``
        of each record before a stage move, so it then finds them there.
        Returns ``{}`` while capture is off, when no backend is active, or
        when ``fields_written`` contains no field that LinkedIn receives
        other than ``stage_id``, because no hook uses the snapshot then. A
        stage move is recorded by the trigger
        ``linkedin_applicant_stage_changed`` (see ``sql_functions``).
        """
        if not applicants or not self._enabled() or not self._backend_ids():
            return {}
        if fields_written is not None and not set(fields_written) & WRITE_HOOK_FIELDS:
            return {}
        snapshot = {}
        for applicant in applicants:
            company = applicant.company_id or applicant.job_id.sudo().company_id
            snapshot[applicant.id] = (
                applicant.linkedin_candidate_id.id or None,
                applicant.job_id.id or None,
                applicant.stage_id.id or None,
                company.id or None,
            )
        return snapshot

    def _read_snapshot(self, applicants):
        """Return the snapshot of ``applicant_snapshot`` as stored in the database."""
        self.env.cr.execute(
            "SELECT a.id, a.linkedin_candidate_id, a.job_id, a.stage_id,"
            " COALESCE(a.company_id, j.company_id)"
            " FROM hr_applicant a LEFT JOIN hr_job j ON j.id = a.job_id"
            " WHERE a.id IN %s",
            (tuple(applicants.ids),),
        )
        return {row[0]: row[1:] for row in self.env.cr.fetchall()}

    def _snapshot_after(self, applicants, vals, before):
        """Return the snapshot after a write of ``vals``, built without a read.

        A write of ``job_id`` or ``company_id`` can change the company, which
        may come from the job, so those writes read the rows again, as does
        a call that passes only field names. Applicants without a candidate
        are linked to one first.
        """
        unassigned = applicants.browse(
            [key for key, row in before.items() if not row[0]]
        )
        assigned = {}
        if unassigned:
            candidates = self.env["linkedin.candidate"]
            assigned = {
                applicant_id: candidate_id
                for applicant_id, _job, _company, candidate_id, _queued in (
                    candidates.assign_new(unassigned)
                )
            }
        if not isinstance(vals, dict) or "job_id" in vals or "company_id" in vals:
            return self._read_snapshot(applicants)
        stage_written = "stage_id" in vals
        new_stage = _record_id(vals.get("stage_id"))
        return {
            applicant_id: (
                candidate_id or assigned.get(applicant_id),
                job_id,
                new_stage if stage_written else stage_id,
                company_id,
            )
            for applicant_id, (candidate_id, job_id, stage_id, company_id) in (
                before.items()
            )
        }

    @api.model
    def applicants_written(self, applicants, vals, before):
        """Queue what a write changed, from each applicant's own old values.

        ``vals`` are the values written, or only the names of the fields
        written, and ``before`` is the ``applicant_snapshot`` taken before
        the write. The stage history row of a stage move and its upsert are
        left to the capture journal, in which the trigger
        ``linkedin_applicant_stage_changed`` recorded the move inside the
        write, so a write of ``stage_id`` with other fields records each move
        once. The candidate pipeline upserts queued here coalesce with the
        journal's at the next flush.
        """
        if not self._enabled() or not before:
            return
        fields_written = set(vals)
        touches_candidate = bool(fields_written & CANDIDATE_FIELDS)
        touches_pipeline = bool(fields_written & PIPELINE_FIELDS)
        if not (touches_candidate or touches_pipeline):
            return
        backends = self._backends()
        if not backends:
            return
        after = self._snapshot_after(applicants, vals, before)
        changes = []
        for applicant_id, (candidate_id, job_id, _stage, company_id) in after.items():
            backend = backends.get(company_id)
            if not backend or not candidate_id:
                continue
            old_candidate, old_job, _old_stage, _old_company = before.get(
                applicant_id, (None, None, None, None)
            )
            if touches_candidate or old_candidate != candidate_id:
                changes.append(self._candidate_change(backend, candidate_id, "upsert"))
            if touches_pipeline or old_candidate != candidate_id:
                if job_id:
                    changes.append(
                        self._pipeline_change(backend, candidate_id, job_id, "upsert")
                    )
                old_pair = (old_candidate or candidate_id, old_job)
                if old_job and old_pair != (candidate_id, job_id):
                    operation = (
                        "upsert"
                        if self._pair_remains(old_pair[0], old_job, [applicant_id])
                        else "delete"
                    )
                    changes.append(
                        self._pipeline_change(backend, old_pair[0], old_job, operation)
                    )
        if fields_written & CANDIDATE_NAME_FIELDS:
            self.env["linkedin.candidate"]._refresh_person(
                {row[0] for row in after.values() if row[0]}
            )
        self._queue(changes)

    @api.model
    def applicants_deleted(self, before):
        """Queue the deletes of applicants about to be unlinked, with cascades.

        The candidate pipeline goes unless another applicant of the same
        candidate keeps it; the candidate goes with its last applicant.
        Messages are deleted through the ORM before the applicant and queue
        their own deletes. Attachments are deleted after the applicant row,
        when their owner can no longer be found, so their deletes are queued
        here.
        """
        if not self._enabled() or not before:
            return
        backends = self._backends()
        gone = list(before)
        changes = []
        dead_candidates = set()
        for candidate_id, job_id, _stage, company_id in before.values():
            backend = backends.get(company_id)
            if not backend or not candidate_id:
                continue
            if job_id:
                operation = (
                    "upsert"
                    if self._pair_remains(candidate_id, job_id, gone)
                    else "delete"
                )
                changes.append(
                    self._pipeline_change(backend, candidate_id, job_id, operation)
                )
            if self._candidate_remains(candidate_id, gone):
                changes.append(self._candidate_change(backend, candidate_id, "upsert"))
            else:
                changes.append(self._candidate_change(backend, candidate_id, "delete"))
                dead_candidates.add(candidate_id)
        candidate_of = {
            applicant_id: (row[0], row[3]) for applicant_id, row in before.items()
        }
        self.env.cr.execute(
            "SELECT id, applicant_id, candidate_id, job_id FROM linkedin_stage_history"
            " WHERE applicant_id IN %s",
            (tuple(gone),),
        )
        for history_id, applicant_id, candidate_id, job_id in self.env.cr.fetchall():
            backend = backends.get(before[applicant_id][3])
            if backend:
                changes.append(
                    self._history_change(
                        backend, history_id, candidate_id, job_id, "delete"
                    )
                )
        self.env.cr.execute(
            "SELECT id, res_id FROM ir_attachment WHERE res_model = 'hr.applicant'"
            " AND res_field IS NULL AND res_id IN %s",
            (tuple(gone),),
        )
        for attachment_id, applicant_id in self.env.cr.fetchall():
            candidate_id, company_id = candidate_of[applicant_id]
            backend = backends.get(company_id)
            if backend and candidate_id:
                changes.append(
                    self._resume_change(backend, attachment_id, candidate_id, "delete")
                )
        self._queue(changes)
        return dead_candidates

    @api.model
    def candidates_written(self, candidates):
        """Queue candidate upserts after a change of the candidate itself."""
        if not self._enabled():
            return
        backends = self._backends()
        changes = [
            self._candidate_change(backends[c.company_id.id], c.id, "upsert")
            for c in candidates
            if c.company_id.id in backends
        ]
        self._queue(changes)

    @api.model
    def candidate_refreshed(self, candidate):
        """Queue a candidate and all its candidate pipelines, after a merge."""
        if not self._enabled():
            return
        backend = self._backends().get(candidate.company_id.id)
        if not backend:
            return
        self.env.cr.execute(
            "SELECT DISTINCT job_id FROM hr_applicant"
            " WHERE linkedin_candidate_id = %s AND job_id IS NOT NULL",
            (candidate.id,),
        )
        changes = [self._candidate_change(backend, candidate.id, "upsert")]
        changes += [
            self._pipeline_change(backend, candidate.id, job_id, "upsert")
            for (job_id,) in self.env.cr.fetchall()
        ]
        self._queue(changes)

    # -- jobs and stages ----------------------------------------------------

    def _stage_pairs(self, job_ids=None, stage_ids=None):
        """Return ``[(job id, stage id, company id)]`` of the stages of jobs."""
        where, params = [], []
        if job_ids is not None:
            where.append("j.id IN %s")
            params.append(tuple(job_ids) or (0,))
        if stage_ids is not None:
            where.append("s.id IN %s")
            params.append(tuple(stage_ids) or (0,))
        self.env.cr.execute(
            "SELECT j.id, s.id, j.company_id FROM hr_job j"
            " JOIN hr_recruitment_stage s ON s.job_id IS NULL OR s.job_id = j.id"
            + (" WHERE " + " AND ".join(where) if where else ""),
            params,
        )
        return self.env.cr.fetchall()

    def _stage_change(self, backend, job_id, stage_id, operation):
        extra = {
            "res_model": "hr.recruitment.stage",
            "res_id": stage_id,
            "job_ref": job_id,
        }
        if operation == "delete":
            extra["remote_key"] = self._delete_key(
                backend,
                "tcrmPipelineStages",
                tcrmPipelineId=job_id,
                tcrmStageId=stage_id,
            )
        return self._change(
            backend, "stage", "job:%d:stage:%d" % (job_id, stage_id), operation, **extra
        )

    @api.model
    def jobs_changed(self, jobs, fields_written=None):
        """Queue job and pipeline upserts, and the new job's stages."""
        if not self._enabled():
            return
        if fields_written is not None and not set(fields_written) & JOB_FIELDS:
            return
        backends = self._backends()
        changes = []
        for job in jobs:
            backend = backends.get(job.company_id.id)
            if not backend:
                continue
            for entity_type in ("job", "pipeline"):
                changes.append(
                    self._change(
                        backend,
                        entity_type,
                        "job:%d" % job.id,
                        "upsert",
                        res_model="hr.job",
                        res_id=job.id,
                        job_ref=job.id,
                    )
                )
        if fields_written is None:
            for job_id, stage_id, company_id in self._stage_pairs(job_ids=jobs.ids):
                if company_id in backends:
                    changes.append(
                        self._stage_change(
                            backends[company_id], job_id, stage_id, "upsert"
                        )
                    )
        self._queue(changes)

    @api.model
    def jobs_deleted(self, jobs):
        """Queue the deletes of jobs about to be unlinked, with every cascade.

        The pipeline goes with its stages (job-specific stages are removed by
        PostgreSQL's ON DELETE CASCADE, never through unlink), its candidate
        pipelines and the interactions sent under it; the job posting is
        closed, because LinkedIn closes a job rather than deleting it.
        """
        if not self._enabled():
            return
        backends = self._backends()
        changes = []
        for job in jobs:
            backend = backends.get(job.company_id.id)
            if not backend:
                continue
            element = {
                "integrationContext": backend.organization_urn,
                "externalJobPostingId": str(job.id),
                "title": (job.name or "")[: entities.JOB_TITLE_MAX],
                "description": job.description or job.name or "",
                "availability": "PRIVATE_TO_ATS_INTEGRATION",
                "state": "CLOSED",
            }
            changes.append(
                self._change(
                    backend,
                    "job",
                    "job:%d" % job.id,
                    "delete",
                    job_ref=job.id,
                    remote_key=element,
                )
            )
            changes.append(
                self._change(
                    backend,
                    "pipeline",
                    "job:%d" % job.id,
                    "delete",
                    job_ref=job.id,
                    remote_key=self._delete_key(
                        backend, "tcrmPipelines", tcrmPipelineId=job.id
                    ),
                )
            )
            for job_id, stage_id, _company in self._stage_pairs(job_ids=[job.id]):
                changes.append(self._stage_change(backend, job_id, stage_id, "delete"))
            self.env.cr.execute(
                "SELECT DISTINCT linkedin_candidate_id FROM hr_applicant"
                " WHERE job_id = %s AND linkedin_candidate_id IS NOT NULL",
                (job.id,),
            )
            for (candidate_id,) in self.env.cr.fetchall():
                changes.append(
                    self._pipeline_change(backend, candidate_id, job.id, "delete")
                )
            self.env.cr.execute(
                "SELECT m.id, a.linkedin_candidate_id FROM mail_message m"
                " JOIN hr_applicant a ON a.id = m.res_id AND m.model = 'hr.applicant'"
                " WHERE a.job_id = %s AND m.message_type IN ('comment', 'email')",
                (job.id,),
            )
            for message_id, candidate_id in self.env.cr.fetchall():
                changes.append(
                    self._interaction_change(
                        backend, message_id, candidate_id, "delete"
                    )
                )
        self._queue(changes)

    @api.model
    def stages_changed(self, stages, before_jobs=None):
        """Queue the pipeline stages of changed stages for every job they apply to.

        ``before_jobs`` maps a stage id to the job it applied to before the
        write (``None`` for all jobs); pairs that no longer apply are deleted.
        """
        if not self._enabled():
            return
        backends = self._backends()
        changes = []
        current = set()
        for job_id, stage_id, company_id in self._stage_pairs(stage_ids=stages.ids):
            current.add((job_id, stage_id))
            if company_id in backends:
                changes.append(
                    self._stage_change(backends[company_id], job_id, stage_id, "upsert")
                )
        for stage_id, old_job in (before_jobs or {}).items():
            job_filter = None if old_job is None else [old_job]
            for job_id, _stage, company_id in self._stage_pairs(job_ids=job_filter):
                pair = (job_id, stage_id)
                if pair not in current and company_id in backends:
                    changes.append(
                        self._stage_change(
                            backends[company_id], job_id, stage_id, "delete"
                        )
                    )
        self._queue(changes)

    @api.model
    def stages_deleted(self, stages):
        """Queue the deletes of stages about to be unlinked.

        Their applicants lose their stage (the column is set to NULL), so
        the candidate pipelines in them are queued for an update.
        """
        if not self._enabled():
            return
        backends = self._backends()
        changes = [
            self._stage_change(backends[company_id], job_id, stage_id, "delete")
            for job_id, stage_id, company_id in self._stage_pairs(stage_ids=stages.ids)
            if company_id in backends
        ]
        self.env.cr.execute(
            "SELECT DISTINCT a.linkedin_candidate_id, a.job_id,"
            " COALESCE(a.company_id, j.company_id)"
            " FROM hr_applicant a JOIN hr_job j ON j.id = a.job_id"
            " WHERE a.stage_id IN %s AND a.linkedin_candidate_id IS NOT NULL",
            (tuple(stages.ids),),
        )
        for candidate_id, job_id, company_id in self.env.cr.fetchall():
            if company_id in backends:
                changes.append(
                    self._pipeline_change(
                        backends[company_id], candidate_id, job_id, "upsert"
                    )
                )
        self._queue(changes)

    @api.model
    def sources_changed(self, sources):
        """Queue the candidate pipelines of applicants from changed sources."""
        if not self._enabled() or not sources:
            return
        backends = self._backends()
        self.env.cr.execute(
            "SELECT DISTINCT a.linkedin_candidate_id, a.job_id,"
            " COALESCE(a.company_id, j.company_id)"
            " FROM hr_applicant a JOIN hr_job j ON j.id = a.job_id"
            " WHERE a.source_id IN %s AND a.linkedin_candidate_id IS NOT NULL",
            (tuple(sources.ids),),
        )
        changes = [
            self._pipeline_change(backends[company_id], candidate_id, job_id, "upsert")
            for candidate_id, job_id, company_id in self.env.cr.fetchall()
            if company_id in backends
        ]
        self._queue(changes)

    # -- interactions and resumes -------------------------------------------

    def _interaction_change(self, backend, message_id, candidate_id, operation):
        extra = {
            "res_model": "mail.message",
            "res_id": message_id,
            "candidate_ref": candidate_id,
        }
        if operation == "delete":
            extra["remote_key"] = self._delete_key(
                backend, "tcrmInteractions", tcrmInteractionId=message_id
            )
        return self._change(
            backend, "interaction", "message:%d" % message_id, operation, **extra
        )

    def _queue_applicant_children(self, records, table, model_column, where, make):
        """Queue one change per record attached to an applicant, by ``make``.

        ``records`` are messages or attachments; ``table`` and
        ``model_column`` name where they point at their applicant, ``where``
        narrows them to what LinkedIn receives. ``make(backend, record id,
        candidate id)`` builds the change.
        """
        if not self._enabled() or not records:
            return
        backends = self._backends()
        if not backends:
            return
        query = (
            "SELECT r.id, a.linkedin_candidate_id, COALESCE(a.company_id, j.company_id),"
            " a.id FROM %s r JOIN hr_applicant a ON a.id = r.res_id"
            " LEFT JOIN hr_job j ON j.id = a.job_id"
            " WHERE r.%s = 'hr.applicant' AND r.id IN %%s AND %s"
            % (table, model_column, where)
        )
        self.env.cr.execute(query, (tuple(records.ids),))
        rows = self.env.cr.fetchall()
        unlinked = {
            applicant_id
            for _record, candidate_id, company_id, applicant_id in rows
            if not candidate_id and company_id in backends
        }
        candidate_of = {}
        if unlinked:
            # A new applicant is linked by the next flush, but a note or a
            # file on it needs its candidate now. Linking also queues the
            # candidate and its candidate pipeline.
            backend_ids = {company: backend.id for company, backend in backends.items()}
            applicants = self.env["hr.applicant"].sudo().browse(sorted(unlinked))
            candidates = self.env["linkedin.candidate"].sudo()
            for row in candidates.assign_new(applicants, backend_ids):
                candidate_of[row[0]] = row[3]
        changes = []
        for record_id, candidate_id, company_id, applicant_id in rows:
            candidate_id = candidate_id or candidate_of.get(applicant_id)
            if company_id in backends and candidate_id:
                changes.append(make(backends[company_id], record_id, candidate_id))
        self._queue(changes)

    @api.model
    def messages_changed(self, messages, operation="upsert"):
        """Queue interactions for notes and emails on applicants."""
        self._queue_applicant_children(
            messages,
            "mail_message",
            "model",
            "r.message_type IN ('comment', 'email')",
            lambda backend, message_id, candidate_id: self._interaction_change(
                backend, message_id, candidate_id, operation
            ),
        )

    def _resume_change(self, backend, attachment_id, candidate_id, operation):
        return self._change(
            backend,
            "resume",
            "attachment:%d" % attachment_id,
            operation,
            res_model="ir.attachment",
            res_id=attachment_id,
            candidate_ref=candidate_id,
        )

    @api.model
    def attachments_changed(self, attachments, operation="upsert"):
        """Queue resumes for files attached to applicants."""
        self._queue_applicant_children(
            attachments,
            "ir_attachment",
            "res_model",
            "r.res_field IS NULL",
            lambda backend, attachment_id, candidate_id: self._resume_change(
                backend, attachment_id, candidate_id, operation
            ),
        )
