"""Error bodies in LinkedIn's shape and the exception that carries them.

LinkedIn's API errors are JSON objects ``{"status", "serviceErrorCode",
"message"}``, plus a string ``code`` on versioned errors. Codes 100 and
65600-65604 follow LinkedIn's published samples. The other service error codes
are the sandbox's own, chosen so that a test can tell the failures apart.
"""

from __future__ import annotations

from typing import Any

# Per-entity field validation, as in the contract's sample of a batch error.
SERVICE_ERROR_INVALID_FIELD = 100
# Per-entity reference to a parent entity that the sandbox does not hold.
SERVICE_ERROR_MISSING_PARENT = 101
# Entity, task, candidate or upload token not found.
SERVICE_ERROR_NOT_FOUND = 102
# Malformed request: headers, query string, body or Rest.li method.
SERVICE_ERROR_INVALID_REQUEST = 103
# Missing, malformed or inactive LinkedIn-Version header.
SERVICE_ERROR_VERSION = 104
# Request too large: URL limits (414) and body size (413).
SERVICE_ERROR_TOO_LARGE = 105
# Data sent while a CRM integration of the application is disabled.
SERVICE_ERROR_INTEGRATION_DISABLED = 106

# 401 codes as LinkedIn returns them. NOTE: 65600 and 65601 appear in
# LinkedIn responses quoted in public bug reports; 65602 and 65604 follow the
# same series and are not confirmed by a public LinkedIn page.
SERVICE_ERROR_INVALID_TOKEN = 65600
SERVICE_ERROR_REVOKED_TOKEN = 65601
SERVICE_ERROR_EXPIRED_TOKEN = 65602
SERVICE_ERROR_EMPTY_TOKEN = 65604


def error_body(
    status: int,
    message: str,
    service_error_code: int = SERVICE_ERROR_INVALID_REQUEST,
    code: str | None = None,
) -> dict[str, Any]:
    """Build LinkedIn's error body; ``code`` is added only when given."""
    body: dict[str, Any] = {
        "status": status,
        "serviceErrorCode": service_error_code,
        "message": message,
    }
    if code is not None:
        body["code"] = code
    return body


class ApiError(Exception):
    """Failure that ends the whole request with one HTTP status and body.

    ``body`` replaces LinkedIn's usual error body where the contract fixes
    another shape (429 bodies, OAuth errors). ``close`` marks an error
    raised before the body was read: the server then discards the body, or
    closes the connection when the body is too large to discard.
    """

    def __init__(
        self,
        status: int,
        message: str,
        *,
        service_error_code: int = SERVICE_ERROR_INVALID_REQUEST,
        code: str | None = None,
        body: dict[str, Any] | None = None,
        close: bool = False,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.close = close
        if body is None:
            body = error_body(status, message, service_error_code, code)
        self.body = body
