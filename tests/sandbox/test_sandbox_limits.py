"""URL limits (414), query tunnelling, rate limits (429) and added latency."""

from __future__ import annotations

import json
import statistics
import time

import pytest
from sandbox_helpers import (
    PATHS,
    SandboxClient,
    body_key,
    candidate_entity,
    candidate_key,
    indexed_query,
    multipart_body,
)

DAY_MESSAGE = "Resource level throttle DAY limit for calls to this resource is reached."


# URL limits -----------------------------------------------------------------------


def test_query_over_4kb_is_414(client: SandboxClient) -> None:
    query = "ids=" + "x" * 4097
    response = client.request("GET", f"{PATHS['atsCandidates']}?{query}")

    assert response.status_code == 414
    assert response.json()["message"].startswith(
        "query string is 4101 bytes; limit 4096"
    )


def test_query_of_4kb_is_not_414(client: SandboxClient) -> None:
    query = "ids=" + "x" * 4092
    response = client.request("GET", f"{PATHS['atsCandidates']}?{query}")

    assert response.status_code != 414


def test_url_over_8kb_is_414(client: SandboxClient) -> None:
    response = client.request("GET", "/v2/" + "a" * 8200)

    assert response.status_code == 414
    assert response.json()["message"].startswith("URL is ")


def test_headers_over_28kb_is_414(client: SandboxClient) -> None:
    headers = {f"X-Padding-{i}": "p" * 1000 for i in range(29)}
    response = client.request("GET", PATHS["atsCandidates"], headers=headers)

    assert response.status_code == 414
    assert response.json()["message"].startswith("request line and headers are ")


def test_connection_usable_after_414(client: SandboxClient) -> None:
    client.request("GET", f"{PATHS['atsCandidates']}?ids={'x' * 5000}")
    response = client.upsert(
        "atsCandidates", [(candidate_key("c1"), candidate_entity())]
    )

    assert response.status_code == 200


# Tunnelling -------------------------------------------------------------------------


def test_tunnelled_put_like_plain_put(client: SandboxClient) -> None:
    bad, good = candidate_key("bad"), candidate_key("good")
    pairs = [
        (bad, candidate_entity(emailAddresses=["nope"])),
        (good, candidate_entity()),
    ]
    plain = client.upsert("atsCandidates", pairs).json()
    client.session.post(f"{client.url}/sandbox/reset", timeout=10)

    tunnelled = client.upsert_tunnelled("atsCandidates", pairs)

    assert tunnelled.status_code == 200
    assert tunnelled.json() == plain
    assert client.held_keys("atsCandidates") == [good]


def test_tunnelled_delete_like_plain_delete(client: SandboxClient) -> None:
    keys = [candidate_key(f"c{i}") for i in range(80)]
    client.upsert_tunnelled(
        "atsCandidates", [(key, candidate_entity()) for key in keys]
    )
    query = indexed_query(keys[:60] + [candidate_key("missing")])
    assert len(query) > 4096

    response = client.request(
        "POST",
        PATHS["atsCandidates"],
        "BATCH_DELETE",
        headers={
            "X-HTTP-Method-Override": "DELETE",
            "Content-Type": "application/x-www-form-urlencoded",
        },
        data=query,
    )

    assert response.status_code == 200
    body = response.json()
    assert body["results"][body_key(keys[0])] == {"status": 204}
    assert body["results"][body_key(candidate_key("missing"))] == {"status": 404}
    assert client.counts()["atsCandidates"] == 20


def test_tunnelled_get_like_plain_get(client: SandboxClient) -> None:
    client.upsert("atsCandidates", [(candidate_key("c1"), candidate_entity())])
    query = indexed_query([candidate_key("c1")])
    plain = client.request("GET", f"{PATHS['atsCandidates']}?{query}", "BATCH_GET")

    tunnelled = client.request(
        "POST",
        PATHS["atsCandidates"],
        "BATCH_GET",
        headers={
            "X-HTTP-Method-Override": "GET",
            "Content-Type": "application/x-www-form-urlencoded",
        },
        data=query,
    )

    assert tunnelled.status_code == 200
    assert tunnelled.json() == plain.json()


