"""Control endpoints, the command line and the subprocess helper."""

from __future__ import annotations

import http.client
import socket
from urllib.parse import urlsplit

import pytest
import requests
from sandbox_helpers import (
    CLIENT_ID,
    ORG,
    SandboxClient,
    candidate_entity,
    candidate_key,
    pipeline_entity,
    pipeline_key,
)

from linkedin_sandbox.server import SandboxServer
from linkedin_sandbox.testing import ThreadedSandbox, start_subprocess, stop_subprocess

COUNTED = (
    "atsCandidates",
    "tcrmPipelines",
    "tcrmPipelineStages",
    "tcrmCandidatePipelines",
    "tcrmCandidatePipelineStages",
    "tcrmInteractions",
    "atsApplications",
    "simpleJobPostings",
    "resumes",
)


def test_counts_name_every_resource(client: SandboxClient) -> None:
    counts = client.counts()

    assert tuple(name for name in counts if name != "orphans") == COUNTED
    assert all(counts[name] == 0 for name in COUNTED)
    assert counts["orphans"] == {
        "tcrmPipelineStages": 0,
        "tcrmCandidatePipelines": 0,
        "tcrmCandidatePipelineStages": 0,
        "tcrmInteractions": 0,
        "atsApplications": 0,
        "resumes": 0,
    }


def test_entities_unknown_resource_400(client: SandboxClient) -> None:
    response = client.session.get(
        f"{client.url}/sandbox/entities", params={"resource": "nope"}, timeout=10
    )

    assert response.status_code == 400
    assert response.json()["message"].startswith("resource must be one of")


def test_entities_list_keys_and_values(seeded: SandboxClient) -> None:
    elements = seeded.entities("tcrmPipelines")

    assert elements == [{"key": pipeline_key("p1"), "entity": pipeline_entity()}]


def test_reset_clears_data_keeps_clients(seeded: SandboxClient) -> None:
    response = seeded.session.post(f"{seeded.url}/sandbox/reset", timeout=10)
    after = seeded.upsert("atsCandidates", [(candidate_key("c3"), candidate_entity())])

    assert response.status_code == 200
    assert after.status_code == 200
    assert seeded.counts()["atsCandidates"] == 1
    assert seeded.counts()["tcrmPipelines"] == 0


def test_config_round_trip(client: SandboxClient) -> None:
    settings = client.configure(
        latency_ms=5,
        rate_limits=False,
        records_per_minute=50,
        requests_per_day={"tcrmPipelines": 7},
        token_lifetime_s=60,
        faults={},
    )

    assert settings["latency_ms"] == 5
    assert settings["rate_limits"] is False
    assert settings["records_per_minute"]["atsCandidates"] == 50
    assert settings["requests_per_day"]["tcrmPipelines"] == 7
    assert settings["requests_per_day"]["atsCandidates"] == 100_000
    assert settings["token_lifetime_s"] == 60
    assert settings["active_versions"] == ["202504", "202612"]
    fetched = client.session.get(f"{client.url}/sandbox/config", timeout=10).json()
    assert fetched == settings


def test_config_defaults(client: SandboxClient) -> None:
    settings = client.session.get(f"{client.url}/sandbox/config", timeout=10).json()

    assert settings["rate_limits"] is True
    assert set(settings["records_per_minute"].values()) == {10_000}
    assert set(settings["requests_per_day"].values()) == {100_000}
    assert settings["token_lifetime_s"] == 1800
    assert settings["latency_ms"] == 0


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"latency": 5}, "unknown setting latency"),
        ({"latency_ms": -1}, "latency_ms must be a non-negative integer"),
        ({"rate_limits": "off"}, "rate_limits must be true or false"),
        ({"requests_per_day": {"nope": 1}}, "requests_per_day: unknown resource nope"),
        ({"token_lifetime_s": 0}, "token_lifetime_s must be at least 1 second"),
        ({"active_versions": ["202612", "202504"]}, "first active version 202612"),
        ({"faults": {"error_rate": 2}}, "faults.error_rate must be a number from 0"),
        ({"clock_offset_seconds": "1d"}, "clock_offset_seconds must be a number"),
    ],
)
def test_config_rejects_bad_settings(
    client: SandboxClient, settings: dict, message: str
) -> None:
    response = client.session.post(
        f"{client.url}/sandbox/config", json=settings, timeout=10
    )

    assert response.status_code == 400
    assert response.json()["message"].startswith(message)


