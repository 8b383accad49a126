"""Open an Odoo environment on a database from a plain Python script.

The demo and the benchmarks run Odoo's ORM directly, without an HTTP server,
the way ``odoo shell`` does, but as ordinary scripts with arguments.
"""

import contextlib

import odoo
from odoo import SUPERUSER_ID, api


def init(config_file, extra_args=()):
    """Load an Odoo configuration file; call once per process."""
    odoo.tools.config.parse_config(["-c", str(config_file), *extra_args])


@contextlib.contextmanager
def environment(database, commit=True):
    """Yield a superuser environment; commit at the end unless ``commit`` is false."""
    registry = odoo.registry(database)
    with api.Environment.manage(), registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        try:
            yield env
        except Exception:
            cr.rollback()
            raise
        if commit:
            cr.commit()
        else:
            cr.rollback()
