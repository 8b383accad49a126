"""Rest.li and LinkedIn-Version headers."""

from __future__ import annotations

import pytest
from sandbox_helpers import (
    PATHS,
    SandboxClient,
    candidate_entity,
    candidate_key,
    pipeline_entity,
    pipeline_key,
)


def test_protocol_version_missing_accepted(client: SandboxClient) -> None:
    response = client.upsert(
        "atsCandidates",
        [(candidate_key("c1"), candidate_entity())],
        headers={"X-Restli-Protocol-Version": None},
    )

    assert response.status_code == 200
    assert client.counts()["atsCandidates"] == 1


@pytest.mark.parametrize("value", ["1.0.0", "2.0", "2.0.1"])
def test_protocol_version_wrong_rejected(client: SandboxClient, value: str) -> None:
    response = client.upsert(
        "atsCandidates",
        [(candidate_key("c1"), candidate_entity())],
        headers={"X-Restli-Protocol-Version": value},
    )

    assert response.status_code == 400
    assert response.json()["message"] == (
        f"X-Restli-Protocol-Version {value!r} is not supported; send 2.0.0 or "
        "omit the header"
    )
    assert client.counts()["atsCandidates"] == 0


@pytest.mark.parametrize(
    ("method", "restli_method"),
    [
        ("PUT", "BATCH_UPDATE"),
        ("POST", "BATCH_PARTIAL_UPDATE"),
        ("DELETE", "BATCH_DELETE"),
    ],
)
def test_restli_method_missing_rejected(
    client: SandboxClient, method: str, restli_method: str
) -> None:
    response = client.request(
        method,
        f"{PATHS['atsCandidates']}?ids[0].atsCandidateId=c1",
        headers={"X-RestLi-Method": None},
    )

    assert response.status_code == 400
    assert response.json()["message"] == (
        "X-RestLi-Method header is required on batch writes; send "
        f"{restli_method} with {method} atsCandidates"
    )


def test_restli_method_mismatch_rejected(client: SandboxClient) -> None:
    response = client.upsert(
        "atsCandidates",
        [(candidate_key("c1"), candidate_entity())],
        headers={"X-RestLi-Method": "BATCH_DELETE"},
    )

    assert response.status_code == 400
    assert response.json()["message"] == (
        "X-RestLi-Method BATCH_DELETE does not match PUT on atsCandidates; "
        "expected BATCH_UPDATE"
    )
    assert client.counts()["atsCandidates"] == 0


def test_batch_get_needs_no_restli_method(client: SandboxClient) -> None:
    client.upsert("atsCandidates", [(candidate_key("c1"), candidate_entity())])
    response = client.request(
        "GET",
        f"{PATHS['atsCandidates']}?ids[0].atsCandidateId=c1"
        "&ids[0].integrationContext=urn%3Ali%3Aorganization%3A123&ids[0].dataProvider=ATS",
    )

    assert response.status_code == 200
    key = "atsCandidateId=c1&integrationContext=urn:li:organization:123"
    assert response.json()["statuses"] == {f"{key}&dataProvider=ATS": 200}


def test_method_not_allowed(client: SandboxClient) -> None:
    response = client.request("PATCH", PATHS["atsCandidates"])

    assert response.status_code == 405
    assert response.json()["message"].startswith(
        "PATCH is not allowed on atsCandidates"
    )


# LinkedIn-Version -----------------------------------------------------------------


def _upsert_pipeline(client: SandboxClient, version: str | None):
    return client.upsert(
        "tcrmPipelines",
        [(pipeline_key("p1"), pipeline_entity())],
        headers={"LinkedIn-Version": version},
    )


def test_version_missing_rejected(client: SandboxClient) -> None:
    response = _upsert_pipeline(client, None)

    assert response.status_code == 400
    assert response.json()["code"] == "VERSION_MISSING"
    assert response.json()["message"].startswith("A version must be present.")
    assert client.counts()["tcrmPipelines"] == 0


@pytest.mark.parametrize(
    "version", ["2026-04", "20260401", "202613", "202600", "v202604"]
)
def test_version_malformed_rejected(client: SandboxClient, version: str) -> None:
    response = _upsert_pipeline(client, version)

    assert response.status_code == 400
    assert response.json()["code"] == "INVALID_VERSION"
    assert f"LinkedIn-Version {version!r}" in response.json()["message"]
    assert client.counts()["tcrmPipelines"] == 0


@pytest.mark.parametrize("version", ["202503", "202701", "202401.01"])
def test_version_inactive_is_426(client: SandboxClient, version: str) -> None:
    response = _upsert_pipeline(client, version)

    assert response.status_code == 426
    assert response.json() == {
        "status": 426,
        "serviceErrorCode": 104,
        "code": "NONEXISTENT_VERSION",
        "message": f"Requested version {version} is not active",
    }
    assert client.counts()["tcrmPipelines"] == 0


@pytest.mark.parametrize("version", ["202504", "202604", "202612", "202604.01"])
def test_version_active_accepted(client: SandboxClient, version: str) -> None:
    response = _upsert_pipeline(client, version)

    assert response.status_code == 200
    assert response.json()["errors"] == {}
    assert client.counts()["tcrmPipelines"] == 1


def test_version_range_configurable(client: SandboxClient) -> None:
    client.configure(active_versions=["202601", "202606"])

    assert _upsert_pipeline(client, "202512").status_code == 426
    assert _upsert_pipeline(client, "202606").status_code == 200


def test_version_on_v2_rejected(client: SandboxClient) -> None:
    response = client.upsert(
        "atsCandidates",
        [(candidate_key("c1"), candidate_entity())],
        headers={"LinkedIn-Version": "202604"},
    )

    assert response.status_code == 400
    assert response.json()["message"] == (
        "LinkedIn-Version is sent only to versioned /rest/ resources; "
        "/v2/atsCandidates is unversioned"
    )
