"""Fault injection on LinkedIn API requests: errors, resets, delays and 429s.

Settings come from the ``faults`` key of ``POST /sandbox/config`` or from the
``--fault-*`` command-line options, and ``parse_fault_settings`` lists them.
Faults apply to requests under ``/v2/`` and ``/rest/``, and to the OAuth
endpoints only with ``oauth: true``. They never apply to ``/sandbox/`` paths,
resume uploads included, nor to a request rejected before its body was read
(400 for a bad Content-Length, 411, 413, 414).

A request to which faults apply goes through these steps, and the first
fault that fires decides what the client gets:

1. ``burst_429``: the next ``count`` requests to the resource get the short
   429 body.
2. ``daily_limit``: once ``requests`` requests to the resource have passed
   this step in the current UTC day, the resource gets the daily 429 body
   until the next UTC midnight of the sandbox clock.
3. One random draw in [0, 1) picks at most one of reset (below
   ``reset_rate``), error (in the next ``error_rate``) and slow (in the next
   ``slow_rate``), so the three shares add up to at most 1.

Reset, error and both 429s respond without handling the request, so the
store does not change. A slow request is handled at once when
``slow_applies`` is true (the default), so a write is stored and its
response is sent ``slow_seconds`` later. With ``slow_applies: false`` the
sandbox waits ``slow_seconds`` and then returns 504 without handling it.

``revoke_after`` counts every API request that carries a token of its
client, faulted ones included, and revokes all tokens of that client once,
after the request that reaches the count has been handled.

While any rate is above 0, every request to which faults apply draws two
numbers (the fault and the error status), whichever fault fires. With the same ``seed``, settings
and sequence of requests sent one at a time, the same requests get the same
faults. Concurrent requests draw in the order the threads take the lock.
"""

from __future__ import annotations

import logging
import math
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from .errors import error_body
from .limits import DAY_LIMIT_BODY, MINUTE_LIMIT_BODY
from .schema import API_RESOURCES
from .wire import Request, Response

if TYPE_CHECKING:
    from .state import SandboxState

_logger = logging.getLogger(__name__)

# Kinds of injected faults, as /sandbox/stats reports them.
FAULT_RESET = "reset"
FAULT_ERROR = "error"
FAULT_SLOW = "slow"
FAULT_BURST_429 = "burst_429"
FAULT_DAILY_LIMIT = "daily_limit"
FAULT_REVOKE_AFTER = "revoke_after"
FAULT_KINDS = (
    FAULT_RESET,
    FAULT_ERROR,
    FAULT_SLOW,
    FAULT_BURST_429,
    FAULT_DAILY_LIMIT,
    FAULT_REVOKE_AFTER,
)

OAUTH_RESOURCES = ("accessToken", "introspectToken")
ANY_RESOURCE = "*"
ERROR_STATUSES = (500, 502, 503)
# The sandbox's own serviceErrorCode for injected 5xx bodies, after the
# codes in errors.py.
SERVICE_ERROR_INJECTED = 106
# A slow request keeps a server thread busy for this long at most.
MAX_SLOW_SECONDS = 3600

_REASONS = {
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}


class FaultSettingsError(ValueError):
    """Invalid fault settings; a ValueError, like every invalid setting of
    SandboxConfig.update, whatever the cause."""


