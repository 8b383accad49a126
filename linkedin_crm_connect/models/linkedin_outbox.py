import datetime
import json
import logging
import uuid

import psycopg2
from odoo import api, fields, models
from psycopg2.extras import execute_values

from . import sql_functions
from .linkedin_binding import ENTITY_TYPES

_logger = logging.getLogger(__name__)

#: A claimed row whose worker has not finished it after this long is
#: claimable again: its worker died or lost its database connection.
CLAIM_TIMEOUT = datetime.timedelta(minutes=10)
#: Attempts of a row on 5xx, timeouts and connection errors before it fails.
MAX_ATTEMPTS = 6
SUPERSEDED_MESSAGE = "superseded by a later change"


class LinkedInOutbox(models.Model):
    """A change to send to LinkedIn, recorded in the user's transaction.

    ORM hooks only insert rows here, so no HTTP call happens inside a user's
    transaction and a rolled-back change queues nothing. While a row is
    pending, further changes to the same LinkedIn record update it instead
    of adding rows (ten writes give one upsert, an upsert then a delete gives
    one delete). A row being sent (``claimed``) is never updated: a change
    during the flight adds a new pending row, which is claimed only after the
    first one finished, so the latest data always goes last.

    An upsert row names the record; its data is read when it is sent. A
    delete row carries the full remote key, because the Odoo record and often
    its parent are gone by then.
    """

    _name = "linkedin.outbox"
    _description = "LinkedIn outbox"
    _order = "id"
    _rec_name = "local_ref"

    #: Indexed by ``linkedin_outbox_claim_idx``, whose first column it is.
    backend_id = fields.Many2one("linkedin.backend", required=True, ondelete="cascade")
    entity_type = fields.Selection(
        [(code, label) for code, label, _resource in ENTITY_TYPES], required=True
    )
    local_ref = fields.Char("Record", required=True)
    operation = fields.Selection(
        [("upsert", "Create or update"), ("delete", "Delete")], required=True
    )
    res_model = fields.Char("Odoo model")
    res_id = fields.Integer("Odoo record id")
    candidate_ref = fields.Integer("Candidate id")
    job_ref = fields.Integer("Job id")
    remote_key = fields.Text("Key to delete")
    state = fields.Selection(
        [
            ("pending", "Pending"),
            ("claimed", "Sending"),
            ("done", "Done"),
            ("failed", "Failed"),
        ],
        required=True,
        default="pending",
    )
    claimed_by = fields.Char()
    claimed_at = fields.Datetime()
    next_attempt_at = fields.Datetime()
    attempts = fields.Integer(default=0)
    error_message = fields.Text("Error")
    #: The users who queued and last changed the row, as plain integers:
    #: a link to ``res.users`` would cost every captured change a foreign
    #: key check (see ``sql_functions.drop_user_foreign_keys``).
    create_uid = fields.Integer("Created by user id", readonly=True)
    write_uid = fields.Integer("Last updated by user id", readonly=True)

    @api.model_cr
    def init(self):
        # One pending row per LinkedIn record and backend: the target of the
        # coalescing upsert in queue().
        self.env.cr.execute(
            "CREATE UNIQUE INDEX IF NOT EXISTS linkedin_outbox_pending_uniq"
            " ON linkedin_outbox (backend_id, entity_type, local_ref)"
            " WHERE state = 'pending'"
        )
        self.env.cr.execute(
            "CREATE INDEX IF NOT EXISTS linkedin_outbox_claim_idx"
            " ON linkedin_outbox (backend_id, entity_type, state, id)"
        )
        # This index finds rows left claimed by a worker that died. It is
        # partial, so the pending rows that the capture inserts skip it.
        self.env.cr.execute(
            "CREATE INDEX IF NOT EXISTS linkedin_outbox_claimed_idx"
            " ON linkedin_outbox (claimed_at) WHERE state = 'claimed'"
        )
        sql_functions.drop_user_foreign_keys(self.env.cr, self._table)
        for statement in sql_functions.FUNCTIONS:
            self.env.cr.execute(statement)

    @api.model
    def queue(self, changes, history=()):
        """Record changes to send, coalescing with pending rows; one statement.

        ``changes`` is a list of dicts with ``backend_id``, ``entity_type``,
        ``local_ref``, ``operation`` and optionally ``res_model``, ``res_id``,
        ``candidate_ref``, ``job_ref`` and ``remote_key`` (a dict).
        ``history`` lists stage changes as ``(backend id, applicant id,
        candidate id, job id, from stage id, to stage id)``, at most one per
        applicant. The same statement inserts their ``linkedin.stage.history``
        rows and queues an upsert of each, because the outbox row needs the
        id of the new history row. The SQL is the function
        ``linkedin_outbox_queue`` (see ``sql_functions``).
        """
        if not changes and not history:
            return
        seen = {}
        for change in changes:
            # Within one call the last change of a record wins, like later calls.
            seen[(change["backend_id"], change["entity_type"], change["local_ref"])] = (
                change
            )
        rows = list(seen.values())
        keys = [row.get("remote_key") for row in rows]
        history_columns = list(zip(*history)) if history else [()] * 6
        self.env.cr.execute(
            "SELECT linkedin_outbox_queue(%s::integer[], %s::varchar[],"
            " %s::varchar[], %s::varchar[], %s::varchar[], %s::integer[],"
            " %s::integer[], %s::integer[], %s::text[], %s::integer[],"
            " %s::integer[], %s::integer[], %s::integer[], %s::integer[],"
            " %s::integer[], %s)",
            (
                [row["backend_id"] for row in rows],
                [row["entity_type"] for row in rows],
                [row["local_ref"] for row in rows],
                [row["operation"] for row in rows],
                [row.get("res_model") for row in rows],
                [row.get("res_id") for row in rows],
                [row.get("candidate_ref") for row in rows],
                [row.get("job_ref") for row in rows],
                [json.dumps(key) if key else None for key in keys],
                *[list(column) for column in history_columns],
                self.env.uid,
            ),
        )

    @api.model
    def claim(self, backend, entity_type, operation, limit):
        """Claim up to ``limit`` due rows for this worker and return them.

        ``SKIP LOCKED`` lets any number of workers claim in parallel without
        sending a row twice, and a record with a row in flight is skipped
        until that row is finished. The caller commits right after, so other
        workers see the claim.
        """
        token = uuid.uuid4().hex
        # The rows are picked in a materialized CTE: PostgreSQL may run a
        # LIMIT ... FOR UPDATE SKIP LOCKED subquery inside "id IN (...)" more
        # than once, which claimed more rows than the limit.
        try:
            with self.env.cr.savepoint():
                self.env.cr.execute(
                    "WITH picked AS MATERIALIZED ("
                    "   SELECT o.id FROM linkedin_outbox o"
                    "   WHERE o.backend_id = %(backend)s AND o.entity_type = %(type)s"
                    "   AND o.operation = %(operation)s AND o.state = 'pending'"
                    "   AND (o.next_attempt_at IS NULL"
                    "        OR o.next_attempt_at <= now() AT TIME ZONE 'UTC')"
                    "   AND NOT EXISTS (SELECT 1 FROM linkedin_outbox f"
                    "     WHERE f.backend_id = o.backend_id"
                    "     AND f.entity_type = o.entity_type"
                    "     AND f.local_ref = o.local_ref AND f.state = 'claimed')"
                    "   ORDER BY o.id LIMIT %(limit)s FOR UPDATE SKIP LOCKED)"
                    " UPDATE linkedin_outbox SET state = 'claimed',"
                    " claimed_by = %(token)s,"
                    " claimed_at = now() AT TIME ZONE 'UTC',"
                    " attempts = linkedin_outbox.attempts + 1"
                    " FROM picked WHERE linkedin_outbox.id = picked.id"
                    " RETURNING linkedin_outbox.id, local_ref, res_model, res_id,"
                    " candidate_ref, job_ref, remote_key, attempts",
                    {
                        "token": token,
                        "backend": backend.id,
                        "type": entity_type,
                        "operation": operation,
                        "limit": limit,
                    },
                    log_exceptions=False,
                )
                names = [column[0] for column in self.env.cr.description]
                fetched = self.env.cr.fetchall()
        except psycopg2.extensions.TransactionRollbackError as exc:
            # Under Odoo's REPEATABLE READ, a row that another worker claimed
            # and committed after this transaction's snapshot cannot be
            # locked. That worker sends it, so this claim takes nothing now.
            _logger.info(
                "linkedin outbox: claim of %s %s rows skipped: %s",
                entity_type,
                operation,
                exc,
            )
            return []
        rows = [dict(zip(names, row)) for row in fetched]
        for row in rows:
            row["remote_key"] = (
                json.loads(row["remote_key"]) if row["remote_key"] else None
            )
        return sorted(rows, key=lambda row: row["id"])

    @api.model
    def release_stale_claims(self):
        """Make rows claimable again whose worker died while sending them."""
        self.env.cr.execute(
            "UPDATE linkedin_outbox SET state = 'pending', claimed_by = NULL"
            " WHERE state = 'claimed' AND claimed_at < (now() AT TIME ZONE 'UTC') - %s"
            " AND NOT EXISTS (SELECT 1 FROM linkedin_outbox p"
            "   WHERE p.backend_id = linkedin_outbox.backend_id"
            "   AND p.entity_type = linkedin_outbox.entity_type"
            "   AND p.local_ref = linkedin_outbox.local_ref AND p.state = 'pending')",
            (CLAIM_TIMEOUT,),
        )
        released = self.env.cr.rowcount
        # A stale claim whose record has a newer pending row is superseded.
        self.env.cr.execute(
            "UPDATE linkedin_outbox SET state = 'done',"
            " error_message = 'superseded by a later change'"
            " WHERE state = 'claimed' AND claimed_at < (now() AT TIME ZONE 'UTC') - %s",
            (CLAIM_TIMEOUT,),
        )
        if released:
            _logger.warning("linkedin outbox: %d stale claims released", released)
        return released

    @api.model
    def finish(self, done_ids, failed=None):
        """Mark claimed rows done, and failed rows with their message."""
        if done_ids:
            self.env.cr.execute(
                "UPDATE linkedin_outbox SET state = 'done', error_message = NULL,"
                " write_date = now() AT TIME ZONE 'UTC' WHERE id IN %s",
                (tuple(done_ids),),
            )
        if failed:
            execute_values(
                self.env.cr,
                "UPDATE linkedin_outbox o SET state = 'failed', error_message = v.msg,"
                " write_date = now() AT TIME ZONE 'UTC'"
                " FROM (VALUES %s) AS v(id, msg) WHERE o.id = v.id",
                list(failed.items()),
            )
        self.invalidate_cache()

    @api.model
    def hold_until(self, rows, message, until):
        """Return claimed rows to pending, due again at ``until`` (naive UTC).

        A row whose record has a newer pending row is marked done instead.
        """
        self._return_to_pending(
            [row["id"] for row in rows],
            "attempts = GREATEST(attempts - 1, 0), error_message = %s,"
            " next_attempt_at = %s",
            (message, until),
        )

    @api.model
    def retry_later(self, rows, message, delay_seconds):
        """Return claimed rows to pending after ``delay_seconds``, or fail them.

        A row that reached MAX_ATTEMPTS is failed with ``message``, and a row
        whose record has a newer pending row is marked done instead.
        """
        retry = [row["id"] for row in rows if row["attempts"] < MAX_ATTEMPTS]
        give_up = {
            row["id"]: message for row in rows if row["attempts"] >= MAX_ATTEMPTS
        }
        self._return_to_pending(
            retry,
            "error_message = %s, next_attempt_at ="
            " (now() AT TIME ZONE 'UTC') + make_interval(secs => %s)",
            (message, delay_seconds),
        )
        self.finish([], give_up)

    def _return_to_pending(self, ids, assignments, params):
        """Set claimed rows back to pending, with ``assignments`` (SQL) too.

        A record changed while its row was in flight already has a newer
        pending row, and the unique index allows one pending row a record.
        That row reads the record when it is sent, so the claimed row is
        marked done as superseded instead.
        """
        if not ids:
            return
        update = (
            "UPDATE linkedin_outbox o SET state = 'pending', claimed_by = NULL, "
            + assignments
            + " WHERE o.id IN %s AND o.state = 'claimed'"
            " AND NOT EXISTS (SELECT 1 FROM linkedin_outbox p"
            "   WHERE p.backend_id = o.backend_id AND p.entity_type = o.entity_type"
            "   AND p.local_ref = o.local_ref AND p.state = 'pending')"
        )
        try:
            with self.env.cr.savepoint():
                self.env.cr.execute(update, (*params, tuple(ids)), log_exceptions=False)
        except psycopg2.IntegrityError:
            # A newer row was inserted while the statement ran, and the
            # snapshot does not show it. One row at a time finds the rows
            # that it supersedes.
            for row_id in ids:
                try:
                    with self.env.cr.savepoint():
                        self.env.cr.execute(
                            update, (*params, (row_id,)), log_exceptions=False
                        )
                except psycopg2.IntegrityError:
                    continue
        self.env.cr.execute(
            "UPDATE linkedin_outbox SET state = 'done', claimed_by = NULL,"
            " error_message = %s, write_date = now() AT TIME ZONE 'UTC'"
            " WHERE id IN %s AND state = 'claimed'",
            (SUPERSEDED_MESSAGE, tuple(ids)),
        )
        if self.env.cr.rowcount:
            _logger.info(
                "linkedin outbox: %d rows superseded by later changes",
                self.env.cr.rowcount,
            )

    @api.model
    def counts(self, backend):
        """Return ``{entity_type: {state: count}}`` of the outbox of a backend."""
        self.env.cr.execute(
            "SELECT entity_type, state, count(*) FROM linkedin_outbox"
            " WHERE backend_id = %s GROUP BY entity_type, state",
            (backend.id,),
        )
        result = {}
        for entity_type, state, count in self.env.cr.fetchall():
            result.setdefault(entity_type, {})[state] = count
        return result
