import logging

from odoo import api, fields, models

_logger = logging.getLogger(__name__)


class LinkedInRequestLog(models.Model):
    """A failed request to LinkedIn, stored in full for support staff.

    Every failed request and every batch with a failed entity is stored with
    method, URL, headers (Authorization and secrets already redacted by the
    client), body and response. Successful requests are only counted.
    """

    _name = "linkedin.request.log"
    _description = "LinkedIn failed request"
    _order = "id desc"
    _rec_name = "url"

    backend_id = fields.Many2one(
        "linkedin.backend", ondelete="cascade", index=True, readonly=True
    )
    resource = fields.Char(readonly=True, index=True)
    method = fields.Char(readonly=True)
    url = fields.Char("URL", readonly=True)
    status = fields.Integer("HTTP status", readonly=True)
    duration_ms = fields.Integer("Duration (ms)", readonly=True)
    error = fields.Text(readonly=True)
    record_refs = fields.Text(
        "Records",
        readonly=True,
        help="The records the request carried, one per line, as in Sync states.",
    )
    request_headers = fields.Text(readonly=True)
    request_body = fields.Text(readonly=True)
    response_headers = fields.Text(readonly=True)
    response_body = fields.Text(readonly=True)

    @api.model
    def record_failure(self, backend, record, refs=None):
        """Store one failed request and log one line naming it.

        Runs in the caller's transaction: the row commits with the batch
        whose failure it explains.
        """
        _logger.warning(
            "linkedin backend %s: %s %s failed with status %s: %s (records %s)",
            backend.id,
            record.method,
            record.resource,
            record.status,
            record.error,
            ", ".join((refs or ())[:5]) + (" ..." if len(refs or ()) > 5 else ""),
        )
        return self.sudo().create(
            {
                "backend_id": backend.id,
                "resource": record.resource,
                "method": record.method,
                "url": record.url,
                "status": record.status or 0,
                "duration_ms": int(record.duration_ms or 0),
                "error": record.error,
                # Each ref on its own line, between newlines, so a search for
                # one ref matches it exactly.
                "record_refs": "\n%s\n" % "\n".join(refs) if refs else False,
                "request_headers": _format_headers(record.request_headers),
                "request_body": record.request_body,
                "response_headers": _format_headers(record.response_headers),
                "response_body": record.response_body,
            }
        )

    @api.model
    def _cron_trim(self, days=None):
        """Delete log entries and sent outbox rows older than the retention.

        The retention in days is the system parameter
        ``linkedin_crm_connect.log_retention_days`` (default 30). Failed
        outbox rows are kept: they show what never reached LinkedIn.
        """
        if days is None:
            days = int(
                self.env["ir.config_parameter"]
                .sudo()
                .get_param("linkedin_crm_connect.log_retention_days", 30)
            )
        self.env.cr.execute(
            "DELETE FROM linkedin_request_log"
            " WHERE create_date < (now() AT TIME ZONE 'UTC') - make_interval(days => %s)",
            (days,),
        )
        logs = self.env.cr.rowcount
        self.env.cr.execute(
            "DELETE FROM linkedin_outbox WHERE state = 'done'"
            " AND write_date < (now() AT TIME ZONE 'UTC') - make_interval(days => %s)",
            (days,),
        )
        _logger.info(
            "linkedin: trimmed %d log entries and %d sent outbox rows older than"
            " %d days",
            logs,
            self.env.cr.rowcount,
            days,
        )
        return logs


def _format_headers(headers):
    if not headers:
        return ""
    return "\n".join("%s: %s" % (name, value) for name, value in headers.items())
