"""Onboarding against the sandbox: provisioning, plugin grants, contracts, status."""

import uuid
from unittest import mock

from odoo.exceptions import UserError

from ..linkedin import onboarding
from ..models import linkedin_onboarding
from .common import SandboxCase, sandbox_call

BASE_URL = "http://127.0.0.1:8069"
CRM_TYPES = set(onboarding.CRM_TYPES)


class OnboardingCase(SandboxCase):
    """A backend of the main company that has not been onboarded yet."""

    def setUp(self):
        super().setUp()
        tag = uuid.uuid4().hex[:8]
        self.partner_id = "partner-%s" % tag
        sandbox_call(
            "POST",
            "/sandbox/clients",
            json={"client_id": self.partner_id, "client_secret": "partner/secret"},
        )
        params = self.env["ir.config_parameter"].sudo()
        params.set_param("web.base.url", BASE_URL)
        self.backend.write(
            {
                "client_id": False,
                "client_secret": False,
                "organization_urn": False,
                "contract_urn": False,
                "partner_client_id": self.partner_id,
                "partner_client_secret": "partner/secret",
            }
        )
        self.org = self.org_urn
        self.contract = "urn:li:contract:%d" % (int(tag, 16) % 10**7)
        self.service = self.env["linkedin.onboarding"]

    def applications(self):
        listed = sandbox_call("GET", "/sandbox/onboarding")["provisionedApplications"]
        return [app for app in listed if app["partnerClientId"] == self.partner_id]

    def sandbox_integrations(self):
        listed = sandbox_call("GET", "/sandbox/onboarding")["integrations"]
        return [row for row in listed if row["clientId"] == self.backend.client_id]

    def grant(self, organization=None, contract=None, types=None):
        """Approve in the sandbox as a Recruiter admin does in the plugin."""
        return sandbox_call(
            "POST",
            "/sandbox/onboarding/grant",
            json={
                "client_id": self.backend.client_id,
                "organization_urn": organization or self.org,
                "contract_urn": contract or self.contract,
                "integration_types": types or [onboarding.CRM_BUNDLE],
            },
        )

    def onboard(self):
        self.backend.action_provision_application()
        return self.service.handle_callback(self.backend, self.grant())


