"""OAuth 2.0 client credentials: clients, access tokens and introspection.

Tokens follow LinkedIn's 2-legged flow: ``POST /oauth/v2/accessToken`` with a
form body returns ``access_token`` and ``expires_in`` (1800 seconds unless
/sandbox/config sets ``token_lifetime_s``). LinkedIn's own sample sends
``expires_in`` as a string, so the sandbox alternates: odd tokens carry an
integer and even tokens a string, and a client that parses only one form
fails a test. A token is active until it expires or /sandbox/revoke revokes
every token of its client.
"""

from __future__ import annotations

import hmac
import logging
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

from .errors import (
    SERVICE_ERROR_EMPTY_TOKEN,
    SERVICE_ERROR_EXPIRED_TOKEN,
    SERVICE_ERROR_INVALID_TOKEN,
    SERVICE_ERROR_REVOKED_TOKEN,
    ApiError,
)
from .restli import media_type

_logger = logging.getLogger(__name__)

DEFAULT_TOKEN_LIFETIME_S = 1800

TOKEN_ACTIVE = "active"
TOKEN_EXPIRED = "expired"
TOKEN_REVOKED = "revoked"


@dataclass
class AccessToken:
    client_id: str
    created_at: float
    expires_at: float
    revoked: bool = False

    def status(self, now: float) -> str:
        if self.revoked:
            return TOKEN_REVOKED
        if now >= self.expires_at:
            return TOKEN_EXPIRED
        return TOKEN_ACTIVE


class TokenRegistry:
    """Registered OAuth clients and the access tokens issued to them."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._clients: dict[str, str] = {}
        self._tokens: dict[str, AccessToken] = {}
        self._issued = 0

    def register_client(self, client_id: str, client_secret: str) -> bool:
        """Register or re-register a client; return True when it is new."""
        with self._lock:
            is_new = client_id not in self._clients
            self._clients[client_id] = client_secret
        _logger.info("registered OAuth client %s", client_id)
        return is_new

    def client_ids(self) -> list[str]:
        with self._lock:
            return sorted(self._clients)

    def has_client(self, client_id: str) -> bool:
        with self._lock:
            return client_id in self._clients

    def check_secret(self, client_id: str, client_secret: str) -> bool:
        with self._lock:
            expected = self._clients.get(client_id)
        if expected is None:
            return False
        return hmac.compare_digest(expected.encode(), client_secret.encode())

    def issue(self, client_id: str, lifetime_s: int) -> tuple[str, int | str]:
        """Issue a token and return it with ``expires_in`` as the wire sends it."""
        token = secrets.token_urlsafe(48)
        now = self._clock()
        with self._lock:
            self._tokens[token] = AccessToken(client_id, now, now + lifetime_s)
            self._issued += 1
            as_string = self._issued % 2 == 0
        return token, str(lifetime_s) if as_string else lifetime_s

    def lookup(self, token: str) -> AccessToken | None:
        with self._lock:
            return self._tokens.get(token)

    def status(self, token: str) -> str | None:
        """Return the token's status, or None for a token never issued."""
        found = self.lookup(token)
        if found is None:
            return None
        return found.status(self._clock())

    def revoke_client(self, client_id: str) -> int:
        """Revoke every token of a client and return how many were active."""
        now = self._clock()
        revoked = 0
        with self._lock:
            for token in self._tokens.values():
                if token.client_id == client_id and not token.revoked:
                    if token.status(now) == TOKEN_ACTIVE:
                        revoked += 1
                    token.revoked = True
        _logger.info("revoked %s active tokens of OAuth client %s", revoked, client_id)
        return revoked


# Bearer tokens on API calls ------------------------------------------------


