from odoo import api, fields, models

from ..linkedin.mapping import SOURCE_CATEGORIES, source_category


class UtmSource(models.Model):
    _inherit = "utm.source"

    linkedin_category_override = fields.Selection(
        [(value, value.replace("_", " ").title()) for value in SOURCE_CATEGORIES],
        "LinkedIn source category",
        help="Source category sent to LinkedIn for candidates from this source. "
        "Empty: derived from the source name.",
    )
    linkedin_category = fields.Char(
        "Category sent to LinkedIn", compute="_compute_linkedin_category"
    )

    @api.depends("name", "linkedin_category_override")
    def _compute_linkedin_category(self):
        for source in self:
            source.linkedin_category = source.linkedin_category_override or (
                source_category(source.name or "")
            )

    @api.multi
    def write(self, vals):
        result = super().write(vals)
        if set(vals) & {"name", "linkedin_category_override"}:
            self.env["linkedin.capture"].sources_changed(self)
        return result
