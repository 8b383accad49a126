import logging

from odoo import api, models
from psycopg2.extensions import TransactionRollbackError
from psycopg2.extras import execute_values

_logger = logging.getLogger(__name__)

#: Key of the transaction-level advisory lock that one ingestion at a time
#: holds, so two flushing workers never take the same journal rows.
INGEST_LOCK_KEY = 0x4C434A  # "LCJ"
#: Journal rows read into memory at a time. A backlog, such as the rows of
#: a day with the flush's scheduled action switched off, is ingested in
#: chunks of this size, oldest first, in the same transaction.
INGEST_CHUNK = 10_000


class LinkedInCaptureJournal(models.AbstractModel):
    """Turn the journal of applicant creates and stage moves into outbox rows.

    The triggers on ``hr_applicant`` (see ``sql_functions``) only append a row
    to ``linkedin_capture_event`` in the user's statement, so a create or a
    stage move costs the user about what it costs without the add-on.
    ``ingest`` does the rest: it links new applicants to their candidates,
    writes a ``linkedin.stage.history`` row per move with the time of the
    move, and queues the candidate, candidate pipeline and stage history
    upserts. The flush, the historical sync and the flush's scheduled action
    run it first, so a change reaches the outbox at the latest with the next
    flush. Journal rows are deleted in the transaction that queues their
    outbox rows, so a crash in between loses nothing.
    """

    _name = "linkedin.capture.journal"
    _description = "LinkedIn capture journal"

    @api.model
    def ingest(self, link_company=None, syncing_company=None):
        """Queue what the journal rows visible here record and return their count.

        Rows of applicants deleted since, or of a company without an active
        backend, are dropped: the unlink hook queued the deletes, and the
        historical sync sends a company's applicants when it is connected.
        A move whose applicant changed job since is dropped too, because the
        job change queued the applicant's candidate pipelines already. With
        ``link_company``, the applicants of that company that are still
        without a candidate (created with capture off) are linked too, under
        the same lock. The rows of ``syncing_company`` are linked and their
        stage history written, but nothing of them is queued, because the
        historical sync that is about to run sends that company's current
        data. The caller commits.

        One transaction ingests at a time, under an advisory lock, and
        another one meanwhile takes nothing. Under Odoo's REPEATABLE READ, a
        worker whose snapshot predates another worker's ingestion cannot
        delete or link the rows that one handled. It rolls its own ingestion
        back and takes nothing now, because the other worker queued them.
        """
        cr = self.env.cr
        try:
            with cr.savepoint():
                cr.execute("SELECT pg_try_advisory_xact_lock(%s)", (INGEST_LOCK_KEY,))
                if not cr.fetchone()[0]:
                    return 0
                count = self._ingest_events(syncing_company)
                if link_company:
                    self.env["linkedin.candidate"].sudo().assign_candidates(
                        link_company
                    )
                return count
        except TransactionRollbackError as exc:
            _logger.info("linkedin capture journal: ingestion skipped: %s", exc)
            return 0

    def _ingest_events(self, syncing_company):
        total = 0
        while True:
            # The whole journal is read to find the oldest rows, because it
            # has no index. It is short unless a backlog built up.
            self.env.cr.execute(
                "DELETE FROM linkedin_capture_event WHERE id IN ("
                "   SELECT id FROM linkedin_capture_event ORDER BY id LIMIT %s)"
                " RETURNING id, operation, applicant_id, job_id, stage_from_id,"
                " stage_to_id, user_id, changed_at",
                (INGEST_CHUNK,),
                log_exceptions=False,
            )
            events = sorted(self.env.cr.fetchall())
            if events:
                self._queue_events(events, syncing_company)
            total += len(events)
            if len(events) < INGEST_CHUNK:
                return total

    def _queue_events(self, events, syncing_company):
        """Link, record and queue what ``events`` (journal rows by id) record."""
        capture = self.env["linkedin.capture"]
        backends = capture._backends()
        applicants = self._read_applicants({event[2] for event in events})
        linked = self._link_candidates(applicants, backends)

        changes = []
        moves = []
        for event in events:
            _id, operation, applicant_id, job_id, _stage_from, stage_to = event[:6]
            candidate_id, current_job, company_id = applicants.get(
                applicant_id, (None, None, None)
            )
            backend = backends.get(company_id)
            if not backend or not candidate_id:
                continue
            if operation == "create" or applicant_id in linked:
                changes.append(
                    capture._candidate_change(backend, candidate_id, "upsert")
                )
            if not current_job or (operation == "move" and current_job != job_id):
                continue
            changes.append(
                capture._pipeline_change(backend, candidate_id, current_job, "upsert")
            )
            if operation == "move" and stage_to:
                moves.append((backend, applicant_id, candidate_id, current_job, event))
        changes += self._insert_history(moves)
        syncing_backend = syncing_company and backends.get(syncing_company.id)
        if syncing_backend:
            changes = [
                change
                for change in changes
                if change["backend_id"] != syncing_backend.id
            ]
        capture._queue(changes)
        _logger.info(
            "linkedin capture journal: %d rows ingested, %d applicants linked,"
            " %d stage changes, %d outbox changes",
            len(events),
            len(linked),
            len(moves),
            len(changes),
        )

    def _read_applicants(self, applicant_ids):
        """Return ``{id: (candidate id, job id, company id)}`` of existing applicants.

        The company is the applicant's, else its job's.
        """
        self.env.cr.execute(
            "SELECT a.id, a.linkedin_candidate_id, a.job_id,"
            " COALESCE(a.company_id, j.company_id)"
            " FROM hr_applicant a LEFT JOIN hr_job j ON j.id = a.job_id"
            " WHERE a.id IN %s",
            (tuple(applicant_ids),),
        )
        return {row[0]: row[1:] for row in self.env.cr.fetchall()}

    def _link_candidates(self, applicants, backends):
        """Link applicants without a candidate in place and return the ids linked.

        ``linkedin.candidate.assign_candidates`` links every unlinked applicant
        of a company in a few set-based statements, grouping the new
        applicants of one person under one new candidate.
        """
        unlinked = [
            applicant_id
            for applicant_id, (candidate_id, _job, company_id) in applicants.items()
            if not candidate_id and company_id in backends
        ]
        if not unlinked:
            return set()
        candidates = self.env["linkedin.candidate"].sudo()
        companies = self.env["res.company"].sudo()
        for company_id in sorted({applicants[i][2] for i in unlinked}):
            candidates.assign_candidates(companies.browse(company_id))
        self.env["hr.applicant"].invalidate_cache(["linkedin_candidate_id"], unlinked)
        candidates.invalidate_cache(["name", "applicant_count"])
        applicants.update(self._read_applicants(unlinked))
        return {i for i in unlinked if applicants[i][0]}

    def _insert_history(self, moves):
        """Insert a stage history row per move and return the upserts of the rows.

        ``moves`` contains ``(backend, applicant id, candidate id, job id,
        journal row)`` in journal order. The ids are drawn from the sequence
        first, so each row's id is known without matching rows back.
        """
        if not moves:
            return []
        cr = self.env.cr
        cr.execute(
            "SELECT nextval('linkedin_stage_history_id_seq')"
            " FROM generate_series(1, %s)",
            (len(moves),),
        )
        history_ids = sorted(row[0] for row in cr.fetchall())
        rows = []
        changes = []
        capture = self.env["linkedin.capture"]
        for history_id, move in zip(history_ids, moves):
            backend, applicant_id, candidate_id, job_id, event = move
            stage_from, stage_to, user_id, changed_at = event[4:8]
            rows.append(
                (
                    history_id,
                    applicant_id,
                    candidate_id,
                    job_id,
                    stage_from,
                    stage_to,
                    changed_at,
                    user_id,
                    user_id,
                )
            )
            changes.append(
                capture._history_change(
                    backend, history_id, candidate_id, job_id, "upsert"
                )
            )
        execute_values(
            cr,
            "INSERT INTO linkedin_stage_history (id, applicant_id, candidate_id,"
            " job_id, stage_from_id, stage_to_id, changed_at, create_uid, write_uid,"
            " create_date, write_date) VALUES %s",
            rows,
            template="(%s, %s, %s, %s, %s, %s, %s, %s, %s,"
            " now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC')",
        )
        return changes