@dataclass(frozen=True)
class FaultSettings:
    """Validated fault settings; the defaults inject no fault.

    ``burst_429``, ``daily_limit`` and ``revoke_after`` are (name, count)
    pairs: a resource or client id and a number of requests.
    """

    error_rate: float = 0.0
    reset_rate: float = 0.0
    slow_rate: float = 0.0
    slow_seconds: float = 0.0
    slow_applies: bool = True
    burst_429: tuple[str, int] | None = None
    daily_limit: tuple[str, int] | None = None
    revoke_after: tuple[str, int] | None = None
    seed: int | None = None
    oauth: bool = False

    def as_dict(self) -> dict[str, Any]:
        """Return the settings that differ from their defaults, in the wire form."""
        default = FaultSettings()
        result: dict[str, Any] = {}
        for name in (
            "error_rate",
            "reset_rate",
            "slow_rate",
            "slow_seconds",
            "slow_applies",
            "seed",
            "oauth",
        ):
            value = getattr(self, name)
            if value != getattr(default, name):
                result[name] = value
        if self.burst_429 is not None:
            result["burst_429"] = dict(zip(("resource", "count"), self.burst_429))
        if self.daily_limit is not None:
            result["daily_limit"] = dict(
                zip(("resource", "requests"), self.daily_limit)
            )
        if self.revoke_after is not None:
            result["revoke_after"] = dict(
                zip(("client_id", "requests"), self.revoke_after)
            )
        return result


_SETTING_NAMES = (
    "error_rate",
    "reset_rate",
    "slow_rate",
    "slow_seconds",
    "slow_applies",
    "burst_429",
    "daily_limit",
    "revoke_after",
    "seed",
    "oauth",
)


def parse_fault_settings(value: Any) -> FaultSettings:
    """Validate a ``faults`` object and return its settings.

    Raises FaultSettingsError, naming the setting, for an invalid value.

    - ``error_rate``, ``reset_rate``, ``slow_rate``: shares of requests from
      0 to 1, adding up to at most 1.
    - ``slow_seconds``: delay of a slow request, above 0 and at most 3600;
      required when ``slow_rate`` is above 0.
    - ``slow_applies``: whether a slow request is handled (true, default).
    - ``burst_429``: ``{"resource": name or "*", "count": N}``.
    - ``daily_limit``: ``{"resource": name, "requests": N}``.
    - ``revoke_after``: ``{"client_id": id, "requests": N}``, N at least 1.
    - ``seed``: integer seed of the random draws, or null for a random seed.
    - ``oauth``: whether faults also apply to the OAuth endpoints.

    An object replaces all earlier fault settings, so ``{}`` turns every
    fault off.
    """
    if not isinstance(value, dict):
        raise FaultSettingsError(f"faults must be a JSON object, got {value!r}")
    unknown = sorted(set(value) - set(_SETTING_NAMES))
    if unknown:
        raise FaultSettingsError(
            f"faults: unknown setting {unknown[0]}; expected one of "
            f"{', '.join(_SETTING_NAMES)}"
        )
    oauth = _boolean(value, "oauth", False)
    rates = {
        name: _rate(value, name) for name in ("error_rate", "reset_rate", "slow_rate")
    }
    total = sum(rates.values())
    if total > 1:
        raise FaultSettingsError(
            f"faults: error_rate + reset_rate + slow_rate is {total:g}; "
            "the three shares must add up to at most 1"
        )
    slow_seconds = _slow_seconds(value, rates["slow_rate"])
    seed = value.get("seed")
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
        raise FaultSettingsError(
            f"faults.seed must be an integer or null, got {seed!r}"
        )
    return FaultSettings(
        error_rate=rates["error_rate"],
        reset_rate=rates["reset_rate"],
        slow_rate=rates["slow_rate"],
        slow_seconds=slow_seconds,
        slow_applies=_boolean(value, "slow_applies", True),
        burst_429=_resource_count(value, "burst_429", "count", oauth, minimum=0),
        daily_limit=_resource_count(value, "daily_limit", "requests", oauth, 0),
        revoke_after=_revoke_after(value),
        seed=seed,
        oauth=oauth,
    )


def _is_number(value: Any) -> bool:
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(value)
    )


def _rate(settings: dict[str, Any], name: str) -> float:
    value = settings.get(name, 0.0)
    if not _is_number(value) or not 0 <= value <= 1:
        raise FaultSettingsError(
            f"faults.{name} must be a number from 0 to 1, got {value!r}"
        )
    return float(value)


def _boolean(settings: dict[str, Any], name: str, default: bool) -> bool:
    value = settings.get(name, default)
    if not isinstance(value, bool):
        raise FaultSettingsError(f"faults.{name} must be true or false, got {value!r}")
    return value


