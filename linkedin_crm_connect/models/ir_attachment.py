from odoo import api, models


class IrAttachment(models.Model):
    _inherit = "ir.attachment"

    @api.model
    def create(self, vals):
        attachment = super().create(vals)
        if vals.get("res_model") == "hr.applicant":
            self.env["linkedin.capture"].attachments_changed(attachment)
        return attachment

    @api.multi
    def write(self, vals):
        result = super().write(vals)
        if set(vals) & {"datas", "res_model", "res_id", "mimetype"}:
            on_applicants = self.filtered(lambda a: a.res_model == "hr.applicant")
            self.env["linkedin.capture"].attachments_changed(on_applicants)
        return result

    @api.multi
    def unlink(self):
        on_applicants = self.sudo().filtered(lambda a: a.res_model == "hr.applicant")
        self.env["linkedin.capture"].attachments_changed(on_applicants, "delete")
        return super().unlink()
