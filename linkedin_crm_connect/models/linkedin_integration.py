import json

from odoo import api, fields, models

from ..linkedin import onboarding


class LinkedInIntegration(models.Model):
    """One integration a Recruiter admin granted in the onboarding plugin.

    Keyed like LinkedIn's ``atsIntegrations`` entity: the organization or
    contract URN (``integration_context``) and the type; tenant type and data
    provider are fixed (``RECRUITER``, ``ATS``). ``sent_json`` and
    ``received_json`` keep the last values the add-on sent and read back,
    so an admin can compare them on the backend form.
    """

    _name = "linkedin.integration"
    _description = "LinkedIn integration"
    _order = "backend_id, integration_context, integration_type"
    _rec_name = "integration_type"

    backend_id = fields.Many2one(
        "linkedin.backend", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="backend_id.company_id", readonly=True)
    integration_type = fields.Char("Type", required=True, readonly=True)
    integration_context = fields.Char("Context", required=True, readonly=True)
    scope = fields.Selection(
        [("organization", "Organization"), ("contract", "Contract")],
        compute="_compute_scope",
    )
    product = fields.Selection(
        [("crm", "CRM Connect"), ("rsc", "Recruiter System Connect")],
        compute="_compute_scope",
    )
    request_id = fields.Char(readonly=True)
    integration_name = fields.Char("Name", readonly=True)
    status = fields.Selection(
        [
            ("granted", "Granted"),
            ("pending", "Pending"),
            ("enabled", "Enabled"),
            ("disabled", "Disabled"),
            ("missing", "Not found"),
        ],
        default="granted",
        required=True,
        readonly=True,
        help="Granted: approved in the plugin, not yet named. Pending: named; "
        "the customer still has to switch it on in Recruiter. Disabled: "
        "switched off in Recruiter. Not found: LinkedIn does not know it.",
    )
    message = fields.Text(readonly=True)
    checked_at = fields.Datetime(readonly=True)
    sent_json = fields.Text("Sent", readonly=True)
    received_json = fields.Text("Received", readonly=True)

    _sql_constraints = [
        (
            "key_uniq",
            "unique(backend_id, integration_context, integration_type)",
            "An integration is recorded once per backend.",
        )
    ]

    @api.depends("integration_context", "integration_type")
    def _compute_scope(self):
        for integration in self:
            context = integration.integration_context or ""
            integration.scope = (
                "contract"
                if context.startswith(onboarding.CONTRACT_PREFIX)
                else "organization"
            )
            integration.product = (
                "crm"
                if (integration.integration_type or "").startswith("CRM_")
                else "rsc"
            )

    def key(self):
        """Return the ``atsIntegrations`` key of this integration."""
        self.ensure_one()
        return onboarding.integration_key(
            self.integration_context, self.integration_type
        )

    @api.model
    def record_grants(self, backend, grants):
        """Create or refresh one record per grant; return all of them.

        A grant seen before keeps its name and status; its request id is
        updated.
        """
        records = self.browse()
        for grant in grants:
            existing = self.search(
                [
                    ("backend_id", "=", backend.id),
                    ("integration_context", "=", grant.integration_context),
                    ("integration_type", "=", grant.integration_type),
                ],
                limit=1,
            )
            if existing:
                if grant.request_id:
                    existing.write({"request_id": grant.request_id})
                records |= existing
            else:
                records |= self.create(
                    {
                        "backend_id": backend.id,
                        "integration_type": grant.integration_type,
                        "integration_context": grant.integration_context,
                        "request_id": grant.request_id,
                    }
                )
        return records

    def note_sent(self, name, values):
        """Merge ``{name: values}`` into what was last sent."""
        for integration in self:
            sent = json.loads(integration.sent_json or "{}")
            sent[name] = values
            integration.sent_json = json.dumps(sent, indent=1, sort_keys=True)

    def note_received(self, name, values):
        """Merge ``{name: values}`` into what was last read back."""
        for integration in self:
            received = json.loads(integration.received_json or "{}")
            received[name] = values
            integration.received_json = json.dumps(received, indent=1, sort_keys=True)
