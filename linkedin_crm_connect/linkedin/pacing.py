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


#: Slots a pacer remembers per resource and thread, so that ``release`` can
#: find the request LinkedIn refused.
OWN_SLOTS = 16


class MemoryWindow:
    """A sliding one-minute window of records sent, per resource, in memory.

    It serves the threads of one process, because the window is read and
    changed under a lock. ``linkedin_crm_connect`` uses a window in
    PostgreSQL, which every Odoo process shares, in its place.
    """

    def __init__(self):
        self._sent = collections.defaultdict(collections.deque)
        self._lock = threading.Lock()

    def reserve(self, resource, count, limit, now):
        """Record ``count`` records at ``now`` if they fit under ``limit``.

        Returns ``(slot, 0.0)`` with a slot to pass to ``discard``, or
        ``(None, seconds)`` to wait before the next try. A request larger
        than the limit is let through once the window is empty, so it does
        not wait for room that the limit never leaves.
        """
        with self._lock:
            window = self._sent[resource]
            while window and window[0][0] <= now - WINDOW_SECONDS - MARGIN_SECONDS:
                window.popleft()
            used = sum(count for _at, count in window)
            if used + count <= limit or not window:
                slot = [now, count]
                window.append(slot)
                return slot, 0.0
            return None, window[0][0] + WINDOW_SECONDS + MARGIN_SECONDS - now

    def discard(self, resource, slot):
        """Remove a slot that ``reserve`` returned, if it is still in the window."""
        with self._lock:
            window = self._sent[resource]
            for index, entry in enumerate(window):
                if entry is slot:
                    del window[index]
                    return


class Pacer:
    """Pace requests per resource under a records-per-minute limit.

    ``wait`` blocks until ``count`` more records fit under the limit in the
    window, then records them there. The sleep happens outside the window's
    lock, so one pacer may serve several threads.
    """

    def __init__(self, clock=time.monotonic, sleep=time.sleep, window=None):
        self._clock = clock
        self._sleep = sleep
        self._window = window if window is not None else MemoryWindow()
        self._local = threading.local()

    def _own_slots(self, resource):
        slots = getattr(self._local, "slots", None)
        if slots is None:
            slots = self._local.slots = {}
        if resource not in slots:
            slots[resource] = collections.deque(maxlen=OWN_SLOTS)
        return slots[resource]

    def wait(self, resource, count, limit):
        """Wait until ``count`` records fit under ``limit`` a minute; 0 is no limit.

        Returns the seconds spent waiting.
        """
        if not limit or count <= 0:
            return 0.0
        waited = 0.0
        while True:
            slot, delay = self._window.reserve(resource, count, limit, self._clock())
            if slot is not None:
                self._own_slots(resource).append((slot, count))
                return waited
            delay = max(delay, 0.01)
            self._sleep(delay)
            waited += delay

    def release(self, resource, count):
        """Give back the records of a request that LinkedIn refused.

        A request rejected with 429 counts nothing at LinkedIn, so keeping its
        records in the window would waste that much of the allowance. The
        latest request of ``count`` records that this thread sent through
        this pacer is removed, which is the refused one when the caller
        releases it right after the refusal.
        """
        own = self._own_slots(resource)
        for index in range(len(own) - 1, -1, -1):
            slot, size = own[index]
            if size == count:
                del own[index]
                self._window.discard(resource, slot)
                return


_shared_pacers = {}
_shared_lock = threading.Lock()


def shared_pacer(key, factory=Pacer):
    """Return this process's pacer for ``key``, creating it with ``factory``.

    The flusher runs once a minute and each run is short, so a pacer per run
    would forget the records that the previous run sent less than a minute
    before, unless its window lives outside the process. Callers pass a key
    such as ``(database name, backend id)``.
    """
    with _shared_lock:
        pacer = _shared_pacers.get(key)
        if pacer is None:
            pacer = _shared_pacers[key] = factory()
        return pacer
