import html
import json
import logging

import requests
from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..linkedin import errors, resources
from ..linkedin.auth import TokenManager
from ..linkedin.client import LinkedInClient
from .linkedin_binding import ENTITY_TYPES, entity_types_of
from .token_store import OdooTokenStore

_logger = logging.getLogger(__name__)

ADMIN_GROUP = "linkedin_crm_connect.group_linkedin_admin"


class LinkedInBackend(models.Model):
    """One LinkedIn CRM Connect tenant: a company's connection to LinkedIn.

    Credentials and tokens are readable only by the LinkedIn administrator
    group, are never copied and are never logged. Code that needs them reads
    them with ``sudo()`` on behalf of the sync.
    """

    _name = "linkedin.backend"
    _description = "LinkedIn CRM Connect backend"
    _order = "company_id, id"

    name = fields.Char(required=True, default="LinkedIn")
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.user.company_id,
        help="The CRM tenant: records of this company sync through this backend.",
    )
    state = fields.Selection(
        [
            ("draft", "Not connected"),
            ("connected", "Connected"),
            ("action_required", "Action required"),
        ],
        default="draft",
        required=True,
        readonly=True,
    )
    state_reason = fields.Text(readonly=True)

    api_base = fields.Char(
        "API base URL",
        required=True,
        default=resources.DEFAULT_API_BASE,
        help="Base of LinkedIn's REST API; /v2/ and /rest/ paths are added to it.",
    )
    oauth_base = fields.Char(
        "OAuth base URL",
        required=True,
        default=resources.DEFAULT_OAUTH_BASE,
        help="Base of LinkedIn's OAuth 2.0 endpoints (accessToken, introspectToken).",
    )
    linkedin_version = fields.Char(
        "LinkedIn-Version",
        required=True,
        default=resources.DEFAULT_LINKEDIN_VERSION,
        help="Default version (YYYYMM) sent on versioned /rest/ resources. "
        "A resource setting below overrides it for one resource.",
    )
    resource_setting_ids = fields.One2many(
        "linkedin.resource.setting",
        "backend_id",
        "Resource settings",
        copy=False,
        help="Per-resource path, /v2 or /rest, and LinkedIn-Version; "
        "moving a resource to a versioned endpoint is a change here.",
    )
    request_timeout = fields.Integer(
        "Request timeout (s)",
        default=30,
        help="Read timeout of every request to LinkedIn, in seconds.",
    )
    token_margin = fields.Integer(
        "Token renewal margin (s)",
        default=300,
        help="A cached token is replaced this many seconds before it expires.",
    )

    client_id = fields.Char(groups=ADMIN_GROUP, copy=False)
    client_secret = fields.Char(groups=ADMIN_GROUP, copy=False)
    organization_urn = fields.Char(
        "Organization URN",
        help="urn:li:organization:<id>: the integrationContext of every record.",
    )
    contract_urn = fields.Char(
        "Contract URN",
        help="urn:li:contract:<id>: the Recruiter contract (hiringContext of resumes).",
    )

    token_status = fields.Selection(
        [
            ("none", "No token"),
            ("active", "Active"),
            ("expired", "Expired"),
            ("revoked", "Revoked"),
            ("error", "Check failed"),
        ],
        compute="_compute_token_info",
    )
    token_expires_at = fields.Datetime(compute="_compute_token_info")
    token_checked_at = fields.Datetime(compute="_compute_token_info")
    connection_message = fields.Text(readonly=True, copy=False)

    sync_state = fields.Selection(
        [
            ("never", "Never run"),
            ("queued", "Queued"),
            ("running", "Running"),
            ("done", "Done"),
            ("done_errors", "Done with errors"),
            ("failed", "Failed"),
        ],
        "Historical sync",
        default="never",
        readonly=True,
        copy=False,
    )
    sync_started_at = fields.Datetime(readonly=True, copy=False)
    sync_finished_at = fields.Datetime(readonly=True, copy=False)
    sync_message = fields.Text(readonly=True, copy=False)
    rsc_sync_state = fields.Selection(
        [
            ("never", "Never run"),
            ("queued", "Queued"),
            ("running", "Running"),
            ("done", "Done"),
            ("done_errors", "Done with errors"),
            ("failed", "Failed"),
        ],
        "RSC historical sync",
        default="never",
        readonly=True,
        copy=False,
        help="The historical sync of the Recruiter System Connect applications, "
        "run after the CRM historical sync.",
    )
    rsc_sync_started_at = fields.Datetime(
        "RSC sync started at", readonly=True, copy=False
    )
    rsc_sync_finished_at = fields.Datetime(
        "RSC sync finished at", readonly=True, copy=False
    )
    rsc_sync_message = fields.Text("RSC sync message", readonly=True, copy=False)
    pace_requests = fields.Boolean(
        "Pace requests",
        default=True,
        help="Send no more records a minute to each resource than LinkedIn "
        "documents (10,000 for the sync resources), so a normal run never "
        "meets a 429. Switch off only against a test server without limits.",
    )
    sync_enabled = fields.Boolean(
        "Continuous sync",
        default=True,
        help="Send changes to LinkedIn as they happen. While off, changes are "
        "still recorded and are sent when it is switched on again.",
    )
    hold_json = fields.Text(
        readonly=True,
        copy=False,
        help="Resources held after LinkedIn's rate limit, with their end (UTC).",
    )
    holds_html = fields.Html(
        "Rate-limit holds", compute="_compute_holds_html", sanitize=False
    )
    outbox_html = fields.Html("Outbox", compute="_compute_outbox_html", sanitize=False)
    binding_ids = fields.One2many("linkedin.binding", "backend_id", readonly=True)
    progress_html = fields.Html(
        "Progress", compute="_compute_progress_html", sanitize=False
    )
    picks_html = fields.Html(
        "Unconfirmed API values",
        compute="_compute_picks_html",
        sanitize=False,
        help="Values the add-on sends that LinkedIn has not confirmed publicly.",
    )

    # -- onboarding -------------------------------------------------------
    partner_client_id = fields.Char(
        "Partner client id",
        compute="_compute_partner_client_id",
        inverse="_inverse_partner_client_id",
        groups=ADMIN_GROUP,
        help="Client id of the LinkedIn partner's own (parent) application. "
        "Entered once for the whole Odoo instance; it provisions each "
        "company's application.",
    )
    partner_client_secret = fields.Char(
        "Partner client secret",
        compute="_compute_partner_client_secret",
        inverse="_inverse_partner_client_secret",
        groups=ADMIN_GROUP,
    )
    provisioned_key = fields.Char(
        "Application key",
        readonly=True,
        copy=False,
        help="Key of the company's developer application on LinkedIn.",
    )
    unique_foreign_id = fields.Char(
        "Unique foreign id",
        readonly=True,
        copy=False,
        help="Built from database.uuid and the company id; LinkedIn keeps one "
        "application per value.",
    )
    application_name = fields.Char(readonly=True, copy=False)
    application_domains = fields.Char(
        "JavaScript SDK domains",
        readonly=True,
        copy=False,
        help="validJsSdkDomains of the application: the origin of Odoo's base "
        "URL, where the LinkedIn plugins may run.",
    )
    provisioning_message = fields.Text(readonly=True, copy=False)
    plugin_script_url = fields.Char(
        "Plugin loader URL",
        default="https://platform.linkedin.com/xdoor/scripts/in.js",
        help="LinkedIn's in.js, which loads every plugin.",
    )
    onboarding_widget_url = fields.Char(
        "Onboarding plugin URL",
        default="https://platform.linkedin.com/rsc/extensions/onboarding-widget",
        help="The integration configuration (onboarding) plugin that in.js loads.",
    )
    rsc_enabled = fields.Boolean(
        "Recruiter System Connect",
        help="Also offer the Recruiter System Connect bundles in the onboarding "
        "plugin, on the same application, and sync an RSC application for "
        "every applicant of a job.",
    )
    onboarding_state = fields.Selection(
        [
            ("none", "Not provisioned"),
            ("provisioned", "Awaiting approval"),
            ("granted", "Awaiting enablement"),
            ("enabled", "Enabled"),
            ("disabled", "Disabled on LinkedIn"),
        ],
        default="none",
        required=True,
        readonly=True,
        copy=False,
    )
    onboarding_message = fields.Text(readonly=True, copy=False)
    onboarding_payload = fields.Text(
        "Last plugin answer",
        readonly=True,
        copy=False,
        help="What the onboarding plugin last passed to Odoo, as received.",
    )
    onboarding_plugin_config = fields.Text(
        compute="_compute_onboarding_plugin_config", groups=ADMIN_GROUP
    )
    integration_ids = fields.One2many(
        "linkedin.integration", "backend_id", "Integrations", readonly=True
    )

    _sql_constraints = [
        (
            "company_uniq",
            "unique(company_id)",
            "A company has one LinkedIn backend: one CRM tenant, one connection.",
        )
    ]

    @api.constrains("linkedin_version")
    def _check_linkedin_version(self):
        for backend in self:
            try:
                resources.validate_version(backend.linkedin_version, "default")
            except ValueError as exc:
                raise ValidationError(str(exc))

    @api.constrains("organization_urn", "contract_urn")
    def _check_urns(self):
        for backend in self:
            org, contract = backend.organization_urn, backend.contract_urn
            if org and not org.startswith("urn:li:organization:"):
                raise ValidationError(
                    _("Organization URN %r must look like urn:li:organization:123.")
                    % org
                )
            if contract and not contract.startswith("urn:li:contract:"):
                raise ValidationError(
                    _("Contract URN %r must look like urn:li:contract:123.") % contract
                )

    @api.model
    def create(self, vals):
        backend = super().create(vals)
        # linkedin.capture caches the active backend of each company.
        self.clear_caches()
        return backend

    @api.multi
    def write(self, vals):
        result = super().write(vals)
        if "active" in vals or "company_id" in vals:
            self.clear_caches()
        return result

    @api.multi
    def unlink(self):
        """Delete the backends with their cached tokens.

        Token rows have no foreign key (see ``linkedin.token``), so they are
        deleted here; sync states, outbox rows and logs go by cascade.
        """
        ids = tuple(self.ids)
        result = super().unlink()
        if ids:
            self.env.cr.execute(
                "DELETE FROM linkedin_token WHERE backend_id IN %s", (ids,)
            )
        self.clear_caches()
        return result

    # -- onboarding ---------------------------------------------------------

    def _compute_partner_client_id(self):
        client_id = self.env["linkedin.onboarding"].partner_credentials()[0]
        for backend in self:
            backend.partner_client_id = client_id

    def _compute_partner_client_secret(self):
        client_secret = self.env["linkedin.onboarding"].partner_credentials()[1]
        for backend in self:
            backend.partner_client_secret = client_secret

    # One partner application serves the whole instance: each value is an
    # instance parameter, whichever backend it was entered on. Each field has
    # its own compute and inverse, so writing one never reads the other.
    def _inverse_partner_client_id(self):
        for backend in self:
            self.env["ir.config_parameter"].sudo().set_param(
                "linkedin_crm_connect.partner_client_id",
                (backend.partner_client_id or "").strip(),
            )

    def _inverse_partner_client_secret(self):
        for backend in self:
            self.env["ir.config_parameter"].sudo().set_param(
                "linkedin_crm_connect.partner_client_secret",
                (backend.partner_client_secret or "").strip(),
            )

    @api.depends(
        "provisioned_key", "plugin_script_url", "onboarding_widget_url", "rsc_enabled"
    )
    def _compute_onboarding_plugin_config(self):
        service = self.env["linkedin.onboarding"]
        for backend in self:
            backend.onboarding_plugin_config = json.dumps(
                service.plugin_config(backend) if backend.id else {"ready": False}
            )

    @api.multi
    def action_provision_application(self):
        """Provision the company's LinkedIn application, or find the existing one."""
        for backend in self:
            self.env["linkedin.onboarding"].provision(backend)
        return True

    @api.multi
    def action_configure_integrations(self):
        """Name, configure and verify the recorded integrations again."""
        for backend in self:
            result = self.env["linkedin.onboarding"].configure(backend)
            if not result["ok"]:
                _logger.info("linkedin backend %s: %s", backend.id, result["message"])
        return True

    @api.multi
    def action_check_integrations(self):
        """Read the integrations' status from LinkedIn."""
        for backend in self:
            self.env["linkedin.onboarding"].check(backend)
        return True

    @api.multi
    def action_reenable_integrations(self):
        """Resume after a Recruiter admin switched the integrations on again."""
        for backend in self:
            result = self.env["linkedin.onboarding"].check(backend)
            if not result["ok"]:
                raise UserError(result["message"])
        return True

    # -- token --------------------------------------------------------------

    def _compute_token_info(self):
        for backend in self:
            if not backend.id:
                backend.token_status = "none"
                continue
            status, expires_at, checked_at = OdooTokenStore(
                self.env.cr.dbname, backend.id
            ).read_status()
            backend.token_status = status or "none"
            backend.token_expires_at = expires_at
            backend.token_checked_at = checked_at

    def _token_manager(self, session):
        self.ensure_one()
        secrets = self.sudo()
        if not secrets.client_id or not secrets.client_secret:
            raise UserError(
                _("Backend %s has no client id or client secret: enter both first.")
                % self.display_name
            )
        return TokenManager(
            session,
            self.oauth_base.rstrip("/"),
            secrets.client_id,
            secrets.client_secret,
            OdooTokenStore(self.env.cr.dbname, self.id),
            margin_seconds=self.token_margin,
            timeout=(5, self.request_timeout),
            on_failure=self._log_failed_request,
        )

    def _client(self, session=None, on_failure=None):
        """Return a LinkedIn client for this backend on its own HTTP session.

        ``on_failure(record)`` replaces the default logging of failed
        requests, for callers that add the records involved.
        """
        self.ensure_one()
        session = session or requests.Session()
        return LinkedInClient(
            session,
            self.api_base.rstrip("/"),
            self._token_manager(session),
            overrides=self.resource_setting_ids.as_overrides(),
            default_version=self.linkedin_version,
            timeout=(5, self.request_timeout),
            on_failure=on_failure or self._log_failed_request,
        )

    def _log_failed_request(self, record, refs=None):
        self.env["linkedin.request.log"].record_failure(self, record, refs=refs)

    @api.multi
    def action_test_connection(self):
        """Request a new token and report success or the exact failure."""
        for backend in self:
            session = requests.Session()
            manager = backend._token_manager(session)
            try:
                manager.invalidate(None, reason="a connection test")
                manager.get_token()
            except errors.AuthenticationError as exc:
                message = _(
                    "LinkedIn rejected the credentials (%s): %s. Check the client "
                    "id and client secret."
                ) % (exc.error or exc.status, exc.error_description or exc.message)
                backend._set_connection(False, message)
            except errors.TransientError as exc:
                backend._set_connection(False, describe_transport_error(exc))
            except errors.LinkedInError as exc:
                backend._set_connection(False, str(exc))
            else:
                backend._set_connection(True, _("Connected: a token was issued."))
        return True

    def _set_connection(self, ok, message):
        outcome = "ok" if ok else message
        _logger.info("linkedin backend %s connection test: %s", self.id, outcome)
        vals = {"connection_message": message}
        if ok:
            vals.update(state="connected", state_reason=False)
        elif self.state == "connected":
            vals.update(state="action_required", state_reason=message)
        self.write(vals)

    @api.multi
    def action_check_token(self):
        """Check the stored token with LinkedIn's token introspection."""
        for backend in self:
            backend._introspect_token()
        return True

    def _introspect_token(self):
        store = OdooTokenStore(self.env.cr.dbname, self.id)
        token = store.load()
        if token is None:
            return
        manager = self._token_manager(requests.Session())
        try:
            answer = manager.introspect(token.access_token)
        except errors.LinkedInError as exc:
            _logger.warning(
                "linkedin backend %s token introspection failed: %s", self.id, exc
            )
            store.mark_checked("error")
            return
        status = answer.get("status") or (
            "active" if answer.get("active") else "expired"
        )
        if status != "active":
            manager.invalidate(token.access_token, reason="introspection: %s" % status)
        store.mark_checked(status)

    @api.model
    def _cron_check_tokens(self):
        """Check the token of every connected backend and drop a dead one."""
        for backend in self.search([("state", "=", "connected")]):
            backend._introspect_token()

    # -- historical sync ----------------------------------------------------

    def _compute_progress_html(self):
        for backend in self:
            backend.progress_html = self.env["linkedin.binding"].progress_table(backend)

    # -- continuous sync ----------------------------------------------------

    def _holds(self):
        """Return ``{resource: {"until": datetime, "reason": str}}`` still in force."""
        now = fields.Datetime.from_string(fields.Datetime.now())
        holds = {}
        for resource, hold in json.loads(self.hold_json or "{}").items():
            until = fields.Datetime.from_string(hold["until"])
            if until > now:
                holds[resource] = dict(hold, until=until)
        return holds

    def is_held(self, resource):
        """Tell whether requests to ``resource`` wait for LinkedIn's daily reset."""
        self.ensure_one()
        return resource in self._holds()

    def is_paused(self, resource):
        """Tell whether an admin switched sending of ``resource`` off."""
        self.ensure_one()
        return bool(
            self.resource_setting_ids.filtered(
                lambda setting: (
                    setting.resource == resource and not setting.sync_enabled
                )
            )
        )

    def hold_resource(self, resource, until, reason):
        """Stop sending to ``resource`` until ``until`` (naive UTC datetime)."""
        self.ensure_one()
        holds = {
            name: dict(hold, until=fields.Datetime.to_string(hold["until"]))
            for name, hold in self._holds().items()
        }
        holds[resource] = {"until": fields.Datetime.to_string(until), "reason": reason}
        _logger.warning(
            "linkedin backend %s: %s held until %s UTC: %s",
            self.id,
            resource,
            until,
            reason,
        )
        self.write({"hold_json": json.dumps(holds)})

    @api.multi
    def action_release_holds(self):
        """Send to held resources again before LinkedIn's daily reset."""
        self.write({"hold_json": False})
        return True

    def require_action(self, message, integration_disabled=False):
        """Show that an admin must act, with the reason, and stop the sync.

        With ``integration_disabled`` (LinkedIn's 403 when the customer
        switched an integration off in Recruiter), the onboarding is marked
        disabled too, which shows the Re-enable button.
        """
        self.ensure_one()
        _logger.warning("linkedin backend %s: action required: %s", self.id, message)
        vals = {"state": "action_required", "state_reason": message}
        if integration_disabled and self.integration_ids:
            vals["onboarding_state"] = "disabled"
            vals["state_reason"] = (
                _(
                    "%s A Recruiter admin switches the integration on again in "
                    "Recruiter; then press Re-enable integrations."
                )
                % message
            )
        self.write(vals)

    def _compute_holds_html(self):
        for backend in self:
            rows = "".join(
                "<tr><td>%s</td><td>%s UTC</td><td>%s</td></tr>"
                % (
                    html.escape(name),
                    hold["until"],
                    html.escape(hold.get("reason", "")),
                )
                for name, hold in sorted(backend._holds().items())
            )
            backend.holds_html = (
                "<table class='table table-condensed'><thead><tr><th>Resource</th>"
                "<th>Held until</th><th>Reason</th></tr></thead><tbody>%s</tbody>"
                "</table>" % rows
                if rows
                else "<p>No resource is held.</p>"
            )

    def _compute_outbox_html(self):
        for backend in self:
            if not backend.id:
                backend.outbox_html = ""
                continue
            counts = self.env["linkedin.outbox"].sudo().counts(backend)
            rows = "".join(
                "<tr><td>%s</td><td class='text-right'>%d</td>"
                "<td class='text-right'>%d</td><td class='text-right'>%d</td></tr>"
                % (
                    html.escape(label),
                    counts.get(code, {}).get("pending", 0)
                    + counts.get(code, {}).get("claimed", 0),
                    counts.get(code, {}).get("done", 0),
                    counts.get(code, {}).get("failed", 0),
                )
                for code, label, _resource in ENTITY_TYPES
                if code in entity_types_of(backend)
            )
            backend.outbox_html = (
                "<table class='table table-condensed'><thead><tr><th>Entity</th>"
                "<th class='text-right'>Pending</th><th class='text-right'>Sent</th>"
                "<th class='text-right'>Failed</th></tr></thead><tbody>%s</tbody>"
                "</table>" % rows
            )

    @api.multi
    def action_sync_now(self):
        """Send the pending changes now instead of waiting for the scheduler."""
        for backend in self:
            if not backend.sync_enabled:
                raise UserError(
                    _("Continuous sync is switched off on %s.") % backend.name
                )
            backend._check_ready()
            self.env["linkedin.flusher"].flush(backend, commit=True)
        return True

    @api.multi
    def action_retry_failed(self):
        """Queue every failed record of the backends to be sent again."""
        for backend in self:
            failed = (
                self.env["linkedin.binding"]
                .sudo()
                .search([("backend_id", "=", backend.id), ("state", "=", "failed")])
            )
            failed.action_resync()
            _logger.info(
                "linkedin backend %s: %d failed records queued again",
                backend.id,
                len(failed),
            )
        return True

    @api.model
    def _cron_flush(self, commit=True):
        """Flush every connected backend; one backend's failure stops no other.

        The capture journal is ingested first, also when no backend is
        connected or continuous sync is off, so the changes wait in the
        outbox and the journal stays short. Each backend's progress is
        committed batch by batch, so a failing backend loses nothing another
        backend sent. Tests pass ``commit=False`` and get a savepoint per
        backend instead.
        """
        self.env["linkedin.capture.journal"].sudo().ingest()
        if commit:
            self.env.cr.commit()
        for backend in self.search(
            [("state", "=", "connected"), ("sync_enabled", "=", True)]
        ):
            try:
                if commit:
                    self.env["linkedin.flusher"].flush(backend, commit=True)
                else:
                    with self.env.cr.savepoint():
                        self.env["linkedin.flusher"].flush(backend, commit=False)
            except Exception:
                if commit:
                    self.env.cr.rollback()
                _logger.exception("linkedin backend %s: flush failed", backend.id)

    def _compute_picks_html(self):
        rows = "".join(
            "<tr><td>%s</td><td>%s</td><td>%s</td></tr>"
            % (
                html.escape(pick.subject),
                html.escape(pick.value),
                html.escape("; ".join(pick.alternatives)),
            )
            for pick in resources.PICKS
        )
        table = (
            "<table class='table table-condensed'><thead><tr><th>Subject</th>"
            "<th>Sent</th><th>Alternatives</th></tr></thead><tbody>%s</tbody>"
            "</table>" % rows
        )
        for backend in self:
            backend.picks_html = table

    @api.multi
    def action_start_historical_sync(self):
        """Queue the historical sync; the scheduled action runs it in the background."""
        for backend in self:
            if backend.sync_state in ("queued", "running"):
                raise UserError(
                    _("The historical sync is already %s.") % backend.sync_state
                )
            backend._check_ready()
        self.write({"sync_state": "queued", "sync_message": False})
        cron = self.env.ref(
            "linkedin_crm_connect.ir_cron_historical_sync", raise_if_not_found=False
        )
        if cron:
            cron.sudo().write({"nextcall": fields.Datetime.now()})
        return True

    def _check_ready(self):
        missing = [
            label
            for label, value in (
                (_("organization URN"), self.organization_urn),
                (_("contract URN"), self.contract_urn),
                (_("client id"), self.sudo().client_id),
                (_("client secret"), self.sudo().client_secret),
            )
            if not value
        ]
        if missing:
            raise UserError(
                _("Backend %s cannot sync: %s missing.")
                % (self.display_name, ", ".join(missing))
            )

    @api.multi
    def action_start_rsc_sync(self):
        """Queue the RSC historical sync, which the scheduled action runs.

        It sends one RSC application per applicant of a job. It runs after
        a queued CRM historical sync of the same backend, which sends the
        candidates the applications refer to.
        """
        for backend in self:
            if not backend.rsc_enabled:
                raise UserError(
                    _("Recruiter System Connect is switched off on %s.") % backend.name
                )
            if backend.rsc_sync_state in ("queued", "running"):
                raise UserError(
                    _("The RSC historical sync is already %s.") % backend.rsc_sync_state
                )
            backend._check_ready()
        self.write({"rsc_sync_state": "queued", "rsc_sync_message": False})
        cron = self.env.ref(
            "linkedin_crm_connect.ir_cron_historical_sync", raise_if_not_found=False
        )
        if cron:
            cron.sudo().write({"nextcall": fields.Datetime.now()})
        return True

    @api.model
    def _cron_historical_sync(self):
        """Run the queued historical syncs, committing after every batch.

        The CRM syncs run first, so the candidates exist on LinkedIn before
        the RSC applications that refer to them are sent. An RSC sync queued
        on a backend whose RSC was switched off since is dropped.
        """
        for backend in self.search([("sync_state", "=", "queued")]):
            backend.run_historical_sync(commit=True)
        for backend in self.search([("rsc_sync_state", "=", "queued")]):
            if not backend.rsc_enabled:
                _logger.info(
                    "linkedin backend %s: RSC historical sync dropped: RSC is off",
                    backend.id,
                )
                backend.write({"rsc_sync_state": "never"})
                continue
            backend.run_rsc_sync(commit=True)

    @api.multi
    def run_historical_sync(self, commit=False):
        """Push all of the company's data to LinkedIn and return the summary.

        With ``commit`` the progress is committed after every batch, so the
        backend form shows it while the sync runs and a crash loses at most
        one batch of bookkeeping. Tests call it without committing.
        """
        self.ensure_one()
        self._check_ready()
        return self.env["linkedin.exporter"].run(self, commit=commit)

    @api.multi
    def run_rsc_sync(self, commit=False):
        """Send every RSC application of the company and return the summary.

        Raises UserError when the backend has RSC off, because entities of
        such a backend are never sent. ``commit`` works as in
        ``run_historical_sync``.
        """
        self.ensure_one()
        if not self.rsc_enabled:
            raise UserError(
                _("Recruiter System Connect is switched off on %s.") % self.name
            )
        self._check_ready()
        return self.env["linkedin.exporter"].run(self, commit=commit, rsc=True)


def describe_transport_error(exc):
    """Return a sentence naming a network failure on the way to LinkedIn."""
    cause = exc.cause
    if isinstance(cause, requests.exceptions.SSLError):
        return _("TLS handshake with LinkedIn failed: %s") % cause
    if isinstance(cause, requests.exceptions.Timeout):
        return _("LinkedIn did not answer in time: %s") % cause
    if isinstance(cause, requests.exceptions.ConnectionError):
        return _("LinkedIn could not be reached: %s") % cause
    return _("LinkedIn answered with a server error: %s") % exc
