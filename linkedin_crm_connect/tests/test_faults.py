import json
import re
import uuid

import requests
import responses
from odoo.tests.common import at_install, post_install

from .common import SandboxCase, sandbox_call, sandbox_url

QUIET = {"tracking_disable": True, "mail_notrack": True, "mail_create_nolog": True}


@at_install(False)
@post_install(True)
class TestFaults(SandboxCase):
    def setUp(self):
        super().setUp()
        self.Applicant = self.env["hr.applicant"].with_context(**QUIET)
        self.job = self.env.ref("hr.job_developer")
        self.backend.run_historical_sync()

    def _flush(self, backend=None):
        return self.env["linkedin.flusher"].flush(backend or self.backend, commit=False)

    def _company_backend(self, name, api_base=None):
        """Create a company with a job and a connected backend of its own."""
        company = self.env["res.company"].create({"name": name})
        tag = uuid.uuid4().hex[:8]
        client_id, secret = "client-%s" % tag, "secret-%s" % tag
        sandbox_call(
            "POST",
            "/sandbox/clients",
            json={"client_id": client_id, "client_secret": secret},
        )
        url = sandbox_url()
        backend = self.env["linkedin.backend"].create(
            {
                "name": name,
                "company_id": company.id,
                "api_base": api_base or url,
                "oauth_base": (api_base or url) + "/oauth/v2",
                "client_id": client_id,
                "client_secret": secret,
                "organization_urn": "urn:li:organization:%d" % (int(tag, 16) % 10**7),
                "contract_urn": "urn:li:contract:%d" % (int(tag, 16) % 10**7),
                "state": "connected",
                "request_timeout": 2,
            }
        )
        job = self.env["hr.job"].create(
            {"name": "Job of %s" % name, "company_id": company.id}
        )
        return company, backend, job

    def _held_candidates(self, backend):
        elements = sandbox_call(
            "GET",
            "/sandbox/entities",
            params={
                "resource": "atsCandidates",
                "integrationContext": backend.organization_urn,
            },
        )["elements"]
        return {e["key"]["atsCandidateId"] for e in elements}

    def test_record_uses_its_company_backend(self):
        company, other, job = self._company_backend("Second Co")
        user = (
            self.env["res.users"]
            .with_context(no_reset_password=True)
            .create(
                {
                    "name": "Multi Company",
                    "login": "multi.company",
                    "company_id": self.company.id,
                    "company_ids": [(6, 0, [self.company.id, company.id])],
                    "groups_id": [
                        (
                            6,
                            0,
                            [
                                self.env.ref(
                                    "hr_recruitment.group_hr_recruitment_manager"
                                ).id
                            ],
                        )
                    ],
                }
            )
        )
        user.company_id = company
        applicant = (
            self.env["hr.applicant"]
            .sudo(user)
            .with_context(**QUIET)
            .create(
                {
                    "name": "In C2",
                    "partner_name": "Ana Dos",
                    "email_from": "ana@example.com",
                    "job_id": job.id,
                    "company_id": company.id,
                }
            )
        )
        self.env["linkedin.capture.journal"].ingest()
        rows = self.env["linkedin.outbox"].search(
            [("local_ref", "like", "candidate:%d" % applicant.linkedin_candidate_id.id)]
        )
        self.assertTrue(rows)
        self.assertEqual(set(rows.mapped("backend_id").ids), {other.id})
        self._flush(other)
        cid = str(applicant.linkedin_candidate_id.id)
        self.assertIn(cid, self._held_candidates(other))
        self.assertNotIn(cid, self._held_candidates(self.backend))

    def test_failing_backend_stops_no_other(self):
        _c2, broken, job2 = self._company_backend(
            "Broken Co", api_base="http://127.0.0.1:9"
        )
        _c3, healthy, job3 = self._company_backend("Healthy Co")
        first = self.Applicant.create(
            {
                "name": "A",
                "partner_name": "Ben One",
                "email_from": "b1@example.com",
                "job_id": self.job.id,
            }
        )
        second = self.Applicant.create(
            {
                "name": "B",
                "partner_name": "Cat Two",
                "email_from": "c2@example.com",
                "job_id": job2.id,
                "company_id": job2.company_id.id,
            }
        )
        third = self.Applicant.create(
            {
                "name": "C",
                "partner_name": "Dan Three",
                "email_from": "d3@example.com",
                "job_id": job3.id,
                "company_id": job3.company_id.id,
            }
        )
        self.env["linkedin.backend"]._cron_flush(commit=False)
        self.assertIn(
            str(first.linkedin_candidate_id.id), self._held_candidates(self.backend)
        )
        self.assertIn(
            str(third.linkedin_candidate_id.id), self._held_candidates(healthy)
        )
        waiting = self.env["linkedin.outbox"].search(
            [("backend_id", "=", broken.id), ("state", "=", "pending")]
        )
        self.assertTrue(waiting)
        retried = waiting.filtered("next_attempt_at")
        self.assertEqual(len(retried), 1)
        self.assertIn("Could not connect", retried.error_message)
        self.assertTrue(second.linkedin_candidate_id)

    def test_access_denied_requires_action(self):
        base = re.escape(sandbox_url())
        with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
            mock.add_passthru(re.compile(base + r"/(?!v2/atsCandidates)"))
            mock.add(
                responses.PUT,
                re.compile(base + r"/v2/atsCandidates.*"),
                status=403,
                json={
                    "status": 403,
                    "code": "ACCESS_DENIED",
                    "message": "Not enough permissions to access: atsCandidates.BATCH_UPDATE",
                },
            )
            self.Applicant.create(
                {
                    "name": "D",
                    "partner_name": "Eve Four",
                    "email_from": "e4@example.com",
                    "job_id": self.job.id,
                }
            )
            stats = self._flush()
        self.assertIn("stopped", stats)
        self.assertEqual(self.backend.state, "action_required")
        self.assertIn("permissions", self.backend.state_reason)
        pending = self.env["linkedin.outbox"].search(
            [
                ("backend_id", "=", self.backend.id),
                ("entity_type", "=", "candidate"),
                ("state", "=", "pending"),
            ]
        )
        self.assertTrue(pending)

    def test_batch_refused_whole_is_split(self):
        base = sandbox_url()
        forwarded = []

        def refuse_poison(request):
            body = (
                request.body.decode()
                if isinstance(request.body, bytes)
                else request.body
            )
            if "Poison" in body:
                return (
                    400,
                    {},
                    json.dumps(
                        {"status": 400, "message": "Poison entity rejects the batch"}
                    ),
                )
            forwarded.append(request.url)
            real = requests.put(
                request.url.replace("127.0.0.1", "localhost", 1),
                data=body,
                headers=dict(request.headers),
                timeout=(5, 30),
            )
            return (real.status_code, {}, real.text)

        applicants = [
            self.Applicant.create(
                {
                    "name": "S%d" % n,
                    "partner_name": name,
                    "email_from": "s%d@example.com" % n,
                    "job_id": self.job.id,
                }
            )
            for n, name in enumerate(
                ["Fay Five", "Gus Six", "Poison Pill", "Hal Seven", "Ivy Eight"]
            )
        ]
        with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
            mock.add_passthru(re.compile(re.escape(base) + r"/(?!v2/atsCandidates)"))
            mock.add_passthru(re.compile(r"http://localhost:\d+/"))
            mock.add_callback(
                responses.PUT,
                re.compile(re.escape(base) + r"/v2/atsCandidates.*"),
                callback=refuse_poison,
            )
            self._flush()
        held = self._held_candidates(self.backend)
        poison = applicants[2].linkedin_candidate_id
        for applicant in applicants:
            if applicant.linkedin_candidate_id != poison:
                self.assertIn(str(applicant.linkedin_candidate_id.id), held)
        self.assertNotIn(str(poison.id), held)
        row = self.env["linkedin.outbox"].search(
            [("local_ref", "=", "candidate:%d" % poison.id)]
        )
        self.assertEqual(row.state, "failed")
        self.assertIn("Poison entity", row.error_message)
        self.assertTrue(forwarded)

    def test_long_delete_is_tunnelled(self):
        applicants = self.Applicant.browse()
        for number in range(120):
            applicants |= self.Applicant.create(
                {
                    "name": "T%d" % number,
                    "partner_name": "Tunnel Person%d" % number,
                    "email_from": "tunnel.person.%d@example.com" % number,
                    "job_id": self.job.id,
                }
            )
        self._flush()
        ids = {str(a.linkedin_candidate_id.id) for a in applicants}
        self.assertTrue(ids <= self._held_candidates(self.backend))
        before = self.request_count("atsCandidates", "DELETE")
        applicants.unlink()
        stats = self._flush()
        self.assertNotIn("stopped", stats)
        self.assertFalse(ids & self._held_candidates(self.backend))
        self.assertEqual(self.request_count("atsCandidates", "DELETE") - before, 2)
        failed = self.env["linkedin.outbox"].search(
            [
                ("backend_id", "=", self.backend.id),
                ("state", "=", "failed"),
                ("entity_type", "=", "candidate"),
            ]
        )
        self.assertFalse(failed)
