from . import controllers, models
from .models import sql_functions


def uninstall_hook(cr, registry):
    """Drop the trigger and the SQL functions that ``linkedin.outbox`` created."""
    for statement in sql_functions.DROP:
        cr.execute(statement)
