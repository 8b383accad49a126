"""Recruiter System Connect applications against the sandbox: off, on, changes."""

from odoo.exceptions import UserError
from odoo.tests.common import at_install, post_install

from . import test_historical_sync
from .common import SandboxCase

QUIET = {"tracking_disable": True, "mail_notrack": True, "mail_create_nolog": True}
CRM_RESOURCES = (
    "atsCandidates",
    "tcrmPipelines",
    "tcrmPipelineStages",
    "tcrmCandidatePipelines",
    "tcrmCandidatePipelineStages",
    "tcrmInteractions",
    "simpleJobPostings",
    "resumes",
)


class RscCase(SandboxCase):
    def setUp(self):
        super().setUp()
        self.Applicant = self.env["hr.applicant"].with_context(**QUIET)
        self.job = self.env.ref("hr.job_developer")

    def _apply(self, name, email):
        return self.Applicant.create(
            {
                "name": "Application of %s" % name,
                "partner_name": name,
                "email_from": email,
                "job_id": self.job.id,
            }
        )

    def _flush(self):
        return self.env["linkedin.flusher"].flush(self.backend, commit=False)

    def _applications(self):
        return {
            e["key"]["atsJobApplicationId"]: e["entity"]
            for e in self.held_entities("atsApplications")
        }

    def _applicants_with_job(self):
        return (
            self.env["hr.applicant"]
            .with_context(active_test=False)
            .search(
                [
                    ("company_id", "=", self.company.id),
                    ("job_id.company_id", "=", self.company.id),
                    ("linkedin_candidate_id", "!=", False),
                ]
            )
        )

    def _outbox(self, entity_type, state=None):
        domain = [
            ("backend_id", "=", self.backend.id),
            ("entity_type", "=", entity_type),
        ]
        if state:
            domain.append(("state", "=", state))
        return self.env["linkedin.outbox"].search(domain)


@at_install(False)
@post_install(True)
class TestRscOff(RscCase):
    def test_off_sends_no_applications(self):
        self.backend.run_historical_sync()
        applicant = self._apply("Ines Roth", "ines@example.com")
        applicant.stage_id = self.env.ref("hr_recruitment.stage_job2")
        self._flush()

        self.assertEqual(self.held_counts()["atsApplications"], 0)
        self.assertFalse(self._outbox("application"))
        counts = self.env["linkedin.binding"].counts(self.backend)
        self.assertNotIn("application", counts)

    def test_off_leaves_queued_rows_unsent(self):
        self.backend.run_historical_sync()
        applicant = self._apply("Jon Snow", "jon@example.com")
        self.env["linkedin.outbox"].queue(
            [
                {
                    "backend_id": self.backend.id,
                    "entity_type": "application",
                    "local_ref": "application:%d" % applicant.id,
                    "operation": "upsert",
                    "res_model": "hr.applicant",
                    "res_id": applicant.id,
                    "candidate_ref": applicant.linkedin_candidate_id.id,
                    "job_ref": self.job.id,
                }
            ]
        )
        self._flush()

        self.assertEqual(self.held_counts()["atsApplications"], 0)
        self.assertEqual(len(self._outbox("application", "pending")), 1)

    def test_off_rejects_rsc_sync(self):
        with self.assertRaises(UserError):
            self.backend.action_start_rsc_sync()
        with self.assertRaises(UserError):
            self.backend.run_rsc_sync()
        self.assertEqual(self.backend.rsc_sync_state, "never")

    def test_off_dashboard_hides_rsc_rows(self):
        self.backend.run_historical_sync()
        self.backend.invalidate_cache()

        self.assertNotIn("RSC applications", self.backend.progress_html)
        self.assertNotIn("RSC applications", self.backend.outbox_html)
        self.assertIn("Candidate pipelines", self.backend.progress_html)