def test_clients_list_ids_only(client: SandboxClient) -> None:
    response = client.session.get(f"{client.url}/sandbox/clients", timeout=10)

    assert response.json() == {"client_ids": [CLIENT_ID]}


def test_clients_reject_missing_secret(client: SandboxClient) -> None:
    response = client.session.post(
        f"{client.url}/sandbox/clients", json={"client_id": "x"}, timeout=10
    )

    assert response.status_code == 400


def test_stats_count_requests(seeded: SandboxClient) -> None:
    seeded.delete("atsCandidates", [candidate_key("c1"), candidate_key("c9")])

    stats = seeded.session.get(f"{seeded.url}/sandbox/stats", timeout=10).json()

    assert stats["requests"]["atsCandidates"] == {"PUT": 1, "DELETE": 1}
    assert stats["entities"]["atsCandidates"] == {"PUT": 2, "DELETE": 2}
    assert stats["statuses"]["atsCandidates"] == {"200": 2}
    assert stats["requests"]["tcrmPipelines"] == {"PUT": 1}
    assert stats["requests"]["accessToken"] == {"POST": 1}
    assert stats["held"]["atsCandidates"] == 1


def test_stats_count_tunnelled_as_effective(client: SandboxClient) -> None:
    client.upsert_tunnelled(
        "atsCandidates", [(candidate_key("c1"), candidate_entity())]
    )

    stats = client.session.get(f"{client.url}/sandbox/stats", timeout=10).json()

    assert stats["requests"]["atsCandidates"] == {"PUT": 1}


def test_unknown_control_endpoint_404(client: SandboxClient) -> None:
    response = client.session.get(f"{client.url}/sandbox/nothing", timeout=10)

    assert response.status_code == 404


def test_control_wrong_method_405(client: SandboxClient) -> None:
    response = client.session.get(f"{client.url}/sandbox/reset", timeout=10)

    assert response.status_code == 405


def test_server_rejects_other_hosts() -> None:
    with pytest.raises(ValueError, match="not a loopback address"):
        SandboxServer("0.0.0.0", 0)


def test_accepted_socket_has_nodelay() -> None:
    with ThreadedSandbox() as sandbox:
        connection, _ = _accept_one(sandbox.server)
        try:
            assert connection.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0
        finally:
            connection.close()


def _accept_one(server: SandboxServer):
    # Call the server's accept path directly on a second listening socket.
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    client = socket.create_connection(listener.getsockname())
    original = server.socket
    server.socket = listener
    try:
        return server.get_request()
    finally:
        server.socket = original
        client.close()
        listener.close()


def test_keep_alive_reuses_connection(client: SandboxClient) -> None:
    parts = urlsplit(client.url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        connection.request("GET", "/sandbox/counts")
        first = connection.getresponse()
        first.read()
        first_socket = connection.sock
        connection.request("POST", "/sandbox/reset")
        second = connection.getresponse()
        second.read()

        assert first.status == 200
        assert second.status == 200
        assert first_socket is not None
        assert connection.sock is first_socket
    finally:
        connection.close()


# Subprocess -----------------------------------------------------------------------


def test_start_subprocess_prints_url() -> None:
    url, process = start_subprocess(
        [
            "--client",
            "cli-client:cli-secret",
            "--latency-ms",
            "0",
            "--log-level",
            "WARNING",
        ]
    )
    try:
        assert url.startswith("http://127.0.0.1:")
        token = requests.post(
            f"{url}/oauth/v2/accessToken",
            data={
                "grant_type": "client_credentials",
                "client_id": "cli-client",
                "client_secret": "cli-secret",
            },
            timeout=10,
        )
        assert token.status_code == 200
        counts = requests.get(
            f"{url}/sandbox/counts", params={"integrationContext": ORG}, timeout=10
        )
        assert counts.json()["atsCandidates"] == 0
    finally:
        stop_subprocess(process)
    assert process.returncode == 0


def test_start_subprocess_no_rate_limits() -> None:
    url, process = start_subprocess(["--no-rate-limits", "--versions", "202601:202603"])
    try:
        settings = requests.get(f"{url}/sandbox/config", timeout=10).json()
    finally:
        stop_subprocess(process)

    assert settings["rate_limits"] is False
    assert settings["active_versions"] == ["202601", "202603"]


def test_start_subprocess_reports_failure() -> None:
    with pytest.raises(RuntimeError, match="printed no URL"):
        start_subprocess(["--host", "0.0.0.0", "--log-level", "ERROR"])
