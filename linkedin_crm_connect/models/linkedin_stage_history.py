from odoo import api, fields, models
from psycopg2.extras import execute_values


class LinkedInStageHistory(models.Model):
    """One stage change of an applicant, kept because Odoo 11 keeps none.

    Odoo 11 records stage changes only as tracking values on messages, and
    its ``hr.applicant.write`` gives every record of a batch write the last
    record's ``last_stage_id``; a row here is written per applicant from
    the values read before the write.
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

    @api.model
    def record(self, changes):
        """Store ``(applicant, candidate, job, from stage, to stage)`` tuples."""
        rows = [
            (applicant_id, candidate_id, job_id, old_stage, new_stage, self.env.uid)
            for applicant_id, candidate_id, job_id, old_stage, new_stage in changes
        ]
        execute_values(
            self.env.cr,
            "INSERT INTO linkedin_stage_history (applicant_id, candidate_id, job_id,"
            " stage_from_id, stage_to_id, changed_at, create_uid, write_uid,"
            " create_date, write_date)"
            " SELECT v.a, v.c, v.j, v.f, v.t, now() AT TIME ZONE 'UTC', v.u, v.u,"
            " now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'"
            " FROM (VALUES %s) AS v(a, c, j, f, t, u)",
            rows,
            template="(%s, %s, %s, %s::int, %s::int, %s)",
        )
