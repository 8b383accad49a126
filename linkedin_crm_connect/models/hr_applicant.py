from odoo import api, fields, models

from .linkedin_capture import WRITE_HOOK_FIELDS


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
        """Show the worst state of the applicant's candidate and candidate pipeline.

        An applicant of a company with an active backend but without a
        candidate yet waits for the flush to link it, so it is pending.
        """
        bindings = self.env["linkedin.binding"].sudo()
        companies = {
            company_id
            for company_id, _id in self.env["linkedin.capture"]._backend_ids()
        }
        for applicant in self:
            candidate = applicant.linkedin_candidate_id
            company = applicant.company_id or applicant.job_id.sudo().company_id
            if not candidate and company.id in companies:
                applicant.linkedin_sync_state = "pending"
                applicant.linkedin_sync_error = False
                continue
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
        """Create the applicant; its trigger records the create in the journal.

        The trigger ``linkedin_applicant_created`` (see ``sql_functions``)
        appends one ``linkedin_capture_event`` row inside the INSERT, and the
        next flush links the applicant to its candidate and queues what
        LinkedIn receives. With the context key ``linkedin_no_capture`` set,
        the trigger is turned off for this create only.
        """
        capture = self.env["linkedin.capture"]
        if capture._enabled():
            return super().create(vals)
        with capture.trigger_capture_off():
            return super().create(vals)

    @api.multi
    def write(self, vals):
        """Write the applicants and queue what LinkedIn receives of the change.

        A stage move is recorded in the journal by the trigger
        ``linkedin_applicant_stage_changed`` inside the UPDATE. A write whose
        only field that LinkedIn receives is ``stage_id`` therefore does
        nothing more here, and a stage move stays about as cheap as without
        the add-on. With the context key ``linkedin_no_capture`` set, the
        trigger is turned off for this write only.
        """
        capture = self.env["linkedin.capture"]
        if "stage_id" in vals and not capture._enabled():
            with capture.trigger_capture_off():
                return self._write_captured(vals)
        return self._write_captured(vals)

    def _write_captured(self, vals):
        capture = self.env["linkedin.capture"]
        if not set(vals) & WRITE_HOOK_FIELDS:
            return super().write(vals)
        before = capture.applicant_snapshot(self, vals)
        result = super().write(vals)
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
