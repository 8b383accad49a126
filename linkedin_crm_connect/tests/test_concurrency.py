"""Concurrency of the outbox and the token cache, on committed data.

These tests commit, because a second worker only sees committed rows: a
second cursor or a thread plays the other worker. Each test creates its own
company and backend and removes them at the end.
"""

import threading
import unittest
import uuid

import odoo
import requests
from odoo import SUPERUSER_ID, api
from odoo.tests.common import get_db_name

from ..models.token_store import OdooTokenStore
from .common import sandbox_call, sandbox_url

QUIET = {"tracking_disable": True, "mail_notrack": True, "mail_create_nolog": True}


class CommittedCase(unittest.TestCase):
    def setUp(self):
        self.registry = odoo.registry(get_db_name())
        self.tag = uuid.uuid4().hex[:8]
        self.client_id = "conc-%s" % self.tag
        self.client_secret = "secret-%s" % self.tag
        sandbox_call(
            "POST",
            "/sandbox/clients",
            json={"client_id": self.client_id, "client_secret": self.client_secret},
        )
        url = sandbox_url()
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            company = env["res.company"].create({"name": "Concurrent %s" % self.tag})
            backend = env["linkedin.backend"].create(
                {
                    "name": "Concurrent",
                    "company_id": company.id,
                    "api_base": url,
                    "oauth_base": url + "/oauth/v2",
                    "client_id": self.client_id,
                    "client_secret": self.client_secret,
                    "organization_urn": "urn:li:organization:%d"
                    % (int(self.tag, 16) % 10**7),
                    "contract_urn": "urn:li:contract:1",
                    "pace_requests": False,
                }
            )
            job = env["hr.job"].create(
                {"name": "Job %s" % self.tag, "company_id": company.id}
            )
            self.company_id, self.backend_id, self.job_id = (
                company.id,
                backend.id,
                job.id,
            )
            cr.commit()

    def tearDown(self):
        with self.registry.cursor() as cr:
            cr.execute(
                "DELETE FROM linkedin_token WHERE backend_id = %s", (self.backend_id,)
            )
            cr.execute("DELETE FROM linkedin_backend WHERE id = %s", (self.backend_id,))
            cr.execute(
                "DELETE FROM hr_applicant WHERE company_id = %s", (self.company_id,)
            )
            cr.execute(
                "DELETE FROM linkedin_candidate WHERE company_id = %s",
                (self.company_id,),
            )
            cr.execute("DELETE FROM hr_job WHERE id = %s", (self.job_id,))
            cr.commit()

    def env(self, cr):
        return api.Environment(cr, SUPERUSER_ID, {})

    def create_applicants(self, count, ingest=True):
        with self.registry.cursor() as cr:
            env = self.env(cr)
            Applicant = env["hr.applicant"].with_context(**QUIET)
            for number in range(count):
                Applicant.create(
                    {
                        "name": "C%d" % number,
                        "partner_name": "Conc Person%d" % number,
                        "email_from": "conc.%s.%d@example.com" % (self.tag, number),
                        "job_id": self.job_id,
                        "company_id": self.company_id,
                    }
                )
            if ingest:
                env["linkedin.capture.journal"].ingest()
            cr.commit()

    def held_candidates(self):
        with self.registry.cursor() as cr:
            urn = (
                self.env(cr)["linkedin.backend"]
                .browse(self.backend_id)
                .organization_urn
            )
        elements = sandbox_call(
            "GET",
            "/sandbox/entities",
            params={"resource": "atsCandidates", "integrationContext": urn},
        )["elements"]
        return [e["key"]["atsCandidateId"] for e in elements]


