import base64
import datetime

from odoo.tests.common import at_install, post_install

from .common import SandboxCase, sandbox_call

QUIET = {"tracking_disable": True, "mail_notrack": True, "mail_create_nolog": True}


@at_install(False)
@post_install(True)
class TestContinuousSync(SandboxCase):
    def setUp(self):
        super().setUp()
        self.Applicant = self.env["hr.applicant"].with_context(**QUIET)
        self.Outbox = self.env["linkedin.outbox"]
        self.job = self.env.ref("hr.job_developer")
        self.backend.run_historical_sync()

    def _apply(self, name, email, job=None):
        applicant = self.Applicant.create(
            {
                "name": "Application of %s" % name,
                "partner_name": name,
                "email_from": email,
                "job_id": (job or self.job).id,
            }
        )
        self.ingest()
        return applicant

    def _pending(self, entity_type=None, ref=None):
        domain = [("backend_id", "=", self.backend.id), ("state", "=", "pending")]
        if entity_type:
            domain.append(("entity_type", "=", entity_type))
        if ref:
            domain.append(("local_ref", "=", ref))
        return self.Outbox.search(domain)

    def _flush(self):
        return self.env["linkedin.flusher"].flush(self.backend, commit=False)

    def _held(self, resource, field):
        return {
            tuple(e["key"][name] for name in field): e["entity"]
            for e in self.held_entities(resource)
        }

    def test_ten_writes_one_upsert(self):
        applicant = self._apply("Kai Berg", "kai@example.com")
        candidate = applicant.linkedin_candidate_id
        for number in range(10):
            applicant.partner_phone = "+49 30 1234 %04d" % number
        rows = self._pending("candidate", "candidate:%d" % candidate.id)
        self.assertEqual(len(rows), 1)
        self.assertEqual(rows.operation, "upsert")
        self._flush()
        held = self._held("atsCandidates", ["atsCandidateId"])
        self.assertEqual(
            held[(str(candidate.id),)]["phoneNumbers"], [{"number": "+49 30 1234 0009"}]
        )

    def test_untracked_field_queues_nothing(self):
        applicant = self._apply("Lia Moreau", "lia@example.com")
        self._flush()
        before = self.Outbox.search_count([("backend_id", "=", self.backend.id)])
        applicant.write({"priority": "2", "description": "Good fit"})
        after = self.Outbox.search_count([("backend_id", "=", self.backend.id)])
        self.assertEqual(after, before)

    def test_flush_queues_nothing_new(self):
        self._apply("Mo Salah", "mo@example.com")
        stats = self._flush()
        self.assertGreater(stats["done"], 0)
        self.assertFalse(self._pending())

    def test_upsert_then_delete_one_delete(self):
        applicant = self._apply("Nia Long", "nia@example.com")
        candidate_id = applicant.linkedin_candidate_id.id
        applicant.unlink()
        rows = self._pending("candidate", "candidate:%d" % candidate_id)
        self.assertEqual(len(rows), 1)
        self.assertEqual(rows.operation, "delete")
        self.assertIn("atsCandidateId", rows.remote_key)

    def test_new_applicant_reuses_candidate(self):
        first = self._apply("Olu Ade", "olu@example.com")
        self._flush()
        second = self._apply(
            "Olu Ade", "OLU@example.com ", self.env.ref("hr.job_consultant")
        )
        self.assertEqual(second.linkedin_candidate_id, first.linkedin_candidate_id)
        self._flush()
        pipelines = self._held(
            "tcrmCandidatePipelines", ["tcrmCandidateId", "tcrmPipelineId"]
        )
        cid = str(first.linkedin_candidate_id.id)
        self.assertIn((cid, str(self.job.id)), pipelines)
        self.assertIn((cid, str(second.job_id.id)), pipelines)

    def test_stage_move_reaches_linkedin(self):
        applicant = self._apply("Pia Lund", "pia@example.com")
        self._flush()
        stage = self.env.ref("hr_recruitment.stage_job4")
        applicant.stage_id = stage
        self._flush()
        pipelines = self._held(
            "tcrmCandidatePipelines", ["tcrmCandidateId", "tcrmPipelineId"]
        )
        key = (str(applicant.linkedin_candidate_id.id), str(self.job.id))
        self.assertEqual(pipelines[key]["tcrmStageId"], str(stage.id))

    def test_batch_write_keeps_own_history(self):
        first = self._apply("Quinn Fox", "quinn@example.com")
        second = self._apply("Rosa Diaz", "rosa@example.com")
        stage_1 = self.env.ref("hr_recruitment.stage_job1")
        stage_2 = self.env.ref("hr_recruitment.stage_job2")
        stage_3 = self.env.ref("hr_recruitment.stage_job3")
        first.stage_id = stage_1
        second.stage_id = stage_2
        (first | second).write({"stage_id": stage_3.id})
        self.ingest()
        History = self.env["linkedin.stage.history"]
        last_first = History.search([("applicant_id", "=", first.id)], limit=1)
        last_second = History.search([("applicant_id", "=", second.id)], limit=1)
        self.assertEqual(last_first.stage_from_id, stage_1)
        self.assertEqual(last_first.stage_to_id, stage_3)
        self.assertEqual(last_second.stage_from_id, stage_2)
        self.assertEqual(last_second.stage_to_id, stage_3)

    def test_refused_keeps_pipeline(self):
        applicant = self._apply("Sam Ito", "sam@example.com")
        self._flush()
        applicant.archive_applicant()
        self._flush()
        pipelines = self._held(
            "tcrmCandidatePipelines", ["tcrmCandidateId", "tcrmPipelineId"]
        )
        key = (str(applicant.linkedin_candidate_id.id), str(self.job.id))
        self.assertIn(key, pipelines)
        self.assertEqual(pipelines[key]["dispositionReason"], "Refused in the CRM")

    def test_delete_applicant_cascades(self):
        applicant = self._apply("Tao Chen", "tao@example.com")
        applicant.message_post(
            body="<p>Phone screen went well.</p>",
            subtype="mail.mt_note",
            message_type="comment",
        )
        resume = self.env["ir.attachment"].create(
            {
                "name": "cv.txt",
                "datas_fname": "cv.txt",
                "datas": base64.b64encode(b"Tao Chen\nEngineer\n"),
                "mimetype": "text/plain",
                "res_model": "hr.applicant",
                "res_id": applicant.id,
            }
        )
        self._flush()
        cid = str(applicant.linkedin_candidate_id.id)
        self.assertIn((cid,), self._held("atsCandidates", ["atsCandidateId"]))
        interactions = [
            e
            for e in self.held_entities("tcrmInteractions")
            if e["entity"]["tcrmCandidateId"] == cid
        ]
        self.assertEqual(len(interactions), 1)

        applicant.unlink()
        self._flush()
        self.assertNotIn((cid,), self._held("atsCandidates", ["atsCandidateId"]))
        pipelines = self._held(
            "tcrmCandidatePipelines", ["tcrmCandidateId", "tcrmPipelineId"]
        )
        self.assertNotIn((cid, str(self.job.id)), pipelines)
        remaining = [
            e
            for e in self.held_entities("tcrmInteractions")
            if e["entity"]["tcrmCandidateId"] == cid
        ]
        self.assertEqual(remaining, [])
        resume_row = self.Outbox.search(
            [
                ("local_ref", "=", "attachment:%d" % resume.id),
                ("operation", "=", "delete"),
            ]
        )
        self.assertEqual(resume_row.state, "failed")
        self.assertIn("no endpoint", resume_row.error_message)
        orphans = self.held_counts()["orphans"]
        self.assertEqual(orphans["tcrmCandidatePipelines"], 0)
        self.assertEqual(orphans["tcrmInteractions"], 0)

    def test_delete_job_cascades(self):
        job = self.env["hr.job"].create(
            {"name": "Night Nurse", "company_id": self.company.id}
        )
        own_stage = self.env["hr.recruitment.stage"].create(
            {"name": "Ward visit", "job_id": job.id}
        )
        applicant = self._apply("Uma Roy", "uma@example.com", job)
        applicant.message_post(
            body="<p>Ward visit booked.</p>",
            subtype="mail.mt_note",
            message_type="comment",
        )
        self._flush()
        pipelines = self._held("tcrmPipelines", ["tcrmPipelineId"])
        self.assertIn((str(job.id),), pipelines)
        stage_keys = self._held("tcrmPipelineStages", ["tcrmPipelineId", "tcrmStageId"])
        self.assertIn((str(job.id), str(own_stage.id)), stage_keys)

        job.unlink()
        self.assertFalse(own_stage.exists())
        self._flush()
        self.assertNotIn(
            (str(job.id),), self._held("tcrmPipelines", ["tcrmPipelineId"])
        )
        stage_keys = self._held("tcrmPipelineStages", ["tcrmPipelineId", "tcrmStageId"])
        self.assertFalse([key for key in stage_keys if key[0] == str(job.id)])
        cps = self._held(
            "tcrmCandidatePipelines", ["tcrmCandidateId", "tcrmPipelineId"]
        )
        self.assertFalse([key for key in cps if key[1] == str(job.id)])
        jobs = {
            e["key"]["externalJobPostingId"]: e["entity"]
            for e in self.held_entities("simpleJobPostings")
        }
        self.assertEqual(jobs[str(job.id)]["state"], "CLOSED")
        orphans = self.held_counts()["orphans"]
        self.assertEqual(sum(orphans.values()), 0)

    def test_delete_stage_updates_pipelines(self):
        stage = self.env["hr.recruitment.stage"].create(
            {"name": "Assessment centre", "sequence": 50}
        )
        applicant = self._apply("Vik Rao", "vik@example.com")
        applicant.stage_id = stage
        self._flush()
        stage_keys = self._held("tcrmPipelineStages", ["tcrmPipelineId", "tcrmStageId"])
        self.assertIn((str(self.job.id), str(stage.id)), stage_keys)

        stage.unlink()
        self._flush()
        stage_keys = self._held("tcrmPipelineStages", ["tcrmPipelineId", "tcrmStageId"])
        self.assertFalse([key for key in stage_keys if key[1] == str(stage.id)])
        pipelines = self._held(
            "tcrmCandidatePipelines", ["tcrmCandidateId", "tcrmPipelineId"]
        )
        key = (str(applicant.linkedin_candidate_id.id), str(self.job.id))
        self.assertNotIn("tcrmStageId", pipelines[key])

    def test_resync_does_not_resurrect(self):
        applicant = self._apply("Wen Li", "wen@example.com")
        self._flush()
        cid = str(applicant.linkedin_candidate_id.id)
        applicant.unlink()
        self._flush()
        self.backend.run_historical_sync()
        self.assertNotIn((cid,), self._held("atsCandidates", ["atsCandidateId"]))

    def test_interaction_update_reaches_linkedin(self):
        applicant = self._apply("Xia Wu", "xia@example.com")
        message = applicant.message_post(
            body="<p>First call.</p>", subtype="mail.mt_note", message_type="comment"
        )
        self._flush()
        message.write({"body": "<p>First call, second round booked.</p>"})
        self._flush()
        held = self._held("tcrmInteractions", ["tcrmInteractionId"])
        self.assertIn("second round", held[(str(message.id),)]["content"])

    def test_bad_email_fails_that_row(self):
        applicant = self._apply("Yan Bo", "yan at example")
        self._flush()
        row = self.Outbox.search(
            [("local_ref", "=", "candidate:%d" % applicant.linkedin_candidate_id.id)]
        )
        self.assertEqual(row.state, "failed")
        self.assertIn("email", row.error_message.lower())
        applicant.invalidate_cache()
        self.assertEqual(applicant.linkedin_sync_state, "failed")

    def test_daily_limit_holds_until_midnight(self):
        sandbox_call(
            "POST", "/sandbox/config", json={"requests_per_day": {"atsCandidates": 0}}
        )
        try:
            applicant = self._apply("Zoe Kim", "zoe@example.com")
            applicant.message_post(
                body="<p>Sent the offer.</p>",
                subtype="mail.mt_note",
                message_type="comment",
            )
            self._flush()
        finally:
            sandbox_call("POST", "/sandbox/config", json={"requests_per_day": 100000})
        self.assertTrue(self.backend.is_held("atsCandidates"))
        hold = self.backend._holds()["atsCandidates"]
        tomorrow = datetime.datetime.now(datetime.UTC).date() + datetime.timedelta(
            days=1
        )
        self.assertEqual(
            hold["until"], datetime.datetime.combine(tomorrow, datetime.time.min)
        )
        row = self._pending(
            "candidate", "candidate:%d" % applicant.linkedin_candidate_id.id
        )
        self.assertEqual(len(row), 1)
        self.assertGreaterEqual(row.next_attempt_at, str(hold["until"]))
        self.assertIn(
            "Held until", self.backend.holds_html.replace("held until", "Held until")
        )
        # Other resources keep flowing.
        self.assertTrue(self._held("tcrmPipelines", ["tcrmPipelineId"]))

    def test_stale_claim_released(self):
        self._apply("Abe Lee", "abe@example.com")
        rows = self.Outbox.claim(self.backend, "candidate", "upsert", 100)
        self.assertTrue(rows)
        self.env.cr.execute(
            "UPDATE linkedin_outbox SET claimed_at = claimed_at - interval '1 hour'"
            " WHERE id IN %s",
            (tuple(row["id"] for row in rows),),
        )
        self.assertFalse(self.Outbox.claim(self.backend, "candidate", "upsert", 100))
        released = self.Outbox.release_stale_claims()
        self.assertEqual(released, len(rows))
        self.assertEqual(
            len(self.Outbox.claim(self.backend, "candidate", "upsert", 100)), len(rows)
        )

    def test_change_during_flight_waits(self):
        applicant = self._apply("Bea Sun", "bea@example.com")
        ref = "candidate:%d" % applicant.linkedin_candidate_id.id
        claimed = self.Outbox.claim(self.backend, "candidate", "upsert", 100)
        self.assertIn(ref, [row["local_ref"] for row in claimed])
        applicant.partner_phone = "+1 555 0100"
        self.assertEqual(len(self._pending("candidate", ref)), 1)
        self.assertFalse(
            [
                r
                for r in self.Outbox.claim(self.backend, "candidate", "upsert", 100)
                if r["local_ref"] == ref
            ]
        )
        self.Outbox.finish([row["id"] for row in claimed])
        again = self.Outbox.claim(self.backend, "candidate", "upsert", 100)
        self.assertEqual(
            [r["local_ref"] for r in again if r["local_ref"] == ref], [ref]
        )

    def test_disabled_sync_keeps_changes(self):
        self.backend.sync_enabled = False
        applicant = self._apply("Cy Ng", "cy@example.com")
        self.env["linkedin.backend"]._cron_flush(commit=False)
        self.assertTrue(
            self._pending(
                "candidate", "candidate:%d" % applicant.linkedin_candidate_id.id
            )
        )
        self.backend.sync_enabled = True
        self._flush()
        self.assertIn(
            (str(applicant.linkedin_candidate_id.id),),
            self._held("atsCandidates", ["atsCandidateId"]),
        )

    def test_stage_history_sent_and_deleted(self):
        applicant = self._apply("Dana Ek", "dana@example.com")
        self._flush()
        first = self.env.ref("hr_recruitment.stage_job2")
        second = self.env.ref("hr_recruitment.stage_job3")
        applicant.stage_id = first
        applicant.stage_id = second
        self._flush()
        cid = str(applicant.linkedin_candidate_id.id)
        held = [
            e
            for e in self.held_entities("tcrmCandidatePipelineStages")
            if e["key"]["tcrmCandidateId"] == cid
        ]
        self.assertEqual(
            sorted(e["entity"]["tcrmStageId"] for e in held),
            sorted([str(first.id), str(second.id)]),
        )
        moves = {e["entity"]["tcrmStageId"]: e["entity"] for e in held}
        self.assertEqual(moves[str(second.id)]["previousStageId"], str(first.id))

        applicant.unlink()
        self._flush()
        remaining = [
            e
            for e in self.held_entities("tcrmCandidatePipelineStages")
            if e["key"]["tcrmCandidateId"] == cid
        ]
        self.assertEqual(remaining, [])
        self.assertEqual(
            self.held_counts()["orphans"]["tcrmCandidatePipelineStages"], 0
        )

    def test_note_waits_for_failed_candidate(self):
        bad = self._apply("Jon Aas", "jon at example")
        self._flush()
        note = bad.message_post(
            body="<p>Left a voicemail.</p>",
            subtype="mail.mt_note",
            message_type="comment",
        )
        # A valid candidate in the same flush sends a batch of candidates first.
        self._apply("Kim Roe", "kim@example.com")
        self._flush()
        cid = str(bad.linkedin_candidate_id.id)
        held = [
            e
            for e in self.held_entities("tcrmInteractions")
            if e["entity"]["tcrmCandidateId"] == cid
        ]
        self.assertEqual(held, [])
        row = self.Outbox.search(
            [
                ("entity_type", "=", "interaction"),
                ("local_ref", "=", "message:%d" % note.id),
            ]
        )
        self.assertEqual(row.state, "failed")
        self.assertIn("Not sent", row.error_message)

    def test_fixed_candidate_sends_children(self):
        applicant = self._apply("Ines Vidal", "ines at example")
        applicant.message_post(
            body="<p>Asked for two references.</p>",
            subtype="mail.mt_note",
            message_type="comment",
        )
        self._flush()
        cid = str(applicant.linkedin_candidate_id.id)
        pair = (cid, str(self.job.id))
        pipelines = self._held(
            "tcrmCandidatePipelines", ["tcrmCandidateId", "tcrmPipelineId"]
        )
        self.assertNotIn(pair, pipelines)

        applicant.email_from = "ines@example.com"
        self._flush()
        self.assertIn((cid,), self._held("atsCandidates", ["atsCandidateId"]))
        pipelines = self._held(
            "tcrmCandidatePipelines", ["tcrmCandidateId", "tcrmPipelineId"]
        )
        self.assertIn(pair, pipelines)
        notes = [
            e
            for e in self.held_entities("tcrmInteractions")
            if e["entity"]["tcrmCandidateId"] == cid
        ]
        self.assertEqual(len(notes), 1)

    def test_claim_never_exceeds_limit(self):
        for number in range(150):
            self._apply("Limit Person%d" % number, "limit.%d@example.com" % number)
        # Many pending rows of one type, analysed, so the planner may choose
        # any plan for the claim query.
        self.env.cr.execute("ANALYZE linkedin_outbox")
        first = self.Outbox.claim(self.backend, "candidate", "upsert", 100)
        second = self.Outbox.claim(self.backend, "candidate", "upsert", 100)
        self.assertEqual(len(first), 100)
        self.assertEqual(len(second), 50)
        claimed = self.Outbox.search_count(
            [("backend_id", "=", self.backend.id), ("state", "=", "claimed")]
        )
        self.assertEqual(claimed, 150)

    def test_retry_after_change_in_flight(self):
        applicant = self._apply("Lou Park", "lou@example.com")
        ref = "candidate:%d" % applicant.linkedin_candidate_id.id
        claimed = [
            row
            for row in self.Outbox.claim(self.backend, "candidate", "upsert", 100)
            if row["local_ref"] == ref
        ]
        applicant.partner_phone = "+1 555 0199"
        self.Outbox.retry_later(claimed, "LinkedIn failed (503)", 30)
        rows = self.Outbox.search(
            [("entity_type", "=", "candidate"), ("local_ref", "=", ref)]
        )
        in_flight = rows.filtered(lambda row: row.id == claimed[0]["id"])
        newer = rows - in_flight
        self.assertEqual(in_flight.state, "done")
        self.assertEqual(in_flight.error_message, "superseded by a later change")
        self.assertEqual(newer.state, "pending")
        self.assertFalse(newer.next_attempt_at)

    def test_hold_after_change_in_flight(self):
        applicant = self._apply("Max Ode", "max@example.com")
        ref = "candidate:%d" % applicant.linkedin_candidate_id.id
        claimed = [
            row
            for row in self.Outbox.claim(self.backend, "candidate", "upsert", 100)
            if row["local_ref"] == ref
        ]
        applicant.partner_phone = "+1 555 0198"
        until = datetime.datetime(2030, 1, 1)
        self.Outbox.hold_until(claimed, "atsCandidates held", until)
        rows = self.Outbox.search(
            [("entity_type", "=", "candidate"), ("local_ref", "=", ref)]
        )
        self.assertEqual(sorted(rows.mapped("state")), ["done", "pending"])


from .test_concurrency import CommittedCase


class TestClaimRace(CommittedCase):
    def test_claim_after_concurrent_claim(self):
        self.create_applicants(5)
        with self.registry.cursor() as cr_a, self.registry.cursor() as cr_b:
            env_a, env_b = self.env(cr_a), self.env(cr_b)
            backend_a = env_a["linkedin.backend"].browse(self.backend_id)
            backend_b = env_b["linkedin.backend"].browse(self.backend_id)
            # Worker A's snapshot is taken before worker B commits its claim.
            cr_a.execute("SELECT count(*) FROM linkedin_outbox")
            claimed_b = env_b["linkedin.outbox"].claim(
                backend_b, "candidate", "upsert", 20
            )
            cr_b.commit()
            claimed_a = env_a["linkedin.outbox"].claim(
                backend_a, "candidate", "upsert", 20
            )
            self.assertEqual(len(claimed_b), 5)
            self.assertEqual(claimed_a, [])
            cr_a.execute("SELECT 1")
            self.assertEqual(cr_a.fetchone(), (1,))
