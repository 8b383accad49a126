from odoo.exceptions import AccessError
from odoo.tests.common import at_install, post_install

from .common import SandboxCase


@at_install(False)
@post_install(True)
class TestBackendAccess(SandboxCase):
    def setUp(self):
        super().setUp()
        self.recruiter = (
            self.env["res.users"]
            .with_context(no_reset_password=True)
            .create(
                {
                    "name": "Rita Recruiter",
                    "login": "rita.recruiter",
                    "email": "rita@example.com",
                    "groups_id": [
                        (
                            6,
                            0,
                            [
                                self.env.ref(
                                    "linkedin_crm_connect.group_linkedin_user"
                                ).id
                            ],
                        )
                    ],
                }
            )
        )

    def test_recruiter_cannot_read_secret(self):
        backend = self.backend.sudo(self.recruiter)
        self.assertEqual(backend.organization_urn, self.org_urn)
        with self.assertRaises(AccessError):
            backend.read(["client_secret"])
        with self.assertRaises(AccessError):
            backend.read(["client_id"])

    def test_recruiter_cannot_read_token(self):
        self.backend.action_test_connection()
        tokens = self.env["linkedin.token"].sudo(self.recruiter)
        with self.assertRaises(AccessError):
            tokens.search([("backend_id", "=", self.backend.id)]).read(["access_token"])

    def test_recruiter_cannot_write_backend(self):
        with self.assertRaises(AccessError):
            self.backend.sudo(self.recruiter).write({"api_base": "http://127.0.0.1:1"})

    def test_admin_reads_secret(self):
        self.assertEqual(
            self.backend.read(["client_secret"])[0]["client_secret"], self.client_secret
        )

    def test_secret_not_copied(self):
        copy = self.backend.copy(
            {"company_id": self.env["res.company"].create({"name": "Copy Co"}).id}
        )
        self.assertFalse(copy.client_secret)
        self.assertFalse(copy.client_id)

    def test_backend_delete_drops_token(self):
        self.backend.action_test_connection()
        backend_id = self.backend.id
        self.backend.unlink()
        self.env.cr.execute(
            "SELECT count(*) FROM linkedin_token WHERE backend_id = %s", (backend_id,)
        )
        self.assertEqual(self.env.cr.fetchone()[0], 0)
