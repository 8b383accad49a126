from odoo import api, models


class MailMessage(models.Model):
    _inherit = "mail.message"

    @api.model
    def create(self, vals):
        message = super().create(vals)
        if message.model == "hr.applicant":
            self.env["linkedin.capture"].messages_changed(message)
        return message

    @api.multi
    def write(self, vals):
        result = super().write(vals)
        if "body" in vals:
            on_applicants = self.filtered(lambda m: m.model == "hr.applicant")
            self.env["linkedin.capture"].messages_changed(on_applicants)
        return result

    @api.multi
    def unlink(self):
        on_applicants = self.filtered(lambda m: m.model == "hr.applicant")
        self.env["linkedin.capture"].messages_changed(on_applicants, "delete")
        return super().unlink()
