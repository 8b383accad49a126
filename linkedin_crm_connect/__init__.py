from . import controllers, models
from .models import sql_functions


def uninstall_hook(cr, registry):
    """Drop the triggers, the capture journal and the SQL functions of the add-on."""
    for statement in sql_functions.DROP:
        cr.execute(statement)
