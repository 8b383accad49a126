"""Obtain and cache LinkedIn access tokens with the client credentials flow.

LinkedIn's 2-legged tokens live 30 minutes and come without a refresh token,
so the manager requests a new one shortly before expiry and after a 401.
Tokens are cached in a ``TokenStore``. The add-on stores them on the backend
record and serializes refreshes with a row lock, and ``MemoryTokenStore``
serves tests and scripts.
"""

import abc
import contextlib
import logging
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode

import requests

from .errors import (
    REDACTED,
    SECRET_FIELDS,
    AuthenticationError,
    LinkedInError,
    RequestRecord,
    TransientError,
    redact_body,
    truncate_body,
)
from .restli import parse_error_body

_logger = logging.getLogger(__name__)

FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"

#: Token lifetime LinkedIn documents, used when a response has no valid
#: ``expires_in``.
DEFAULT_TOKEN_LIFETIME = 1800


@dataclass(frozen=True)
class Token:
    """Access token with its expiry and issue times in epoch seconds."""

    access_token: str = field(repr=False)
    expires_at: float
    obtained_at: float

    def is_usable(self, now, margin):
        """Return whether the token is valid for more than ``margin`` seconds."""
        return now < self.expires_at - margin


class TokenStore(abc.ABC):
    """Storage of the current token of one LinkedIn application.

    ``refresh_lock`` must serialize refreshes across every process that shares
    the store. The manager re-reads the store after taking the lock, so a
    token saved by another process in the meantime is reused.
    """

    @abc.abstractmethod
    def load(self):
        """Return the stored Token, or None when there is none."""

    @abc.abstractmethod
    def save(self, token):
        """Store ``token`` in place of the current one."""

    @abc.abstractmethod
    def invalidate(self, token_value):
        """Forget the stored token if its value is ``token_value``.

        A different value means another process already stored a newer token,
        which must be kept.
        """

    @abc.abstractmethod
    def refresh_lock(self):
        """Return a context manager held while a token is fetched and saved."""


class MemoryTokenStore(TokenStore):
    """Token store in process memory, for tests and scripts."""

    def __init__(self, token=None):
        self._token = token
        self._lock = threading.Lock()

    def load(self):
        return self._token

    def save(self, token):
        self._token = token

    def invalidate(self, token_value):
        if self._token is not None and self._token.access_token == token_value:
            self._token = None

    @contextlib.contextmanager
    def refresh_lock(self):
        with self._lock:
            yield


