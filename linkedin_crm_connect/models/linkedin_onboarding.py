import json
import logging

import requests
from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..linkedin import errors, onboarding
from ..linkedin.auth import MemoryTokenStore, TokenManager
from ..linkedin.client import LinkedInClient
from ..linkedin.restli import body_key
from .linkedin_backend import ADMIN_GROUP
from .token_store import OdooTokenStore

_logger = logging.getLogger(__name__)

PRODUCT_NAME = "Odoo"
PARTNER_CLIENT_ID_PARAM = "linkedin_crm_connect.partner_client_id"
PARTNER_CLIENT_SECRET_PARAM = "linkedin_crm_connect.partner_client_secret"
OAUTH_CALLBACK_ROUTE = "/linkedin_crm_connect/oauth/callback"
EXPORT_CALLBACK_ROUTE = "/linkedin_crm_connect/export/%d"
CALLBACK_ROUTE = "/linkedin_crm_connect/onboarding/callback"

_STATUS_FROM_LINKEDIN = {
    onboarding.STATUS_ENABLED: "enabled",
    onboarding.STATUS_DISABLED: "disabled",
    onboarding.STATUS_PENDING: "pending",
}


class LinkedInOnboarding(models.AbstractModel):
    """Connect a company to LinkedIn: provision, take grants, configure, verify.

    Every call to LinkedIn is made here, on behalf of one backend, and every
    failed request goes to the request log like the sync's. The partner
    application's token is fetched for each provisioning and kept in memory
    only, because provisioning happens once per company.
    """

    _name = "linkedin.onboarding"
    _description = "LinkedIn onboarding"

    # -- settings -------------------------------------------------------------

    @api.model
    def base_url(self):
        return (
            self.env["ir.config_parameter"].sudo().get_param("web.base.url") or ""
        ).rstrip("/")

    @api.model
    def partner_credentials(self):
        params = self.env["ir.config_parameter"].sudo()
        return (
            params.get_param(PARTNER_CLIENT_ID_PARAM) or "",
            params.get_param(PARTNER_CLIENT_SECRET_PARAM) or "",
        )

    def export_callback_url(self, backend):
        return self.base_url() + EXPORT_CALLBACK_ROUTE % backend.id

    def desired_application(self, backend):
        """Return the provisioning body this backend's company should have."""
        base = self.base_url()
        company = backend.company_id
        database_uuid = (
            self.env["ir.config_parameter"].sudo().get_param("database.uuid")
        )
        return onboarding.application_body(
            onboarding.unique_foreign_id(database_uuid, company.id),
            onboarding.application_name(PRODUCT_NAME, company.name),
            _("Odoo Recruitment of %s (database %s)")
            % (company.name, self.env.cr.dbname),
            [onboarding.js_sdk_domain(base)],
            [base + OAUTH_CALLBACK_ROUTE],
        )

    # -- clients --------------------------------------------------------------

    def _partner_client(self, backend, session):
        client_id, client_secret = self.partner_credentials()
        if not client_id or not client_secret:
            raise UserError(
                _(
                    "Enter the partner application's client id and secret on the "
                    "Onboarding tab first: they provision the company's "
                    "application."
                )
            )
        manager = TokenManager(
            session,
            backend.oauth_base.rstrip("/"),
            client_id,
            client_secret,
            MemoryTokenStore(),
            margin_seconds=backend.token_margin,
            timeout=(5, backend.request_timeout),
            on_failure=backend._log_failed_request,
        )
        return LinkedInClient(
            session,
            backend.api_base.rstrip("/"),
            manager,
            overrides=backend.resource_setting_ids.as_overrides(),
            default_version=backend.linkedin_version,
            timeout=(5, backend.request_timeout),
            on_failure=backend._log_failed_request,
        )

    # -- provisioning ---------------------------------------------------------

    def provision(self, backend):
        """Provision the company's child application, or find the one it has.

        The application is looked up by ``uniqueForeignId`` first and reused
        when it exists, so a company never gets a second one. A 409 on create
        (another worker provisioned it first) leads to the same lookup. The
        child's credentials become the backend's. Domains and callback URLs are
        updated when Odoo's base URL changed.
        """
        backend.ensure_one()
        desired = self.desired_application(backend)
        foreign_id = desired["uniqueForeignId"]
        client = self._partner_client(backend, requests.Session())
        try:
            application = onboarding.find_application(client, foreign_id)
            created = False
            if application is None:
                try:
                    application = onboarding.create_application(client, desired)
                    created = True
                except onboarding.ApplicationExists:
                    _logger.info(
                        "linkedin backend %s: application %s exists (409); reading it",
                        backend.id,
                        foreign_id,
                    )
                    application = onboarding.find_application(client, foreign_id)
                    if application is None:
                        raise UserError(
                            _(
                                "LinkedIn reports an application with id %s, "
                                "but does not return it. Try again later."
                            )
                            % foreign_id
                        ) from None
            changes = {
                name: desired[name]
                for name in ("validJsSdkDomains", "oauth2AuthorizedCallbackUrls")
                if sorted(application.get(name) or []) != sorted(desired[name])
            }
            if changes and not created:
                onboarding.update_application(client, application["key"], changes)
                application.update(changes)
        except errors.LinkedInError as exc:
            message = _("Provisioning failed: %s") % exc
            backend.write({"provisioning_message": message})
            raise UserError(message) from None

        client_id, client_secret = onboarding.credentials(application)
        vals = {
            "provisioned_key": application.get("key"),
            "unique_foreign_id": foreign_id,
            "application_name": application.get("name") or desired["name"],
            "application_domains": ", ".join(
                application.get("validJsSdkDomains") or []
            ),
            "provisioning_message": (
                _("Application %s created.") if created else _("Application %s found.")
            )
            % application.get("key"),
        }
        secrets = backend.sudo()
        if (
            client_id
            and client_secret
            and (
                client_id != secrets.client_id or client_secret != secrets.client_secret
            )
        ):
            vals.update(client_id=client_id, client_secret=client_secret)
            # A token of other credentials must not be used again.
            OdooTokenStore(self.env.cr.dbname, backend.id).invalidate(None)
        if backend.onboarding_state == "none":
            vals["onboarding_state"] = "provisioned"
        secrets.write(vals)
        _logger.info(
            "linkedin backend %s: application %s %s (%s)",
            backend.id,
            application.get("key"),
            "created" if created else "reused",
            foreign_id,
        )
        return application

    @api.model
    def _cron_check(self):
        """Keep provisioned applications' domains current and check integrations.

        Odoo's base URL can change, for example when an admin logs in on a new
        address. A change of ``web.base.url`` moves this cron's next call
        forward, so the domains follow at its next tick.
        """
        backends = self.env["linkedin.backend"].search(
            [("provisioned_key", "!=", False)]
        )
        for backend in backends:
            try:
                desired = self.desired_application(backend)
                domains = ", ".join(desired["validJsSdkDomains"])
                if backend.application_domains != domains:
                    with self.env.cr.savepoint():
                        self.provision(backend)
                if backend.integration_ids:
                    with self.env.cr.savepoint():
                        self.check(backend)
            except (UserError, errors.LinkedInError, ValueError) as exc:
                _logger.warning(
                    "linkedin backend %s: onboarding check failed: %s", backend.id, exc
                )

    # -- the plugin's callback --------------------------------------------------

    def plugin_config(self, backend):
        """Return what the form widget needs to render the onboarding plugin."""
        bundles = [onboarding.CRM_BUNDLE]
        if backend.rsc_enabled:
            bundles.extend(onboarding.RSC_BUNDLES)
        api_key = backend.sudo().client_id if backend.provisioned_key else ""
        problem = ""
        if not backend.provisioned_key:
            problem = _("Provision the company's application first.")
        elif not api_key:
            problem = _("The provisioned application has no client id.")
        return {
            "backend_id": backend.id,
            "ready": not problem,
            "problem": problem,
            "script_url": backend.plugin_script_url or "",
            "extension_url": backend.onboarding_widget_url or "",
            "api_key": api_key or "",
            "bundles": bundles,
            "callback_route": CALLBACK_ROUTE,
            "attributes": {"data-width": "500"},
        }

    @api.model
    def may_approve(self, user, backend):
        """Tell whether ``user`` may store the plugin's grants for ``backend``.

        Only a LinkedIn administrator whose companies include the backend's
        company may. This is the guard of the JSON route, which Odoo 11
        serves without a CSRF token.
        """
        return bool(
            backend
            and user.has_group(ADMIN_GROUP)
            and backend.company_id in user.company_ids
        )

    def handle_callback(self, backend, payload):
        """Record what the plugin granted, then configure and verify it.

        Returns ``{"ok": bool, "message": str}`` for the page. A grant for a
        second organization is rejected and changes nothing. LinkedIn errors
        after the grants are recorded leave them recorded, with the error,
        so "Configure again" can finish the work.
        """
        backend.ensure_one()
        raw = json.dumps(payload, default=str)
        _logger.info(
            "linkedin backend %s: onboarding plugin returned %s", backend.id, raw
        )
        parsed = onboarding.parse_callback(payload)
        for problem in parsed.problems:
            _logger.warning(
                "linkedin backend %s: onboarding plugin item skipped: %s",
                backend.id,
                problem,
            )
        if not parsed.grants:
            message = _("No integration was approved in the plugin.")
            if parsed.problems:
                message += " " + "; ".join(parsed.problems)
            return {"ok": False, "message": message}
        try:
            onboarding.check_single_organization(backend.organization_urn, parsed)
        except onboarding.OrganizationConflict as exc:
            _logger.warning("linkedin backend %s: %s", backend.id, exc)
            return {"ok": False, "message": str(exc)}

        vals = {"onboarding_payload": raw}
        if not backend.organization_urn and parsed.organizations:
            vals["organization_urn"] = parsed.organizations[0]
        if not backend.contract_urn and parsed.contracts:
            vals["contract_urn"] = parsed.contracts[0]
        if backend.onboarding_state in ("none", "provisioned"):
            vals["onboarding_state"] = "granted"
        backend.write(vals)
        granted = self.env["linkedin.integration"].record_grants(backend, parsed.grants)
        _logger.info(
            "linkedin backend %s: %d integrations recorded (%s)",
            backend.id,
            len(granted),
            ", ".join(
                "%s@%s" % (grant.integration_type, grant.integration_context)
                for grant in parsed.grants
            ),
        )
        return self.configure(backend)

    # -- configure and verify ---------------------------------------------------

    def _child_client(self, backend):
        return backend._client(requests.Session())

    def configure(self, backend):
        """Name every integration, set configurations, then verify them all."""
        integrations = backend.integration_ids
        if not integrations:
            return {"ok": False, "message": _("No integration is recorded yet.")}
        try:
            client = self._child_client(backend)
            self._name_integrations(backend, client, integrations)
            self._set_configurations(backend, client, integrations)
        except UserError as exc:
            message = exc.name
            backend.write({"onboarding_message": message})
            return {"ok": False, "message": message}
        except errors.LinkedInError as exc:
            message = _("LinkedIn rejected the integration set-up: %s") % exc
            backend.write({"onboarding_message": message})
            return {"ok": False, "message": message}
        return self.check(backend, client=client)

    def _name_integrations(self, backend, client, integrations):
        name = onboarding.application_name(PRODUCT_NAME, backend.company_id.name)
        items = [(integration.key(), name) for integration in integrations]
        outcomes = onboarding.name_integrations(client, items)
        resource = client.resource("atsIntegrations")
        for integration in integrations:
            result = outcomes[body_key(resource, integration.key())]
            integration.note_sent("integrationName", name)
            if result.ok:
                integration.write({"integration_name": name, "message": False})
            else:
                integration.write(
                    {
                        "message": _("Naming failed: %s (%s)")
                        % (result.message, result.status)
                    }
                )

    def _set_configurations(self, backend, client, integrations):
        callback_url = self.export_callback_url(backend)
        for integration in integrations.filtered(
            lambda record: record.integration_type in onboarding.ONE_CLICK_EXPORT_TYPES
        ):
            values = {
                "CALLBACK_URL": {"string": callback_url},
                "JOB_POSTING_VIEWERS": {"string": "ALL_PRODUCT_USERS"},
            }
            integration.note_sent("configurations", values)
            outcomes = onboarding.set_configurations(client, integration.key(), values)
            failed = [
                "%s: %s" % (name, message)
                for name, (ok, message) in outcomes.items()
                if not ok
            ]
            if failed:
                integration.write(
                    {
                        "message": _("LinkedIn rejected the configuration: %s")
                        % "; ".join(failed)
                    }
                )
            read_back = onboarding.read_configurations(
                client, integration.key(), list(values)
            )
            integration.note_received("configurations", read_back)

    def check(self, backend, client=None):
        """Read every integration's status from LinkedIn and act on it.

        All enabled: the backend is connected and a historical sync that
        never ran is queued. One disabled: the backend needs action and the
        continuous sync stops until it is re-enabled; changes keep being
        recorded in the outbox.
        """
        integrations = backend.integration_ids
        if not integrations:
            return {"ok": False, "message": _("No integration is recorded yet.")}
        client = client or self._child_client(backend)
        keys = [integration.key() for integration in integrations]
        try:
            answers = onboarding.get_integrations(client, keys)
        except errors.LinkedInError as exc:
            message = _("LinkedIn did not return the integrations: %s") % exc
            backend.write({"onboarding_message": message})
            return {"ok": False, "message": message}
        resource = client.resource("atsIntegrations")
        now = fields.Datetime.now()
        for integration in integrations:
            entity, result = answers[body_key(resource, integration.key())]
            vals = {"checked_at": now}
            if entity is None:
                vals["status"] = "missing"
                vals["message"] = result.message
            else:
                vals["status"] = _STATUS_FROM_LINKEDIN.get(
                    entity.get("status"), "pending"
                )
                if entity.get("integrationName"):
                    vals["integration_name"] = entity["integrationName"]
            integration.write(vals)
            integration.note_received("integration", entity)
        return self._apply_statuses(backend)

    def _apply_statuses(self, backend):
        integrations = backend.integration_ids
        disabled = integrations.filtered(lambda record: record.status == "disabled")
        waiting = integrations.filtered(
            lambda record: record.status in ("granted", "pending", "missing")
        )
        if disabled:
            names = ", ".join(
                "%s (%s)" % (record.integration_type, record.integration_context)
                for record in disabled
            )
            message = (
                _(
                    "LinkedIn reports these integrations disabled: %s. A Recruiter "
                    "admin switches them on again in Recruiter (Product settings, "
                    "Integrations); then press Re-enable. Changes are kept in the "
                    "outbox meanwhile."
                )
                % names
            )
            _logger.warning(
                "linkedin backend %s: action required: %s", backend.id, message
            )
            backend.write(
                {
                    "onboarding_state": "disabled",
                    "onboarding_message": message,
                    "state": "action_required",
                    "state_reason": message,
                }
            )
            return {"ok": False, "message": message}
        if waiting:
            message = _(
                "%d of %d integrations are not enabled yet (%s). A Recruiter "
                "admin switches them on in Recruiter; then press Check "
                "integrations."
            ) % (
                len(waiting),
                len(integrations),
                ", ".join(waiting.mapped("integration_type")),
            )
            backend.write(
                {"onboarding_state": "granted", "onboarding_message": message}
            )
            return {"ok": False, "message": message}

        message = _("All %d integrations are enabled.") % len(integrations)
        vals = {"onboarding_state": "enabled", "onboarding_message": message}
        # Another cause of "action required" (a 426, a 403 on one resource)
        # stays until its own fix; only a disabled integration is cleared here.
        if backend.state == "draft" or backend.onboarding_state == "disabled":
            vals.update(state="connected", state_reason=False)
        backend.write(vals)
        if backend.sync_state == "never":
            backend.action_start_historical_sync()
            message += " " + _("The historical sync has started.")
            backend.write({"onboarding_message": message})
        rsc_types = set(onboarding.RSC_TYPES)
        has_rsc = any(record.integration_type in rsc_types for record in integrations)
        if backend.rsc_enabled and has_rsc and backend.rsc_sync_state == "never":
            backend.action_start_rsc_sync()
            message += " " + _("The RSC historical sync has started.")
            backend.write({"onboarding_message": message})
        _logger.info("linkedin backend %s: %s", backend.id, message)
        return {"ok": True, "message": message}
