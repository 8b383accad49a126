import json
import logging
import time

from odoo import models

from ..linkedin import errors
from ..linkedin.restli import body_key
from .linkedin_binding import RESOURCE_OF, entity_types_of
from .linkedin_exporter import BATCH_SIZE, ResourceHeld, SyncAborted, _backoff, _Run

_logger = logging.getLogger(__name__)

#: Upserts go parents first, deletes children first.
UPSERT_ORDER = (
    "job",
    "pipeline",
    "stage",
    "candidate",
    "candidate_pipeline",
    "stage_history",
    "interaction",
    "resume",
    "application",
)
DELETE_ORDER = (
    "interaction",
    "resume",
    "stage_history",
    "candidate_pipeline",
    "application",
    "candidate",
    "stage",
    "pipeline",
    "job",
)
#: Per parent entity type, the binding column naming the parent and the
#: entity types whose records wait for it (see ``_queue_waiting_children``).
#: Stages are missing because a binding does not store the stage of its
#: candidate pipeline.
CHILD_TYPES = {
    "pipeline": (
        "job_ref",
        ("stage", "candidate_pipeline", "stage_history", "interaction"),
    ),
    "candidate": (
        "candidate_ref",
        ("candidate_pipeline", "stage_history", "interaction", "resume", "application"),
    ),
    "candidate_pipeline": (("candidate_ref", "job_ref"), ("stage_history",)),
}
RESUME_DELETE_MESSAGE = (
    "LinkedIn documents no endpoint that deletes a resume; delete it in "
    "Recruiter by hand."
)


class LinkedInFlusher(models.AbstractModel):
    """Continuous sync: send the outbox of a backend to LinkedIn.

    Rows are claimed in batches of at most 100 per entity type with
    ``FOR UPDATE SKIP LOCKED`` and committed at once, so several Odoo
    workers or servers can flush in parallel without sending a row twice.
    Each batch is committed after its results are booked, so a crash loses
    at most the batch in flight, whose rows become claimable again after
    the claim timeout.
    """

    _name = "linkedin.flusher"
    _description = "LinkedIn continuous sync"

    def flush(self, backend, commit=True):
        """Send every due outbox row of ``backend``; return counts per outcome."""
        return _Flush(self.env, backend, commit).execute()


def _parse_ref(code, local_ref):
    """Return the id, or the id pair, that a local ref names."""
    parts = local_ref.split(":")
    numbers = [int(part) for part in parts[1::2]]
    if code in ("stage", "candidate_pipeline"):
        return tuple(numbers[:2])
    return numbers[0]


