"""Fault injection: 5xx errors, resets, slow responses, 429s and revocation."""

from __future__ import annotations

import socket
import time
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests
from sandbox_helpers import (
    CLIENT_ID,
    PATHS,
    SandboxClient,
    body_key,
    candidate_entity,
    candidate_key,
    indexed_query,
    stage_key,
)

from linkedin_sandbox.__main__ import build_parser, fault_settings_from, main
from linkedin_sandbox.faults import (
    FAULT_KINDS,
    FaultInjector,
    parse_fault_settings,
)
from linkedin_sandbox.state import SandboxState
from linkedin_sandbox.testing import start_subprocess, stop_subprocess

SHORT_429 = {"status": 429, "message": "Too many requests"}
DAY_429 = {
    "status": 429,
    "message": "Resource level throttle DAY limit for calls to this resource is "
    "reached.",
}
REASONS = {500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable"}
NO_FAULTS = dict.fromkeys(FAULT_KINDS, 0)


def set_faults(client: SandboxClient, **faults: Any) -> dict[str, Any]:
    return client.configure(faults=faults)["faults"]


def stats(client: SandboxClient) -> dict[str, Any]:
    response = client.session.get(f"{client.url}/sandbox/stats", timeout=10)
    assert response.status_code == 200, response.text
    return response.json()


def upsert_one(client: SandboxClient, candidate_id: str) -> requests.Response:
    return client.upsert(
        "atsCandidates", [(candidate_key(candidate_id), candidate_entity())]
    )


def upsert_with_timeout(
    client: SandboxClient, candidate_id: str, timeout: float
) -> requests.Response:
    """BATCH_UPDATE one candidate with a client read timeout in seconds."""
    key = candidate_key(candidate_id)
    path = PATHS["atsCandidates"]
    return client.session.put(
        f"{client.url}{path}?{indexed_query([key])}",
        headers=client.api_headers(path, "BATCH_UPDATE"),
        json={"entities": {body_key(key): candidate_entity()}},
        timeout=timeout,
    )


def get_stage(client: SandboxClient) -> requests.Response:
    path = PATHS["tcrmPipelineStages"]
    return client.request("GET", f"{path}?{indexed_query([stage_key('p1', 's1')])}")


def seconds_to_next_utc_midnight() -> float:
    now = datetime.now(UTC)
    midnight = datetime.combine(now.date() + timedelta(days=1), datetime.min.time())
    return midnight.replace(tzinfo=UTC).timestamp() - now.timestamp()


# Settings ---------------------------------------------------------------------


def test_stats_count_no_fault_by_default(client: SandboxClient) -> None:
    upsert_one(client, "c1")

    assert stats(client)["faults"] == NO_FAULTS
    assert client.configure()["faults"] == {}


def test_config_returns_fault_settings(client: SandboxClient) -> None:
    settings = set_faults(
        client,
        error_rate=0.25,
        slow_rate=0.5,
        slow_seconds=2,
        slow_applies=False,
        burst_429={"resource": "*", "count": 3},
        daily_limit={"resource": "tcrmPipelines", "requests": 10},
        revoke_after={"client_id": CLIENT_ID, "requests": 4},
        seed=9,
    )

    assert settings == {
        "error_rate": 0.25,
        "slow_rate": 0.5,
        "slow_seconds": 2.0,
        "slow_applies": False,
        "seed": 9,
        "burst_429": {"resource": "*", "count": 3},
        "daily_limit": {"resource": "tcrmPipelines", "requests": 10},
        "revoke_after": {"client_id": CLIENT_ID, "requests": 4},
    }
    fetched = client.session.get(f"{client.url}/sandbox/config", timeout=10).json()
    assert fetched["faults"] == settings


@pytest.mark.parametrize(
    ("faults", "message"),
    [
        ([], "faults must be a JSON object"),
        ({"error": 0.5}, "faults: unknown setting error;"),
        ({"error_rate": 1.5}, "faults.error_rate must be a number from 0 to 1"),
        ({"reset_rate": -0.1}, "faults.reset_rate must be a number from 0 to 1"),
        ({"error_rate": True}, "faults.error_rate must be a number from 0 to 1"),
        (
            {"error_rate": 0.6, "reset_rate": 0.5},
            "faults: error_rate + reset_rate + slow_rate is 1.1;",
        ),
        ({"slow_rate": 0.5}, "faults.slow_seconds is missing"),
        (
            {"slow_rate": 0.5, "slow_seconds": 0},
            "faults.slow_seconds must be a number of seconds above 0",
        ),
        (
            {"slow_rate": 0.5, "slow_seconds": 3601},
            "faults.slow_seconds must be a number of seconds above 0 and at most 3600",
        ),
        ({"slow_applies": "no"}, "faults.slow_applies must be true or false"),
        ({"seed": "abc"}, "faults.seed must be an integer or null"),
        ({"oauth": 1}, "faults.oauth must be true or false"),
        (
            {"burst_429": {"resource": "nope", "count": 1}},
            "faults.burst_429.resource: unknown resource 'nope'",
        ),
        (
            {"burst_429": {"resource": "*"}},
            'faults.burst_429 must be {"resource": name, "count": N}',
        ),
        (
            {"burst_429": {"resource": "*", "count": -1}},
            "faults.burst_429.count must be an integer of at least 0",
        ),
        (
            {"burst_429": {"resource": "accessToken", "count": 1}},
            "faults.burst_429.resource accessToken is an OAuth endpoint",
        ),
        (
            {"daily_limit": {"resource": "*", "requests": 1}},
            "faults.daily_limit.resource: unknown resource '*'",
        ),
        (
            {"daily_limit": {"resource": "atsCandidates", "count": 1}},
            'faults.daily_limit must be {"resource": name, "requests": N}',
        ),
        (
            {"revoke_after": {"client_id": CLIENT_ID, "requests": 0}},
            "faults.revoke_after.requests must be an integer of at least 1",
        ),
        (
            {"revoke_after": {"client_id": "", "requests": 1}},
            "faults.revoke_after.client_id must be a non-empty string",
        ),
        (
            {"revoke_after": {"client_id": "unknown", "requests": 1}},
            "faults.revoke_after.client_id: OAuth client unknown is not registered",
        ),
    ],
)
def test_config_rejects_bad_faults(
    client: SandboxClient, faults: Any, message: str
) -> None:
    before = set_faults(client, error_rate=0.5)

    response = client.session.post(
        f"{client.url}/sandbox/config", json={"faults": faults}, timeout=10
    )

    assert response.status_code == 400
    assert response.json()["message"].startswith(message)
    assert client.configure()["faults"] == before


def test_empty_faults_turn_all_off(client: SandboxClient) -> None:
    set_faults(
        client,
        error_rate=0.5,
        reset_rate=0.5,
        burst_429={"resource": "*", "count": 5},
        daily_limit={"resource": "atsCandidates", "requests": 0},
        revoke_after={"client_id": CLIENT_ID, "requests": 1},
    )

    assert set_faults(client) == {}
    statuses = [upsert_one(client, f"c{i}").status_code for i in range(5)]
    assert statuses == [200] * 5
    assert client.counts()["atsCandidates"] == 5
    assert stats(client)["faults"] == NO_FAULTS


def test_control_calls_never_faulted(client: SandboxClient) -> None:
    set_faults(client, error_rate=1, burst_429={"resource": "*", "count": 10})

    for path in ("counts", "stats", "config", "clients"):
        response = client.session.get(f"{client.url}/sandbox/{path}", timeout=10)
        assert response.status_code == 200, path
    assert stats(client)["faults"] == NO_FAULTS


def test_oauth_not_faulted_by_default(client: SandboxClient) -> None:
    set_faults(client, error_rate=1, burst_429={"resource": "*", "count": 10})

    token = client.fetch_token()

    assert isinstance(token, str)
    assert stats(client)["faults"] == NO_FAULTS


def test_oauth_faulted_when_enabled(client: SandboxClient) -> None:
    set_faults(client, oauth=True, burst_429={"resource": "accessToken", "count": 1})

    with pytest.raises(requests.HTTPError) as raised:
        client.fetch_token()
    token = client.fetch_token()

    assert raised.value.response.status_code == 429
    assert raised.value.response.json() == SHORT_429
    assert isinstance(token, str)
    assert stats(client)["faults"]["burst_429"] == 1


# error_rate -------------------------------------------------------------------


def test_error_rate_one_answers_5xx(client: SandboxClient) -> None:
    set_faults(client, error_rate=1, seed=1)

    responses = [upsert_one(client, f"c{i}") for i in range(30)]

    statuses = {response.status_code for response in responses}
    assert statuses == {500, 502, 503}
    for response in responses:
        status = response.status_code
        assert response.json() == {
            "status": status,
            "serviceErrorCode": 106,
            "message": f"{REASONS[status]} (fault injected by linkedin_sandbox)",
        }
    assert client.counts()["atsCandidates"] == 0
    body = stats(client)
    assert body["faults"] == {**NO_FAULTS, "error": 30}
    assert "atsCandidates" not in body["requests"]


def test_error_rate_share_and_seed(client: SandboxClient) -> None:
    set_faults(client, error_rate=0.3, seed=7)
    first = [get_stage(client).status_code for _ in range(200)]
    set_faults(client, error_rate=0.3, seed=7)
    again = [get_stage(client).status_code for _ in range(200)]
    set_faults(client, error_rate=0.3, seed=8)
    other_seed = [get_stage(client).status_code for _ in range(200)]

    errors = sum(status != 200 for status in first)
    assert 40 <= errors <= 80
    assert set(first) == {200, 500, 502, 503}
    assert again == first
    assert other_seed != first
    assert stats(client)["faults"]["error"] == errors * 2 + sum(
        status != 200 for status in other_seed
    )


def test_reset_rearms_random_sequence(client: SandboxClient) -> None:
    set_faults(client, error_rate=0.5, seed=3)
    first = [get_stage(client).status_code for _ in range(40)]

    client.session.post(f"{client.url}/sandbox/reset", timeout=10)
    again = [get_stage(client).status_code for _ in range(40)]

    assert again == first


def test_injector_draws_reproducible() -> None:
    settings = parse_fault_settings(
        {
            "error_rate": 0.2,
            "reset_rate": 0.2,
            "slow_rate": 0.2,
            "slow_seconds": 1,
            "seed": 5,
        }
    )
    injector = FaultInjector()
    injector.arm(settings)
    first = [injector.decide("atsCandidates").kind for _ in range(1000)]
    injector.arm(settings)
    again = [injector.decide("atsCandidates").kind for _ in range(1000)]

    assert again == first
    for kind in ("reset", "error", "slow", None):
        share = first.count(kind) / len(first)
        expected = 0.4 if kind is None else 0.2
        assert abs(share - expected) < 0.05, kind


# reset_rate -------------------------------------------------------------------


def test_reset_is_connection_error(client: SandboxClient) -> None:
    set_faults(client, reset_rate=1)

    with pytest.raises(requests.exceptions.ConnectionError) as raised:
        upsert_one(client, "c1")

    assert "ConnectionResetError" in repr(raised.value)
    assert client.counts()["atsCandidates"] == 0
    body = stats(client)
    assert body["faults"] == {**NO_FAULTS, "reset": 1}
    assert "atsCandidates" not in body["requests"]
    set_faults(client)
    assert upsert_one(client, "c1").status_code == 200


def test_reset_sends_rst_not_fin(client: SandboxClient) -> None:
    set_faults(client, reset_rate=1)
    parts = urlsplit(client.url)
    path = f"{PATHS['tcrmPipelineStages']}?{indexed_query([stage_key('p1', 's1')])}"
    request = (
        f"GET {path} HTTP/1.1\r\nHost: {parts.netloc}\r\n"
        f"Authorization: Bearer {client.token}\r\n\r\n"
    ).encode()

    with socket.create_connection((parts.hostname, parts.port), timeout=10) as sock:
        sock.sendall(request)
        # A FIN would make recv return b"" instead of raising.
        with pytest.raises(ConnectionResetError):
            sock.recv(1024)


# slow_rate --------------------------------------------------------------------


def test_slow_applied_is_read_timeout(client: SandboxClient) -> None:
    set_faults(client, slow_rate=1, slow_seconds=1)

    with pytest.raises(requests.exceptions.ReadTimeout):
        upsert_with_timeout(client, "c1", timeout=0.2)

    # The write was stored before the delay, as LinkedIn may store a write
    # whose response never arrives.
    assert client.held_keys("atsCandidates") == [candidate_key("c1")]
    body = stats(client)
    assert body["faults"] == {**NO_FAULTS, "slow": 1}
    assert body["requests"]["atsCandidates"] == {"PUT": 1}


def test_slow_applied_response_arrives_late(client: SandboxClient) -> None:
    set_faults(client, slow_rate=1, slow_seconds=0.5)

    started = time.monotonic()
    response = upsert_with_timeout(client, "c1", timeout=10)

    assert time.monotonic() - started >= 0.5
    assert response.status_code == 200
    assert response.json()["results"] == {
        body_key(candidate_key("c1")): {"status": 204}
    }
    assert response.headers["Connection"] == "close"


def test_slow_not_applied_leaves_store(client: SandboxClient) -> None:
    set_faults(client, slow_rate=1, slow_seconds=1, slow_applies=False)

    with pytest.raises(requests.exceptions.ReadTimeout):
        upsert_with_timeout(client, "c1", timeout=0.2)
    assert client.counts()["atsCandidates"] == 0
    time.sleep(1.2)
    assert client.counts()["atsCandidates"] == 0

    started = time.monotonic()
    late = upsert_with_timeout(client, "c2", timeout=10)
    assert time.monotonic() - started >= 1
    assert late.status_code == 504
    assert late.json() == {
        "status": 504,
        "serviceErrorCode": 106,
        "message": "Gateway Timeout (fault injected by linkedin_sandbox)",
    }
    assert client.counts()["atsCandidates"] == 0
    body = stats(client)
    assert body["faults"] == {**NO_FAULTS, "slow": 2}
    assert "atsCandidates" not in body["requests"]


# burst_429 --------------------------------------------------------------------


def test_burst_429_then_normal_service(client: SandboxClient) -> None:
    set_faults(client, burst_429={"resource": "atsCandidates", "count": 2})

    other = get_stage(client)
    responses = [upsert_one(client, f"c{i}") for i in range(1, 5)]

    assert other.status_code == 200
    assert [response.status_code for response in responses] == [429, 429, 200, 200]
    assert responses[0].json() == SHORT_429
    assert responses[1].json() == SHORT_429
    assert client.held_keys("atsCandidates") == [
        candidate_key("c3"),
        candidate_key("c4"),
    ]
    assert stats(client)["faults"] == {**NO_FAULTS, "burst_429": 2}


def test_burst_429_any_resource(client: SandboxClient) -> None:
    set_faults(client, burst_429={"resource": "*", "count": 2})

    statuses = [
        get_stage(client).status_code,
        upsert_one(client, "c1").status_code,
        upsert_one(client, "c2").status_code,
    ]

    assert statuses == [429, 429, 200]
    assert client.held_keys("atsCandidates") == [candidate_key("c2")]


def test_sandbox_reset_rearms_burst(client: SandboxClient) -> None:
    set_faults(client, burst_429={"resource": "atsCandidates", "count": 1})
    assert upsert_one(client, "c1").status_code == 429
    assert upsert_one(client, "c1").status_code == 200

    client.session.post(f"{client.url}/sandbox/reset", timeout=10)

    assert upsert_one(client, "c1").status_code == 429
    assert stats(client)["faults"]["burst_429"] == 1


# daily_limit ------------------------------------------------------------------


def test_daily_limit_until_utc_midnight(client: SandboxClient) -> None:
    set_faults(client, daily_limit={"resource": "atsCandidates", "requests": 2})

    statuses = [upsert_one(client, f"c{i}").status_code for i in range(1, 4)]
    blocked = upsert_one(client, "c4")
    other = get_stage(client)

    assert statuses == [200, 200, 429]
    assert blocked.status_code == 429
    assert blocked.json() == DAY_429
    assert other.status_code == 200
    assert client.held_keys("atsCandidates") == [
        candidate_key("c1"),
        candidate_key("c2"),
    ]

    # Two seconds before the next UTC midnight is still the same day.
    to_midnight = seconds_to_next_utc_midnight()
    client.configure(clock_offset_seconds=to_midnight - 2)
    client.token = client.fetch_token()
    assert upsert_one(client, "c5").status_code == 429

    client.configure(clock_offset_seconds=to_midnight + 1)
    client.token = client.fetch_token()
    next_day = [upsert_one(client, f"c{i}").status_code for i in range(5, 8)]

    assert next_day == [200, 200, 429]
    assert client.counts()["atsCandidates"] == 4
    assert stats(client)["faults"] == {**NO_FAULTS, "daily_limit": 4}


def test_clock_offset_moves_rate_limit_day(client: SandboxClient) -> None:
    client.configure(requests_per_day={"atsCandidates": 1})
    assert upsert_one(client, "c1").status_code == 200
    assert upsert_one(client, "c2").status_code == 429

    settings = client.configure(clock_offset_seconds=86_400)
    expired = upsert_one(client, "c2")
    client.token = client.fetch_token()

    assert settings["clock_offset_seconds"] == 86_400
    assert expired.status_code == 401
    assert expired.json()["code"] == "EXPIRED_ACCESS_TOKEN"
    assert upsert_one(client, "c2").status_code == 200


def test_state_clock_is_injectable() -> None:
    now = [1_700_000_000.0]
    state = SandboxState(clock=lambda: now[0])
    state.configure(
        {"faults": {"daily_limit": {"resource": "tcrmPipelines", "requests": 1}}}
    )

    first = state.faults.decide("tcrmPipelines").kind
    blocked = state.faults.decide("tcrmPipelines").kind
    now[0] += 86_400
    next_day = state.faults.decide("tcrmPipelines").kind
    state.configure({"clock_offset_seconds": 60})

    assert first is None
    assert blocked == "daily_limit"
    assert next_day is None
    assert state.now() == 1_700_086_460.0


# revoke_after -----------------------------------------------------------------


def test_revoke_after_n_requests(client: SandboxClient) -> None:
    other = client.session.post(
        f"{client.url}/sandbox/clients",
        json={"client_id": "other-client", "client_secret": "other-secret"},
        timeout=10,
    )
    assert other.status_code == 201
    other_token = client.session.post(
        f"{client.url}/oauth/v2/accessToken",
        data={
            "grant_type": "client_credentials",
            "client_id": "other-client",
            "client_secret": "other-secret",
        },
        timeout=10,
    ).json()["access_token"]
    set_faults(client, revoke_after={"client_id": CLIENT_ID, "requests": 2})

    other_statuses = [
        client.upsert(
            "atsCandidates",
            [(candidate_key(f"o{i}"), candidate_entity())],
            headers={"Authorization": f"Bearer {other_token}"},
        ).status_code
        for i in range(3)
    ]
    statuses = [upsert_one(client, f"c{i}").status_code for i in range(1, 3)]
    revoked = upsert_one(client, "c3")

    assert other_statuses == [200, 200, 200]
    assert statuses == [200, 200]
    assert revoked.status_code == 401
    assert revoked.json()["code"] == "REVOKED_ACCESS_TOKEN"
    assert client.counts()["atsCandidates"] == 5
    assert stats(client)["faults"] == {**NO_FAULTS, "revoke_after": 1}

    # The fault fires once: a new token keeps working.
    client.token = client.fetch_token()
    after = [upsert_one(client, f"c{i}").status_code for i in range(3, 6)]
    assert after == [200, 200, 200]
    assert stats(client)["faults"]["revoke_after"] == 1


def test_revoke_after_counts_faulted_requests(client: SandboxClient) -> None:
    set_faults(
        client,
        burst_429={"resource": "atsCandidates", "count": 1},
        revoke_after={"client_id": CLIENT_ID, "requests": 2},
    )

    statuses = [upsert_one(client, f"c{i}").status_code for i in range(3)]

    assert statuses == [429, 200, 401]


# Command line -----------------------------------------------------------------


def test_fault_options_build_settings() -> None:
    options = build_parser().parse_args(
        [
            "--fault-error-rate",
            "0.1",
            "--fault-reset-rate",
            "0.2",
            "--fault-slow-rate",
            "0.3",
            "--fault-slow-seconds",
            "5",
            "--fault-slow-not-applied",
            "--fault-burst-429",
            "*:3",
            "--fault-daily-limit",
            "tcrmPipelines:100",
            "--fault-revoke-after",
            "my-client:50",
            "--fault-seed",
            "42",
            "--fault-oauth",
        ]
    )

    assert fault_settings_from(options) == {
        "error_rate": 0.1,
        "reset_rate": 0.2,
        "slow_rate": 0.3,
        "slow_seconds": 5.0,
        "seed": 42,
        "slow_applies": False,
        "oauth": True,
        "burst_429": {"resource": "*", "count": 3},
        "daily_limit": {"resource": "tcrmPipelines", "requests": 100},
        "revoke_after": {"client_id": "my-client", "requests": 50},
    }
    assert fault_settings_from(build_parser().parse_args([])) == {}


def test_fault_option_invalid_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as raised:
        main(["--port", "0", "--fault-revoke-after", "nobody:5"])

    assert raised.value.code == 2
    assert "OAuth client nobody is not registered" in capsys.readouterr().err


def test_subprocess_injects_faults() -> None:
    url, process = start_subprocess(
        [
            "--fault-burst-429",
            "atsCandidates:1",
            "--fault-seed",
            "3",
            "--log-level",
            "WARNING",
        ]
    )
    try:
        client = SandboxClient(url)
        settings = client.configure()
        first = upsert_one(client, "c1")
        second = upsert_one(client, "c1")
    finally:
        stop_subprocess(process)

    assert settings["faults"] == {
        "seed": 3,
        "burst_429": {"resource": "atsCandidates", "count": 1},
    }
    assert first.status_code == 429
    assert second.status_code == 200
