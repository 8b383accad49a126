from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ..linkedin import resources


def _resource_selection(self):
    return [(name, name) for name in sorted(resources.RESOURCES)]


class LinkedInResourceSetting(models.Model):
    """A backend's override of one resource's endpoint, version and pacing limit.

    LinkedIn moves resources from the unversioned ``/v2`` API to the
    versioned ``/rest`` API one release at a time; an override here moves one
    resource for one backend without a code change.
    """

    _name = "linkedin.resource.setting"
    _description = "LinkedIn resource setting"
    _order = "resource"

    backend_id = fields.Many2one(
        "linkedin.backend", required=True, ondelete="cascade", index=True
    )
    resource = fields.Selection(_resource_selection, required=True)
    api_family = fields.Selection(
        [("v2", "/v2 (unversioned)"), ("rest", "/rest (versioned)")],
        "API",
        help="Empty keeps the add-on's default for this resource.",
    )
    path = fields.Char(help="Path under /v2/ or /rest/; empty keeps the default.")
    sync_enabled = fields.Boolean(
        "Send",
        default=True,
        help="Switch off to stop sending this resource; its changes are kept "
        "in the outbox and sent when it is switched on again.",
    )
    version = fields.Char(
        "LinkedIn-Version",
        help="YYYYMM sent to this resource on /rest/; empty uses the backend's.",
    )
    records_per_minute = fields.Integer(
        "Records a minute",
        help="Maximum records a minute sent to this resource while the backend "
        "paces requests. 0 keeps LinkedIn's documented limit (10,000 for the "
        "sync resources). Set it lower when LinkedIn grants this application "
        "a lower limit.",
    )

    _sql_constraints = [
        (
            "resource_uniq",
            "unique(backend_id, resource)",
            "A resource has at most one setting per backend.",
        )
    ]

    @api.constrains("api_family", "path", "version", "resource", "records_per_minute")
    def _check_override(self):
        for setting in self:
            try:
                resources.resolve(
                    setting.resource, {setting.resource: setting._override()}
                )
            except ValueError as exc:
                raise ValidationError(_("Invalid resource setting: %s") % exc)

    def _override(self):
        override = {}
        if self.api_family:
            override["api"] = self.api_family
        if self.path:
            override["path"] = self.path.strip("/")
        if self.version:
            override["version"] = self.version.strip()
        if self.records_per_minute:
            override["records_per_minute"] = self.records_per_minute
        return override

    def as_overrides(self):
        """Return the settings as the ``{resource: {...}}`` map the client takes."""
        return {setting.resource: setting._override() for setting in self}
