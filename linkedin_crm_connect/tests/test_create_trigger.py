"""The create capture of ``hr.applicant``: a trigger and the capture journal."""

from odoo.tests.common import at_install, post_install

from ..models import sql_functions
from ..models.linkedin_capture import NO_CAPTURE
from .common import SandboxCase

QUIET = {"tracking_disable": True, "mail_notrack": True, "mail_create_nolog": True}


@at_install(False)
@post_install(True)
class TestCreateTrigger(SandboxCase):
    def setUp(self):
        super().setUp()
        self.Applicant = self.env["hr.applicant"].with_context(**QUIET)
        self.Outbox = self.env["linkedin.outbox"]
        self.job = self.env.ref("hr.job_developer")
        # Journal rows that other tests committed are ingested first, so
        # each test reads only its own.
        self.ingest()

    def _pending_refs(self):
        rows = self.Outbox.search(
            [("backend_id", "=", self.backend.id), ("state", "=", "pending")]
        )
        return set(rows.mapped("local_ref"))

    def _candidate_of(self, applicant_id):
        self.env.cr.execute(
            "SELECT linkedin_candidate_id FROM hr_applicant WHERE id = %s",
            (applicant_id,),
        )
        return self.env.cr.fetchone()[0]

    def _journal(self):
        self.env.cr.execute(
            "SELECT operation, applicant_id, job_id, stage_from_id, stage_to_id"
            " FROM linkedin_capture_event ORDER BY id"
        )
        return self.env.cr.fetchall()

    def _insert(self, name, email, **columns):
        values = {
            "name": "Application of %s" % name,
            "partner_name": name,
            "email_from": email,
            "job_id": self.job.id,
            "company_id": self.company.id,
            "active": True,
        }
        values.update(columns)
        names = ", ".join(values)
        self.env.cr.execute(
            "INSERT INTO hr_applicant (%s) VALUES (%s) RETURNING id"
            % (names, ", ".join(["%s"] * len(values))),
            list(values.values()),
        )
        return self.env.cr.fetchone()[0]

    def test_create_writes_one_journal_row(self):
        stage = self.env.ref("hr_recruitment.stage_job1")
        applicant = self.Applicant.create(
            {
                "name": "Application of Lena Kraus",
                "email_from": "lena@example.com",
                "job_id": self.job.id,
                "stage_id": stage.id,
            }
        )
        self.assertEqual(
            self._journal(), [("create", applicant.id, self.job.id, None, stage.id)]
        )
        self.assertFalse(self._candidate_of(applicant.id))
        self.assertEqual(self._pending_refs(), set())

    def test_create_changes_no_other_row(self):
        query = (
            "SELECT relname, n_tup_ins + n_tup_upd FROM pg_stat_xact_user_tables"
            " WHERE relname IN ('hr_applicant', 'linkedin_candidate',"
            " 'linkedin_outbox', 'linkedin_capture_event') ORDER BY relname"
        )
        self.env.cr.execute(query)
        before = dict(self.env.cr.fetchall())
        self._insert("Ole Dahl", "ole@example.com")
        self.env.cr.execute(query)
        after = dict(self.env.cr.fetchall())
        changed = {
            table: after[table] - before.get(table, 0)
            for table in after
            if after[table] != before.get(table, 0)
        }
        self.assertEqual(changed, {"hr_applicant": 1, "linkedin_capture_event": 1})

    def test_ingest_links_and_queues(self):
        applicant_id = self._insert("Rosa Diaz", "Rosa Diaz <ROSA@example.com>")
        self.assertEqual(self.ingest(), 1)
        candidate_id = self._candidate_of(applicant_id)
        self.assertTrue(candidate_id)
        candidate = self.env["linkedin.candidate"].browse(candidate_id)
        self.assertEqual(candidate.email_normalized, "rosa@example.com")
        self.assertEqual(candidate.company_id, self.company)
        self.assertEqual(candidate.applicant_count, 1)
        self.assertEqual(candidate.name, "Rosa Diaz")
        refs = self._pending_refs()
        self.assertIn("candidate:%d" % candidate_id, refs)
        self.assertIn("candidate:%d:job:%d" % (candidate_id, self.job.id), refs)
        self.assertEqual(self._journal(), [])

    def test_ingest_twice_queues_once(self):
        self._insert("Tia Berg", "tia@example.com")
        self.assertEqual(self.ingest(), 1)
        before = self.Outbox.search_count([])
        self.assertEqual(self.ingest(), 0)
        self.assertEqual(self.Outbox.search_count([]), before)

    def test_multi_row_insert_one_candidate(self):
        self.env.cr.execute(
            "INSERT INTO hr_applicant (name, partner_name, email_from, job_id,"
            " company_id, active)"
            " SELECT 'Application ' || n, 'Pia Lind ' || n, 'PIA@example.com', %s,"
            " %s, true FROM generate_series(1, 3) AS n RETURNING id",
            (self.job.id, self.company.id),
        )
        applicant_ids = sorted(row[0] for row in self.env.cr.fetchall())
        self.assertEqual(len(self._journal()), 3)
        self.ingest()
        candidate_ids = {self._candidate_of(a) for a in applicant_ids}
        self.assertEqual(len(candidate_ids), 1)
        candidate = self.env["linkedin.candidate"].browse(candidate_ids.pop())
        self.assertEqual(candidate.applicant_count, 3)
        self.assertEqual(candidate.name, "Pia Lind 3")
        refs = self._pending_refs()
        self.assertIn("candidate:%d" % candidate.id, refs)
        self.assertIn("candidate:%d:job:%d" % (candidate.id, self.job.id), refs)

    def test_second_applicant_renames_candidate(self):
        partner = self.env["res.partner"].create(
            {"name": "Vera Holm", "email": "vera@example.com"}
        )
        first = self.Applicant.create(
            {"name": "Application of V. Holm", "email_from": "vera@example.com"}
        )
        self.ingest()
        candidate = first.linkedin_candidate_id
        self.assertEqual(candidate.name, "Application of V. Holm")
        second = self.Applicant.create(
            {
                "name": "Second application",
                "partner_id": partner.id,
                "email_from": False,
                "job_id": self.job.id,
            }
        )
        self.ingest()
        self.assertEqual(second.linkedin_candidate_id, candidate)
        self.assertEqual(candidate.applicant_count, 2)
        self.assertEqual(candidate.name, "Vera Holm")

    def test_company_taken_from_job(self):
        applicant_id = self._insert("Tom Berg", "tom@example.com", company_id=None)
        self.ingest()
        candidate_id = self._candidate_of(applicant_id)
        self.assertTrue(candidate_id)
        self.assertIn("candidate:%d" % candidate_id, self._pending_refs())

    def test_partner_email_used_without_email(self):
        partner = self.env["res.partner"].create(
            {"name": "Ivo Petrov", "email": "Ivo Petrov <IVO@example.com>"}
        )
        applicant = self.Applicant.create(
            {
                "name": "Application of Ivo Petrov",
                "partner_id": partner.id,
                "email_from": False,
            }
        )
        self.ingest()
        self.assertEqual(
            applicant.linkedin_candidate_id.email_normalized, "ivo@example.com"
        )

    def test_no_company_queues_nothing(self):
        job = self.env["hr.job"].create({"name": "Job without company"})
        job.company_id = False
        before = self.Outbox.search_count([])
        applicant = self.Applicant.create(
            {
                "name": "Application of Nora Vik",
                "email_from": "nora@example.com",
                "job_id": job.id,
                "company_id": False,
            }
        )
        self.assertEqual(self.ingest(), 1)
        self.assertFalse(applicant.company_id)
        self.assertFalse(applicant.linkedin_candidate_id)
        self.assertEqual(self.Outbox.search_count([]), before)
        self.assertEqual(self._journal(), [])

    def test_deleted_applicant_queues_nothing(self):
        applicant = self.Applicant.create(
            {"name": "Application of Per Gran", "email_from": "per@example.com"}
        )
        before = self.Outbox.search_count([])
        applicant.unlink()
        self.assertEqual(self.ingest(), 1)
        self.assertEqual(self.Outbox.search_count([]), before)

    def test_existing_candidate_only_queued(self):
        candidate = self.env["linkedin.candidate"].create(
            {"email_normalized": "eva@example.com", "company_id": self.company.id}
        )
        applicant_id = self._insert(
            "Eva Lund", "other@example.com", linkedin_candidate_id=candidate.id
        )
        self.ingest()
        self.assertEqual(self._candidate_of(applicant_id), candidate.id)
        refs = self._pending_refs()
        self.assertIn("candidate:%d" % candidate.id, refs)
        self.assertIn("candidate:%d:job:%d" % (candidate.id, self.job.id), refs)

    def test_note_on_new_applicant_links_it(self):
        applicant = self.Applicant.create(
            {
                "name": "Application of Ali Khan",
                "email_from": "ali@example.com",
                "job_id": self.job.id,
            }
        )
        message = applicant.message_post(
            body="Called, interested.", subtype="mail.mt_note", message_type="comment"
        )
        candidate = applicant.linkedin_candidate_id
        self.assertTrue(candidate)
        refs = self._pending_refs()
        self.assertIn("message:%d" % message.id, refs)
        self.assertIn("candidate:%d" % candidate.id, refs)
        self.assertIn("candidate:%d:job:%d" % (candidate.id, self.job.id), refs)

    def test_pending_state_before_ingest(self):
        applicant = self.Applicant.create(
            {"name": "Application of Mei Lin", "email_from": "mei@example.com"}
        )
        self.assertEqual(applicant.linkedin_sync_state, "pending")

    def test_no_capture_key_skips_create(self):
        skipped = self.Applicant.with_context(**{NO_CAPTURE: True}).create(
            {"name": "Application of Uma Rao", "email_from": "uma@example.com"}
        )
        self.assertEqual(self._journal(), [])
        self.env.cr.execute(
            "SELECT current_setting(%s, true)", (sql_functions.NO_CAPTURE_SETTING,)
        )
        self.assertNotEqual(self.env.cr.fetchone()[0], "on")
        captured = self.Applicant.create(
            {"name": "Application of Uma Rao", "email_from": "uma@example.com"}
        )
        self.assertEqual(
            [row[:2] for row in self._journal()], [("create", captured.id)]
        )
        self.assertNotEqual(skipped.id, captured.id)

    def test_drop_statements_remove_trigger(self):
        query = (
            "SELECT tgname FROM pg_trigger"
            " WHERE tgrelid = 'hr_applicant'::regclass AND tgname LIKE 'linkedin\\_%'"
            " ORDER BY tgname"
        )
        self.env.cr.execute(query)
        self.assertEqual(
            self.env.cr.fetchall(),
            [("linkedin_applicant_created",), ("linkedin_applicant_stage_changed",)],
        )
        # The savepoint is rolled back, so later tests keep the trigger.
        self.env.cr.execute("SAVEPOINT drop_statements")
        for statement in sql_functions.DROP:
            self.env.cr.execute(statement)
        self.env.cr.execute(query)
        after = self.env.cr.fetchall()
        self.env.cr.execute(
            "SELECT proname FROM pg_proc WHERE proname LIKE 'linkedin\\_%'"
        )
        functions = self.env.cr.fetchall()
        self.env.cr.execute("SELECT to_regclass('linkedin_capture_event')")
        journal = self.env.cr.fetchone()[0]
        self.env.cr.execute("ROLLBACK TO SAVEPOINT drop_statements")
        self.assertEqual(after, [])
        self.assertEqual(functions, [])
        self.assertIsNone(journal)

    def test_historical_sync_sends_journal_rows_once(self):
        applicant = self.Applicant.create(
            {
                "name": "Application of Ruth Amar",
                "partner_name": "Ruth Amar",
                "email_from": "ruth@example.com",
                "job_id": self.job.id,
            }
        )
        self.backend.run_historical_sync()
        candidate = applicant.linkedin_candidate_id
        self.assertTrue(candidate)
        self.assertEqual(self._journal(), [])
        sent = {e["key"]["atsCandidateId"] for e in self.held_entities("atsCandidates")}
        self.assertIn(str(candidate.id), sent)
        # The sync sent the applicant's current data, so the outbox contains
        # no second copy of it.
        refs = self._pending_refs()
        self.assertNotIn("candidate:%d" % candidate.id, refs)
        self.assertNotIn("candidate:%d:job:%d" % (candidate.id, self.job.id), refs)
