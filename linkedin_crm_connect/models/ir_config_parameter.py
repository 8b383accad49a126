from odoo import api, fields, models

WATCHED_KEYS = ("web.base.url",)


class IrConfigParameter(models.Model):
    """Bring the onboarding check forward when Odoo's base URL changes.

    The provisioned applications list the base URL's origin as their
    JavaScript SDK domain. Updating it means a call to LinkedIn, which must
    not run inside the transaction that changed the parameter (Odoo writes
    ``web.base.url`` when an administrator logs in), so the scheduled check
    runs at its next tick instead of within the hour.
    """

    _inherit = "ir.config_parameter"

    @api.model
    def create(self, vals):
        record = super().create(vals)
        if vals.get("key") in WATCHED_KEYS:
            self._schedule_onboarding_check()
        return record

    @api.multi
    def write(self, vals):
        watched = "value" in vals and any(
            param.key in WATCHED_KEYS and param.value != vals["value"] for param in self
        )
        result = super().write(vals)
        if watched:
            self._schedule_onboarding_check()
        return result

    def _schedule_onboarding_check(self):
        cron = self.env.ref(
            "linkedin_crm_connect.ir_cron_onboarding_check", raise_if_not_found=False
        )
        if not cron:
            return
        # A running cron holds its row locked; skip it then rather than make
        # the login that changed the URL wait for the cron to finish.
        self.env.cr.execute(
            "UPDATE ir_cron SET nextcall = %s WHERE id = ("
            " SELECT id FROM ir_cron WHERE id = %s AND active"
            " FOR UPDATE SKIP LOCKED)",
            (fields.Datetime.now(), cron.id),
        )
