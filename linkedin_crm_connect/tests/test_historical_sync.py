import base64
import math

from odoo.tests.common import at_install, post_install

from .common import SandboxCase, pdf_bytes

QUIET = {"tracking_disable": True, "mail_notrack": True, "mail_create_nolog": True}


@at_install(False)
@post_install(True)
class TestHistoricalSync(SandboxCase):
    def setUp(self):
        super().setUp()
        self.Applicant = self.env["hr.applicant"].with_context(**QUIET)
        self.job = self.env.ref("hr.job_developer")

    def _odoo_counts(self):
        """Count in Odoo, independently of the sync, what LinkedIn must hold."""
        jobs = self.env["hr.job"].search([("company_id", "=", self.company.id)])
        stages = self.env["hr.recruitment.stage"].search([])
        stage_pairs = 0
        for job in jobs:
            stage_pairs += len([s for s in stages if not s.job_id or s.job_id == job])
        applicants = (
            self.env["hr.applicant"]
            .with_context(active_test=False)
            .search([("company_id", "=", self.company.id)])
        )
        candidates = applicants.mapped("linkedin_candidate_id")
        pipelines = {
            (a.linkedin_candidate_id.id, a.job_id.id)
            for a in applicants
            if a.job_id and a.job_id.company_id == self.company
        }
        messages = self.env["mail.message"].search(
            [
                ("model", "=", "hr.applicant"),
                ("res_id", "in", applicants.ids),
                ("message_type", "in", ("comment", "email")),
                ("body", "!=", False),
            ]
        )
        attachments = self.env["ir.attachment"].search(
            [("res_model", "=", "hr.applicant"), ("res_id", "in", applicants.ids)]
        )
        return {
            "simpleJobPostings": len(jobs),
            "tcrmPipelines": len(jobs),
            "tcrmPipelineStages": stage_pairs,
            "atsCandidates": len(candidates),
            "tcrmCandidatePipelines": len(pipelines),
            "tcrmInteractions": len(messages),
            "resumes": len(attachments),
        }

    def test_sync_matches_odoo_counts(self):
        applicant = self.env.ref("hr_recruitment.hr_case_programmer")
        applicant.message_post(
            body="<p>Strong Python skills.</p>",
            subtype="mail.mt_note",
            message_type="comment",
        )
        applicant.message_post(
            body="<p>Called, will send references.</p>",
            subtype="mail.mt_note",
            message_type="comment",
        )
        self.backend.run_historical_sync()
        expected = self._odoo_counts()
        held = self.held_counts()
        for resource, count in expected.items():
            self.assertEqual(held[resource], count, resource)
        self.assertGreaterEqual(expected["tcrmInteractions"], 2)
        self.assertGreater(expected["atsCandidates"], 5)
        self.assertEqual(self.backend.sync_state, "done")
        self.backend.invalidate_cache()
        dashboard = self.backend.progress_html
        candidates = expected["atsCandidates"]
        self.assertIn(
            "<td>Candidates</td><td class='text-right'>%d</td>"
            "<td class='text-right'>%d</td>" % (candidates, candidates),
            dashboard,
        )
        counts = self.env["linkedin.binding"].counts(self.backend)
        self.assertFalse(
            [code for code, states in counts.items() if states.get("failed")]
        )

    def test_entities_carry_mapped_fields(self):
        applicant = self.env.ref("hr_recruitment.hr_case_programmer")
        self.backend.run_historical_sync()
        candidate_id = str(applicant.linkedin_candidate_id.id)
        candidates = {
            e["key"]["atsCandidateId"]: e["entity"]
            for e in self.held_entities("atsCandidates")
        }
        first = applicant.partner_name.split(" ")[0]
        self.assertEqual(candidates[candidate_id]["firstName"], first)
        pipelines = {
            (e["key"]["tcrmCandidateId"], e["key"]["tcrmPipelineId"]): e["entity"]
            for e in self.held_entities("tcrmCandidatePipelines")
        }
        entity = pipelines[(candidate_id, str(applicant.job_id.id))]
        self.assertEqual(entity["tcrmStageId"], str(applicant.stage_id.id))
        self.assertIn(
            entity["sources"]["sourceCategory"],
            ("OTHER", "EMAIL", "JOB_BOARD", "CAREER_SITE", "SOCIAL_MEDIA", "LINKEDIN"),
        )
        stages = self.held_entities("tcrmPipelineStages")
        categories = {
            e["entity"]["stageDetails"]: e["entity"]["stageCategory"] for e in stages
        }
        self.assertEqual(categories["Contract Signed"], "HIRED")
        self.assertEqual(categories["Contract Proposal"], "OFFER")

    def test_bad_input_fails_only_that_record(self):
        bad_email = self.Applicant.create(
            {
                "name": "Bad email",
                "partner_name": "John Doe",
                "email_from": "john at example.org",
                "job_id": self.job.id,
            }
        )
        no_name = self.Applicant.create(
            {
                "name": "No name",
                "job_id": self.job.id,
                "email_from": "noname@example.com",
            }
        )
        good = self.Applicant.create(
            {
                "name": "Good",
                "partner_name": "Ada Lovelace",
                "email_from": "ada@example.com",
                "job_id": self.job.id,
            }
        )
        png = self.env["ir.attachment"].create(
            {
                "name": "photo.png",
                "datas_fname": "photo.png",
                "datas": base64.b64encode(b"\x89PNG\r\n\x1a\n" + b"0" * 64),
                "mimetype": "image/png",
                "res_model": "hr.applicant",
                "res_id": good.id,
            }
        )
        big = self.env["ir.attachment"].create(
            {
                "name": "huge.pdf",
                "datas_fname": "huge.pdf",
                "datas": base64.b64encode(pdf_bytes(10 * 1024 * 1024 + 10)),
                "mimetype": "application/pdf",
                "res_model": "hr.applicant",
                "res_id": good.id,
            }
        )
        fine = self.env["ir.attachment"].create(
            {
                "name": "cv.txt",
                "datas_fname": "cv.txt",
                "datas": base64.b64encode(b"Ada Lovelace\nAnalytical engines\n"),
                "mimetype": "text/plain",
                "res_model": "hr.applicant",
                "res_id": good.id,
            }
        )
        self.backend.run_historical_sync()
        Binding = self.env["linkedin.binding"]

        def binding(entity_type, ref):
            return Binding.search(
                [
                    ("backend_id", "=", self.backend.id),
                    ("entity_type", "=", entity_type),
                    ("local_ref", "=", ref),
                ]
            )

        bad = binding("candidate", "candidate:%d" % bad_email.linkedin_candidate_id.id)
        self.assertEqual(bad.state, "failed")
        self.assertIn("email", bad.error_message.lower())
        bad_pipeline = binding(
            "candidate_pipeline",
            "candidate:%d:job:%d" % (bad_email.linkedin_candidate_id.id, self.job.id),
        )
        self.assertEqual(bad_pipeline.state, "failed")
        self.assertIn("Not sent", bad_pipeline.error_message)
        nameless = binding(
            "candidate", "candidate:%d" % no_name.linkedin_candidate_id.id
        )
        self.assertEqual(nameless.state, "failed")
        self.assertIn("firstname", nameless.error_message.lower())
        self.assertEqual(
            binding("candidate", "candidate:%d" % good.linkedin_candidate_id.id).state,
            "done",
        )
        self.assertIn(
            "PDF, DOC or TXT", binding("resume", "attachment:%d" % png.id).error_message
        )
        self.assertIn(
            "10 MB", binding("resume", "attachment:%d" % big.id).error_message
        )
        self.assertEqual(binding("resume", "attachment:%d" % fine.id).state, "done")

        bad_email.invalidate_cache()
        self.assertEqual(bad_email.linkedin_sync_state, "failed")
        self.assertIn("email", bad_email.linkedin_sync_error.lower())
        self.assertEqual(self.backend.sync_state, "done_errors")
        logged = self.env["linkedin.request.log"].search(
            [("backend_id", "=", self.backend.id)]
        )
        self.assertTrue(logged.filtered(lambda log: log.resource == "atsCandidates"))
        self.assertFalse(
            [log for log in logged if self.client_secret in (log.request_body or "")]
        )

        expected = self._odoo_counts()
        held = self.held_counts()
        self.assertEqual(held["atsCandidates"], expected["atsCandidates"] - 2)
        self.assertEqual(held["resumes"], expected["resumes"] - 2)

    def test_batches_of_at_most_100(self):
        for number in range(230):
            self.Applicant.create(
                {
                    "name": "Bulk %d" % number,
                    "partner_name": "Bulk Person%d" % number,
                    "email_from": "bulk%d@example.com" % number,
                    "job_id": self.job.id,
                }
            )
        before = self.request_count("atsCandidates", "PUT")
        self.backend.run_historical_sync()
        held = self.held_counts()["atsCandidates"]
        requests_sent = self.request_count("atsCandidates", "PUT") - before
        self.assertEqual(requests_sent, math.ceil(held / 100))
        self.assertGreater(held, 230)

    def test_resync_sends_no_duplicates(self):
        self.backend.run_historical_sync()
        first = self.held_counts()
        self.backend.run_historical_sync()
        self.assertEqual(self.held_counts(), first)

    def test_history_backfilled_from_demo(self):
        self.backend.run_historical_sync()
        History = self.env["linkedin.stage.history"]
        applicants = self.env["hr.applicant"].search(
            [("job_id", "!=", False), ("company_id", "=", self.company.id)]
        )
        with_history = History.search([("applicant_id", "in", applicants.ids)])
        self.assertEqual(
            set(with_history.mapped("applicant_id").ids), set(applicants.ids)
        )
        held = self.held_counts()["tcrmCandidatePipelineStages"]
        self.assertEqual(held, len(with_history.filtered("stage_to_id")))

    def test_missing_resume_file_fails_that_resume(self):
        applicant = self.Applicant.create(
            {"name": "Lost", "partner_name": "Lou Lost", "job_id": self.job.id}
        )
        lost = self.env["ir.attachment"].create(
            {
                "name": "lost.txt",
                "datas_fname": "lost.txt",
                "datas": base64.b64encode(b"Lou Lost\n"),
                "mimetype": "text/plain",
                "res_model": "hr.applicant",
                "res_id": applicant.id,
            }
        )
        # The file vanished from the filestore; Odoo then reads it as empty.
        self.env.cr.execute(
            "UPDATE ir_attachment SET store_fname = 'aa/missing', db_datas = NULL"
            " WHERE id = %s",
            (lost.id,),
        )
        lost.invalidate_cache()
        self.backend.run_historical_sync()
        binding = self.env["linkedin.binding"].search(
            [
                ("backend_id", "=", self.backend.id),
                ("local_ref", "=", "attachment:%d" % lost.id),
            ]
        )
        self.assertEqual(binding.state, "failed")
        self.assertIn("empty", binding.error_message)
        self.assertIn(self.backend.sync_state, ("done", "done_errors"))
