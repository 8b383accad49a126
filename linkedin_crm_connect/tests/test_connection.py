import requests
from odoo.tests.common import at_install, post_install

from ..models.token_store import OdooTokenStore
from .common import SandboxCase, sandbox_call


@at_install(False)
@post_install(True)
class TestConnection(SandboxCase):
    def _stored_token(self):
        return OdooTokenStore(self.env.cr.dbname, self.backend.id).load()

    def test_good_credentials_connect(self):
        self.backend.action_test_connection()
        self.assertEqual(self.backend.state, "connected")
        self.assertIn("Connected", self.backend.connection_message)
        token = self._stored_token()
        self.assertTrue(token.access_token)
        self.assertGreater(token.expires_at - token.obtained_at, 1700)
        self.backend.invalidate_cache()
        self.assertEqual(self.backend.token_status, "active")

    def test_bad_secret_reports_invalid_client(self):
        self.backend.client_secret = "wrong"
        self.backend.action_test_connection()
        self.assertEqual(self.backend.state, "draft")
        self.assertIn("invalid_client", self.backend.connection_message)
        self.assertIsNone(self._stored_token())

    def test_unreachable_host_reported(self):
        self.backend.oauth_base = "http://127.0.0.1:9/oauth/v2"
        self.backend.action_test_connection()
        self.assertIn("could not be reached", self.backend.connection_message)

    def test_token_reused_by_second_worker(self):
        before = self.request_count("accessToken", "POST")
        token_a = self.backend._token_manager(requests.Session()).get_token()
        token_b = self.backend._token_manager(requests.Session()).get_token()
        self.assertEqual(token_a, token_b)
        self.assertEqual(self.request_count("accessToken", "POST") - before, 1)

    def test_introspection_marks_revoked(self):
        self.backend.action_test_connection()
        token = self._stored_token().access_token
        self.backend.action_check_token()
        self.backend.invalidate_cache()
        self.assertEqual(self.backend.token_status, "active")
        self.assertTrue(self.backend.token_checked_at)
        sandbox_call("POST", "/sandbox/revoke", json={"client_id": self.client_id})
        self.backend.action_check_token()
        self.backend.invalidate_cache()
        self.assertEqual(self.backend.token_status, "revoked")
        stored = self._stored_token()
        self.assertTrue(stored is None or stored.access_token != token)

    def test_revoked_token_replaced_on_401(self):
        self.backend.action_test_connection()
        old = self._stored_token().access_token
        sandbox_call("POST", "/sandbox/revoke", json={"client_id": self.client_id})
        self.backend.run_historical_sync()
        new = self._stored_token().access_token
        self.assertNotEqual(old, new)
        counts = self.env["linkedin.binding"].counts(self.backend)
        self.assertGreater(counts["candidate"].get("done", 0), 0)
