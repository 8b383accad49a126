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

    @api.depends("name", "linkedin_category_override")
    def _compute_linkedin_category(self):
        for stage in self:
            stage.linkedin_category = stage.linkedin_category_override or (
                stage_category(stage.name or "")
            )