class _Flush(_Run):
    """One flush of one backend's outbox."""

    def __init__(self, env, backend, commit):
        super().__init__(env, backend, commit, types=entity_types_of(backend))
        self.outbox = env["linkedin.outbox"].sudo()
        self.stats = {"done": 0, "failed": 0, "retry": 0, "held": 0}

    def execute(self):
        started = time.time()
        self.outbox.release_stale_claims()
        self._commit()
        self.env["linkedin.capture.journal"].ingest(link_company=self.company)
        self._commit()
        try:
            self._send_deletes()
            for code in DELETE_ORDER:
                self._drain(code, "delete")
            for code in UPSERT_ORDER:
                self._drain(code, "upsert")
            # Candidate pipeline upserts may have queued deletes of
            # applications whose applicant is gone or lost its job (see
            # _queue_applications).
            self._drain("application", "delete")
        except SyncAborted as exc:
            _logger.warning(
                "linkedin backend %s: flush stopped: %s", self.backend.id, exc
            )
            self.stats["stopped"] = str(exc)
        self._commit()
        if self.stats["done"] or self.stats["failed"]:
            _logger.info(
                "linkedin backend %s: flush done in %.2f s: %s",
                self.backend.id,
                time.time() - started,
                self.stats,
            )
        return self.stats

    def _drain(self, code, operation):
        resource = RESOURCE_OF[code]
        if code not in self.types:
            # RSC rows of a backend with RSC off stay pending, unsent.
            return
        if self.backend.is_paused(resource):
            return
        while not self.backend.is_held(resource):
            rows = self.outbox.claim(self.backend, code, operation, BATCH_SIZE)
            self._commit()
            if not rows:
                return
            if code == "candidate_pipeline" and "application" in self.types:
                self._queue_applications(rows)
                self._commit()
            try:
                if operation == "delete":
                    self._flush_deletes(code, rows)
                else:
                    self._flush_upserts(code, rows)
            except ResourceHeld as exc:
                self.backend.hold_resource(exc.resource, exc.until, str(exc))
                self.outbox.hold_until(rows, str(exc), exc.until)
                self.stats["held"] += len(rows)
                self._commit()
                return
            except SyncAborted as exc:
                cause = exc.__cause__
                if isinstance(
                    cause,
                    (
                        errors.AccessDenied,
                        errors.VersionError,
                        errors.TokenRejected,
                        errors.AuthenticationError,
                    ),
                ):
                    disabled = isinstance(cause, errors.AccessDenied) and (
                        cause.integration_disabled
                    )
                    self.backend.require_action(str(exc), integration_disabled=disabled)
                delay = _backoff(max(row["attempts"] for row in rows)) * 30
                self.outbox.retry_later(rows, str(exc), delay)
                self.stats["retry"] += len(rows)
                self._commit()
                raise
            self._commit()

    # -- RSC applications ---------------------------------------------------

    def _queue_applications(self, rows):
        """Queue the RSC applications behind claimed candidate pipeline rows.

        Every change that reaches an applicant's candidate pipeline (create,
        stage move, refusal, job change, delete) also changes its RSC
        application, so each (candidate, job) pair queues an upsert of every
        applicant now in it. An application sent for that pair whose
        applicant no longer exists, or no longer has a job, is queued for
        deletion with its stored key. An applicant that moved to another job
        is upserted through the row of its new pair.
        """
        pairs = tuple(
            (row["candidate_ref"], row["job_ref"])
            for row in rows
            if row["candidate_ref"] and row["job_ref"]
        )
        if not pairs:
            return
        self.env.cr.execute(
            "SELECT id, linkedin_candidate_id, job_id FROM hr_applicant"
            " WHERE (linkedin_candidate_id, job_id) IN %s",
            (pairs,),
        )
        changes = [
            {
                "backend_id": self.backend.id,
                "entity_type": "application",
                "local_ref": "application:%d" % applicant_id,
                "operation": "upsert",
                "res_model": "hr.applicant",
                "res_id": applicant_id,
                "candidate_ref": candidate_id,
                "job_ref": job_id,
            }
            for applicant_id, candidate_id, job_id in self.env.cr.fetchall()
        ]
        self.env.cr.execute(
            "SELECT b.local_ref, b.res_id, b.candidate_ref, b.job_ref, b.remote_key"
            " FROM linkedin_binding b WHERE b.backend_id = %s"
            " AND b.entity_type = 'application'"
            " AND b.state NOT IN ('to_delete', 'deleted')"
            " AND (b.candidate_ref, b.job_ref) IN %s"
            " AND NOT EXISTS (SELECT 1 FROM hr_applicant a WHERE a.id = b.res_id"
            "   AND a.job_id IS NOT NULL)",
            (self.backend.id, pairs),
        )
        for local_ref, res_id, candidate_id, job_id, key in self.env.cr.fetchall():
            changes.append(
                {
                    "backend_id": self.backend.id,
                    "entity_type": "application",
                    "local_ref": local_ref,
                    "operation": "delete",
                    "res_model": "hr.applicant",
                    "res_id": res_id,
                    "candidate_ref": candidate_id,
                    "job_ref": job_id,
                    "remote_key": json.loads(key) if key else None,
                }
            )
        if changes:
            _logger.info(
                "linkedin backend %s: %d RSC application changes queued from "
                "%d candidate pipelines",
                self.backend.id,
                len(changes),
                len(pairs),
            )
            self.outbox.queue(changes)

    # -- deletes ------------------------------------------------------------

    def _flush_deletes(self, code, rows):
        self.current_refs = [row["local_ref"] for row in rows]
        if code == "resume":
            self.outbox.finish([], {row["id"]: RESUME_DELETE_MESSAGE for row in rows})
            self.stats["failed"] += len(rows)
            return
        if code == "job":
            keyed = [row for row in rows if row["remote_key"]]
            elements = [row["remote_key"] for row in keyed]
            outcome = (
                self._with_retry(
                    "simpleJobPostings",
                    self.client.create_job_postings,
                    elements,
                    count=len(elements),
                )
                if elements
                else []
            )
            done = [row["id"] for row, created in zip(keyed, outcome) if created.ok]
            done += [row["id"] for row in rows if not row["remote_key"]]
            failed = {
                row["id"]: created.message or "closing the job failed"
                for row, created in zip(keyed, outcome)
                if not created.ok
            }
            self._book_deletes(code, rows, done, failed)
            return
        resource = RESOURCE_OF[code]
        definition = self.client.resource(resource)
        keyed = [row for row in rows if row["remote_key"]]
        outcome = self._with_retry(
            resource,
            self.client.batch_delete,
            resource,
            [row["remote_key"] for row in keyed],
            count=len(keyed),
        )
        done, failed = [], {}
        for row in keyed:
            result = outcome.get(body_key(definition, row["remote_key"]))
            if result is not None and result.ok:
                done.append(row["id"])
            else:
                failed[row["id"]] = result.message if result else "no status returned"
        done += [row["id"] for row in rows if not row["remote_key"]]
        self._book_deletes(code, rows, done, failed)

    def _book_deletes(self, code, rows, done, failed):
        self.outbox.finish(done, failed)
        refs = [row["local_ref"] for row in rows if row["id"] in set(done)]
        if refs:
            self.env.cr.execute(
                "INSERT INTO linkedin_binding (backend_id, entity_type, local_ref,"
                " state, create_date, write_date, attempts)"
                " SELECT %s, %s, ref, 'deleted', now() AT TIME ZONE 'UTC',"
                " now() AT TIME ZONE 'UTC', 1 FROM unnest(%s) AS ref"
                " ON CONFLICT (backend_id, entity_type, local_ref) DO UPDATE SET"
                " state = 'deleted', error_message = NULL, error_status = NULL,"
                " write_date = EXCLUDED.write_date",
                (self.backend.id, code, refs),
            )
            self.bindings.invalidate_cache()
        self.stats["done"] += len(done)
        self.stats["failed"] += len(failed)

    # -- upserts ------------------------------------------------------------

    def _flush_upserts(self, code, rows):
        wanted = {row["local_ref"]: row for row in rows}
        only = {_parse_ref(code, ref) for ref in wanted}
        # Parents are checked against their bindings as they are now. Once a
        # flush has sent a batch of parents, the cache of _Run lists only the
        # failures of that batch, so children of parents that failed in an
        # earlier flush would be sent and stored without their parent.
        self.parent_failures = {}
        unsynced = self._unsynced_refs(code, wanted)
        found = self._extract(code, only)
        if code == "pipeline":
            # Jobs and pipelines share their refs and their extraction.
            found = [dict(row) for row in found]
        self._send(code, found)
        sent = {row["local_ref"] for row in found}
        self.env.cr.execute(
            "SELECT local_ref, state, error_message FROM linkedin_binding"
            " WHERE backend_id = %s AND entity_type = %s AND local_ref IN %s",
            (self.backend.id, code, tuple(sent) or ("",)),
        )
        states = {
            ref: (state, message) for ref, state, message in self.env.cr.fetchall()
        }
        done, failed = [], {}
        for ref, row in wanted.items():
            state, message = states.get(ref, (None, None))
            if ref not in sent or state == "done":
                # A record that no longer exists, or no longer qualifies,
                # leaves nothing to send.
                done.append(row["id"])
            else:
                failed[row["id"]] = message or "not synced"
        self.outbox.finish(done, failed)
        self.stats["done"] += len(done)
        self.stats["failed"] += len(failed)

        synced_now = [ref for ref in unsynced if states.get(ref, (None,))[0] == "done"]
        self._queue_waiting_children(code, synced_now)

    def _unsynced_refs(self, code, refs):
        """Return the refs among ``refs`` whose binding exists and is not done."""
        if code not in CHILD_TYPES or not refs:
            return []
        self.env.cr.execute(
            "SELECT local_ref FROM linkedin_binding WHERE backend_id = %s"
            " AND entity_type = %s AND local_ref IN %s AND state <> 'done'",
            (self.backend.id, code, tuple(refs)),
        )
        return [row[0] for row in self.env.cr.fetchall()]

    def _queue_waiting_children(self, code, refs):
        """Queue again the failed children of parents that have just synced.

        A child sent while its parent was not synced failed with the parent's
        reason. Nothing else queues it again, because fixing a candidate's
        email changes the candidate and not its candidate pipelines or notes.
        """
        if not refs:
            return
        columns, child_types = CHILD_TYPES[code]
        parents = tuple(_parse_ref(code, ref) for ref in refs)
        if isinstance(columns, tuple):
            condition = "(%s) IN %%s" % ", ".join(columns)
        else:
            condition = "%s IN %%s" % columns
        self.env.cr.execute(
            "SELECT entity_type, local_ref, res_model, res_id, candidate_ref, job_ref"
            " FROM linkedin_binding WHERE backend_id = %s AND state = 'failed'"
            " AND entity_type IN %s AND " + condition,
            (self.backend.id, child_types, parents),
        )
        changes = [
            {
                "backend_id": self.backend.id,
                "entity_type": entity_type,
                "local_ref": local_ref,
                "operation": "upsert",
                "res_model": res_model,
                "res_id": res_id,
                "candidate_ref": candidate_ref,
                "job_ref": job_ref,
            }
            for entity_type, local_ref, res_model, res_id, candidate_ref, job_ref in (
                self.env.cr.fetchall()
            )
        ]
        if changes:
            _logger.info(
                "linkedin backend %s: %d records queued again after their %s synced",
                self.backend.id,
                len(changes),
                code,
            )
            self.outbox.queue(changes)
