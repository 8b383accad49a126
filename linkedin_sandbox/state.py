"""All state of one sandbox: settings, data, tokens, rate limits and statistics."""

from __future__ import annotations

import threading
from collections import defaultdict
from typing import Any

from .auth import TokenRegistry
from .config import SandboxConfig
from .limits import RateLimiter
from .store import Store


class RequestStats:
    """Request counts per resource and HTTP method, and per response status.

    ``entities`` counts the entities that those requests named, so a test
    can compare what a client sent with what the sandbox stores.
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

    def record(self, resource: str, method: str, status: int, entities: int) -> None:
        with self._lock:
            self._requests[resource][method] += 1
            self._statuses[resource][str(status)] += 1
            self._entities[resource][method] += entities

    def as_dict(self) -> dict[str, Any]:
        with self._lock:
            return {
                "requests": {name: dict(by) for name, by in self._requests.items()},
                "entities": {name: dict(by) for name, by in self._entities.items()},
                "statuses": {name: dict(by) for name, by in self._statuses.items()},
            }


class SandboxState:
    """State shared by all request threads of one server."""

    def __init__(self, config: SandboxConfig | None = None) -> None:
        self.config = config or SandboxConfig()
        self.store = Store()
        self.tokens = TokenRegistry()
        self.limiter = RateLimiter()
        self.stats = RequestStats()

    def reset(self) -> None:
        """Clear data, rate-limit counts and statistics.

        Clients, tokens and settings are kept, so a test can reset between
        cases without registering its client again.
        """
        self.store.reset()
        self.limiter.reset()
        self.stats.reset()
