from odoo import api, fields, models

from .sql_functions import drop_user_foreign_keys


class LinkedInStageHistory(models.Model):
    """One stage change of an applicant, kept because Odoo 11 keeps none.

    Odoo 11 records stage changes only as tracking values on messages, and
    its ``hr.applicant.write`` gives every record of a batch write the last
    record's ``last_stage_id``. The trigger ``linkedin_applicant_stage_changed``
    (see ``sql_functions``) records each move with the old stage of its own
    row and the time of the move, and ``linkedin.capture.journal`` writes a
    row here for it at the next flush.
    """

    _name = "linkedin.stage.history"
    _description = "LinkedIn candidate pipeline stage history"
    _order = "changed_at desc, id desc"

    applicant_id = fields.Many2one("hr.applicant", ondelete="cascade", index=True)
    candidate_id = fields.Many2one("linkedin.candidate", ondelete="cascade")
    job_id = fields.Many2one("hr.job", ondelete="cascade")
    stage_from_id = fields.Many2one("hr.recruitment.stage", ondelete="set null")
    stage_to_id = fields.Many2one("hr.recruitment.stage", ondelete="set null")
    changed_at = fields.Datetime(required=True)
    #: The users who recorded and last changed the row, as plain integers:
    #: a link to ``res.users`` would cost every captured change a foreign
    #: key check (see ``sql_functions.drop_user_foreign_keys``).
    create_uid = fields.Integer("Created by user id", readonly=True)
    write_uid = fields.Integer("Last updated by user id", readonly=True)

    @api.model_cr
    def init(self):
        drop_user_foreign_keys(self.env.cr, self._table)

    @api.model
    def backfill(self, company):
        """Create history rows from Odoo's own records for applicants without any.

        Stage changes tracked on an applicant's messages become one row each;
        an applicant with no tracked change gets one row for entering its
        current stage, dated by Odoo's last stage update.
        """
        cr = self.env.cr
        cr.execute(
            "INSERT INTO linkedin_stage_history (applicant_id, candidate_id, job_id,"
            " stage_from_id, stage_to_id, changed_at, create_date, write_date)"
            " SELECT a.id, a.linkedin_candidate_id, a.job_id,"
            " NULLIF(tv.old_value_integer, 0), NULLIF(tv.new_value_integer, 0),"
            " m.date, now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'"
            " FROM hr_applicant a"
            " JOIN linkedin_candidate c ON c.id = a.linkedin_candidate_id"
            " JOIN mail_message m ON m.model = 'hr.applicant' AND m.res_id = a.id"
            " JOIN mail_tracking_value tv ON tv.mail_message_id = m.id"
            "   AND tv.field = 'stage_id'"
            " JOIN hr_recruitment_stage s ON s.id = tv.new_value_integer"
            " WHERE c.company_id = %(company)s AND a.job_id IS NOT NULL"
            " AND NOT EXISTS (SELECT 1 FROM linkedin_stage_history h"
            "   WHERE h.applicant_id = a.id)",
            {"company": company.id},
        )
        tracked = cr.rowcount
        cr.execute(
            "INSERT INTO linkedin_stage_history (applicant_id, candidate_id, job_id,"
            " stage_from_id, stage_to_id, changed_at, create_date, write_date)"
            " SELECT a.id, a.linkedin_candidate_id, a.job_id, NULL, a.stage_id,"
            " COALESCE(a.date_last_stage_update, a.create_date),"
            " now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'"
            " FROM hr_applicant a"
            " JOIN linkedin_candidate c ON c.id = a.linkedin_candidate_id"
            " WHERE c.company_id = %(company)s AND a.job_id IS NOT NULL"
            " AND a.stage_id IS NOT NULL"
            " AND NOT EXISTS (SELECT 1 FROM linkedin_stage_history h"
            "   WHERE h.applicant_id = a.id)",
            {"company": company.id},
        )
        return tracked + cr.rowcount
