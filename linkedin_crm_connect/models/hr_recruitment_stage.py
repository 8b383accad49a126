from odoo import api, fields, models

from ..linkedin.mapping import STAGE_CATEGORIES, stage_category


class HrRecruitmentStage(models.Model):
    _inherit = "hr.recruitment.stage"

    linkedin_category_override = fields.Selection(
        [(value, value.replace("_", " ").title()) for value in STAGE_CATEGORIES],
        "LinkedIn stage category",
        help="Category sent to LinkedIn for this stage. Empty: derived from the "
        "stage name (English, French, German, Spanish and Dutch names are "
        "recognised).",
    )
    linkedin_category = fields.Char(
        "Category sent to LinkedIn", compute="_compute_linkedin_category"
    )

    linkedin_sync_error = fields.Text(
        "LinkedIn error", compute="_compute_linkedin_sync_error"
    )

    def _compute_linkedin_sync_error(self):
        """Show why LinkedIn rejected this stage in any pipeline, if it did."""
        bindings = self.env["linkedin.binding"].sudo()
        for stage in self:
            failed = bindings.search(
                [
                    ("entity_type", "=", "stage"),
                    ("res_id", "=", stage.id),
                    ("state", "=", "failed"),
                ]
            )
            stage.linkedin_sync_error = (
                "\n".join(
                    "%s: %s" % (binding.local_ref, binding.error_message)
                    for binding in failed
                )
                or False
            )

    @api.depends("name", "linkedin_category_override")
    def _compute_linkedin_category(self):
        for stage in self:
            stage.linkedin_category = stage.linkedin_category_override or (
                stage_category(stage.name or "")
            )

    @api.model
    def create(self, vals):
        stage = super().create(vals)
        self.env["linkedin.capture"].stages_changed(stage)
        return stage

    @api.multi
    def write(self, vals):
        before_jobs = None
        if "job_id" in vals:
            before_jobs = {stage.id: stage.job_id.id or None for stage in self}
        result = super().write(vals)
        if set(vals) & {"name", "job_id", "linkedin_category_override"}:
            self.env["linkedin.capture"].stages_changed(self, before_jobs)
        return result

    @api.multi
    def unlink(self):
        self.env["linkedin.capture"].stages_deleted(self)
        return super().unlink()
