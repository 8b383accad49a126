"""Framework-free LinkedIn Talent CRM Connect client: HTTP, Rest.li, mapping.

Nothing in this package imports Odoo, so it runs in plain tests and in the
sandbox's checks, and a port of the add-on only touches models and views.
"""
