"""An authenticated API request and the checks that every handler shares."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from .auth import AccessToken
from .errors import ApiError, error_body
from .restli import EffectiveRequest, bad_request, media_type
from .state import SandboxState
from .wire import Request


@dataclass
class ApiCall:
    """A routed, authenticated request with tunnelling undone."""

    state: SandboxState
    request: Request
    effective: EffectiveRequest
    token: AccessToken
    resource: str

    def header(self, name: str) -> str | None:
        return self.request.headers.get(name)

    def admit(self, records: int) -> None:
        """Count the request against the rate limits of its resource."""
        config = self.state.config
        if not config.rate_limits:
            return
        self.state.limiter.admit(
            self.token.client_id,
            self.resource,
            records,
            config.records_per_minute[self.resource],
            config.requests_per_day[self.resource],
        )


def restli_method(call: ApiCall) -> str | None:
    value = call.header("X-RestLi-Method")
    return value.strip().upper() if value is not None else None


def method_not_allowed(call: ApiCall, allowed: tuple[str, ...]) -> ApiError:
    error = ApiError(
        405,
        f"{call.effective.method} is not allowed on {call.resource}; "
        f"use {' or '.join(allowed)}",
    )
    return error


def require_restli_method(call: ApiCall, expected: str, required: bool) -> None:
    """Raise 400 unless X-RestLi-Method names ``expected`` (or is absent when
    not ``required``)."""
    sent = restli_method(call)
    if sent is None:
        if required:
            raise bad_request(
                f"X-RestLi-Method header is required on batch writes; send "
                f"{expected} with {call.effective.method} {call.resource}"
            )
        return
    if sent != expected:
        raise bad_request(
            f"X-RestLi-Method {sent} does not match {call.effective.method} on "
            f"{call.resource}; expected {expected}"
        )


def read_json_object(call: ApiCall) -> dict[str, Any]:
    """Parse the JSON object body, or raise 400."""
    content_type = call.effective.content_type
    if media_type(content_type) != "application/json":
        raise bad_request(
            f"Content-Type must be application/json; got {content_type or 'none'}"
        )
    try:
        body = json.loads(call.effective.body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise bad_request(f"request body is not valid JSON: {error}") from None
    if not isinstance(body, dict):
        raise bad_request("request body must be a JSON object")
    return body


def require_no_body(call: ApiCall) -> None:
    if call.effective.body:
        raise bad_request(
            f"{call.effective.method} on {call.resource} takes no request body"
        )


def require_only_fields(body: dict[str, Any], allowed: tuple[str, ...]) -> None:
    unknown = sorted(set(body) - set(allowed))
    if unknown:
        raise bad_request(
            f"request body has unexpected field {unknown[0]}; "
            f"expected only {', '.join(allowed)}"
        )


def entity_error(status: int, code: int, message: str) -> dict[str, Any]:
    return error_body(status, message, code)
