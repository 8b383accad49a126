from linkedin.pacing import MemoryWindow, Pacer, shared_pacer


class FakeClock:
    def __init__(self):
        self.now = 1000.0
        self.sleeps = []

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds


def test_under_limit_no_wait():
    clock = FakeClock()
    pacer = Pacer(clock, clock.sleep)
    for _ in range(10):
        assert pacer.wait("atsCandidates", 100, 1000) == 0.0
    assert clock.sleeps == []


def test_over_limit_waits_for_window():
    clock = FakeClock()
    pacer = Pacer(clock, clock.sleep)
    for _ in range(10):
        pacer.wait("atsCandidates", 100, 1000)
        clock.now += 1
    waited = pacer.wait("atsCandidates", 100, 1000)
    assert waited == 51.0
    assert clock.now == 1061.0


def test_resources_paced_separately():
    clock = FakeClock()
    pacer = Pacer(clock, clock.sleep)
    pacer.wait("atsCandidates", 1000, 1000)
    assert pacer.wait("tcrmInteractions", 1000, 1000) == 0.0


def test_zero_limit_disables_pacing():
    clock = FakeClock()
    pacer = Pacer(clock, clock.sleep)
    for _ in range(100):
        pacer.wait("atsCandidates", 100, 0)
    assert clock.sleeps == []


def test_oversized_request_passes_when_idle():
    clock = FakeClock()
    pacer = Pacer(clock, clock.sleep)
    assert pacer.wait("atsCandidates", 5000, 1000) == 0.0
    assert pacer.wait("atsCandidates", 1, 1000) == 61.0


def test_rate_stays_under_limit():
    clock = FakeClock()
    pacer = Pacer(clock, clock.sleep)
    for _ in range(100):
        pacer.wait("tcrmPipelines", 100, 1000)
    assert clock.now - 1000.0 >= 9 * 60


def test_released_request_frees_allowance():
    clock = FakeClock()
    pacer = Pacer(clock, clock.sleep)
    for _ in range(10):
        pacer.wait("atsCandidates", 100, 1000)
    pacer.release("atsCandidates", 100)
    assert pacer.wait("atsCandidates", 100, 1000) == 0.0
    assert clock.sleeps == []


def test_release_keeps_other_sizes():
    clock = FakeClock()
    pacer = Pacer(clock, clock.sleep)
    pacer.wait("atsCandidates", 600, 1000)
    pacer.wait("atsCandidates", 300, 1000)
    pacer.release("atsCandidates", 600)
    assert pacer.wait("atsCandidates", 700, 1000) == 0.0
    assert clock.sleeps == []


def test_shared_pacer_one_per_key():
    first = shared_pacer(("db", 1))
    assert shared_pacer(("db", 1)) is first
    assert shared_pacer(("db", 2)) is not first
    assert shared_pacer(("other", 1)) is not first


def test_pacers_share_one_window():
    clock = FakeClock()
    window = MemoryWindow()
    first = Pacer(clock, clock.sleep, window)
    second = Pacer(clock, clock.sleep, window)
    assert first.wait("atsCandidates", 600, 1000) == 0.0
    assert second.wait("atsCandidates", 600, 1000) == 61.0


def test_release_of_other_pacer_ignored():
    clock = FakeClock()
    window = MemoryWindow()
    first = Pacer(clock, clock.sleep, window)
    second = Pacer(clock, clock.sleep, window)
    first.wait("atsCandidates", 600, 1000)
    second.release("atsCandidates", 600)
    assert second.wait("atsCandidates", 600, 1000) == 61.0


def test_shared_pacer_uses_factory():
    window = MemoryWindow()
    pacer = shared_pacer(("db", 3), lambda: Pacer(window=window))
    assert pacer._window is window
    assert shared_pacer(("db", 3), Pacer) is pacer