class TestProvisioning(OnboardingCase):
    def test_provision_creates_one_application(self):
        self.backend.action_provision_application()

        apps = self.applications()
        self.assertEqual(len(apps), 1)
        app = apps[0]
        database_uuid = self.env["ir.config_parameter"].get_param("database.uuid")
        self.assertEqual(
            app["uniqueForeignId"],
            "odoo-%s-company-%d" % (database_uuid, self.company.id),
        )
        self.assertEqual(app["name"], "Odoo - %s" % self.company.name)
        self.assertEqual(app["validJsSdkDomains"], [BASE_URL])
        self.assertEqual(
            app["oauth2AuthorizedCallbackUrls"],
            [BASE_URL + "/linkedin_crm_connect/oauth/callback"],
        )
        self.assertEqual(self.backend.provisioned_key, app["key"])
        self.assertEqual(self.backend.client_id, app["clientId"])
        self.assertTrue(self.backend.client_secret)
        self.assertEqual(self.backend.onboarding_state, "provisioned")
        self.assertEqual(self.backend.application_domains, BASE_URL)

    def test_child_credentials_get_a_token(self):
        self.backend.action_provision_application()

        self.backend.action_test_connection()

        self.assertEqual(
            self.backend.state, "connected", self.backend.connection_message
        )

    def test_provisioning_again_reuses_the_application(self):
        self.backend.action_provision_application()
        first_key = self.backend.provisioned_key
        creates = self.request_count("provisionedApplications", "POST")

        self.backend.action_provision_application()

        self.assertEqual(len(self.applications()), 1)
        self.assertEqual(self.backend.provisioned_key, first_key)
        self.assertEqual(self.request_count("provisionedApplications", "POST"), creates)

    def test_create_conflict_reuses_application(self):
        real_find = onboarding.find_application
        # The first lookup misses, as when another worker provisions between
        # this worker's lookup and create.
        answers = iter([None])

        def racing_find(client, foreign_id):
            try:
                return next(answers)
            except StopIteration:
                return real_find(client, foreign_id)

        self.backend.action_provision_application()
        first_key = self.backend.provisioned_key
        self.backend.write({"provisioned_key": False})
        with mock.patch.object(onboarding, "find_application", racing_find):
            self.backend.action_provision_application()

        self.assertEqual(len(self.applications()), 1)
        self.assertEqual(self.backend.provisioned_key, first_key)
        self.assertIn("found", self.backend.provisioning_message)

    def test_two_companies_get_two_applications(self):
        other = self.env["res.company"].create({"name": "Second Recruiting Co"})
        second = self.env["linkedin.backend"].create(
            {
                "name": "Second",
                "company_id": other.id,
                "api_base": self.backend.api_base,
                "oauth_base": self.backend.oauth_base,
            }
        )

        self.backend.action_provision_application()
        second.action_provision_application()

        apps = self.applications()
        self.assertEqual(len(apps), 2)
        self.assertNotEqual(apps[0]["uniqueForeignId"], apps[1]["uniqueForeignId"])
        self.assertNotEqual(self.backend.client_id, second.client_id)

    def test_base_url_change_updates_the_domains(self):
        self.backend.action_provision_application()
        cron = self.env.ref("linkedin_crm_connect.ir_cron_onboarding_check")
        cron.write({"nextcall": "2099-01-01 00:00:00"})

        self.env["ir.config_parameter"].sudo().set_param(
            "web.base.url", "https://erp.example.com"
        )
        cron.invalidate_cache()
        self.assertLess(cron.nextcall, "2099-01-01 00:00:00")
        self.service._cron_check()

        app = self.applications()[0]
        self.assertEqual(app["validJsSdkDomains"], ["https://erp.example.com"])
        self.assertEqual(
            app["oauth2AuthorizedCallbackUrls"],
            ["https://erp.example.com/linkedin_crm_connect/oauth/callback"],
        )
        self.assertEqual(self.backend.application_domains, "https://erp.example.com")

    def test_missing_partner_credentials_are_named(self):
        self.backend.write({"partner_client_id": False})

        with self.assertRaises(UserError) as raised:
            self.backend.action_provision_application()

        self.assertIn("partner application", str(raised.exception))

    def test_rejected_partner_credentials_shown(self):
        self.backend.write({"partner_client_secret": "wrong"})

        with self.assertRaises(UserError) as raised:
            self.backend.action_provision_application()

        self.assertIn("Provisioning failed", str(raised.exception))
        self.assertFalse(self.applications())

    def test_partner_credentials_are_one_per_instance(self):
        other = self.env["res.company"].create({"name": "Third Co"})
        second = self.env["linkedin.backend"].create(
            {"name": "Third", "company_id": other.id}
        )

        self.assertEqual(second.partner_client_id, self.partner_id)
        self.assertEqual(
            self.env["ir.config_parameter"]
            .sudo()
            .get_param(linkedin_onboarding.PARTNER_CLIENT_ID_PARAM),
            self.partner_id,
        )


class TestPluginConfig(OnboardingCase):
    def test_plugin_waits_for_provisioning(self):
        config = self.service.plugin_config(self.backend)

        self.assertFalse(config["ready"])
        self.assertIn("Provision", config["problem"])

    def test_plugin_names_child_app_and_bundles(self):
        self.backend.action_provision_application()

        config = self.service.plugin_config(self.backend)

        self.assertTrue(config["ready"])
        self.assertEqual(config["api_key"], self.backend.client_id)
        self.assertEqual(config["bundles"], [onboarding.CRM_BUNDLE])
        self.assertEqual(config["script_url"], self.backend.plugin_script_url)
        self.assertEqual(config["callback_route"], linkedin_onboarding.CALLBACK_ROUTE)

    def test_rsc_adds_its_bundles(self):
        self.backend.action_provision_application()
        self.backend.rsc_enabled = True

        config = self.service.plugin_config(self.backend)

        self.assertEqual(
            config["bundles"], [onboarding.CRM_BUNDLE, *onboarding.RSC_BUNDLES]
        )

    def test_production_defaults_load_linkedin_scripts(self):
        defaults = self.env["linkedin.backend"].default_get(
            ["plugin_script_url", "onboarding_widget_url"]
        )

        self.assertEqual(
            defaults["plugin_script_url"],
            "https://platform.linkedin.com/xdoor/scripts/in.js",
        )
        self.assertEqual(
            defaults["onboarding_widget_url"],
            "https://platform.linkedin.com/rsc/extensions/onboarding-widget",
        )