def test_tunnelled_request_keeps_other_checks(client: SandboxClient) -> None:
    response = client.request(
        "POST",
        PATHS["atsCandidates"],
        None,
        headers={
            "X-HTTP-Method-Override": "PUT",
            "Content-Type": "multipart/mixed; boundary=xyz",
        },
        data=multipart_body(indexed_query([candidate_key("c1")]), "{}"),
    )

    assert response.status_code == 400
    assert response.json()["message"].startswith("X-RestLi-Method header is required")


@pytest.mark.parametrize(
    ("headers", "data", "message"),
    [
        (
            {"X-HTTP-Method-Override": "DELETE", "Content-Type": "application/json"},
            b"ids[0].atsCandidateId=c1",
            "tunnelled DELETE needs Content-Type application/x-www-form-urlencoded",
        ),
        (
            {"X-HTTP-Method-Override": "PUT", "Content-Type": "application/json"},
            b"{}",
            "tunnelled PUT needs Content-Type multipart/mixed with a boundary",
        ),
        (
            {
                "X-HTTP-Method-Override": "PUT",
                "Content-Type": "multipart/mixed; boundary=xyz",
            },
            b"--xyz\r\nContent-Type: application/json\r\n\r\n{}\r\n--xyz--\r\n",
            "tunnelled PUT body must have two parts",
        ),
        (
            {
                "X-HTTP-Method-Override": "PUT",
                "Content-Type": "multipart/mixed; boundary=xyz",
            },
            (
                b"--xyz\r\nContent-Type: application/json\r\n\r\n{}\r\n"
                b"--xyz\r\nContent-Type: application/x-www-form-urlencoded\r\n\r\n"
                b"ids[0].atsCandidateId=c1\r\n--xyz--\r\n"
            ),
            "first part of a tunnelled body must be application/x-www-form-urlencoded",
        ),
        (
            {"X-HTTP-Method-Override": "PATCH", "Content-Type": "text/plain"},
            b"",
            "X-HTTP-Method-Override 'PATCH' is not one of GET, DELETE, PUT, POST",
        ),
    ],
)
def test_malformed_tunnel_rejected(
    client: SandboxClient, headers: dict, data: bytes, message: str
) -> None:
    response = client.request(
        "POST", PATHS["atsCandidates"], "BATCH_UPDATE", headers=headers, data=data
    )

    assert response.status_code == 400
    assert response.json()["message"].startswith(message)


def test_tunnel_with_url_query_rejected(client: SandboxClient) -> None:
    query = indexed_query([candidate_key("c1")])
    response = client.request(
        "POST",
        f"{PATHS['atsCandidates']}?{query}",
        "BATCH_DELETE",
        headers={
            "X-HTTP-Method-Override": "DELETE",
            "Content-Type": "application/x-www-form-urlencoded",
        },
        data=query,
    )

    assert response.status_code == 400
    assert response.json()["message"].startswith(
        "a tunnelled request must carry its query string in the body"
    )


def test_override_on_put_rejected(client: SandboxClient) -> None:
    response = client.upsert(
        "atsCandidates",
        [(candidate_key("c1"), candidate_entity())],
        headers={"X-HTTP-Method-Override": "DELETE"},
    )

    assert response.status_code == 400
    assert response.json()["message"] == (
        "X-HTTP-Method-Override is allowed only on POST; got PUT"
    )


# Rate limits ------------------------------------------------------------------------


def test_records_per_minute_is_429(client: SandboxClient) -> None:
    client.configure(records_per_minute={"atsCandidates": 3})
    first = client.upsert(
        "atsCandidates",
        [
            (candidate_key("c1"), candidate_entity()),
            (candidate_key("c2"), candidate_entity()),
        ],
    )
    second = client.upsert(
        "atsCandidates",
        [
            (candidate_key("c3"), candidate_entity()),
            (candidate_key("c4"), candidate_entity()),
        ],
    )
    other_resource = client.request(
        "GET",
        f"/v2/tcrmPipelineStages?{indexed_query([_stage_key()])}",
    )

    assert first.status_code == 200
    assert second.status_code == 429
    assert second.json() == {"status": 429, "message": "Too many requests"}
    assert client.held_keys("atsCandidates") == [
        candidate_key("c1"),
        candidate_key("c2"),
    ]
    assert other_resource.status_code == 200


