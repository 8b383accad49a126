"""Run-time settings of the sandbox, changed by the command line and /sandbox/config.

``POST /sandbox/config`` takes a JSON object with any of the keys of
``SandboxConfig.as_dict()``. Rate limits accept one integer for every
resource or an object by resource name. ``faults`` replaces all fault
settings at once (see faults.py), so ``{}`` turns every fault off.
``clock_offset_seconds`` shifts the sandbox clock (see SandboxState.now).
"""

from __future__ import annotations

import math
import re
import threading
from dataclasses import dataclass, field
from typing import Any

from .auth import DEFAULT_TOKEN_LIFETIME_S
from .faults import FaultSettings, parse_fault_settings
from .limits import DEFAULT_RECORDS_PER_MINUTE, DEFAULT_REQUESTS_PER_DAY
from .schema import API_RESOURCES

DEFAULT_FIRST_VERSION = "202504"
DEFAULT_LAST_VERSION = "202612"

_MONTH = re.compile(r"^(\d{4})(0[1-9]|1[0-2])$")
# Bound on clock_offset_seconds, 100 years, which keeps every shifted time
# within the years that datetime can represent.
MAX_CLOCK_OFFSET_S = 100 * 365 * 86_400


def _per_resource(value: int) -> dict[str, int]:
    return dict.fromkeys(API_RESOURCES, value)


@dataclass
class SandboxConfig:
    """Settings read on every request; ``lock`` guards updates."""

    latency_ms: int = 0
    rate_limits: bool = True
    records_per_minute: dict[str, int] = field(
        default_factory=lambda: _per_resource(DEFAULT_RECORDS_PER_MINUTE)
    )
    requests_per_day: dict[str, int] = field(
        default_factory=lambda: _per_resource(DEFAULT_REQUESTS_PER_DAY)
    )
    token_lifetime_s: int = DEFAULT_TOKEN_LIFETIME_S
    # Active LinkedIn-Version months, inclusive, as YYYYMM.
    first_version: str = DEFAULT_FIRST_VERSION
    last_version: str = DEFAULT_LAST_VERSION
    faults: FaultSettings = field(default_factory=FaultSettings)
    # Seconds added to the system clock for tokens, rate limits and faults.
    clock_offset_seconds: float = 0
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def as_dict(self) -> dict[str, Any]:
        with self.lock:
            return {
                "latency_ms": self.latency_ms,
                "rate_limits": self.rate_limits,
                "records_per_minute": dict(self.records_per_minute),
                "requests_per_day": dict(self.requests_per_day),
                "token_lifetime_s": self.token_lifetime_s,
                "active_versions": [self.first_version, self.last_version],
                "faults": self.faults.as_dict(),
                "clock_offset_seconds": self.clock_offset_seconds,
            }

    def update(self, changes: dict[str, Any]) -> None:
        """Apply a /sandbox/config body, or raise ValueError and change nothing."""
        unknown = sorted(set(changes) - set(self.as_dict()))
        if unknown:
            raise ValueError(
                f"unknown setting {unknown[0]}; "
                f"expected one of {', '.join(sorted(self.as_dict()))}"
            )
        staged: dict[str, Any] = {}
        if "latency_ms" in changes:
            staged["latency_ms"] = _non_negative_int(
                "latency_ms", changes["latency_ms"]
            )
        if "rate_limits" in changes:
            if not isinstance(changes["rate_limits"], bool):
                raise ValueError("rate_limits must be true or false")
            staged["rate_limits"] = changes["rate_limits"]
        for name in ("records_per_minute", "requests_per_day"):
            if name in changes:
                staged[name] = self._limits(name, changes[name])
        if "token_lifetime_s" in changes:
            lifetime = _non_negative_int(
                "token_lifetime_s", changes["token_lifetime_s"]
            )
            if lifetime == 0:
                raise ValueError("token_lifetime_s must be at least 1 second")
            staged["token_lifetime_s"] = lifetime
        if "active_versions" in changes:
            staged["first_version"], staged["last_version"] = parse_version_range(
                changes["active_versions"]
            )
        if "faults" in changes:
            staged["faults"] = parse_fault_settings(changes["faults"])
        if "clock_offset_seconds" in changes:
            staged["clock_offset_seconds"] = _clock_offset(
                changes["clock_offset_seconds"]
            )
        with self.lock:
            for name, value in staged.items():
                setattr(self, name, value)

    def _limits(self, name: str, value: Any) -> dict[str, int]:
        current = dict(getattr(self, name))
        if isinstance(value, dict):
            for resource, limit in value.items():
                if resource not in current:
                    raise ValueError(
                        f"{name}: unknown resource {resource}; expected one of "
                        f"{', '.join(API_RESOURCES)}"
                    )
                current[resource] = _non_negative_int(f"{name}.{resource}", limit)
            return current
        return _per_resource(_non_negative_int(name, value))

    def is_active_version(self, month: str) -> bool:
        with self.lock:
            return self.first_version <= month <= self.last_version


def _clock_offset(value: Any) -> float:
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not math.isfinite(value)
        or abs(value) > MAX_CLOCK_OFFSET_S
    ):
        raise ValueError(
            f"clock_offset_seconds must be a number of seconds from "
            f"-{MAX_CLOCK_OFFSET_S} to {MAX_CLOCK_OFFSET_S}, got {value!r}"
        )
    return value


def _non_negative_int(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{name} must be a non-negative integer, got {value!r}")
    return value


def parse_version_range(value: Any) -> tuple[str, str]:
    """Parse ``[first, last]`` or ``"first:last"`` months written YYYYMM."""
    if isinstance(value, str):
        value = value.split(":")
    if (
        not isinstance(value, list)
        or len(value) != 2
        or not all(isinstance(month, str) and _MONTH.match(month) for month in value)
    ):
        raise ValueError(
            f"active versions must be two YYYYMM months, first and last; got {value!r}"
        )
    first, last = value
    if first > last:
        raise ValueError(f"first active version {first} is after the last {last}")
    return first, last