class TestCallback(OnboardingCase):
    def test_grant_configures_and_starts_sync(self):
        result = self.onboard()

        self.assertTrue(result["ok"], result["message"])
        integrations = self.backend.integration_ids
        self.assertEqual(set(integrations.mapped("integration_type")), CRM_TYPES)
        self.assertEqual(set(integrations.mapped("status")), {"enabled"})
        csa = integrations.filtered(lambda i: i.integration_type == "CRM_CSA_API")
        self.assertEqual(csa.integration_context, self.contract)
        self.assertEqual(
            set((integrations - csa).mapped("integration_context")), {self.org}
        )
        self.assertEqual(self.backend.organization_urn, self.org)
        self.assertEqual(self.backend.contract_urn, self.contract)
        self.assertEqual(self.backend.onboarding_state, "enabled")
        self.assertEqual(self.backend.state, "connected")
        self.assertEqual(self.backend.sync_state, "queued")
        self.assertIn("historical sync has started", result["message"])

        held = {
            row["key"]["integrationType"]: row for row in self.sandbox_integrations()
        }
        name = "Odoo - %s" % self.company.name
        self.assertEqual({row["integrationName"] for row in held.values()}, {name})
        export = held["CRM_ONE_CLICK_EXPORT"]["configurations"]
        self.assertEqual(
            export["CALLBACK_URL"],
            {"string": BASE_URL + "/linkedin_crm_connect/export/%d" % self.backend.id},
        )
        self.assertEqual(export["JOB_POSTING_VIEWERS"], {"string": "ALL_PRODUCT_USERS"})

    def test_rsc_grant_starts_rsc_sync(self):
        self.backend.rsc_enabled = True
        self.backend.action_provision_application()
        types = [onboarding.CRM_BUNDLE, *onboarding.RSC_BUNDLES]

        result = self.service.handle_callback(self.backend, self.grant(types=types))

        self.assertTrue(result["ok"], result["message"])
        self.assertEqual(self.backend.sync_state, "queued")
        self.assertEqual(self.backend.rsc_sync_state, "queued")
        self.assertIn("RSC historical sync has started", result["message"])
        held = {
            row["key"]["integrationType"]: row for row in self.sandbox_integrations()
        }
        export = held["ONE_CLICK_EXPORT"]["configurations"]
        self.assertEqual(export["JOB_POSTING_VIEWERS"], {"string": "ALL_PRODUCT_USERS"})
        self.assertEqual(
            export["CALLBACK_URL"],
            {"string": BASE_URL + "/linkedin_crm_connect/export/%d" % self.backend.id},
        )

    def test_crm_grant_leaves_rsc_sync(self):
        self.backend.rsc_enabled = True

        result = self.onboard()

        self.assertTrue(result["ok"], result["message"])
        self.assertEqual(self.backend.rsc_sync_state, "never")
        self.assertNotIn("RSC", result["message"])

    def test_values_sent_and_received_are_kept(self):
        self.onboard()

        export = self.backend.integration_ids.filtered(
            lambda i: i.integration_type == "CRM_ONE_CLICK_EXPORT"
        )
        self.assertIn('"CALLBACK_URL"', export.sent_json)
        self.assertIn('"integrationName"', export.sent_json)
        self.assertIn('"status": "ENABLED"', export.received_json)
        self.assertIn("/linkedin_crm_connect/export/", export.received_json)
        self.assertIn(self.org, self.backend.onboarding_payload)

    def test_cancel_records_nothing(self):
        self.backend.action_provision_application()

        result = self.service.handle_callback(self.backend, [])

        self.assertFalse(result["ok"])
        self.assertIn("No integration was approved", result["message"])
        self.assertFalse(self.backend.integration_ids)
        self.assertFalse(self.backend.organization_urn)

    def test_unreadable_items_are_skipped_and_named(self):
        self.backend.action_provision_application()
        payload = self.grant() + [{"integrationType": "CRM_X"}, "junk"]

        result = self.service.handle_callback(self.backend, payload)

        self.assertTrue(result["ok"], result["message"])
        self.assertEqual(len(self.backend.integration_ids), len(CRM_TYPES))

    def test_ungranted_integration_is_shown(self):
        self.backend.action_provision_application()
        payload = self.grant() + [
            {"integrationType": "PROFILE_PLUGIN", "integrationContext": self.org}
        ]

        result = self.service.handle_callback(self.backend, payload)

        self.assertFalse(result["ok"])
        plugin = self.backend.integration_ids.filtered(
            lambda i: i.integration_type == "PROFILE_PLUGIN"
        )
        self.assertEqual(plugin.status, "missing")
        self.assertIn("not granted", plugin.message)
        self.assertEqual(self.backend.onboarding_state, "granted")
        self.assertEqual(self.backend.sync_state, "never")

    def test_callback_without_credentials_keeps_grants(self):
        payload = [
            {"integrationType": "CRM_ONE_CLICK_EXPORT", "integrationContext": self.org}
        ]

        result = self.service.handle_callback(self.backend, payload)

        self.assertFalse(result["ok"])
        self.assertIn("no client id", result["message"])
        self.assertEqual(len(self.backend.integration_ids), 1)
        self.assertEqual(self.backend.integration_ids.status, "granted")

    def test_guard_admits_company_linkedin_admins(self):
        self.backend.action_provision_application()
        recruiter = self.env["res.users"].create(
            {
                "name": "Recruiter",
                "login": "recruiter-%s" % uuid.uuid4().hex[:6],
                "groups_id": [
                    (
                        6,
                        0,
                        [self.env.ref("hr_recruitment.group_hr_recruitment_user").id],
                    )
                ],
            }
        )
        admin = self.env.ref("base.user_root")
        other = self.env["res.company"].create({"name": "Elsewhere Co"})

        self.assertTrue(self.service.may_approve(admin, self.backend))
        self.assertFalse(self.service.may_approve(recruiter, self.backend))
        self.backend.company_id = other
        self.assertFalse(self.service.may_approve(admin, self.backend))


