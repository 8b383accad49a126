"""Define the errors raised by the LinkedIn client and the failure record.

Every exception message is a plain sentence that names what failed, on which
resource, and what to do next, so the add-on can show it to people as is.
``RequestRecord`` describes one failed HTTP exchange, with secrets redacted,
for the add-on's request log.
"""

import json
import re
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

REDACTED = "***"

#: Form and JSON fields whose values failure records show as ``***``.
SECRET_FIELDS = frozenset(
    {"client_secret", "clientSecret", "access_token", "refresh_token", "token"}
)

#: Maximum number of characters of a body kept in a RequestRecord.
MAX_RECORDED_BODY = 1_000_000


class LinkedInError(Exception):
    """Error returned by LinkedIn or raised while calling it.

    ``status`` is the HTTP status (``None`` when no response arrived),
    ``service_error_code`` and ``code`` come from LinkedIn's error body, and
    ``request_id`` from its response headers when present.
    """

    def __init__(
        self,
        message,
        *,
        status=None,
        service_error_code=None,
        code=None,
        request_id=None,
        resource=None,
    ):
        super().__init__(message)
        self.message = message
        self.status = status
        self.service_error_code = service_error_code
        self.code = code
        self.request_id = request_id
        self.resource = resource

    def __str__(self):
        return self.message


class AuthenticationError(LinkedInError):
    """Rejection by LinkedIn's OAuth endpoint of the client id, secret or token.

    ``error`` and ``error_description`` are LinkedIn's OAuth error fields, for
    example ``invalid_client`` and ``Client authentication failed``.
    """

    def __init__(self, message, *, error=None, error_description=None, **kwargs):
        super().__init__(message, **kwargs)
        self.error = error
        self.error_description = error_description


class TokenRejected(LinkedInError):
    """Second 401 from the API after the client fetched a new token once."""


class AccessDenied(LinkedInError):
    """403 from LinkedIn: the application may not call this resource."""

    @property
    def integration_disabled(self):
        """Tell whether the 403 reports an integration that the customer disabled.

        NOTE: LinkedIn does not document this 403's body. The sandbox sends
        the code INTEGRATION_DISABLED, and a message naming a disabled
        integration is read the same way.
        """
        lowered = (self.message or "").lower()
        return self.code == "INTEGRATION_DISABLED" or (
            "integration" in lowered and "disabled" in lowered
        )


class NotFound(LinkedInError):
    """404 from LinkedIn on a call that names one entity or resource."""


class RequestTooLong(LinkedInError):
    """414 from LinkedIn: the URL or the headers exceed its size limits."""


class VersionError(LinkedInError):
    """426 from LinkedIn: the ``LinkedIn-Version`` sent is not active.

    ``version`` is the version that was sent.
    """

    def __init__(self, message, *, version=None, **kwargs):
        super().__init__(message, **kwargs)
        self.version = version


class RateLimited(LinkedInError):
    """429 from LinkedIn.

    ``daily`` is true when the message reports the daily limit ("DAY limit"),
    which resets at midnight UTC. ``retry_after`` is the delay in seconds from
    a ``Retry-After`` header, or ``None`` without one.
    """

    def __init__(self, message, *, daily=False, retry_after=None, **kwargs):
        super().__init__(message, **kwargs)
        self.daily = daily
        self.retry_after = retry_after


class TransientError(LinkedInError):
    """5xx, timeout or connection error: the same request may succeed later.

    ``cause`` is the underlying exception, or ``None`` for a 5xx response.
    """

    def __init__(self, message, *, cause=None, **kwargs):
        super().__init__(message, **kwargs)
        self.cause = cause


@dataclass
class RequestRecord:
    """One failed HTTP exchange with LinkedIn, safe to store and show.

    The Authorization header reads ``Bearer ***`` and secret form or JSON
    fields read ``***``. Bodies longer than ``MAX_RECORDED_BODY`` characters
    are cut, with a note saying how much was left out. ``status`` is ``None``
    when no response arrived, and ``duration_ms`` is wall-clock time.
    """

    method: str
    url: str
    request_headers: dict = field(default_factory=dict)
    request_body: str = ""
    status: int | None = None
    response_headers: dict = field(default_factory=dict)
    response_body: str = ""
    duration_ms: float = 0.0
    resource: str | None = None
    error: str | None = None


def redact_headers(headers):
    """Return a copy of ``headers`` with the Authorization value redacted."""
    redacted = {}
    for name, value in (headers or {}).items():
        if name.lower() == "authorization":
            scheme = str(value).split(" ", 1)[0] if value else ""
            redacted[name] = f"{scheme} {REDACTED}" if scheme else REDACTED
        else:
            redacted[name] = value
    return redacted


def _redact_json(value):
    if isinstance(value, dict):
        return {
            key: REDACTED if key in SECRET_FIELDS else _redact_json(item)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [_redact_json(item) for item in value]
    return value


_FORM_PATTERN = re.compile(r"^[^\s=&]+=[^\s&]*(&[^\s=&]+=[^\s&]*)*$")


def redact_body(text):
    """Return ``text`` with the values of secret fields replaced by ``***``.

    JSON objects and form-encoded bodies are redacted field by field. Any other
    text is returned unchanged, so callers must not pass secrets in other forms.
    """
    if not text:
        return text or ""
    stripped = text.strip()

    if stripped[:1] in ("{", "["):
        try:
            parsed = json.loads(stripped)
        except ValueError:
            pass
        else:
            redacted = _redact_json(parsed)
            if redacted == parsed:
                return text
            return json.dumps(redacted, ensure_ascii=False)

    if _FORM_PATTERN.match(stripped):
        pairs = parse_qsl(stripped, keep_blank_values=True)
        if any(name in SECRET_FIELDS for name, _ in pairs):
            return urlencode(
                [
                    (name, REDACTED if name in SECRET_FIELDS else value)
                    for name, value in pairs
                ],
                safe="*:",
            )
    return text


def redact_url_query(url):
    """Return ``url`` with its query string replaced by ``***``.

    Used for signed upload URLs, whose query string is a credential.
    """
    parts = urlsplit(url)
    if not parts.query:
        return url
    return urlunsplit(parts._replace(query=REDACTED))


def truncate_body(text):
    """Return ``text`` cut to ``MAX_RECORDED_BODY`` characters, with a note."""
    if text is None:
        return ""
    if len(text) <= MAX_RECORDED_BODY:
        return text
    left_out = len(text) - MAX_RECORDED_BODY
    return (
        text[:MAX_RECORDED_BODY]
        + f"\n[truncated: {left_out} more characters not recorded]"
    )