def _stage_key() -> dict[str, str]:
    return {
        "tcrmPipelineId": "p1",
        "tcrmStageId": "s1",
        "integrationContext": "urn:li:organization:123",
        "dataProvider": "PARTNER",
    }


def test_requests_per_day_is_429(client: SandboxClient) -> None:
    client.configure(requests_per_day=2)
    statuses = [
        client.upsert(
            "atsCandidates", [(candidate_key(f"c{i}"), candidate_entity())]
        ).status_code
        for i in range(3)
    ]
    third = client.upsert("atsCandidates", [(candidate_key("c9"), candidate_entity())])

    assert statuses == [200, 200, 429]
    assert third.json() == {"status": 429, "message": DAY_MESSAGE}
    assert client.counts()["atsCandidates"] == 2


def test_rejected_request_not_counted(client: SandboxClient) -> None:
    client.configure(requests_per_day=1)
    client.request("PUT", f"{PATHS['atsCandidates']}?x=1", "BATCH_UPDATE", json={})

    response = client.upsert(
        "atsCandidates", [(candidate_key("c1"), candidate_entity())]
    )

    assert response.status_code == 200


def test_rate_limits_can_be_turned_off(client: SandboxClient) -> None:
    client.configure(requests_per_day=1, rate_limits=False)
    statuses = [
        client.upsert(
            "atsCandidates", [(candidate_key(f"c{i}"), candidate_entity())]
        ).status_code
        for i in range(3)
    ]

    assert statuses == [200, 200, 200]


def test_no_rate_limits_flag() -> None:
    from linkedin_sandbox.__main__ import build_parser

    options = build_parser().parse_args(["--no-rate-limits"])

    assert options.no_rate_limits is True


def test_limits_count_per_resource(client: SandboxClient) -> None:
    client.configure(requests_per_day={"atsCandidates": 1})
    client.upsert("atsCandidates", [(candidate_key("c1"), candidate_entity())])

    blocked = client.upsert(
        "atsCandidates", [(candidate_key("c2"), candidate_entity())]
    )
    other = client.request(
        "GET", f"/v2/tcrmPipelineStages?{indexed_query([_stage_key()])}"
    )

    assert blocked.status_code == 429
    assert other.status_code == 200


def test_control_calls_not_limited(client: SandboxClient) -> None:
    client.configure(requests_per_day=0)
    for _ in range(3):
        assert client.session.get(f"{client.url}/sandbox/counts", timeout=10).ok


# Latency ------------------------------------------------------------------------------


def test_latency_added_to_api_calls(client: SandboxClient) -> None:
    client.configure(latency_ms=150)

    started = time.monotonic()
    response = client.upsert(
        "atsCandidates", [(candidate_key("c1"), candidate_entity())]
    )
    api_seconds = time.monotonic() - started

    started = time.monotonic()
    client.session.get(f"{client.url}/sandbox/counts", timeout=10)
    control_seconds = time.monotonic() - started

    assert response.status_code == 200
    assert api_seconds >= 0.15
    assert control_seconds < 0.15


def test_latency_added_to_errors(client: SandboxClient) -> None:
    client.configure(latency_ms=150)

    started = time.monotonic()
    response = client.request(
        "GET", PATHS["atsCandidates"], headers={"Authorization": None}
    )

    assert response.status_code == 401
    assert time.monotonic() - started >= 0.15


def test_loopback_requests_are_fast(client: SandboxClient) -> None:
    # Without TCP_NODELAY and single-write responses, each keep-alive request
    # on loopback waits about 40 ms for a delayed ACK.
    pairs = [(candidate_key("c1"), candidate_entity())]
    client.upsert("atsCandidates", pairs)

    durations = []
    for _ in range(21):
        started = time.monotonic()
        client.upsert("atsCandidates", pairs)
        durations.append(time.monotonic() - started)

    assert statistics.median(durations) < 0.02


def test_body_is_json_encoded(client: SandboxClient) -> None:
    response = client.upsert(
        "atsCandidates", [(candidate_key("c1"), candidate_entity())]
    )

    assert response.headers["Content-Type"] == "application/json"
    assert json.loads(response.content) == response.json()
