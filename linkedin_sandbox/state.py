"""All state of one sandbox: settings, data, tokens, rate limits and statistics."""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from .auth import TokenRegistry
from .config import SandboxConfig
from .faults import FAULT_KINDS, FaultInjector, parse_fault_settings
from .limits import RateLimiter
from .store import Store


class RequestStats:
    """Request counts per resource and HTTP method, and per response status.

    ``entities`` counts the entities that those requests named, so a test
    can compare what a client sent with what the sandbox stores. A request
    that gets an injected fault instead of being handled is counted only in
    ``faults``, by kind of fault.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self._requests: defaultdict[str, defaultdict[str, int]] = defaultdict(
                lambda: defaultdict(int)
            )
            self._entities: defaultdict[str, defaultdict[str, int]] = defaultdict(
                lambda: defaultdict(int)
            )
            self._statuses: defaultdict[str, defaultdict[str, int]] = defaultdict(
                lambda: defaultdict(int)
            )
            self._faults = dict.fromkeys(FAULT_KINDS, 0)

    def record(self, resource: str, method: str, status: int, entities: int) -> None:
        with self._lock:
            self._requests[resource][method] += 1
            self._statuses[resource][str(status)] += 1
            self._entities[resource][method] += entities

    def record_fault(self, kind: str) -> None:
        with self._lock:
            self._faults[kind] += 1

    def as_dict(self) -> dict[str, Any]:
        with self._lock:
            return {
                "requests": {name: dict(by) for name, by in self._requests.items()},
                "entities": {name: dict(by) for name, by in self._entities.items()},
                "statuses": {name: dict(by) for name, by in self._statuses.items()},
                "faults": dict(self._faults),
            }


class SandboxState:
    """State shared by all request threads of one server.

    ``clock`` is the system clock that ``now`` shifts by the configured
    ``clock_offset_seconds``; tests may pass another one.
    """

    def __init__(
        self,
        config: SandboxConfig | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.config = config or SandboxConfig()
        self._clock = clock
        self.store = Store()
        self.tokens = TokenRegistry(self.now)
        self.limiter = RateLimiter(self.now)
        self.faults = FaultInjector(self.now)
        self.faults.arm(self.config.faults)
        self.stats = RequestStats()

    def now(self) -> float:
        """Return the sandbox time in epoch seconds, used for token expiry,
        rate limits and faults."""
        return self._clock() + self.config.clock_offset_seconds

    def configure(self, changes: dict[str, Any]) -> None:
        """Apply a /sandbox/config body, or raise ValueError and change nothing.

        New fault settings are armed at once: their counts and random
        sequence start again.
        """
        if "faults" in changes:
            revoke_after = parse_fault_settings(changes["faults"]).revoke_after
            if revoke_after and not self.tokens.has_client(revoke_after[0]):
                raise ValueError(
                    f"faults.revoke_after.client_id: OAuth client {revoke_after[0]} "
                    "is not registered; register it with POST /sandbox/clients"
                )
        self.config.update(changes)
        if "faults" in changes:
            self.faults.arm(self.config.faults)

    def reset(self) -> None:
        """Clear data, rate-limit counts and statistics, and re-arm the faults.

        Clients, tokens and settings are kept, so a test can reset between
        cases without registering its client again.
        """
        self.store.reset()
        self.limiter.reset()
        self.faults.arm(self.config.faults)
        self.stats.reset()
