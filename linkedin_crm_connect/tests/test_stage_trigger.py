"""The stage move capture of ``hr.applicant``: a trigger and the capture journal."""

from unittest import mock

from odoo.tests.common import at_install, post_install

from ..models import linkedin_capture_journal, sql_functions
from ..models.linkedin_capture import NO_CAPTURE
from .common import SandboxCase

QUIET = {"tracking_disable": True, "mail_notrack": True, "mail_create_nolog": True}


@at_install(False)
@post_install(True)
class TestStageTrigger(SandboxCase):
    def setUp(self):
        super().setUp()
        self.Applicant = self.env["hr.applicant"].with_context(**QUIET)
        self.History = self.env["linkedin.stage.history"]
        self.job = self.env.ref("hr.job_developer")
        self.stages = [
            self.env.ref("hr_recruitment.stage_job%d" % number) for number in (1, 2, 3)
        ]

    def _apply(self, name, **vals):
        values = {
            "name": "Application of %s" % name,
            "partner_name": name,
            "email_from": "%s@example.com" % name.split()[0].lower(),
            "job_id": self.job.id,
            "stage_id": self.stages[0].id,
        }
        values.update(vals)
        applicant = self.Applicant.create(values)
        self.ingest()
        return applicant

    def _clear_outbox(self):
        self.env.cr.execute(
            "DELETE FROM linkedin_outbox WHERE backend_id = %s", (self.backend.id,)
        )

    def _pending(self, entity_type, local_ref):
        self.ingest()
        self.env.cr.execute(
            "SELECT count(*) FROM linkedin_outbox WHERE backend_id = %s"
            " AND entity_type = %s AND local_ref = %s AND state = 'pending'"
            " AND operation = 'upsert'",
            (self.backend.id, entity_type, local_ref),
        )
        return self.env.cr.fetchone()[0]

    def _outbox_count(self):
        self.ingest()
        self.env.cr.execute(
            "SELECT count(*) FROM linkedin_outbox WHERE backend_id = %s",
            (self.backend.id,),
        )
        return self.env.cr.fetchone()[0]

    def _history(self, applicant):
        self.ingest()
        return self.History.search([("applicant_id", "=", applicant.id)])

    def _candidate_of(self, applicant_id):
        self.env.cr.execute(
            "SELECT linkedin_candidate_id FROM hr_applicant WHERE id = %s",
            (applicant_id,),
        )
        return self.env.cr.fetchone()[0]

    def _assert_one_move(self, applicant, stage_from, stage_to):
        history = self._history(applicant)
        self.assertEqual(len(history), 1)
        self.assertEqual(history.stage_from_id, stage_from)
        self.assertEqual(history.stage_to_id, stage_to)
        self.assertEqual(history.job_id, self.job)
        candidate_id = self._candidate_of(applicant.id)
        self.assertEqual(history.candidate_id.id, candidate_id)
        pipeline_ref = "candidate:%d:job:%d" % (candidate_id, self.job.id)
        self.assertEqual(self._pending("candidate_pipeline", pipeline_ref), 1)
        self.assertEqual(self._pending("stage_history", "history:%d" % history.id), 1)

    def test_orm_move_one_history_row(self):
        applicant = self._apply("Ada Byron")
        self._clear_outbox()
        applicant.write({"stage_id": self.stages[1].id})
        self._assert_one_move(applicant, self.stages[0], self.stages[1])
        self.assertEqual(self._outbox_count(), 2)

    def test_sql_move_one_history_row(self):
        applicant = self._apply("Bea Holm")
        self._clear_outbox()
        self.env.cr.execute(
            "UPDATE hr_applicant SET stage_id = %s WHERE id = %s",
            (self.stages[1].id, applicant.id),
        )
        self._assert_one_move(applicant, self.stages[0], self.stages[1])
        self.assertEqual(self._outbox_count(), 2)

    def test_same_stage_queues_nothing(self):
        applicant = self._apply("Cem Aydin")
        self._clear_outbox()
        self.env.cr.execute(
            "UPDATE hr_applicant SET stage_id = stage_id WHERE id = %s",
            (applicant.id,),
        )
        self.assertFalse(self._history(applicant))
        self.assertEqual(self._outbox_count(), 0)

    def test_move_links_candidate(self):
        skipped = self.Applicant.with_context(**{NO_CAPTURE: True}).create(
            {
                "name": "Application of Dana Roth",
                "partner_name": "Dana Roth",
                "email_from": "Dana Roth <DANA@example.com>",
                "job_id": self.job.id,
                "stage_id": self.stages[0].id,
            }
        )
        applicant = self.Applicant.browse(skipped.id)
        self.assertFalse(applicant.linkedin_candidate_id)
        self._clear_outbox()
        applicant.write({"stage_id": self.stages[1].id})
        self.assertFalse(applicant.linkedin_candidate_id)
        self.ingest()
        candidate = applicant.linkedin_candidate_id
        self.assertTrue(candidate)
        self.assertEqual(candidate.email_normalized, "dana@example.com")
        self.assertEqual(candidate.name, "Dana Roth")
        self.assertEqual(candidate.applicant_count, 1)
        self.assertEqual(self._pending("candidate", "candidate:%d" % candidate.id), 1)
        self._assert_one_move(applicant, self.stages[0], self.stages[1])
        self.assertEqual(self._outbox_count(), 3)

    def test_batch_write_own_old_stages(self):
        applicants = [
            self._apply(name, stage_id=stage.id)
            for name, stage in zip(("Eli Shaw", "Fay Wong", "Gus Moe"), self.stages)
        ]
        target = self.env.ref("hr_recruitment.stage_job4")
        self._clear_outbox()
        self.Applicant.browse([a.id for a in applicants]).write({"stage_id": target.id})
        for applicant, stage in zip(applicants, self.stages):
            self._assert_one_move(applicant, stage, target)
        self.assertEqual(self._outbox_count(), 6)

    def test_stage_and_name_not_doubled(self):
        applicant = self._apply("Hal Ek")
        self._clear_outbox()
        applicant.write({"stage_id": self.stages[1].id, "partner_name": "Hal Eklund"})
        self._assert_one_move(applicant, self.stages[0], self.stages[1])
        candidate = applicant.linkedin_candidate_id
        self.assertEqual(self._pending("candidate", "candidate:%d" % candidate.id), 1)
        self.assertEqual(candidate.name, "Hal Eklund")
        self.assertEqual(self._outbox_count(), 3)

    def test_stage_and_job_not_doubled(self):
        applicant = self._apply("Ian Roe")
        other_job = self.env.ref("hr.job_consultant")
        self._clear_outbox()
        applicant.write({"stage_id": self.stages[1].id, "job_id": other_job.id})
        history = self._history(applicant)
        self.assertEqual(len(history), 1)
        self.assertEqual(history.job_id, other_job)
        candidate_id = applicant.linkedin_candidate_id.id
        new_ref = "candidate:%d:job:%d" % (candidate_id, other_job.id)
        self.assertEqual(self._pending("candidate_pipeline", new_ref), 1)
        self.assertEqual(self._pending("stage_history", "history:%d" % history.id), 1)

    def test_stage_only_write_takes_no_snapshot(self):
        applicant = self._apply("Jo Park")
        capture = self.env["linkedin.capture"]
        written = ["stage_id", "date_last_stage_update", "last_stage_id"]
        self.assertEqual(capture.applicant_snapshot(applicant, written), {})
        self.assertTrue(capture.applicant_snapshot(applicant, written + ["job_id"]))

    def test_no_capture_key_skips_move(self):
        applicant = self._apply("Kim Noor")
        self._clear_outbox()
        applicant.with_context(**{NO_CAPTURE: True}).write(
            {"stage_id": self.stages[1].id}
        )
        self.assertFalse(self._history(applicant))
        self.assertEqual(self._outbox_count(), 0)
        self.env.cr.execute(
            "SELECT current_setting(%s, true)", (sql_functions.NO_CAPTURE_SETTING,)
        )
        self.assertNotEqual(self.env.cr.fetchone()[0], "on")
        applicant.write({"stage_id": self.stages[2].id})
        self._assert_one_move(applicant, self.stages[1], self.stages[2])

    def test_no_capture_setting_skips_sql_move(self):
        applicant = self._apply("Lou Baker")
        self._clear_outbox()
        self.env.cr.execute(
            "SELECT set_config(%s, 'on', true)", (sql_functions.NO_CAPTURE_SETTING,)
        )
        self.env.cr.execute(
            "UPDATE hr_applicant SET stage_id = %s WHERE id = %s",
            (self.stages[1].id, applicant.id),
        )
        self.env.cr.execute(
            "SELECT set_config(%s, '', true)", (sql_functions.NO_CAPTURE_SETTING,)
        )
        self.assertFalse(self._history(applicant))
        self.assertEqual(self._outbox_count(), 0)

    def test_backfill_after_trigger_moves(self):
        applicant = self._apply("Mia Sand")
        applicant.write({"stage_id": self.stages[1].id})
        self.assertEqual(len(self._history(applicant)), 1)
        # Applicants with history rows are left alone by the backfill.
        self.History.backfill(self.company)
        self.assertEqual(len(self._history(applicant)), 1)
        self.History.search([("applicant_id", "=", applicant.id)]).unlink()
        self.History.backfill(self.company)
        history = self._history(applicant)
        self.assertEqual(len(history), 1)
        self.assertEqual(history.stage_to_id, self.stages[1])

    def test_moves_before_flush_keep_order_and_time(self):
        applicant = self._apply("Nils Ahl")
        self._clear_outbox()
        applicant.write({"stage_id": self.stages[1].id})
        applicant.write({"stage_id": self.stages[2].id})
        self.env.cr.execute(
            "SELECT stage_from_id, stage_to_id, changed_at FROM linkedin_capture_event"
            " WHERE applicant_id = %s ORDER BY id",
            (applicant.id,),
        )
        journal = self.env.cr.fetchall()
        self.assertEqual(
            [row[:2] for row in journal],
            [
                (self.stages[0].id, self.stages[1].id),
                (self.stages[1].id, self.stages[2].id),
            ],
        )
        history = self._history(applicant).sorted("id")
        self.assertEqual(
            [(h.stage_from_id, h.stage_to_id) for h in history],
            [(self.stages[0], self.stages[1]), (self.stages[1], self.stages[2])],
        )
        self.assertEqual(
            history.mapped("changed_at"), [str(row[2])[:19] for row in journal]
        )
        for row in history:
            self.assertEqual(self._pending("stage_history", "history:%d" % row.id), 1)
        self.assertEqual(self._outbox_count(), 3)

    def test_move_after_job_change_not_recorded(self):
        applicant = self._apply("Ola Berg")
        other_job = self.env.ref("hr.job_consultant")
        self._clear_outbox()
        self.env.cr.execute(
            "UPDATE hr_applicant SET stage_id = %s WHERE id = %s",
            (self.stages[1].id, applicant.id),
        )
        self.env.cr.execute(
            "UPDATE hr_applicant SET job_id = %s WHERE id = %s",
            (other_job.id, applicant.id),
        )
        self.assertFalse(self._history(applicant))

    def test_backlog_ingested_in_chunks(self):
        applicant = self._apply("Pam Ruiz")
        targets = [self.stages[1], self.stages[2], self.stages[0], self.stages[1]]
        for stage in targets:
            applicant.write({"stage_id": stage.id})
        with mock.patch.object(linkedin_capture_journal, "INGEST_CHUNK", 3):
            self.assertEqual(self.ingest(), 4)
        history = self._history(applicant).sorted("id")
        self.assertEqual([row.stage_to_id for row in history], targets)
        self.assertEqual(
            [row.stage_from_id for row in history], [self.stages[0]] + targets[:-1]
        )
