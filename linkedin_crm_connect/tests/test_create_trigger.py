"""The create capture of ``hr.applicant``, done by a PostgreSQL trigger."""

from odoo.tests.common import at_install, post_install

from ..linkedin.entities import clean_email
from ..linkedin.mapping import normalize_email
from ..models import sql_functions
from ..models.linkedin_capture import NO_CAPTURE
from .common import SandboxCase

QUIET = {"tracking_disable": True, "mail_notrack": True, "mail_create_nolog": True}

#: Email values as Odoo stores them, typed by users or by the mail gateway.
#: Values holding several addresses are left out, because ``parseaddr``
#: returns the first one before its ``strict`` mode and none in it.
EMAIL_CASES = [
    "ana@example.com",
    "  ana@example.com  ",
    "ANA@Example.COM",
    "Ana Silva <ana@example.com>",
    "  Ana Silva <ANA@EXAMPLE.COM>  ",
    "<ana@example.com>",
    '"Silva, Ana" <ana@example.com>',
    '"O\'Brien, Pat" <Pat.OBrien@Example.IE>',
    '"Ana <work>" <ana@example.com>',
    "Ana (work) <ana@example.com>",
    "Ana < ana@example.com >",
    "Ana <ana.silva @ example . com>",
    "J. R. R. Tolkien <jrrt@example.uk>",
    "Ana\t<ana@example.com>\n",
    "\u00a0ana@example.com\u3000",
    "Anaïs <anaïs@example.fr>",
    "",
    "   ",
    None,
    "not an email",
    "ana@",
    "@@@",
    "Ana <>",
    "Ana <<ana@example.com>>",
    "Ana <ana@>",
    "Ana <ana@example.com",
    "Ana <ana@example.com> x",
    "Ana <ana@b@c>",
]


