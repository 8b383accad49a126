from odoo import api, fields, models


class HrJob(models.Model):
    _inherit = "hr.job"

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

    def _compute_linkedin_sync(self):
        """Show the state of the job's pipeline and job posting on LinkedIn."""
        bindings = self.env["linkedin.binding"].sudo()
        for job in self:
            refs = []
            if job.id:
                refs = [("job", "job:%d" % job.id), ("pipeline", "job:%d" % job.id)]
            state, error = bindings.summarize(refs)
            job.linkedin_sync_state = state
            job.linkedin_sync_error = error

    @api.model
    def create(self, vals):
        job = super().create(vals)
        self.env["linkedin.capture"].jobs_changed(job)
        return job

    @api.multi
    def write(self, vals):
        result = super().write(vals)
        self.env["linkedin.capture"].jobs_changed(self, vals.keys())
        return result

    @api.multi
    def unlink(self):
        self.env["linkedin.capture"].jobs_deleted(self)
        return super().unlink()
