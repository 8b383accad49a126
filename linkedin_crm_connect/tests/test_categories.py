from odoo.tests.common import at_install, post_install

from .common import SandboxCase


@at_install(False)
@post_install(True)
class TestCategories(SandboxCase):
    def test_demo_stages_mapped(self):
        expected = {
            "hr_recruitment.stage_job1": "SCREEN",
            "hr_recruitment.stage_job3": "INTERVIEW",
            "hr_recruitment.stage_job4": "OFFER",
            "hr_recruitment.stage_job5": "HIRED",
        }
        for xmlid, category in expected.items():
            self.assertEqual(self.env.ref(xmlid).linkedin_category, category, xmlid)

    def test_stage_override_sent(self):
        stage = self.env.ref("hr_recruitment.stage_job4")
        stage.linkedin_category_override = "INTERVIEW"
        self.assertEqual(stage.linkedin_category, "INTERVIEW")
        self.backend.run_historical_sync()
        sent = {
            e["key"]["tcrmStageId"]: e["entity"]["stageCategory"]
            for e in self.held_entities("tcrmPipelineStages")
        }
        self.assertEqual(sent[str(stage.id)], "INTERVIEW")

    def test_source_override_sent(self):
        source = self.env["hr.recruitment.source"].create({"name": "Friends of staff"})
        self.assertEqual(source.linkedin_category, "OTHER")
        source.linkedin_category_override = "REFERRAL"
        applicant = (
            self.env["hr.applicant"]
            .with_context(tracking_disable=True)
            .create(
                {
                    "name": "Referred",
                    "partner_name": "Ines Roth",
                    "job_id": self.env.ref("hr.job_developer").id,
                    "source_id": source.source_id.id,
                }
            )
        )
        self.backend.run_historical_sync()
        key = (str(applicant.linkedin_candidate_id.id), str(applicant.job_id.id))
        sent = {
            (e["key"]["tcrmCandidateId"], e["key"]["tcrmPipelineId"]): e["entity"]
            for e in self.held_entities("tcrmCandidatePipelines")
        }
        self.assertEqual(sent[key]["sources"]["sourceCategory"], "REFERRAL")
        self.assertEqual(sent[key]["sources"]["sourceDetails"], "Friends of staff")

    def test_manual_applicant_source_other(self):
        applicant = (
            self.env["hr.applicant"]
            .with_context(tracking_disable=True)
            .create(
                {
                    "name": "Typed in",
                    "partner_name": "Jon Snow",
                    "job_id": self.env.ref("hr.job_developer").id,
                }
            )
        )
        self.backend.run_historical_sync()
        key = (str(applicant.linkedin_candidate_id.id), str(applicant.job_id.id))
        sent = {
            (e["key"]["tcrmCandidateId"], e["key"]["tcrmPipelineId"]): e["entity"]
            for e in self.held_entities("tcrmCandidatePipelines")
        }
        self.assertEqual(sent[key]["sources"]["sourceCategory"], "OTHER")
        self.assertIn("manually", sent[key]["sources"]["sourceDetails"])
