from odoo import api, fields, models

#: Fields of an applicant that the create and stage move triggers change or
#: that depend on what they change.
TRIGGER_FIELDS = [
    "linkedin_candidate_id",
    "linkedin_person_urn",
    "linkedin_sync_state",
    "linkedin_sync_error",
]


class HrApplicant(models.Model):
    _inherit = "hr.applicant"

    linkedin_candidate_id = fields.Many2one(
        "linkedin.candidate",
        "LinkedIn candidate",
        index=True,
        ondelete="set null",
        copy=False,
        readonly=True,
        help="The person LinkedIn knows this application by; several "
        "applications of one person share it.",
    )
    linkedin_person_urn = fields.Char(
        related="linkedin_candidate_id.person_urn", readonly=True
    )
    linkedin_sync_state = fields.Selection(
        [
            ("none", "Not synced"),
            ("pending", "Pending"),
            ("done", "Synced"),
            ("failed", "Failed"),
            ("to_delete", "Delete pending"),
            ("deleted", "Deleted"),
        ],
        "LinkedIn sync",
        compute="_compute_linkedin_sync",
    )
    linkedin_sync_error = fields.Text(
        "LinkedIn error", compute="_compute_linkedin_sync"
    )

    @api.depends("linkedin_candidate_id", "job_id")
    def _compute_linkedin_sync(self):
        """Show the worst state of the applicant's candidate and candidate pipeline."""
        bindings = self.env["linkedin.binding"].sudo()
        for applicant in self:
            candidate = applicant.linkedin_candidate_id
            refs = []
            if candidate:
                refs.append(("candidate", "candidate:%d" % candidate.id))
                if applicant.job_id:
                    refs.append(
                        (
                            "candidate_pipeline",
                            "candidate:%d:job:%d" % (candidate.id, applicant.job_id.id),
                        )
                    )
            state, error = bindings.summarize(refs)
            applicant.linkedin_sync_state = state
            applicant.linkedin_sync_error = error

    @api.multi
    def action_linkedin_resync(self):
        """Queue this applicant's candidate and candidate pipeline again."""
        capture = self.env["linkedin.capture"]
        capture.applicants_written(
            self, ["partner_name", "job_id"], capture.applicant_snapshot(self)
        )
        return True

    @api.model
    def create(self, vals):
        """Create the applicant, which the database trigger links and queues.

        The trigger ``linkedin_applicant_created`` (see ``sql_functions``)
        runs inside the INSERT, so the capture costs the create no round
        trip. It sets the applicant's candidate before the row is written,
        so the ORM reads that column as any other. The candidate's name and
        count, which it changes behind the ORM, are dropped from the cache.
        With the context key ``linkedin_no_capture`` set, the trigger is
        turned off for this create only.
        """
        capture = self.env["linkedin.capture"]
        if capture._enabled():
            applicant = super().create(vals)
        else:
            with capture.trigger_capture_off():
                applicant = super().create(vals)
        self.env["linkedin.candidate"].invalidate_cache(["name", "applicant_count"])
        return applicant

    @api.multi
    def write(self, vals):
        """Write the applicants and queue what LinkedIn receives of the change.

        A stage move is captured by the trigger
        ``linkedin_applicant_stage_changed`` inside the UPDATE, which may
        link an applicant to a candidate, so the cached values it changes
        are dropped after the write. A write whose only field that LinkedIn
        receives is ``stage_id`` takes no snapshot and queues nothing here.
        With the context key ``linkedin_no_capture`` set, the trigger is
        turned off for this write only.
        """
        capture = self.env["linkedin.capture"]
        before = capture.applicant_snapshot(self, vals)
        if "stage_id" not in vals:
            result = super().write(vals)
        else:
            if capture._enabled():
                result = super().write(vals)
            else:
                with capture.trigger_capture_off():
                    result = super().write(vals)
            self.invalidate_cache(TRIGGER_FIELDS, self.ids)
            self.env["linkedin.candidate"].invalidate_cache(["name", "applicant_count"])
        capture.applicants_written(self, vals, before)
        return result

    @api.multi
    def unlink(self):
        capture = self.env["linkedin.capture"]
        before = capture._read_snapshot(self) if self else {}
        dead = capture.applicants_deleted(before) or set()
        result = super().unlink()
        candidates = self.env["linkedin.candidate"].sudo()
        if dead:
            # Candidates left without applicants are gone from LinkedIn too.
            candidates.browse(list(dead)).exists().unlink()
        remaining = {row[0] for row in before.values() if row[0]} - dead
        candidates._refresh_person(remaining)
        return result
