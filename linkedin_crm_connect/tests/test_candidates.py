from odoo.tests.common import at_install, post_install

from .common import SandboxCase

QUIET = {"tracking_disable": True, "mail_notrack": True, "mail_create_nolog": True}


@at_install(False)
@post_install(True)
class TestCandidates(SandboxCase):
    def setUp(self):
        super().setUp()
        self.Applicant = self.env["hr.applicant"].with_context(**QUIET)
        self.job_a = self.env.ref("hr.job_developer")
        self.job_b = self.env.ref("hr.job_consultant")

    def _apply(self, name, email=None, partner=None, job=None):
        applicant = self.Applicant.create(
            {
                "name": "Application of %s" % name,
                "partner_name": name,
                "email_from": email,
                "partner_id": partner.id if partner else False,
                "job_id": (job or self.job_a).id,
            }
        )
        self.ingest()
        return applicant

    def _assign(self):
        self.env["linkedin.candidate"].assign_candidates(self.company)
        self.env["hr.applicant"].invalidate_cache()

    def test_same_email_one_candidate(self):
        first = self._apply("Anna Meyer", " Anna.Meyer@Example.com ")
        second = self._apply("anna meyer", "anna.meyer@example.com", job=self.job_b)
        self._assign()
        self.assertTrue(first.linkedin_candidate_id)
        self.assertEqual(first.linkedin_candidate_id, second.linkedin_candidate_id)
        self.assertEqual(
            first.linkedin_candidate_id.email_normalized, "anna.meyer@example.com"
        )
        self.assertEqual(first.linkedin_candidate_id.applicant_count, 2)

    def test_mail_gateway_address_grouped(self):
        first = self._apply("Bo Berg", "Bo Berg <bo@example.org>")
        second = self._apply("Bo Berg", "bo@example.org", job=self.job_b)
        self._assign()
        self.assertEqual(first.linkedin_candidate_id, second.linkedin_candidate_id)

    def test_same_partner_one_candidate(self):
        partner = self.env["res.partner"].create({"name": "Carla Diaz"})
        first = self._apply("Carla Diaz", partner=partner)
        second = self._apply("Carla Díaz", partner=partner, job=self.job_b)
        self._assign()
        self.assertEqual(first.linkedin_candidate_id, second.linkedin_candidate_id)
        self.assertEqual(first.linkedin_candidate_id.partner_id, partner)

    def test_distinct_people_distinct_candidates(self):
        first = self._apply("Dirk de Vries", "dirk@example.net")
        second = self._apply("Dirk de Vries")
        third = self._apply("Eva Novak")
        self._assign()
        ids = {a.linkedin_candidate_id.id for a in (first, second, third)}
        self.assertEqual(len(ids), 3)

    def test_existing_candidate_reused(self):
        first = self._apply("Femke Jansen", "femke@example.com")
        self._assign()
        later = self._apply("Femke Jansen", "FEMKE@example.com", job=self.job_b)
        self._assign()
        self.assertEqual(later.linkedin_candidate_id, first.linkedin_candidate_id)

    def test_email_change_keeps_candidate(self):
        applicant = self._apply("Gil Sousa", "gil@example.com")
        self._assign()
        candidate = applicant.linkedin_candidate_id
        applicant.email_from = "gil.sousa@example.org"
        self._assign()
        self.assertEqual(applicant.linkedin_candidate_id, candidate)

    def test_urn_merge_keeps_older_and_deletes_other(self):
        first = self._apply("Hana Ito", "hana@example.com")
        second = self._apply("Hana Ito", "hana.ito@example.org", job=self.job_b)
        self.backend.run_historical_sync()
        older, newer = first.linkedin_candidate_id, second.linkedin_candidate_id
        self.assertNotEqual(older, newer)
        self.assertLess(older.id, newer.id)
        newer_id = newer.id
        held_before = self.held_counts()["atsCandidates"]

        older.person_urn = "urn:li:person:hana1"
        newer.person_urn = "urn:li:person:hana1"

        self.env["hr.applicant"].invalidate_cache()
        self.assertEqual(second.linkedin_candidate_id, older)
        self.assertFalse(self.env["linkedin.candidate"].browse(newer_id).exists())
        self.assertEqual(older.person_urn, "urn:li:person:hana1")
        pending = self.env["linkedin.binding"].search(
            [("backend_id", "=", self.backend.id), ("candidate_ref", "=", newer_id)]
        )
        self.assertTrue(pending)
        self.assertEqual(set(pending.mapped("state")), {"to_delete"})

        self.backend.run_historical_sync()
        pending.invalidate_cache()
        self.assertEqual(
            set(pending.filtered(lambda b: b.entity_type != "resume").mapped("state")),
            {"deleted"},
        )
        held = {
            e["key"]["atsCandidateId"]: e["entity"]
            for e in self.held_entities("atsCandidates")
        }
        self.assertNotIn(str(newer_id), held)
        self.assertEqual(
            held[str(older.id)]["manualMatchedMember"], "urn:li:person:hana1"
        )
        self.assertEqual(self.held_counts()["atsCandidates"], held_before - 1)
        pipelines = {
            (e["key"]["tcrmCandidateId"], e["key"]["tcrmPipelineId"])
            for e in self.held_entities("tcrmCandidatePipelines")
        }
        self.assertIn((str(older.id), str(self.job_b.id)), pipelines)
        self.assertNotIn((str(newer_id), str(self.job_b.id)), pipelines)

    def test_create_links_and_counts(self):
        first = self._apply("Ines Lopez", "ines@example.com")
        candidate = first.linkedin_candidate_id
        self.assertTrue(candidate)
        self.assertEqual(candidate.applicant_count, 1)
        self.assertEqual(candidate.name, "Ines Lopez")
        second = self._apply("Ines López", "INES@example.com", job=self.job_b)
        self.assertEqual(second.linkedin_candidate_id, candidate)
        self.assertEqual(candidate.applicant_count, 2)
        self.assertEqual(candidate.name, "Ines López")

    def test_partner_name_write_renames(self):
        applicant = self._apply("Jon Snow", "jon@example.com")
        candidate = applicant.linkedin_candidate_id
        applicant.partner_name = "Jon Targaryen"
        self.assertEqual(candidate.name, "Jon Targaryen")

    def test_older_applicant_keeps_newer_name(self):
        older = self._apply("Kim Park", "kim@example.com")
        newer = self._apply("Kim Park-Lee", "kim@example.com", job=self.job_b)
        candidate = newer.linkedin_candidate_id
        self.env.cr.execute(
            "UPDATE hr_applicant SET linkedin_candidate_id = NULL WHERE id = %s",
            (older.id,),
        )
        older.invalidate_cache()
        older.write({"partner_phone": "+82 2 123 4567"})
        self.assertEqual(older.linkedin_candidate_id, candidate)
        self.assertEqual(candidate.applicant_count, 2)
        self.assertEqual(candidate.name, "Kim Park-Lee")

    def test_unlink_lowers_count(self):
        first = self._apply("Lea Roth", "lea@example.com")
        second = self._apply("Lea Roth", "lea@example.com", job=self.job_b)
        candidate = first.linkedin_candidate_id
        self.assertEqual(candidate.applicant_count, 2)
        second.unlink()
        self.assertEqual(candidate.applicant_count, 1)
        self.assertEqual(first.linkedin_candidate_id, candidate)

    def test_archived_backend_captures_nothing(self):
        Outbox = self.env["linkedin.outbox"]
        self.backend.active = False
        before = Outbox.search_count([])
        applicant = self._apply("Max Weber", "max@example.com")
        self.assertFalse(applicant.linkedin_candidate_id)
        self.assertEqual(Outbox.search_count([]), before)
        self.backend.active = True
        applicant.partner_phone = "+49 30 555 0101"
        self.assertTrue(applicant.linkedin_candidate_id)
        refs = Outbox.search([("state", "=", "pending")]).mapped("local_ref")
        self.assertIn("candidate:%d" % applicant.linkedin_candidate_id.id, refs)
