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
    request_headers = fields.Text(readonly=True)
    request_body = fields.Text(readonly=True)
    response_headers = fields.Text(readonly=True)
    response_body = fields.Text(readonly=True)

    @api.model
    def record_failure(self, backend, record):
        """Store one failed request and log one line naming it.

        Runs in the caller's transaction: the row commits with the batch
        whose failure it explains.
        """
        _logger.warning(
            "linkedin backend %s: %s %s failed with status %s: %s",
            backend.id,
            record.method,
            record.resource,
            record.status,
            record.error,
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
                "request_headers": _format_headers(record.request_headers),
                "request_body": record.request_body,
                "response_headers": _format_headers(record.response_headers),
                "response_body": record.response_body,
            }
        )


def _format_headers(headers):
    if not headers:
        return ""
    return "\n".join("%s: %s" % (name, value) for name, value in headers.items())