def authenticate(registry: TokenRegistry, authorization: str | None) -> AccessToken:
    """Return the active token of an ``Authorization`` header, or raise 401."""
    if not authorization:
        raise ApiError(
            401,
            "Empty oauth2_access_token",
            service_error_code=SERVICE_ERROR_EMPTY_TOKEN,
            code="EMPTY_ACCESS_TOKEN",
        )
    scheme, _, token = authorization.strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise ApiError(
            401,
            "Authorization header must be 'Bearer <access token>'",
            service_error_code=SERVICE_ERROR_INVALID_TOKEN,
            code="INVALID_ACCESS_TOKEN",
        )
    found = registry.lookup(token)
    status = registry.status(token)
    if found is None or status is None:
        raise ApiError(
            401,
            "Invalid access token",
            service_error_code=SERVICE_ERROR_INVALID_TOKEN,
            code="INVALID_ACCESS_TOKEN",
        )
    if status == TOKEN_REVOKED:
        raise ApiError(
            401,
            "The token used in the request has been revoked by the user",
            service_error_code=SERVICE_ERROR_REVOKED_TOKEN,
            code="REVOKED_ACCESS_TOKEN",
        )
    if status == TOKEN_EXPIRED:
        raise ApiError(
            401,
            "The token used in the request has expired",
            service_error_code=SERVICE_ERROR_EXPIRED_TOKEN,
            code="EXPIRED_ACCESS_TOKEN",
        )
    return found


# OAuth endpoints ------------------------------------------------------------


def _oauth_error(status: int, error: str, description: str) -> ApiError:
    return ApiError(
        status,
        description,
        body={"error": error, "error_description": description},
    )


def _invalid_client() -> ApiError:
    return _oauth_error(401, "invalid_client", "Client authentication failed")


def parse_oauth_form(
    content_type: str, body: bytes, raw_query: str, required: tuple[str, ...]
) -> dict[str, str]:
    """Parse an OAuth form body and return its single-valued fields.

    Raises 400 ``invalid_request`` for another Content-Type, for parameters
    in the URL (a secret there would end up in access logs), and for a
    missing or repeated field.
    """
    if raw_query:
        raise _oauth_error(
            400,
            "invalid_request",
            "OAuth parameters must be sent in the form body, not in the URL",
        )
    if media_type(content_type) != "application/x-www-form-urlencoded":
        raise _oauth_error(
            400,
            "invalid_request",
            "Content-Type must be application/x-www-form-urlencoded",
        )
    try:
        fields = parse_qs(body.decode("utf-8"), keep_blank_values=True)
    except UnicodeDecodeError:
        raise _oauth_error(400, "invalid_request", "form body is not UTF-8") from None
    result = {}
    for name in required:
        values = fields.get(name, [])
        if len(values) != 1 or not values[0]:
            problem = "is repeated" if len(values) > 1 else "is missing"
            raise _oauth_error(
                400, "invalid_request", f'A required parameter "{name}" {problem}'
            )
        result[name] = values[0]
    return result


def issue_access_token(
    registry: TokenRegistry, form: dict[str, str], lifetime_s: int
) -> dict[str, Any]:
    """Handle ``/oauth/v2/accessToken`` and return the response body."""
    if form["grant_type"] != "client_credentials":
        raise _oauth_error(
            400,
            "invalid_request",
            f"grant_type {form['grant_type']!r} is not supported; "
            "use client_credentials",
        )
    if not registry.check_secret(form["client_id"], form["client_secret"]):
        raise _invalid_client()
    token, expires_in = registry.issue(form["client_id"], lifetime_s)
    _logger.debug("issued access token to OAuth client %s", form["client_id"])
    return {"access_token": token, "expires_in": expires_in}


def introspect_token(registry: TokenRegistry, form: dict[str, str]) -> dict[str, Any]:
    """Handle ``/oauth/v2/introspectToken`` and return the response body.

    An unknown client id or token returns 400 and a wrong secret 401, as
    LinkedIn documents. A token of another client counts as unknown.
    """
    client_id = form["client_id"]
    if not registry.has_client(client_id):
        raise _oauth_error(400, "invalid_request", "Invalid client id")
    if not registry.check_secret(client_id, form["client_secret"]):
        raise _invalid_client()
    found = registry.lookup(form["token"])
    if found is None or found.client_id != client_id:
        raise _oauth_error(400, "invalid_request", "Invalid token")
    status = registry.status(form["token"])
    return {
        "active": status == TOKEN_ACTIVE,
        "status": status,
        "client_id": found.client_id,
        "created_at": int(found.created_at),
        "expires_at": int(found.expires_at),
        "auth_type": "2L",
    }
