from odoo import api, models


class HrJob(models.Model):
    _inherit = "hr.job"

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
