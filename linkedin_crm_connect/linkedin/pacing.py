"""Pace requests under LinkedIn's documented records-per-minute limits.

LinkedIn documents, per resource, how many records a minute an application
may send (10,000 for the CRM Connect sync resources). Sending no faster
than that means a normal run never meets a 429, which is cheaper than
backing off after one.
"""

import collections
import threading
import time

WINDOW_SECONDS = 60.0
#: Seconds added to the window: LinkedIn counts a request when it arrives,
#: after its body, so a slot freed exactly 60 s after sending can collide
#: with the request it replaced.
MARGIN_SECONDS = 1.0


class Pacer:
    """A sliding one-minute window of records sent, per resource.

    ``wait`` blocks until ``count`` more records fit under the limit. A
    single request larger than the limit is let through once the window is
    empty, so the pacer never blocks forever.

    One pacer may serve several threads, because the window is read and
    changed under a lock and the sleep happens outside it.

    NOTE: the window is per process. Two Odoo workers flushing the same
    backend at once each pace to the full limit, so together they may send
    up to twice the limit.
    """

    def __init__(self, clock=time.monotonic, sleep=time.sleep):
        self._clock = clock
        self._sleep = sleep
        self._sent = collections.defaultdict(collections.deque)
        self._lock = threading.Lock()

    def _used(self, resource, now):
        window = self._sent[resource]
        while window and window[0][0] <= now - WINDOW_SECONDS - MARGIN_SECONDS:
            window.popleft()
        return sum(count for _at, count in window)

    def wait(self, resource, count, limit):
        """Wait until ``count`` records fit under ``limit`` a minute; 0 is no limit.

        Returns the seconds spent waiting.
        """
        if not limit or count <= 0:
            return 0.0
        waited = 0.0
        while True:
            with self._lock:
                now = self._clock()
                used = self._used(resource, now)
                window = self._sent[resource]
                if used + count <= limit or not window:
                    window.append((self._clock(), count))
                    return waited
                delay = max(window[0][0] + WINDOW_SECONDS + MARGIN_SECONDS - now, 0.01)
            self._sleep(delay)
            waited += delay

    def release(self, resource, count):
        """Give back the records of the last request, which LinkedIn refused.

        A request rejected with 429 counts nothing at LinkedIn, so keeping its
        records in the window would waste that much of the allowance. The
        latest entry of ``count`` records is removed, which is the refused
        request's unless another thread sent one of the same size since.
        """
        with self._lock:
            window = self._sent[resource]
            for index in range(len(window) - 1, -1, -1):
                if window[index][1] == count:
                    del window[index]
                    return


_shared_pacers = {}
_shared_lock = threading.Lock()


def shared_pacer(key):
    """Return this process's pacer for ``key``, creating it on first use.

    The flusher runs once a minute and each run is short, so a pacer per run
    would forget the records that the previous run sent less than a minute
    before. Callers pass a key such as ``(database name, backend id)``.
    """
    with _shared_lock:
        pacer = _shared_pacers.get(key)
        if pacer is None:
            pacer = _shared_pacers[key] = Pacer()
        return pacer
