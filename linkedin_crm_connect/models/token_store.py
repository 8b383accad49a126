"""Token storage shared by every Odoo worker of a database.

Tokens live in ``linkedin_token`` and are read and written through a cursor
of their own in READ COMMITTED isolation. That way a token fetched by one
worker is visible to the others at once, whatever snapshot their own
transaction holds, and a failed user transaction never loses a token that
LinkedIn already issued. ``backend_id`` is a plain integer for the same
reason: the token row must be writable before the backend row is committed.
"""

import contextlib
import logging
import time

import odoo

from ..linkedin.auth import Token, TokenStore

_logger = logging.getLogger(__name__)


class OdooTokenStore(TokenStore):
    """Store one backend's client-credentials token in PostgreSQL."""

    def __init__(self, dbname, backend_id):
        self.dbname = dbname
        self.backend_id = backend_id
        self._lock_cursor = None

    @contextlib.contextmanager
    def _cursor(self):
        if self._lock_cursor is not None:
            yield self._lock_cursor
            return
        cr = odoo.sql_db.db_connect(self.dbname).cursor(serialized=False)
        try:
            yield cr
            cr.commit()
        finally:
            cr.close()

    def load(self):
        with self._cursor() as cr:
            cr.execute(
                "SELECT access_token, expires_epoch, obtained_epoch"
                " FROM linkedin_token WHERE backend_id = %s",
                (self.backend_id,),
            )
            row = cr.fetchone()
        if not row or not row[0]:
            return None
        return Token(access_token=row[0], expires_at=row[1], obtained_at=row[2])

    def save(self, token):
        with self._cursor() as cr:
            cr.execute(
                "INSERT INTO linkedin_token (backend_id, access_token,"
                " expires_epoch, obtained_epoch, expires_at, status,"
                " create_date, write_date)"
                " VALUES (%s, %s, %s, %s, to_timestamp(%s) AT TIME ZONE 'UTC',"
                " 'active', now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC')"
                " ON CONFLICT (backend_id) DO UPDATE SET"
                " access_token = EXCLUDED.access_token,"
                " expires_epoch = EXCLUDED.expires_epoch,"
                " obtained_epoch = EXCLUDED.obtained_epoch,"
                " expires_at = EXCLUDED.expires_at, status = 'active',"
                " write_date = EXCLUDED.write_date",
                (
                    self.backend_id,
                    token.access_token,
                    token.expires_at,
                    token.obtained_at,
                    token.expires_at,
                ),
            )
        _logger.info(
            "linkedin backend %s: new token stored, valid for %d s",
            self.backend_id,
            token.expires_at - time.time(),
        )

    def invalidate(self, token_value):
        """Drop the stored token, unless another worker already replaced it.

        ``None`` drops whatever token is stored.
        """
        with self._cursor() as cr:
            if token_value is None:
                cr.execute(
                    "UPDATE linkedin_token SET access_token = NULL, status = NULL,"
                    " write_date = now() AT TIME ZONE 'UTC' WHERE backend_id = %s",
                    (self.backend_id,),
                )
            else:
                cr.execute(
                    "UPDATE linkedin_token SET access_token = NULL, status = NULL,"
                    " write_date = now() AT TIME ZONE 'UTC'"
                    " WHERE backend_id = %s AND access_token = %s",
                    (self.backend_id, token_value),
                )

    def read_status(self):
        """Return ``(status, expires_at, checked_at)`` of the stored token.

        Read through this store's own cursor, so the result includes a token
        another worker stored after the caller's transaction began.
        """
        with self._cursor() as cr:
            cr.execute(
                "SELECT status, expires_at, checked_at FROM linkedin_token"
                " WHERE backend_id = %s",
                (self.backend_id,),
            )
            row = cr.fetchone()
        return row or (None, None, None)

    def mark_checked(self, status):
        """Store the result of a token introspection (active, expired, ...)."""
        with self._cursor() as cr:
            cr.execute(
                "UPDATE linkedin_token SET status = %s,"
                " checked_at = now() AT TIME ZONE 'UTC',"
                " write_date = now() AT TIME ZONE 'UTC' WHERE backend_id = %s",
                (status, self.backend_id),
            )

    @contextlib.contextmanager
    def refresh_lock(self):
        """Hold the backend's token row locked while one worker fetches a token.

        A second worker blocks here, then reads the token the first one
        stored (READ COMMITTED makes it visible) instead of fetching another.
        """
        cr = odoo.sql_db.db_connect(self.dbname).cursor(serialized=False)
        try:
            cr.execute(
                "INSERT INTO linkedin_token (backend_id, create_date, write_date)"
                " VALUES (%s, now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC')"
                " ON CONFLICT (backend_id) DO NOTHING",
                (self.backend_id,),
            )
            cr.commit()
            cr.execute(
                "SELECT id FROM linkedin_token WHERE backend_id = %s FOR UPDATE",
                (self.backend_id,),
            )
            self._lock_cursor = cr
            yield
            cr.commit()
        finally:
            self._lock_cursor = None
            cr.close()