class TestContracts(OnboardingCase):
    def test_second_contract_same_org_recorded(self):
        self.onboard()
        second = "urn:li:contract:%d" % (int(self.contract[16:]) + 1)

        result = self.service.handle_callback(self.backend, self.grant(contract=second))

        self.assertTrue(result["ok"], result["message"])
        csa = self.backend.integration_ids.filtered(
            lambda i: i.integration_type == "CRM_CSA_API"
        )
        self.assertEqual(
            set(csa.mapped("integration_context")), {self.contract, second}
        )
        self.assertEqual(set(csa.mapped("status")), {"enabled"})
        self.assertEqual(len(self.backend.integration_ids), len(CRM_TYPES) + 1)
        self.assertEqual(self.backend.organization_urn, self.org)
        self.assertEqual(self.backend.contract_urn, self.contract)

    def test_contract_of_other_org_rejected(self):
        self.onboard()
        before = [
            (i.integration_type, i.integration_context, i.status, i.integration_name)
            for i in self.backend.integration_ids
        ]
        payload_before = self.backend.onboarding_payload

        result = self.service.handle_callback(
            self.backend,
            self.grant(
                organization="urn:li:organization:999", contract="urn:li:contract:9"
            ),
        )

        self.assertFalse(result["ok"])
        self.assertIn(
            "Only one organization ID can be active at a time", result["message"]
        )
        after = [
            (i.integration_type, i.integration_context, i.status, i.integration_name)
            for i in self.backend.integration_ids
        ]
        self.assertEqual(after, before)
        self.assertEqual(self.backend.organization_urn, self.org)
        self.assertEqual(self.backend.contract_urn, self.contract)
        self.assertEqual(self.backend.onboarding_payload, payload_before)
        self.assertEqual(self.backend.onboarding_state, "enabled")


