from odoo import fields, models


class LinkedInToken(models.Model):
    """The cached client-credentials token of one backend.

    Rows are written by ``OdooTokenStore`` through a cursor of its own; the
    ORM fields serve the backend form and the validity check. Only the
    LinkedIn administrator group may read this model.
    """

    _name = "linkedin.token"
    _description = "LinkedIn access token"
    _rec_name = "backend_id"

    backend_id = fields.Integer(
        required=True,
        index=True,
        help="Id of the linkedin.backend; an integer, not a foreign key, so the "
        "token can be stored before the backend's transaction commits.",
    )
    access_token = fields.Char()
    expires_epoch = fields.Float()
    obtained_epoch = fields.Float()
    expires_at = fields.Datetime()
    status = fields.Selection(
        [
            ("active", "Active"),
            ("expired", "Expired"),
            ("revoked", "Revoked"),
            ("error", "Check failed"),
        ]
    )
    checked_at = fields.Datetime()

    _sql_constraints = [
        ("backend_uniq", "unique(backend_id)", "A backend has one token row.")
    ]