@at_install(False)
@post_install(True)
class TestCreateTrigger(SandboxCase):
    def setUp(self):
        super().setUp()
        self.Applicant = self.env["hr.applicant"].with_context(**QUIET)
        self.Outbox = self.env["linkedin.outbox"]
        self.job = self.env.ref("hr.job_developer")

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

    def test_email_sql_matches_python(self):
        for value in EMAIL_CASES:
            expected = normalize_email(clean_email(value))
            self.env.cr.execute("SELECT linkedin_normalize_email(%s)", (value,))
            (actual,) = self.env.cr.fetchone()
            self.assertEqual(actual, expected, "email value %r" % value)

    def test_clean_email_sql_matches_python(self):
        for value in EMAIL_CASES:
            self.env.cr.execute("SELECT linkedin_clean_email(%s)", (value,))
            (actual,) = self.env.cr.fetchone()
            self.assertEqual(actual, clean_email(value), "email value %r" % value)

    def test_sql_insert_linked_and_queued(self):
        self.env.cr.execute(
            "INSERT INTO hr_applicant (name, partner_name, email_from, job_id,"
            " company_id, active) VALUES (%s, %s, %s, %s, %s, true) RETURNING id",
            (
                "Application of Rosa Diaz",
                "Rosa Diaz",
                "Rosa Diaz <ROSA@example.com>",
                self.job.id,
                self.company.id,
            ),
        )
        (applicant_id,) = self.env.cr.fetchone()
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

    def test_insert_not_updated_again(self):
        query = (
            "SELECT n_tup_upd FROM pg_stat_xact_user_tables"
            " WHERE relid = 'hr_applicant'::regclass"
        )
        self.env.cr.execute(query)
        updates_before = self.env.cr.fetchone()[0]
        self.env.cr.execute(
            "INSERT INTO hr_applicant (name, email_from, job_id, company_id, active)"
            " VALUES ('Application of Ole Dahl', 'ole@example.com', %s, %s, true)"
            " RETURNING id, linkedin_candidate_id",
            (self.job.id, self.company.id),
        )
        applicant_id, candidate_id = self.env.cr.fetchone()
        self.assertTrue(candidate_id)
        self.assertEqual(self._candidate_of(applicant_id), candidate_id)
        self.env.cr.execute(query)
        self.assertEqual(self.env.cr.fetchone()[0], updates_before)

    def test_multi_row_insert_one_candidate(self):
        self.env.cr.execute(
            "INSERT INTO hr_applicant (name, partner_name, email_from, job_id,"
            " company_id, active)"
            " SELECT 'Application ' || n, 'Pia Lind ' || n, 'PIA@example.com', %s,"
            " %s, true FROM generate_series(1, 3) AS n RETURNING id",
            (self.job.id, self.company.id),
        )
        applicant_ids = sorted(row[0] for row in self.env.cr.fetchall())
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
        self.assertEqual(second.linkedin_candidate_id, candidate)
        self.assertEqual(candidate.applicant_count, 2)
        self.assertEqual(candidate.name, "Vera Holm")

    def test_company_taken_from_job(self):
        self.env.cr.execute(
            "INSERT INTO hr_applicant (name, email_from, job_id, active)"
            " VALUES ('Application of Tom Berg', 'tom@example.com', %s, true)"
            " RETURNING id",
            (self.job.id,),
        )
        (applicant_id,) = self.env.cr.fetchone()
        candidate_id = self._candidate_of(applicant_id)
        self.assertTrue(candidate_id)
        self.assertIn("candidate:%d" % candidate_id, self._pending_refs())

    def test_orm_create_reads_candidate(self):
        applicant = self.Applicant.create(
            {
                "name": "Application of Lena Kraus",
                "partner_name": "Lena Kraus",
                "email_from": "lena@example.com",
                "job_id": self.job.id,
            }
        )
        candidate = applicant.linkedin_candidate_id
        self.assertTrue(candidate)
        self.assertEqual(candidate.id, self._candidate_of(applicant.id))
        self.assertEqual(candidate.email_normalized, "lena@example.com")
        self.assertIn("candidate:%d" % candidate.id, self._pending_refs())

    def test_orm_create_refreshes_cached_count(self):
        first = self.Applicant.create(
            {"name": "Application of Omar Haddad", "email_from": "omar@example.com"}
        )
        candidate = first.linkedin_candidate_id
        self.assertEqual(candidate.applicant_count, 1)
        second = self.Applicant.create(
            {
                "name": "Second application of Omar Haddad",
                "email_from": "Omar Haddad <OMAR@example.com>",
                "job_id": self.job.id,
            }
        )
        self.assertEqual(second.linkedin_candidate_id, candidate)
        self.assertEqual(candidate.applicant_count, 2)

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
        self.assertFalse(applicant.company_id)
        self.assertFalse(applicant.linkedin_candidate_id)
        self.assertFalse(self._candidate_of(applicant.id))
        self.assertEqual(self.Outbox.search_count([]), before)

    def test_existing_candidate_only_queued(self):
        candidate = self.env["linkedin.candidate"].create(
            {"email_normalized": "eva@example.com", "company_id": self.company.id}
        )
        self.env.cr.execute(
            "INSERT INTO hr_applicant (name, email_from, job_id, company_id,"
            " linkedin_candidate_id, active)"
            " VALUES ('Application of Eva Lund', 'other@example.com', %s, %s, %s,"
            " true) RETURNING id",
            (self.job.id, self.company.id, candidate.id),
        )
        (applicant_id,) = self.env.cr.fetchone()
        self.assertEqual(self._candidate_of(applicant_id), candidate.id)
        refs = self._pending_refs()
        self.assertIn("candidate:%d" % candidate.id, refs)
        self.assertIn("candidate:%d:job:%d" % (candidate.id, self.job.id), refs)

    def test_no_capture_key_skips_create(self):
        before = self.Outbox.search_count([])
        skipped = self.Applicant.with_context(**{NO_CAPTURE: True}).create(
            {"name": "Application of Uma Rao", "email_from": "uma@example.com"}
        )
        self.assertFalse(skipped.linkedin_candidate_id)
        self.assertEqual(self.Outbox.search_count([]), before)
        self.env.cr.execute(
            "SELECT current_setting(%s, true)", (sql_functions.NO_CAPTURE_SETTING,)
        )
        self.assertNotEqual(self.env.cr.fetchone()[0], "on")
        captured = self.Applicant.create(
            {"name": "Application of Uma Rao", "email_from": "uma@example.com"}
        )
        self.assertTrue(captured.linkedin_candidate_id)

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
        self.env.cr.execute("ROLLBACK TO SAVEPOINT drop_statements")
        self.assertEqual(after, [])
        self.assertEqual(functions, [])