class TestIntegrationStatus(OnboardingCase):
    def set_status(self, integration_type, status):
        integration = self.backend.integration_ids.filtered(
            lambda i: i.integration_type == integration_type
        )
        key = onboarding.integration_key(
            integration.integration_context, integration_type
        )
        sandbox_call(
            "POST",
            "/sandbox/onboarding/status",
            json={
                "client_id": self.backend.client_id,
                "key": "&".join("%s=%s" % item for item in key.items()),
                "status": status,
            },
        )

    def test_disabled_integration_pauses_sync(self):
        self.onboard()
        self.backend.sync_state = "done"
        self.set_status("CRM_ONE_CLICK_EXPORT", "DISABLED")

        self.backend.action_check_integrations()

        self.assertEqual(self.backend.onboarding_state, "disabled")
        self.assertEqual(self.backend.state, "action_required")
        self.assertIn("CRM_ONE_CLICK_EXPORT", self.backend.state_reason)
        self.assertIn("Re-enable", self.backend.state_reason)

        job = self.env["hr.job"].create({"name": "Captured while disabled"})
        self.env["linkedin.backend"]._cron_flush(commit=False)
        pending = self.env["linkedin.outbox"].search(
            [
                ("backend_id", "=", self.backend.id),
                ("res_model", "=", "hr.job"),
                ("res_id", "=", job.id),
            ]
        )
        self.assertTrue(pending)
        self.assertEqual(set(pending.mapped("state")), {"pending"})

        with self.assertRaises(UserError):
            self.backend.action_reenable_integrations()

        self.set_status("CRM_ONE_CLICK_EXPORT", "ENABLED")
        self.backend.action_reenable_integrations()

        self.assertEqual(self.backend.onboarding_state, "enabled")
        self.assertEqual(self.backend.state, "connected")
        self.env["linkedin.backend"]._cron_flush(commit=False)
        self.assertEqual(set(pending.mapped("state")), {"done"})

    def test_disabled_403_on_flush_shows_reenable(self):
        self.onboard()
        self.backend.sync_state = "done"
        self.set_status("CRM_ONE_CLICK_EXPORT", "DISABLED")
        job = self.env["hr.job"].create({"name": "Sent while disabled"})

        self.env["linkedin.backend"]._cron_flush(commit=False)

        self.assertEqual(self.backend.state, "action_required")
        self.assertEqual(self.backend.onboarding_state, "disabled")
        self.assertIn("INTEGRATION_DISABLED", self.backend.state_reason)
        self.assertIn("Re-enable integrations", self.backend.state_reason)
        rows = self.env["linkedin.outbox"].search(
            [
                ("backend_id", "=", self.backend.id),
                ("entity_type", "=", "pipeline"),
                ("res_id", "=", job.id),
            ]
        )
        self.assertEqual(len(rows), 1)
        self.assertEqual(rows.state, "pending")

        self.set_status("CRM_ONE_CLICK_EXPORT", "ENABLED")
        self.backend.action_reenable_integrations()
        rows.write({"next_attempt_at": False})
        self.env["linkedin.backend"]._cron_flush(commit=False)

        self.assertEqual(self.backend.state, "connected")
        self.assertEqual(set(rows.mapped("state")), {"done"})

    def test_check_keeps_other_action_required(self):
        self.onboard()
        self.backend.require_action("LinkedIn-Version 202001 is not active")

        result = self.service.check(self.backend)

        self.assertTrue(result["ok"], result["message"])
        self.assertEqual(self.backend.state, "action_required")
        self.assertIn("202001", self.backend.state_reason)

    def test_scheduled_check_finds_disabled(self):
        self.onboard()
        self.set_status("CRM_CSA_API", "DISABLED")

        self.service._cron_check()

        self.assertEqual(self.backend.onboarding_state, "disabled")
        self.assertEqual(self.backend.state, "action_required")
