"""The pacing window of a backend in PostgreSQL, shared by every Odoo process.

A window in memory paces one process only: two Odoo workers flushing one
backend at once would each send up to a resource's whole per-minute limit.
Here each request first reserves its records in ``linkedin_pacing_slot``,
through a cursor of its own in READ COMMITTED isolation, under an advisory
lock per backend and resource. So a reservation reads every other process's
reservations as soon as they are committed, whatever snapshot the flush's
own transaction holds. Times are the wall clock of the reserving process
(``time.time``), which every process of a server shares. Servers whose
clocks differ by a second shift the window by that second.
"""

import time

import odoo

from ..linkedin.pacing import MARGIN_SECONDS, WINDOW_SECONDS, Pacer, shared_pacer


class OdooPacingWindow:
    """Records sent per resource of one backend, in ``linkedin_pacing_slot``."""

    def __init__(self, dbname, backend_id):
        self.dbname = dbname
        self.backend_id = backend_id

    def reserve(self, resource, count, limit, now):
        """Reserve ``count`` records at ``now``, as ``MemoryWindow.reserve`` does.

        Expired slots of every backend are deleted on the way, which keeps
        the table at about one minute of requests.
        """
        cr = odoo.sql_db.db_connect(self.dbname).cursor(serialized=False)
        try:
            cr.execute(
                "SELECT pg_advisory_xact_lock(%s, hashtext(%s))",
                (self.backend_id, resource),
            )
            cr.execute(
                "DELETE FROM linkedin_pacing_slot WHERE sent_at <= %s",
                (now - WINDOW_SECONDS - MARGIN_SECONDS,),
            )
            cr.execute(
                "SELECT COALESCE(sum(records), 0), min(sent_at)"
                " FROM linkedin_pacing_slot WHERE backend_id = %s AND resource = %s",
                (self.backend_id, resource),
            )
            used, oldest = cr.fetchone()
            if used + count <= limit or not used:
                cr.execute(
                    "INSERT INTO linkedin_pacing_slot (backend_id, resource,"
                    " sent_at, records) VALUES (%s, %s, %s, %s) RETURNING id",
                    (self.backend_id, resource, now, count),
                )
                result = cr.fetchone()[0], 0.0
            else:
                result = None, oldest + WINDOW_SECONDS + MARGIN_SECONDS - now
            cr.commit()
        finally:
            cr.close()
        return result

    def discard(self, resource, slot):
        """Delete a slot that ``reserve`` returned."""
        cr = odoo.sql_db.db_connect(self.dbname).cursor(serialized=False)
        try:
            cr.execute("DELETE FROM linkedin_pacing_slot WHERE id = %s", (slot,))
            cr.commit()
        finally:
            cr.close()


def backend_pacer(dbname, backend_id):
    """Return this process's pacer of a backend, whose window is in PostgreSQL."""
    return shared_pacer(
        (dbname, backend_id),
        lambda: Pacer(clock=time.time, window=OdooPacingWindow(dbname, backend_id)),
    )
