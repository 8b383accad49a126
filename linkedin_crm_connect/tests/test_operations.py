import time

import odoo
from odoo.exceptions import AccessError, ValidationError
from odoo.tests.common import at_install, post_install

from ..linkedin import pacing
from ..models.pacing_store import OdooPacingWindow, backend_pacer
from .common import SandboxCase

QUIET = {"tracking_disable": True, "mail_notrack": True, "mail_create_nolog": True}


class FakeClock:
    """A wall clock whose sleep moves it forward at once.

    It starts two minutes ahead of the real one, so the pacing window that
    the historical sync of ``setUp`` filled has expired.
    """

    def __init__(self):
        self.now = time.time() + 120.0

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.now += seconds


@at_install(False)
@post_install(True)
class TestOperations(SandboxCase):
    def setUp(self):
        super().setUp()
        self.Applicant = self.env["hr.applicant"].with_context(**QUIET)
        self.job = self.env.ref("hr.job_developer")
        self.backend.run_historical_sync()

    def _flush(self):
        return self.env["linkedin.flusher"].flush(self.backend, commit=False)

    def _notes(self, applicant):
        return self.env["mail.message"].search(
            [
                ("model", "=", "hr.applicant"),
                ("res_id", "=", applicant.id),
                ("body", "ilike", "LinkedIn did not accept"),
            ]
        )

    def test_support_reads_log_not_secret(self):
        support = (
            self.env["res.users"]
            .with_context(no_reset_password=True)
            .create(
                {
                    "name": "Sam Support",
                    "login": "sam.support",
                    "groups_id": [
                        (
                            6,
                            0,
                            [
                                self.env.ref(
                                    "linkedin_crm_connect.group_linkedin_support"
                                ).id
                            ],
                        )
                    ],
                }
            )
        )
        self.Applicant.create(
            {
                "name": "Bad",
                "partner_name": "Bad Mail",
                "email_from": "bad@",
                "job_id": self.job.id,
            }
        )
        self._flush()
        logs = (
            self.env["linkedin.request.log"]
            .sudo(support)
            .search([("backend_id", "=", self.backend.id)])
        )
        self.assertTrue(logs)
        self.assertNotIn(self.client_secret, " ".join(logs.mapped("request_body")))
        self.assertIn("Bearer ***", logs[0].request_headers)
        with self.assertRaises(AccessError):
            self.backend.sudo(support).read(["client_secret"])

    def test_expired_version_requires_action(self):
        self.env["linkedin.resource.setting"].create(
            {
                "backend_id": self.backend.id,
                "resource": "tcrmPipelines",
                "version": "202001",
            }
        )
        self.env["hr.job"].create(
            {"name": "Glassblower", "company_id": self.company.id}
        )
        stats = self._flush()
        self.assertIn("stopped", stats)
        self.assertEqual(self.backend.state, "action_required")
        self.assertIn("202001", self.backend.state_reason)
        self.assertIn("LinkedIn-Version", self.backend.state_reason)
        pending = self.env["linkedin.outbox"].search(
            [
                ("backend_id", "=", self.backend.id),
                ("entity_type", "=", "pipeline"),
                ("state", "=", "pending"),
            ]
        )
        self.assertTrue(pending)

    def test_records_per_minute_setting(self):
        setting = self.env["linkedin.resource.setting"].create(
            {
                "backend_id": self.backend.id,
                "resource": "atsCandidates",
                "records_per_minute": 500,
            }
        )
        client = self.backend._client()
        self.assertEqual(client.resource("atsCandidates").records_per_minute, 500)
        self.assertEqual(client.resource("tcrmPipelines").records_per_minute, 10_000)
        setting.records_per_minute = 0
        client = self.backend._client()
        self.assertEqual(client.resource("atsCandidates").records_per_minute, 10_000)
        with self.assertRaises(ValidationError):
            setting.records_per_minute = -5

    def test_pacing_spans_flushes(self):
        clock = FakeClock()
        pacer = backend_pacer(self.env.cr.dbname, self.backend.id)
        pacer._clock = clock
        pacer._sleep = clock.sleep
        self.env["linkedin.resource.setting"].create(
            {
                "backend_id": self.backend.id,
                "resource": "atsCandidates",
                "records_per_minute": 1,
            }
        )
        self.backend.pace_requests = True
        self.Applicant.create(
            {"name": "Paced one", "partner_name": "Ada Paced", "job_id": self.job.id}
        )
        self._flush()
        started = clock.now
        second = self.Applicant.create(
            {"name": "Paced two", "partner_name": "Bea Paced", "job_id": self.job.id}
        )
        self._flush()
        self.assertGreaterEqual(clock.now - started, pacing.WINDOW_SECONDS)
        held = {e["key"]["atsCandidateId"] for e in self.held_entities("atsCandidates")}
        self.assertIn(str(second.linkedin_candidate_id.id), held)

    def _slot_count(self):
        # The window is written through cursors of its own, which commit
        # after this test's snapshot was taken.
        cr = odoo.sql_db.db_connect(self.env.cr.dbname).cursor(serialized=False)
        try:
            cr.execute(
                "SELECT count(*) FROM linkedin_pacing_slot WHERE backend_id = %s",
                (self.backend.id,),
            )
            return cr.fetchone()[0]
        finally:
            cr.close()

    def test_pacing_window_shared_by_processes(self):
        clock = FakeClock()
        # Two pacers with windows of their own play two Odoo processes.
        first, second = (
            pacing.Pacer(
                clock,
                clock.sleep,
                OdooPacingWindow(self.env.cr.dbname, self.backend.id),
            )
            for _ in range(2)
        )
        self.assertEqual(first.wait("atsCandidates", 60, 100), 0.0)
        self.assertEqual(second.wait("atsCandidates", 60, 100), 61.0)
        self.assertEqual(second.wait("tcrmInteractions", 100, 100), 0.0)
        self.assertEqual(self._slot_count(), 2)
        # A request that LinkedIn refused with 429 gives its records back.
        second.release("atsCandidates", 60)
        self.assertEqual(self._slot_count(), 1)
        self.assertEqual(first.wait("atsCandidates", 100, 100), 0.0)

    def test_version_setting_fixes_it(self):
        setting = self.env["linkedin.resource.setting"].create(
            {
                "backend_id": self.backend.id,
                "resource": "tcrmPipelines",
                "version": "202001",
            }
        )
        job = self.env["hr.job"].create(
            {"name": "Cooper", "company_id": self.company.id}
        )
        self._flush()
        setting.version = "202610"
        self.env["linkedin.outbox"].search(
            [("backend_id", "=", self.backend.id), ("state", "=", "pending")]
        ).write({"next_attempt_at": False})
        self._flush()
        held = {e["key"]["tcrmPipelineId"] for e in self.held_entities("tcrmPipelines")}
        self.assertIn(str(job.id), held)

    def test_failure_noted_once_per_cause(self):
        applicant = self.Applicant.create(
            {
                "name": "Bad mail",
                "partner_name": "Una Bad",
                "email_from": "una@@example",
                "job_id": self.job.id,
                "user_id": self.env.ref("base.user_root").id,
            }
        )
        self._flush()
        self.assertEqual(len(self._notes(applicant)), 1)
        applicant.partner_phone = "+33 1 23 45 67 89"
        self._flush()
        self.assertEqual(len(self._notes(applicant)), 1)
        applicant.email_from = "una bad"
        self._flush()
        self.assertEqual(len(self._notes(applicant)), 2)

    def test_retry_failed_requeues(self):
        applicant = self.Applicant.create(
            {
                "name": "Bad",
                "partner_name": "Vera Bad",
                "email_from": "vera@",
                "job_id": self.job.id,
            }
        )
        self._flush()
        ref = "candidate:%d" % applicant.linkedin_candidate_id.id
        self.backend.action_retry_failed()
        pending = self.env["linkedin.outbox"].search(
            [
                ("backend_id", "=", self.backend.id),
                ("local_ref", "=", ref),
                ("state", "=", "pending"),
            ]
        )
        self.assertEqual(len(pending), 1)

    def test_trim_keeps_recent_and_failed(self):
        self.Applicant.create(
            {
                "name": "Bad",
                "partner_name": "Wim Bad",
                "email_from": "wim@",
                "job_id": self.job.id,
            }
        )
        self._flush()
        Log = self.env["linkedin.request.log"]
        count = Log.search_count([])
        self.assertGreater(count, 0)
        self.assertEqual(Log._cron_trim(days=1), 0)
        self.env.cr.execute(
            "UPDATE linkedin_request_log SET create_date = create_date - interval '40 days'"
        )
        self.env.cr.execute(
            "UPDATE linkedin_outbox SET write_date = write_date - interval '40 days'"
        )
        self.assertEqual(Log._cron_trim(days=30), count)
        self.assertFalse(self.env["linkedin.outbox"].search([("state", "=", "done")]))
        self.assertTrue(self.env["linkedin.outbox"].search([("state", "=", "failed")]))

    def test_email_change_reaches_linkedin(self):
        applicant = self.Applicant.create(
            {
                "name": "Moving",
                "partner_name": "Xavi Puig",
                "email_from": "xavi@example.com",
                "job_id": self.job.id,
            }
        )
        self._flush()
        applicant.email_from = "xavi.puig@example.org"
        self._flush()
        held = {
            e["key"]["atsCandidateId"]: e["entity"]
            for e in self.held_entities("atsCandidates")
        }
        entity = held[str(applicant.linkedin_candidate_id.id)]
        self.assertEqual(entity["emailAddresses"], ["xavi.puig@example.org"])

    def test_failed_record_links_to_request(self):
        applicant = self.Applicant.create(
            {
                "name": "Bad",
                "partner_name": "Yusuf Bad",
                "email_from": "yusuf@",
                "job_id": self.job.id,
            }
        )
        self._flush()
        ref = "candidate:%d" % applicant.linkedin_candidate_id.id
        binding = self.env["linkedin.binding"].search(
            [("backend_id", "=", self.backend.id), ("local_ref", "=", ref)]
        )
        action = binding.action_show_requests()
        logs = self.env["linkedin.request.log"].search(action["domain"])
        self.assertEqual(len(logs), 1)
        self.assertIn("\n%s\n" % ref, logs.record_refs)
        self.assertEqual(logs.resource, "atsCandidates")

    def test_paused_resource_keeps_changes(self):
        setting = self.env["linkedin.resource.setting"].create(
            {
                "backend_id": self.backend.id,
                "resource": "atsCandidates",
                "sync_enabled": False,
            }
        )
        applicant = self.Applicant.create(
            {
                "name": "Paused",
                "partner_name": "Zara Paused",
                "email_from": "zara@example.com",
                "job_id": self.job.id,
            }
        )
        note = applicant.message_post(
            body="<p>Paused note.</p>", subtype="mail.mt_note", message_type="comment"
        )
        self._flush()
        ref = "candidate:%d" % applicant.linkedin_candidate_id.id
        pending = self.env["linkedin.outbox"].search(
            [("local_ref", "=", ref), ("state", "=", "pending")]
        )
        self.assertEqual(len(pending), 1)
        held = {
            e["key"]["tcrmInteractionId"]
            for e in self.held_entities("tcrmInteractions")
        }
        self.assertIn(str(note.id), held)
        setting.sync_enabled = True
        self._flush()
        candidates = {
            e["key"]["atsCandidateId"] for e in self.held_entities("atsCandidates")
        }
        self.assertIn(str(applicant.linkedin_candidate_id.id), candidates)
