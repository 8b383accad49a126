"""OAuth endpoints: ``/oauth/v2/accessToken`` and ``/oauth/v2/introspectToken``."""

from __future__ import annotations

import logging

from .auth import introspect_token, issue_access_token, parse_oauth_form
from .errors import SERVICE_ERROR_NOT_FOUND, ApiError
from .state import SandboxState
from .wire import Request, Response

_logger = logging.getLogger(__name__)

OAUTH_PREFIX = "/oauth/v2/"
ACCESS_TOKEN_PATH = OAUTH_PREFIX + "accessToken"
INTROSPECT_PATH = OAUTH_PREFIX + "introspectToken"


def handle_oauth(state: SandboxState, request: Request) -> Response:
    """Serve an OAuth endpoint; errors use OAuth's ``error`` body."""
    name = request.path[len(OAUTH_PREFIX) :]
    try:
        if request.path not in (ACCESS_TOKEN_PATH, INTROSPECT_PATH):
            raise ApiError(
                404,
                f"no OAuth endpoint at {request.path}",
                service_error_code=SERVICE_ERROR_NOT_FOUND,
            )
        if request.method != "POST":
            raise ApiError(
                405,
                f"{request.method} is not allowed on {request.path}; use POST",
                body={
                    "error": "invalid_request",
                    "error_description": f"use POST on {request.path}",
                },
            )
        if request.path == ACCESS_TOKEN_PATH:
            form = parse_oauth_form(
                request.content_type,
                request.body,
                request.raw_query,
                ("grant_type", "client_id", "client_secret"),
            )
            body = issue_access_token(state.tokens, form, state.config.token_lifetime_s)
        else:
            form = parse_oauth_form(
                request.content_type,
                request.body,
                request.raw_query,
                ("client_id", "client_secret", "token"),
            )
            body = introspect_token(state.tokens, form)
        response = Response(200, body)
    except ApiError as error:
        _logger.info(
            "rejected %s %s: %s %s",
            request.method,
            request.path,
            error.status,
            error.message,
        )
        response = Response(error.status, error.body, close=error.close)
    state.stats.record(name, request.method, response.status, 0)
    return response
