"""Recruiter System Connect applications: /v2/atsApplications."""

from __future__ import annotations

from sandbox_helpers import (
    ORG,
    OTHER_ORG,
    SandboxClient,
    application_entity,
    application_key,
    body_key,
    candidate_entity,
    candidate_key,
)
from test_sandbox_integrations import grant, integration_key, name, set_status


def _with_candidate(client: SandboxClient, org: str = ORG) -> None:
    response = client.upsert(
        "atsCandidates", [(candidate_key("c1", org), candidate_entity())]
    )
    assert response.status_code == 200, response.text


def test_upsert_stores_application(client: SandboxClient) -> None:
    _with_candidate(client)

    response = client.upsert(
        "atsApplications", [(application_key("a1"), application_entity())]
    )

    assert response.status_code == 200, response.text
    assert response.json()["results"] == {
        body_key(application_key("a1")): {"status": 204}
    }
    assert response.json()["errors"] == {}
    elements = client.entities("atsApplications")
    assert [element["key"] for element in elements] == [application_key("a1")]
    assert elements[0]["entity"] == application_entity()


def test_counts_per_integration_context(client: SandboxClient) -> None:
    _with_candidate(client)
    _with_candidate(client, OTHER_ORG)
    client.upsert(
        "atsApplications",
        [
            (application_key("a1"), application_entity()),
            (application_key("a2"), application_entity()),
        ],
    )
    client.upsert(
        "atsApplications", [(application_key("a1", OTHER_ORG), application_entity())]
    )

    assert client.counts(ORG)["atsApplications"] == 2
    assert client.counts(OTHER_ORG)["atsApplications"] == 1
    assert client.counts(ORG)["orphans"]["atsApplications"] == 0


def test_upsert_replaces_stages(client: SandboxClient) -> None:
    _with_candidate(client)
    client.upsert("atsApplications", [(application_key("a1"), application_entity())])
    moved = application_entity(
        stages=[{"stage": "Offer", "atsCreatedAt": 1_700_000_200_000}],
        atsLastModifiedAt=1_700_000_200_000,
        dispositionReason="Withdrew",
    )

    client.upsert("atsApplications", [(application_key("a1"), moved)])

    entity = client.entities("atsApplications")[0]["entity"]
    assert entity["stages"] == [{"stage": "Offer", "atsCreatedAt": 1_700_000_200_000}]
    assert entity["dispositionReason"] == "Withdrew"


def test_invalid_application_fails_alone(client: SandboxClient) -> None:
    _with_candidate(client)
    bad_stage = application_entity(stages=[{"stage": "New"}])
    bad_email = application_entity(candidateEmail="ada at example.com")
    unknown = application_entity(currentStage="New")

    response = client.upsert(
        "atsApplications",
        [
            (application_key("a1"), application_entity()),
            (application_key("a2"), bad_stage),
            (application_key("a3"), bad_email),
            (application_key("a4"), unknown),
        ],
    )

    assert response.status_code == 200, response.text
    results = response.json()["results"]
    errors = response.json()["errors"]
    assert results[body_key(application_key("a1"))] == {"status": 204}
    for number in ("a2", "a3", "a4"):
        assert results[body_key(application_key(number))] == {"status": 422}
    assert (
        "stages[0].atsCreatedAt: required field is missing"
        in (errors[body_key(application_key("a2"))]["message"])
    )
    assert (
        "not a valid email address"
        in (errors[body_key(application_key("a3"))]["message"])
    )
    assert (
        "currentStage: unknown field"
        in (errors[body_key(application_key("a4"))]["message"])
    )
    assert client.counts()["atsApplications"] == 1


def test_required_fields_and_timestamps(client: SandboxClient) -> None:
    _with_candidate(client)
    entity = application_entity(atsLastModifiedAt=1_600_000_000_000)
    del entity["atsJobPostingId"]

    response = client.upsert("atsApplications", [(application_key("a1"), entity)])

    message = response.json()["errors"][body_key(application_key("a1"))]["message"]
    assert "atsJobPostingId: required field is missing" in message
    assert "atsLastModifiedAt: 1600000000000 is before atsCreatedAt" in message


def test_missing_candidate_fails_400(client: SandboxClient) -> None:
    response = client.upsert(
        "atsApplications", [(application_key("a1"), application_entity())]
    )

    key = body_key(application_key("a1"))
    assert response.json()["results"][key] == {"status": 400}
    assert (
        "atsCandidates entity atsCandidateId=c1 not found"
        in (response.json()["errors"][key]["message"])
    )
    assert client.counts()["atsApplications"] == 0


def test_delete_removes_application(client: SandboxClient) -> None:
    _with_candidate(client)
    client.upsert("atsApplications", [(application_key("a1"), application_entity())])

    response = client.delete(
        "atsApplications", [application_key("a1"), application_key("a9")]
    )

    assert response.status_code == 200, response.text
    results = response.json()["results"]
    assert results[body_key(application_key("a1"))] == {"status": 204}
    assert results[body_key(application_key("a9"))] == {"status": 404}
    assert client.counts()["atsApplications"] == 0


def test_deleted_candidate_leaves_orphan(client: SandboxClient) -> None:
    _with_candidate(client)
    client.upsert("atsApplications", [(application_key("a1"), application_entity())])

    client.delete("atsCandidates", [candidate_key("c1")])

    assert client.counts()["orphans"]["atsApplications"] == 1


def test_disabled_rsc_integration_rejects(client: SandboxClient) -> None:
    _with_candidate(client)
    grant(client, integration_types=["ONE_CLICK_EXPORT", "CRM_ONE_CLICK_EXPORT"])
    rsc_key = integration_key("ONE_CLICK_EXPORT")
    name(client, [rsc_key, integration_key()])
    pair = (application_key("a1"), application_entity())

    set_status(client, rsc_key, "DISABLED")
    rejected = client.upsert("atsApplications", [pair])
    crm = client.upsert("atsCandidates", [(candidate_key("c1"), candidate_entity())])

    assert rejected.status_code == 403, rejected.text
    assert rejected.json()["code"] == "INTEGRATION_DISABLED"
    assert "ONE_CLICK_EXPORT integration of " + ORG in rejected.json()["message"]
    assert crm.status_code == 200, crm.text


def test_disabled_crm_integration_keeps_rsc(client: SandboxClient) -> None:
    _with_candidate(client)
    grant(client, integration_types=["ONE_CLICK_EXPORT", "CRM_ONE_CLICK_EXPORT"])
    name(client, [integration_key("ONE_CLICK_EXPORT"), integration_key()])

    set_status(client, integration_key(), "DISABLED")
    response = client.upsert(
        "atsApplications", [(application_key("a1"), application_entity())]
    )

    assert response.status_code == 200, response.text
    assert client.counts()["atsApplications"] == 1
