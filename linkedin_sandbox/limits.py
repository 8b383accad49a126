"""Per-resource rate limits: records per rolling minute and requests per day.

LinkedIn documents, for each Talent sync resource, 100,000 requests per UTC
day and 10,000 records per minute. The sandbox keeps both counts per OAuth
client and resource, because LinkedIn's limits are per application. A
request counts its entities as records (1 for a non-batch request). A
rejected request counts toward neither limit.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from .errors import ApiError

DEFAULT_RECORDS_PER_MINUTE = 10_000
DEFAULT_REQUESTS_PER_DAY = 100_000

MINUTE_LIMIT_BODY = {"status": 429, "message": "Too many requests"}
DAY_LIMIT_BODY = {
    "status": 429,
    "message": "Resource level throttle DAY limit for calls to this resource is "
    "reached.",
}

_WINDOW_S = 60.0


@dataclass
class _Bucket:
    day: str = ""
    requests_today: int = 0
    # (time, records) of the requests in the last minute, oldest first.
    recent: deque[tuple[float, int]] = field(default_factory=deque)
    recent_records: int = 0


class RateLimiter:
    """Counts of requests and records, by (client id, resource)."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._buckets: dict[tuple[str, str], _Bucket] = {}

    def reset(self) -> None:
        with self._lock:
            self._buckets.clear()

    def admit(
        self,
        client_id: str,
        resource: str,
        records: int,
        records_per_minute: int,
        requests_per_day: int,
    ) -> None:
        """Count a request, or raise a 429 ApiError when it is over a limit.

        The daily limit is checked first, because a client must hold until
        UTC midnight after it and can retry soon after a per-minute 429.
        """
        now = self._clock()
        day = datetime.fromtimestamp(now, UTC).date().isoformat()
        with self._lock:
            bucket = self._buckets.setdefault((client_id, resource), _Bucket())
            if bucket.day != day:
                bucket.day = day
                bucket.requests_today = 0
            while bucket.recent and bucket.recent[0][0] <= now - _WINDOW_S:
                _, expired = bucket.recent.popleft()
                bucket.recent_records -= expired

            if bucket.requests_today >= requests_per_day:
                raise ApiError(
                    429,
                    f"daily limit of {requests_per_day} requests reached on {resource}",
                    body=dict(DAY_LIMIT_BODY),
                )
            if bucket.recent_records + records > records_per_minute:
                raise ApiError(
                    429,
                    f"limit of {records_per_minute} records per minute reached on "
                    f"{resource}",
                    body=dict(MINUTE_LIMIT_BODY),
                )
            bucket.requests_today += 1
            bucket.recent.append((now, records))
            bucket.recent_records += records