def _slow_seconds(settings: dict[str, Any], slow_rate: float) -> float:
    if "slow_seconds" not in settings:
        if slow_rate > 0:
            raise FaultSettingsError(
                "faults.slow_seconds is missing; slow_rate needs the delay in "
                "seconds, longer than the client's read timeout"
            )
        return 0.0
    value = settings["slow_seconds"]
    if not _is_number(value) or not 0 < value <= MAX_SLOW_SECONDS:
        raise FaultSettingsError(
            f"faults.slow_seconds must be a number of seconds above 0 and at most "
            f"{MAX_SLOW_SECONDS}, got {value!r}"
        )
    return float(value)


def _count(name: str, value: Any, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise FaultSettingsError(
            f"{name} must be an integer of at least {minimum}, got {value!r}"
        )
    return value


def _resource_count(
    settings: dict[str, Any], name: str, count_field: str, oauth: bool, minimum: int
) -> tuple[str, int] | None:
    """Parse ``{"resource": ..., count_field: N}``; only burst_429 accepts "*"."""
    value = settings.get(name)
    if value is None:
        return None
    if not isinstance(value, dict) or set(value) != {"resource", count_field}:
        raise FaultSettingsError(
            f'faults.{name} must be {{"resource": name, "{count_field}": N}}, '
            f"got {value!r}"
        )
    resource = value["resource"]
    allowed = (*API_RESOURCES, *OAUTH_RESOURCES)
    if name == FAULT_BURST_429:
        allowed = (ANY_RESOURCE, *allowed)
    if resource not in allowed:
        raise FaultSettingsError(
            f"faults.{name}.resource: unknown resource {resource!r}; expected one "
            f"of {', '.join(allowed)}"
        )
    if resource in OAUTH_RESOURCES and not oauth:
        raise FaultSettingsError(
            f"faults.{name}.resource {resource} is an OAuth endpoint; set "
            '"oauth": true to inject faults there'
        )
    return resource, _count(f"faults.{name}.{count_field}", value[count_field], minimum)


def _revoke_after(settings: dict[str, Any]) -> tuple[str, int] | None:
    value = settings.get("revoke_after")
    if value is None:
        return None
    if not isinstance(value, dict) or set(value) != {"client_id", "requests"}:
        raise FaultSettingsError(
            'faults.revoke_after must be {"client_id": str, "requests": N}, '
            f"got {value!r}"
        )
    client_id = value["client_id"]
    if not isinstance(client_id, str) or not client_id:
        raise FaultSettingsError(
            f"faults.revoke_after.client_id must be a non-empty string, "
            f"got {client_id!r}"
        )
    requests = _count("faults.revoke_after.requests", value["requests"], 1)
    return client_id, requests


@dataclass(frozen=True)
class FaultDecision:
    """What the injector chose for one request.

    ``kind`` is one of FAULT_KINDS, or None for normal service. ``response``
    is set for the faults that respond without handling the request.
    """

    kind: str | None = None
    response: Response | None = None
    slow_seconds: float = 0.0
    slow_applies: bool = True


class FaultInjector:
    """Run-time state of the fault settings: random draws and request counts.

    ``arm`` starts the counts and the random sequence again, so a test that
    sets the same faults, or resets the sandbox, gets the same faults again.
    """

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self.arm(FaultSettings())

    def arm(self, settings: FaultSettings) -> None:
        with self._lock:
            self.settings = settings
            self._random = random.Random(settings.seed)
            self._burst_left = settings.burst_429[1] if settings.burst_429 else 0
            self._daily_day = ""
            self._daily_count = 0
            self._revoke_left = settings.revoke_after[1] if settings.revoke_after else 0

    def applies_to_oauth(self) -> bool:
        with self._lock:
            return self.settings.oauth

    def decide(self, resource: str) -> FaultDecision:
        """Choose the fault for one request to ``resource``, or none."""
        with self._lock:
            settings = self.settings
            draw, status = self._draw(settings)
            burst = settings.burst_429
            if burst and self._burst_left > 0 and burst[0] in (ANY_RESOURCE, resource):
                self._burst_left -= 1
                return FaultDecision(
                    FAULT_BURST_429, Response(429, dict(MINUTE_LIMIT_BODY))
                )
            daily = settings.daily_limit
            if daily and daily[0] == resource:
                day = datetime.fromtimestamp(self._clock(), UTC).date().isoformat()
                if day != self._daily_day:
                    self._daily_day = day
                    self._daily_count = 0
                if self._daily_count >= daily[1]:
                    return FaultDecision(
                        FAULT_DAILY_LIMIT, Response(429, dict(DAY_LIMIT_BODY))
                    )
                self._daily_count += 1
        if draw < settings.reset_rate:
            return FaultDecision(FAULT_RESET)
        draw -= settings.reset_rate
        if draw < settings.error_rate:
            return FaultDecision(FAULT_ERROR, injected_error(status))
        draw -= settings.error_rate
        if draw < settings.slow_rate:
            return FaultDecision(
                FAULT_SLOW,
                slow_seconds=settings.slow_seconds,
                slow_applies=settings.slow_applies,
            )
        return FaultDecision()

    def _draw(self, settings: FaultSettings) -> tuple[float, int]:
        """Draw the fault and the error status; (1.0, 500) when no rate is set."""
        if not settings.reset_rate + settings.error_rate + settings.slow_rate:
            return 1.0, ERROR_STATUSES[0]
        return self._random.random(), self._random.choice(ERROR_STATUSES)

    def count_client_request(self, client_id: str) -> bool:
        """Count an API request of a client; return True when its tokens are due
        to be revoked, which happens once per arming."""
        with self._lock:
            target = self.settings.revoke_after
            if target is None or target[0] != client_id or self._revoke_left <= 0:
                return False
            self._revoke_left -= 1
            return self._revoke_left == 0


def injected_error(status: int) -> Response:
    """Build an injected 500, 502, 503 or 504 in LinkedIn's error body."""
    message = f"{_REASONS[status]} (fault injected by linkedin_sandbox)"
    return Response(status, error_body(status, message, SERVICE_ERROR_INJECTED))


def serve_with_faults(
    state: SandboxState,
    request: Request,
    resource: str,
    handle: Callable[[], Response],
    oauth: bool = False,
) -> Response | None:
    """Handle a request with the configured faults; None means reset the
    connection without a response."""
    injector = state.faults
    if oauth and not injector.applies_to_oauth():
        return handle()
    decision = injector.decide(resource)
    if decision.kind is not None:
        state.stats.record_fault(decision.kind)
        _logger.info(
            "injected fault %s on %s %s", decision.kind, request.method, request.path
        )

    response: Response | None
    if decision.kind == FAULT_RESET:
        response = None
    elif decision.response is not None:
        response = decision.response
    elif decision.kind == FAULT_SLOW and not decision.slow_applies:
        response = injected_error(504)
    else:
        response = handle()

    if not oauth:
        _count_for_revocation(state, request)

    if decision.kind == FAULT_SLOW and response is not None:
        time.sleep(decision.slow_seconds)
        # The client has most likely timed out and left, so the connection
        # is not kept for another request.
        response.close = True
    return response


def _count_for_revocation(state: SandboxState, request: Request) -> None:
    """Count the request against revoke_after when its token is the client's."""
    scheme, _, token = (request.headers.get("Authorization") or "").partition(" ")
    if scheme.lower() != "bearer":
        return
    found = state.tokens.lookup(token.strip())
    if found is None:
        return
    if state.faults.count_client_request(found.client_id):
        revoked = state.tokens.revoke_client(found.client_id)
        state.stats.record_fault(FAULT_REVOKE_AFTER)
        _logger.info(
            "injected fault revoke_after: revoked %s tokens of OAuth client %s",
            revoked,
            found.client_id,
        )