def _parse_seconds(value):
    """Return ``value`` as seconds, accepting numbers and numeric strings."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.strip())
        except ValueError:
            return None
    return None


def _recorded_form(fields):
    return urlencode(
        [
            (name, REDACTED if name in SECRET_FIELDS else value)
            for name, value in fields.items()
        ],
        safe="*",
    )


class TokenManager:
    """Issuer of access tokens for one LinkedIn application.

    ``get_token`` reuses the stored token until ``margin_seconds`` before it
    expires. ``on_failure`` receives a RequestRecord for every failed call to
    the OAuth endpoints, with the client secret and tokens redacted.
    """

    def __init__(
        self,
        session,
        oauth_base,
        client_id,
        client_secret,
        store,
        margin_seconds=300,
        timeout=(5, 30),
        clock=time.time,
        on_failure=None,
    ):
        if timeout is None:
            raise ValueError(
                "TokenManager needs a timeout; requests without one can hang."
            )
        self.session = session
        self.oauth_base = oauth_base.rstrip("/")
        self.client_id = client_id
        self._client_secret = client_secret
        self.store = store
        self.margin_seconds = margin_seconds
        self.timeout = timeout
        self.clock = clock
        self.on_failure = on_failure

    def __repr__(self):
        return (
            f"TokenManager(oauth_base={self.oauth_base!r}, "
            f"client_id={self.client_id!r})"
        )

    def _is_usable(self, token):
        if token is None:
            return False
        # A token shorter-lived than twice the margin would never be reused,
        # so the margin shrinks to half its lifetime.
        lifetime = token.expires_at - token.obtained_at
        margin = min(self.margin_seconds, max(lifetime, 0) / 2)
        return token.is_usable(self.clock(), margin)

    def get_token(self):
        """Return a usable access token, fetching a new one when needed."""
        token = self.store.load()
        if self._is_usable(token):
            return token.access_token

        with self.store.refresh_lock():
            token = self.store.load()
            if self._is_usable(token):
                return token.access_token
            token = self._fetch_token()
            self.store.save(token)
        return token.access_token

    def invalidate(self, token_value, reason="a 401"):
        """Forget ``token_value`` so that the next ``get_token`` fetches anew.

        ``reason`` names the cause in the log line.
        """
        self.store.invalidate(token_value)
        _logger.info(
            "linkedin token for client %s invalidated after %s", self.client_id, reason
        )

    def _fetch_token(self):
        fields = {
            "grant_type": "client_credentials",
            "client_id": self.client_id,
            "client_secret": self._client_secret,
        }
        response, record = self._post("accessToken", fields)
        obtained_at = self.clock()

        try:
            payload = response.json()
        except ValueError:
            payload = None
        access_token = (
            payload.get("access_token") if isinstance(payload, dict) else None
        )
        if not access_token or not isinstance(access_token, str):
            message = (
                f"LinkedIn's token endpoint returned {response.status_code} without "
                "an access_token. Retry later; if this persists, check the OAuth "
                "base URL of the backend."
            )
            self._report(record, message)
            raise LinkedInError(
                message, status=response.status_code, resource="accessToken"
            )

        expires_in = _parse_seconds(payload.get("expires_in"))
        if expires_in is None or expires_in <= 0:
            _logger.warning(
                "linkedin token for client %s: invalid expires_in %r, assuming %s s",
                self.client_id,
                payload.get("expires_in"),
                DEFAULT_TOKEN_LIFETIME,
            )
            expires_in = DEFAULT_TOKEN_LIFETIME

        _logger.info(
            "linkedin token for client %s fetched, expires in %d s",
            self.client_id,
            expires_in,
        )
        return Token(
            access_token=access_token,
            expires_at=obtained_at + expires_in,
            obtained_at=obtained_at,
        )

    def introspect(self, token_value):
        """Return LinkedIn's introspection of ``token_value``.

        The dict contains ``active`` (bool) and, when LinkedIn sends them,
        ``status`` (``active``, ``expired`` or ``revoked``), ``client_id``,
        ``auth_type`` and the epoch-second times ``created_at``,
        ``expires_at`` and ``authorized_at`` (as numbers). Raises
        AuthenticationError on 400 (bad client id or token) and 401 (bad
        client secret).
        """
        fields = {
            "client_id": self.client_id,
            "client_secret": self._client_secret,
            "token": token_value,
        }
        response, record = self._post("introspectToken", fields)

        try:
            payload = response.json()
        except ValueError:
            payload = None
        if not isinstance(payload, dict):
            message = (
                f"LinkedIn's token introspection returned {response.status_code} "
                "with a body that is not a JSON object. Retry later."
            )
            self._report(record, message)
            raise LinkedInError(
                message, status=response.status_code, resource="introspectToken"
            )

        result = dict(payload)
        result["active"] = payload.get("active") is True
        for name in ("created_at", "expires_at", "authorized_at"):
            if name in payload:
                seconds = _parse_seconds(payload[name])
                result[name] = int(seconds) if seconds is not None else None
        return result

    def _post(self, endpoint, fields):
        """POST ``fields`` form-encoded to ``endpoint`` and return a 2xx response.

        Returns the response and the failure record to use if its body turns
        out to be unusable. Raises AuthenticationError on 4xx and
        TransientError on 5xx, timeouts and connection errors.
        """
        url = f"{self.oauth_base}/{endpoint}"
        headers = {"Content-Type": FORM_CONTENT_TYPE, "Accept": "application/json"}
        record = RequestRecord(
            method="POST",
            url=url,
            request_headers=dict(headers),
            request_body=_recorded_form(fields),
            resource=endpoint,
        )

        started = time.monotonic()
        try:
            response = self.session.post(
                url, data=fields, headers=headers, timeout=self.timeout
            )
        except requests.Timeout as exc:
            record.duration_ms = (time.monotonic() - started) * 1000
            message = (
                f"The request to LinkedIn's {endpoint} endpoint timed out "
                f"(timeout {self.timeout} s). Retry later."
            )
            self._report(record, message)
            raise TransientError(message, cause=exc, resource=endpoint) from exc
        except requests.ConnectionError as exc:
            record.duration_ms = (time.monotonic() - started) * 1000
            message = (
                f"Could not connect to LinkedIn's {endpoint} endpoint at "
                f"{self.oauth_base}: {exc.__class__.__name__}. Check the network "
                "and the OAuth base URL, then retry."
            )
            self._report(record, message)
            raise TransientError(message, cause=exc, resource=endpoint) from exc

        record.duration_ms = (time.monotonic() - started) * 1000
        record.status = response.status_code
        record.response_headers = dict(response.headers)
        record.response_body = truncate_body(redact_body(response.text))

        if response.status_code >= 500:
            message = (
                f"LinkedIn's {endpoint} endpoint returned {response.status_code}. "
                "Retry later."
            )
            self._report(record, message)
            raise TransientError(
                message, status=response.status_code, resource=endpoint
            )

        if response.status_code >= 400:
            error = parse_error_body(response)
            message = (
                f"LinkedIn's {endpoint} endpoint rejected the request "
                f"({response.status_code} {error.code or 'error'}: "
                f"{error.message or 'no description'}). Check the client id "
                "and client secret of the backend."
            )
            self._report(record, message)
            raise AuthenticationError(
                message,
                error=error.code,
                error_description=error.message,
                status=response.status_code,
                resource=endpoint,
            )
        return response, record

    def _report(self, record, message):
        record.error = message
        _logger.warning(
            "linkedin %s for client %s failed: %s",
            record.resource,
            self.client_id,
            message,
        )
        if self.on_failure is None:
            return
        try:
            self.on_failure(record)
        except Exception:
            _logger.exception(
                "linkedin %s: on_failure callback raised", record.resource
            )