@at_install(False)
@post_install(True)
class TestRscOn(RscCase):
    def setUp(self):
        super().setUp()
        self.backend.rsc_enabled = True

    def _synced(self):
        self.backend.run_historical_sync()
        self.backend.run_rsc_sync()

    def test_crm_sync_sends_no_applications(self):
        self.backend.run_historical_sync()

        self.assertEqual(self.held_counts()["atsApplications"], 0)
        self.assertEqual(self.backend.rsc_sync_state, "never")

    def test_rsc_sync_one_per_applicant(self):
        self._synced()

        applicants = self._applicants_with_job()
        held = self._applications()
        self.assertGreater(len(applicants), 5)
        self.assertEqual(set(held), {str(a.id) for a in applicants})
        self.assertEqual(self.backend.rsc_sync_state, "done")
        self.assertIn("records synced, 0 failed", self.backend.rsc_sync_message)
        self.assertEqual(self.held_counts()["orphans"]["atsApplications"], 0)

    def test_rsc_sync_maps_fields(self):
        applicant = self._apply("Ada Lovelace", "ada@example.com")
        self._synced()

        entity = self._applications()[str(applicant.id)]
        self.assertEqual(
            entity["atsCandidateId"], str(applicant.linkedin_candidate_id.id)
        )
        self.assertEqual(entity["atsJobPostingId"], str(applicant.job_id.id))
        self.assertEqual(entity["atsJobPostingName"], applicant.job_id.name)
        self.assertEqual(entity["firstName"], "Ada")
        self.assertEqual(entity["lastName"], "Lovelace")
        self.assertEqual(entity["candidateEmail"], "ada@example.com")
        self.assertEqual(entity["stages"][-1]["stage"], applicant.stage_id.name)
        self.assertGreaterEqual(entity["atsLastModifiedAt"], entity["atsCreatedAt"])
        self.assertNotIn("dispositionReason", entity)
        self.assertTrue(entity["source"])

    def test_crm_counts_unchanged_by_rsc(self):
        self.backend.run_historical_sync()
        before = self.held_counts()
        crm_states = self.env["linkedin.binding"].counts(self.backend)

        self.backend.run_rsc_sync()

        after = self.held_counts()
        for resource in CRM_RESOURCES:
            self.assertEqual(after[resource], before[resource], resource)
        counts = self.env["linkedin.binding"].counts(self.backend)
        for code, states in crm_states.items():
            self.assertEqual(counts[code], states, code)
        self.assertGreater(after["atsApplications"], 0)

    def test_new_applicant_sends_application(self):
        self._synced()
        applicant = self._apply("Kai Berg", "kai@example.com")
        self._flush()

        entity = self._applications()[str(applicant.id)]
        self.assertEqual(entity["candidateEmail"], "kai@example.com")
        self.assertEqual(entity["stages"][-1]["stage"], applicant.stage_id.name)
        self.assertFalse(self._outbox("application", "pending"))

    def test_stage_move_updates_application(self):
        self._synced()
        applicant = self._apply("Pia Lund", "pia@example.com")
        first_stage = applicant.stage_id
        self._flush()
        stage = self.env.ref("hr_recruitment.stage_job4")

        applicant.stage_id = stage
        self._flush()

        stages = self._applications()[str(applicant.id)]["stages"]
        self.assertEqual(stages[-1]["stage"], stage.name)
        self.assertEqual(len(stages), 2)
        self.assertEqual(stages[0]["stage"], first_stage.name)
        self.assertLessEqual(stages[0]["atsCreatedAt"], stages[1]["atsCreatedAt"])

    def test_refusal_sets_disposition_reason(self):
        self._synced()
        applicant = self._apply("Rosa Diaz", "rosa@example.com")
        self._flush()

        applicant.active = False
        self._flush()

        entity = self._applications()[str(applicant.id)]
        self.assertEqual(entity["dispositionReason"], "Refused in the CRM")

    def test_delete_applicant_deletes_application(self):
        self._synced()
        applicant = self._apply("Nia Long", "nia@example.com")
        self._flush()
        ref = "application:%d" % applicant.id
        self.assertIn(str(applicant.id), self._applications())

        applicant.unlink()
        self._flush()

        self.assertNotIn(ref.split(":")[1], self._applications())
        binding = self.env["linkedin.binding"].search(
            [("backend_id", "=", self.backend.id), ("local_ref", "=", ref)]
        )
        self.assertEqual(binding.state, "deleted")
        self.assertEqual(self.held_counts()["orphans"]["atsApplications"], 0)

    def test_delete_keeps_shared_pipeline(self):
        self._synced()
        first = self._apply("Olu Ade", "olu@example.com")
        second = self._apply("Olu Ade", "olu@example.com")
        self.assertEqual(first.linkedin_candidate_id, second.linkedin_candidate_id)
        self._flush()

        second.unlink()
        self._flush()

        held = self._applications()
        self.assertIn(str(first.id), held)
        self.assertNotIn(str(second.id), held)

    def test_removed_job_deletes_application(self):
        self._synced()
        applicant = self._apply("Uma Thurman", "uma@example.com")
        self._flush()

        applicant.job_id = False
        self._flush()

        self.assertNotIn(str(applicant.id), self._applications())

    def test_job_change_moves_application(self):
        self._synced()
        applicant = self._apply("Vera Wang", "vera@example.com")
        self._flush()
        other = self.env.ref("hr.job_consultant")

        applicant.job_id = other
        self._flush()

        entity = self._applications()[str(applicant.id)]
        self.assertEqual(entity["atsJobPostingId"], str(other.id))

    def test_application_waits_for_candidate(self):
        self._synced()
        applicant = self._apply("Bad Mail", "bad at example.com")
        self._flush()
        ref = "application:%d" % applicant.id
        binding = self.env["linkedin.binding"].search(
            [("backend_id", "=", self.backend.id), ("local_ref", "=", ref)]
        )
        self.assertEqual(binding.state, "failed")
        self.assertIn("Not sent: its candidate", binding.error_message)

        applicant.email_from = "bad@example.com"
        self._flush()

        binding.invalidate_cache()
        self.assertEqual(binding.state, "done")
        self.assertIn(str(applicant.id), self._applications())

    def test_dashboard_shows_rsc_rows(self):
        self._synced()
        self.backend.invalidate_cache()
        count = len(self._applicants_with_job())

        self.assertIn(
            "<td>RSC applications</td><td class='text-right'>%d</td>"
            "<td class='text-right'>%d</td>" % (count, count),
            self.backend.progress_html,
        )
        self.assertIn("RSC applications", self.backend.outbox_html)

    def test_switching_off_stops_sending(self):
        self._synced()
        applicant = self._apply("Ola Nordmann", "ola@example.com")
        self.backend.rsc_enabled = False

        self._flush()

        self.assertNotIn(str(applicant.id), self._applications())
        self.assertFalse(self._outbox("application"))

    def test_rsc_sync_queued_once(self):
        self.backend.action_start_historical_sync()
        self.backend.action_start_rsc_sync()
        self.assertEqual(self.backend.rsc_sync_state, "queued")
        with self.assertRaises(UserError):
            self.backend.action_start_rsc_sync()

        # The scheduled action's two steps, without its commits.
        self.backend.run_historical_sync()
        self.backend.run_rsc_sync()

        self.assertEqual(self.backend.sync_state, "done")
        self.assertEqual(self.backend.rsc_sync_state, "done")
        self.assertEqual(
            self.held_counts()["atsApplications"], len(self._applicants_with_job())
        )


@at_install(False)
@post_install(True)
class TestHistoricalSyncWithRsc(test_historical_sync.TestHistoricalSync):
    """The CRM historical sync's own tests, on a backend with RSC on."""

    def setUp(self):
        super().setUp()
        self.backend.rsc_enabled = True