class TestConcurrentWorkers(CommittedCase):
    def test_second_worker_skips_locked_rows(self):
        self.create_applicants(30)
        with self.registry.cursor() as cr_a, self.registry.cursor() as cr_b:
            env_a, env_b = self.env(cr_a), self.env(cr_b)
            backend_a = env_a["linkedin.backend"].browse(self.backend_id)
            backend_b = env_b["linkedin.backend"].browse(self.backend_id)
            first = env_a["linkedin.outbox"].claim(backend_a, "candidate", "upsert", 20)
            # Worker A has not committed its claim: its rows are locked.
            second = env_b["linkedin.outbox"].claim(
                backend_b, "candidate", "upsert", 20
            )
            self.assertEqual(len(first), 20)
            self.assertEqual(len(second), 10)
            self.assertFalse({r["id"] for r in first} & {r["id"] for r in second})
            cr_a.commit()
            cr_b.commit()
            third = env_b["linkedin.outbox"].claim(backend_b, "candidate", "upsert", 20)
            self.assertEqual(third, [])

    def test_two_flushes_send_each_row_once(self):
        self.create_applicants(250)
        before = sandbox_call("GET", "/sandbox/stats")["entities"].get(
            "atsCandidates", {}
        )
        errors = []

        def flush():
            try:
                with api.Environment.manage(), self.registry.cursor() as cr:
                    env = self.env(cr)
                    env["linkedin.flusher"].flush(
                        env["linkedin.backend"].browse(self.backend_id), commit=True
                    )
            except Exception as exc:  # noqa: BLE001 (the assertion below reports it)
                errors.append(exc)

        workers = [threading.Thread(target=flush) for _ in range(2)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(120)
        self.assertEqual(errors, [])
        after = sandbox_call("GET", "/sandbox/stats")["entities"].get(
            "atsCandidates", {}
        )
        sent = after.get("PUT", 0) - before.get("PUT", 0)
        self.assertEqual(sent, 250)
        self.assertEqual(len(self.held_candidates()), 250)
        with self.registry.cursor() as cr:
            cr.execute(
                "SELECT state, count(*) FROM linkedin_outbox WHERE backend_id = %s"
                " GROUP BY state",
                (self.backend_id,),
            )
            states = dict(cr.fetchall())
        self.assertEqual(set(states), {"done"})

    def test_partial_progress_survives_429(self):
        self.create_applicants(250)
        sandbox_call(
            "POST",
            "/sandbox/config",
            json={
                "faults": {
                    "burst_429": {"resource": "tcrmCandidatePipelines", "count": 50}
                }
            },
        )
        try:
            with self.registry.cursor() as cr:
                env = self.env(cr)
                stats = env["linkedin.flusher"].flush(
                    env["linkedin.backend"].browse(self.backend_id), commit=True
                )
        finally:
            sandbox_call("POST", "/sandbox/config", json={"faults": {}})
        self.assertEqual(stats["held"], 100)
        with self.registry.cursor() as cr:
            cr.execute(
                "SELECT entity_type, state, count(*) FROM linkedin_outbox"
                " WHERE backend_id = %s GROUP BY entity_type, state",
                (self.backend_id,),
            )
            states = {(row[0], row[1]): row[2] for row in cr.fetchall()}
            backend = self.env(cr)["linkedin.backend"].browse(self.backend_id)
            self.assertTrue(backend.is_held("tcrmCandidatePipelines"))
        self.assertEqual(states[("candidate", "done")], 250)
        self.assertEqual(states[("candidate_pipeline", "pending")], 250)
        self.assertEqual(len(self.held_candidates()), 250)


class TestConcurrentIngestion(CommittedCase):
    def candidate_rows(self, cr):
        cr.execute(
            "SELECT count(*) FROM linkedin_outbox WHERE backend_id = %s"
            " AND entity_type = 'candidate'",
            (self.backend_id,),
        )
        return cr.fetchone()[0]

    def test_second_ingestion_takes_nothing(self):
        self.create_applicants(3, ingest=False)
        with self.registry.cursor() as cr_a, self.registry.cursor() as cr_b:
            journal_a = self.env(cr_a)["linkedin.capture.journal"]
            journal_b = self.env(cr_b)["linkedin.capture.journal"]
            self.assertEqual(journal_a.ingest(), 3)
            # Worker A holds the lock until it commits; B does not wait.
            self.assertEqual(journal_b.ingest(), 0)
            cr_a.commit()
            cr_b.rollback()
            self.assertEqual(journal_b.ingest(), 0)
            self.assertEqual(self.candidate_rows(cr_b), 3)

    def test_ingestion_after_other_commit(self):
        self.create_applicants(3, ingest=False)
        with self.registry.cursor() as cr_a, self.registry.cursor() as cr_b:
            # Worker B's snapshot is taken before worker A commits.
            cr_b.execute("SELECT count(*) FROM linkedin_capture_event")
            self.assertGreaterEqual(cr_b.fetchone()[0], 3)
            self.assertEqual(self.env(cr_a)["linkedin.capture.journal"].ingest(), 3)
            cr_a.commit()
            self.assertEqual(self.env(cr_b)["linkedin.capture.journal"].ingest(), 0)
            cr_b.execute("SELECT 1")
            self.assertEqual(cr_b.fetchone(), (1,))
            cr_b.rollback()
            self.assertEqual(self.candidate_rows(cr_b), 3)


class TestConcurrentTokens(CommittedCase):
    def _manager(self, cr):
        backend = self.env(cr)["linkedin.backend"].browse(self.backend_id)
        return backend._token_manager(requests.Session())

    def test_two_workers_refresh_once(self):
        before = sandbox_call("GET", "/sandbox/stats")["requests"].get(
            "accessToken", {}
        )
        tokens, errors = [], []
        barrier = threading.Barrier(2)

        def fetch():
            try:
                with api.Environment.manage(), self.registry.cursor() as cr:
                    manager = self._manager(cr)
                    barrier.wait(10)
                    tokens.append(manager.get_token())
            except Exception as exc:  # noqa: BLE001 (the assertion below reports it)
                errors.append(exc)

        workers = [threading.Thread(target=fetch) for _ in range(2)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(60)
        self.assertEqual(errors, [])
        self.assertEqual(len(tokens), 2)
        self.assertEqual(tokens[0], tokens[1])
        after = sandbox_call("GET", "/sandbox/stats")["requests"].get("accessToken", {})
        self.assertEqual(after.get("POST", 0) - before.get("POST", 0), 1)

    def test_refresh_while_backend_row_locked(self):
        with self.registry.cursor() as lock_cr:
            store = OdooTokenStore(lock_cr.dbname, self.backend_id)
            manager = self._manager(lock_cr)
            old = manager.get_token()
            # A flush holding the backend row, as a worker writing its
            # progress does, must not block the token refresh.
            lock_cr.execute(
                "SELECT id FROM linkedin_backend WHERE id = %s FOR UPDATE",
                (self.backend_id,),
            )
            result = []
            worker = threading.Thread(
                target=lambda: result.append(
                    (manager.invalidate(old), manager.get_token())[1]
                )
            )
            worker.start()
            worker.join(30)
            self.assertFalse(worker.is_alive())
            self.assertEqual(len(result), 1)
            self.assertNotEqual(result[0], old)
            self.assertEqual(store.load().access_token, result[0])
            lock_cr.rollback()
