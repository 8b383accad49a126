"""Batch writes, deletes and reads of the sync resources."""

from __future__ import annotations

import pytest
from sandbox_helpers import (
    ORG,
    OTHER_ORG,
    PATHS,
    SandboxClient,
    body_key,
    candidate_entity,
    candidate_key,
    candidate_pipeline_entity,
    candidate_pipeline_key,
    indexed_query,
    interaction_entity,
    interaction_key,
    pipeline_entity,
    pipeline_key,
    stage_entity,
    stage_key,
)


def test_upsert_stores_entities(client: SandboxClient) -> None:
    response = client.upsert(
        "atsCandidates",
        [
            (candidate_key("c1"), candidate_entity()),
            (candidate_key("c2"), candidate_entity()),
        ],
    )

    assert response.status_code == 200
    body = response.json()
    assert body["results"] == {
        body_key(candidate_key("c1")): {"status": 204},
        body_key(candidate_key("c2")): {"status": 204},
    }
    assert body["errors"] == {}
    assert response.headers["X-RestLi-Protocol-Version"] == "2.0.0"
    assert client.held_keys("atsCandidates") == [
        candidate_key("c1"),
        candidate_key("c2"),
    ]
    assert client.entities("atsCandidates")[0]["entity"] == candidate_entity()


def test_upsert_replaces_entity(client: SandboxClient) -> None:
    client.upsert("atsCandidates", [(candidate_key("c1"), candidate_entity())])
    client.upsert(
        "atsCandidates", [(candidate_key("c1"), candidate_entity(firstName="Grace"))]
    )

    elements = client.entities("atsCandidates")
    assert len(elements) == 1
    assert elements[0]["entity"]["firstName"] == "Grace"


def test_upsert_keeps_contexts_apart(client: SandboxClient) -> None:
    client.upsert(
        "atsCandidates",
        [
            (candidate_key("c1"), candidate_entity()),
            (candidate_key("c1", OTHER_ORG), candidate_entity()),
        ],
    )

    assert client.counts(ORG)["atsCandidates"] == 1
    assert client.counts(OTHER_ORG)["atsCandidates"] == 1
    assert client.counts(None)["atsCandidates"] == 2


def test_upsert_matches_body_key_in_any_order(client: SandboxClient) -> None:
    key = candidate_key("c1")
    reordered = f"dataProvider=ATS&integrationContext={ORG}&atsCandidateId=c1"
    response = client.request(
        "PUT",
        f"{PATHS['atsCandidates']}?{indexed_query([key])}",
        "BATCH_UPDATE",
        json={"entities": {reordered: candidate_entity()}},
    )

    assert response.status_code == 200
    assert response.json()["results"] == {reordered: {"status": 204}}
    assert client.held_keys("atsCandidates") == [key]


def test_upsert_accepts_restli2_list_keys(client: SandboxClient) -> None:
    query = (
        "ids=List((atsCandidateId:c1,integrationContext:urn%3Ali%3Aorganization%3A123,"
        "dataProvider:ATS))"
    )
    response = client.request(
        "PUT",
        f"{PATHS['atsCandidates']}?{query}",
        "BATCH_UPDATE",
        json={"entities": {body_key(candidate_key("c1")): candidate_entity()}},
    )

    assert response.status_code == 200, response.text
    assert response.json()["errors"] == {}
    assert client.held_keys("atsCandidates") == [candidate_key("c1")]


def test_upsert_accepts_encoded_brackets(client: SandboxClient) -> None:
    # HTTP clients such as requests send "[" and "]" as %5B and %5D.
    query = indexed_query([candidate_key("c1")])
    encoded = query.replace("[", "%5B").replace("]", "%5D")
    response = client.request(
        "PUT",
        f"{PATHS['atsCandidates']}?{encoded}",
        "BATCH_UPDATE",
        json={"entities": {body_key(candidate_key("c1")): candidate_entity()}},
    )

    assert response.status_code == 200, response.text
    assert response.json()["errors"] == {}
    assert client.held_keys("atsCandidates") == [candidate_key("c1")]


def test_restli_method_is_case_insensitive(client: SandboxClient) -> None:
    response = client.request(
        "PUT",
        f"{PATHS['atsCandidates']}?{indexed_query([candidate_key('c1')])}",
        "batch_update",
        json={"entities": {body_key(candidate_key("c1")): candidate_entity()}},
    )

    assert response.status_code == 200
    assert client.counts()["atsCandidates"] == 1


# Whole-request errors ---------------------------------------------------------


def test_body_key_without_query_key(client: SandboxClient) -> None:
    stray = body_key(candidate_key("c9"))
    response = client.request(
        "PUT",
        f"{PATHS['atsCandidates']}?{indexed_query([candidate_key('c1')])}",
        "BATCH_UPDATE",
        json={
            "entities": {
                body_key(candidate_key("c1")): candidate_entity(),
                stray: candidate_entity(),
            }
        },
    )

    assert response.status_code == 400
    assert response.json()["message"] == (
        f"body key {stray!r} matches no key in the query string"
    )
    assert client.counts()["atsCandidates"] == 0


def test_query_key_without_body_entity(client: SandboxClient) -> None:
    keys = [candidate_key("c1"), candidate_key("c2")]
    response = client.request(
        "PUT",
        f"{PATHS['atsCandidates']}?{indexed_query(keys)}",
        "BATCH_UPDATE",
        json={"entities": {body_key(keys[0]): candidate_entity()}},
    )

    assert response.status_code == 400
    assert response.json()["message"].startswith("query key ids[1] (")
    assert response.json()["message"].endswith("has no entity in the body")
    assert client.counts()["atsCandidates"] == 0


def test_encoded_body_key_matches_nothing(client: SandboxClient) -> None:
    # Body key values are sent unencoded; an encoded one is a client bug.
    key = candidate_key("c1")
    encoded = (
        "atsCandidateId=c1&integrationContext=urn%3Ali%3Aorganization%3A123"
        "&dataProvider=ATS"
    )
    response = client.request(
        "PUT",
        f"{PATHS['atsCandidates']}?{indexed_query([key])}",
        "BATCH_UPDATE",
        json={"entities": {encoded: candidate_entity()}},
    )

    assert response.status_code == 400
    assert "matches no key in the query string" in response.json()["message"]


def test_over_100_entities_rejected(client: SandboxClient) -> None:
    pairs = [(candidate_key(f"c{i}"), candidate_entity()) for i in range(101)]
    # 101 indexed keys exceed the 4 KB query limit, so tunnel the request.
    response = client.upsert_tunnelled("atsCandidates", pairs)

    assert response.status_code == 400
    assert response.json()["message"] == (
        "request names 101 entities; at most 100 are allowed per request"
    )
    assert client.counts()["atsCandidates"] == 0


def test_100_entities_accepted(client: SandboxClient) -> None:
    pairs = [(candidate_key(f"c{i}"), candidate_entity()) for i in range(100)]
    response = client.upsert_tunnelled("atsCandidates", pairs)

    assert response.status_code == 200, response.text
    assert response.json()["errors"] == {}
    assert client.counts()["atsCandidates"] == 100


def test_over_100_body_entities_rejected(client: SandboxClient) -> None:
    query = indexed_query([candidate_key("c0")])
    entities = {
        body_key(candidate_key(f"c{i}")): candidate_entity() for i in range(101)
    }
    response = client.request(
        "PUT",
        f"{PATHS['atsCandidates']}?{query}",
        "BATCH_UPDATE",
        json={"entities": entities},
    )

    assert response.status_code == 400
    assert response.json()["message"] == (
        "request names 101 entities; at most 100 are allowed per request"
    )


def test_body_not_json_rejected(client: SandboxClient) -> None:
    response = client.request(
        "PUT",
        f"{PATHS['atsCandidates']}?{indexed_query([candidate_key('c1')])}",
        "BATCH_UPDATE",
        headers={"Content-Type": "application/json"},
        data=b"{entities: not json",
    )

    assert response.status_code == 400
    assert response.json()["message"].startswith("request body is not valid JSON")


def test_body_wrong_content_type_rejected(client: SandboxClient) -> None:
    response = client.request(
        "PUT",
        f"{PATHS['atsCandidates']}?{indexed_query([candidate_key('c1')])}",
        "BATCH_UPDATE",
        headers={"Content-Type": "text/plain"},
        data=b"{}",
    )

    assert response.status_code == 400
    assert response.json()["message"] == (
        "Content-Type must be application/json; got text/plain"
    )


def test_body_without_entities_rejected(client: SandboxClient) -> None:
    response = client.request(
        "PUT",
        f"{PATHS['atsCandidates']}?{indexed_query([candidate_key('c1')])}",
        "BATCH_UPDATE",
        json={"elements": []},
    )

    assert response.status_code == 400
    assert "unexpected field elements" in response.json()["message"]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (
            "ids[0].atsCandidateId=c1&ids[0].integrationContext=x",
            "ids[0] is missing key field dataProvider",
        ),
        (
            indexed_query([candidate_key("c1")]) + "&ids[0].tcrmPipelineId=p1",
            "ids[0] has unknown key field tcrmPipelineId",
        ),
        (
            indexed_query([candidate_key("c1")]).replace("ids[0]", "ids[1]"),
            "ids indices must run from 0 to 0 without gaps; got [1]",
        ),
        (
            indexed_query([candidate_key("c1")]) + "&fields=id",
            "unexpected query parameter fields",
        ),
        ("", "query string names no entity"),
    ],
)
def test_malformed_query_keys_rejected(
    client: SandboxClient, query: str, message: str
) -> None:
    response = client.request(
        "PUT",
        f"{PATHS['atsCandidates']}?{query}",
        "BATCH_UPDATE",
        json={"entities": {body_key(candidate_key("c1")): candidate_entity()}},
    )

    assert response.status_code == 400
    assert response.json()["message"].startswith(message)


def test_unknown_resource_path(client: SandboxClient) -> None:
    response = client.request("GET", "/v2/atsCandidatez?ids=List(x)")

    assert response.status_code == 404
    assert response.json()["message"] == "no resource at /v2/atsCandidatez"


def test_resource_at_wrong_prefix(client: SandboxClient) -> None:
    response = client.request(
        "PUT",
        f"/rest/atsCandidates?{indexed_query([candidate_key('c1')])}",
        "BATCH_UPDATE",
        json={"entities": {body_key(candidate_key("c1")): candidate_entity()}},
    )

    assert response.status_code == 404
    assert response.json()["message"] == (
        "no resource at /rest/atsCandidates; atsCandidates is served at "
        "/v2/atsCandidates"
    )


def test_unknown_path_outside_api(client: SandboxClient) -> None:
    response = client.session.get(f"{client.url}/nothing/here", timeout=10)

    assert response.status_code == 404
    assert response.json()["message"] == "no resource at /nothing/here"


# Per-entity errors -------------------------------------------------------------


@pytest.mark.parametrize(
    ("entity", "message"),
    [
        (
            candidate_entity(emailAddresses=["ada@example"]),
            "emailAddresses[0]: 'ada@example' is not a valid email address",
        ),
        (
            candidate_entity(emailAddresses=["ada lovelace@example.com"]),
            (
                "emailAddresses[0]: 'ada lovelace@example.com' is not a valid "
                "email address"
            ),
        ),
        (
            {k: v for k, v in candidate_entity().items() if k != "firstName"},
            "firstName: required field is missing",
        ),
        (candidate_entity(firstName=" "), "firstName: must not be empty"),
        (
            {k: v for k, v in candidate_entity().items() if k != "phoneNumbers"},
            "phoneNumbers: required field is missing",
        ),
        (
            candidate_entity(atsCreatedAt=0),
            "atsCreatedAt: epoch milliseconds must be > 0, got 0",
        ),
        (
            candidate_entity(atsCreatedAt="2024-01-01"),
            "atsCreatedAt: expected epoch milliseconds (integer), got '2024-01-01'",
        ),
        (
            candidate_entity(atsLastModifiedAt=1_600_000_000_000),
            "atsLastModifiedAt: 1600000000000 is before atsCreatedAt 1700000000000",
        ),
        (
            candidate_entity(phoneNumbers=[{"phone": "1"}]),
            "phoneNumbers[0].number: required field is missing",
        ),
        (candidate_entity(lastName=None), "lastName: must not be null"),
        (candidate_entity(emailAddress="a@b.c"), "emailAddress: unknown field"),
        (
            candidate_entity(manualMatchedMember="12345"),
            "manualMatchedMember: '12345' is not a urn:li:person:<id> URN",
        ),
        ("not an object", "entity: expected a JSON object"),
    ],
)
def test_invalid_candidate_fails_alone(
    client: SandboxClient, entity: object, message: str
) -> None:
    bad, good = candidate_key("bad"), candidate_key("good")
    response = client.upsert(
        "atsCandidates", [(bad, entity), (good, candidate_entity())]
    )

    assert response.status_code == 200
    body = response.json()
    assert body["results"][body_key(bad)] == {"status": 422}
    assert body["results"][body_key(good)] == {"status": 204}
    error = body["errors"][body_key(bad)]
    assert error["status"] == 422
    assert error["serviceErrorCode"] == 100
    assert error["message"].startswith(message)
    assert body_key(good) not in body["errors"]
    assert client.held_keys("atsCandidates") == [good]


def test_empty_lists_are_valid(client: SandboxClient) -> None:
    entity = candidate_entity(emailAddresses=[], phoneNumbers=[], addresses=[])
    response = client.upsert("atsCandidates", [(candidate_key("c1"), entity)])

    assert response.json()["errors"] == {}
    assert client.counts()["atsCandidates"] == 1


@pytest.mark.parametrize(
    ("key", "message"),
    [
        (
            {**candidate_key("c1"), "dataProvider": "CRM"},
            "dataProvider: 'CRM' is not one of ATS, PARTNER",
        ),
        (
            {**candidate_key("c1"), "integrationContext": "urn:li:company:1"},
            (
                "integrationContext: 'urn:li:company:1' is not a "
                "urn:li:organization:<id> URN"
            ),
        ),
    ],
)
def test_invalid_key_value_fails_alone(
    client: SandboxClient, key: dict[str, str], message: str
) -> None:
    good = candidate_key("good")
    response = client.upsert(
        "atsCandidates", [(key, candidate_entity()), (good, candidate_entity())]
    )

    body = response.json()
    assert body["results"][body_key(key)] == {"status": 422}
    assert body["errors"][body_key(key)]["message"] == message
    assert client.held_keys("atsCandidates") == [good]


def test_unknown_stage_category_fails_alone(client: SandboxClient) -> None:
    client.upsert("tcrmPipelines", [(pipeline_key("p1"), pipeline_entity())])
    bad, good = stage_key("p1", "bad"), stage_key("p1", "good")
    response = client.upsert(
        "tcrmPipelineStages",
        [(bad, stage_entity(stageCategory="PHONE_SCREEN")), (good, stage_entity())],
    )

    body = response.json()
    assert body["results"][body_key(bad)] == {"status": 422}
    assert body["errors"][body_key(bad)]["message"] == (
        "stageCategory: 'PHONE_SCREEN' is not one of NURTURE, LEAD, CONTACTED, "
        "REPLIED, APPLIED, SCREEN, INTERVIEW, OFFER, HIRED, REJECTED, DECLINED, "
        "ARCHIVED, OTHER"
    )
    assert client.held_keys("tcrmPipelineStages") == [good]


def test_unknown_source_category_fails_alone(seeded: SandboxClient) -> None:
    bad = candidate_pipeline_key("c1", "p1")
    good = candidate_pipeline_key("c2", "p1")
    wrong = candidate_pipeline_entity(sources={"sourceCategory": "COLD_CALL"})
    response = seeded.upsert(
        "tcrmCandidatePipelines",
        [(bad, wrong), (good, candidate_pipeline_entity())],
    )

    body = response.json()
    assert body["results"][body_key(bad)] == {"status": 422}
    assert body["errors"][body_key(bad)]["message"].startswith(
        "sources.sourceCategory: 'COLD_CALL' is not one of LINKEDIN, EMAIL,"
    )
    assert seeded.held_keys("tcrmCandidatePipelines") == [good]


def test_pipeline_missing_title_fails_alone(client: SandboxClient) -> None:
    bad, good = pipeline_key("bad"), pipeline_key("good")
    untitled = {k: v for k, v in pipeline_entity().items() if k != "title"}
    response = client.upsert(
        "tcrmPipelines",
        [(bad, untitled), (good, pipeline_entity(ownerEmailAddress="r@example.com"))],
    )

    body = response.json()
    assert (
        body["errors"][body_key(bad)]["message"] == "title: required field is missing"
    )
    assert client.held_keys("tcrmPipelines") == [good]


def test_interaction_invalid_type_fails_alone(client: SandboxClient) -> None:
    bad, good = interaction_key("bad"), interaction_key("good")
    response = client.upsert(
        "tcrmInteractions",
        [
            (bad, interaction_entity(interactionType="CALL")),
            (good, interaction_entity()),
        ],
    )

    body = response.json()
    assert body["errors"][body_key(bad)]["message"] == (
        "interactionType: 'CALL' is not one of NOTE, EMAIL"
    )
    assert client.held_keys("tcrmInteractions") == [good]


def test_errors_are_all_reported(client: SandboxClient) -> None:
    entity = candidate_entity(emailAddresses=["x"], atsCreatedAt=-1)
    del entity["firstName"]
    response = client.upsert("atsCandidates", [(candidate_key("c1"), entity)])

    message = response.json()["errors"][body_key(candidate_key("c1"))]["message"]
    assert "firstName: required field is missing" in message
    assert "emailAddresses[0]: 'x' is not a valid email address" in message
    assert "atsCreatedAt: epoch milliseconds must be > 0, got -1" in message


# Parents -------------------------------------------------------------------------


def test_stage_without_pipeline_fails_alone(client: SandboxClient) -> None:
    client.upsert("tcrmPipelines", [(pipeline_key("p1"), pipeline_entity())])
    orphan, good = stage_key("p9", "s1"), stage_key("p1", "s1")
    response = client.upsert(
        "tcrmPipelineStages", [(orphan, stage_entity()), (good, stage_entity())]
    )

    body = response.json()
    assert body["results"][body_key(orphan)] == {"status": 400}
    error = body["errors"][body_key(orphan)]
    assert error["status"] == 400
    assert (
        error["message"] == f"tcrmPipelines entity tcrmPipelineId=p9 not found in {ORG}"
    )
    assert client.held_keys("tcrmPipelineStages") == [good]


def test_pipeline_in_other_context_is_no_parent(client: SandboxClient) -> None:
    client.upsert("tcrmPipelines", [(pipeline_key("p1", OTHER_ORG), pipeline_entity())])
    response = client.upsert(
        "tcrmPipelineStages", [(stage_key("p1", "s1"), stage_entity())]
    )

    assert response.json()["results"][body_key(stage_key("p1", "s1"))] == {
        "status": 400
    }


def test_candidate_pipeline_without_candidate(seeded: SandboxClient) -> None:
    orphan = candidate_pipeline_key("c9", "p1")
    good = candidate_pipeline_key("c1", "p1")
    response = seeded.upsert(
        "tcrmCandidatePipelines",
        [(orphan, candidate_pipeline_entity()), (good, candidate_pipeline_entity())],
    )

    body = response.json()
    assert body["results"][body_key(orphan)] == {"status": 400}
    assert body["errors"][body_key(orphan)]["message"] == (
        f"atsCandidates entity atsCandidateId=c9 not found in {ORG}"
    )
    assert seeded.held_keys("tcrmCandidatePipelines") == [good]


def test_candidate_pipeline_without_pipeline(seeded: SandboxClient) -> None:
    orphan = candidate_pipeline_key("c1", "p9")
    good = candidate_pipeline_key("c2", "p1")
    response = seeded.upsert(
        "tcrmCandidatePipelines",
        [(orphan, candidate_pipeline_entity()), (good, candidate_pipeline_entity())],
    )

    body = response.json()
    assert body["results"][body_key(orphan)] == {"status": 400}
    assert body["errors"][body_key(orphan)]["message"] == (
        f"tcrmPipelines entity tcrmPipelineId=p9 not found in {ORG}"
    )
    assert seeded.held_keys("tcrmCandidatePipelines") == [good]


def test_candidate_pipeline_unknown_stage(seeded: SandboxClient) -> None:
    bad = candidate_pipeline_key("c1", "p1")
    good = candidate_pipeline_key("c2", "p1")
    response = seeded.upsert(
        "tcrmCandidatePipelines",
        [
            (bad, candidate_pipeline_entity(tcrmStageId="s9")),
            (good, candidate_pipeline_entity(tcrmStageId="s1")),
        ],
    )

    body = response.json()
    assert body["results"][body_key(bad)] == {"status": 400}
    assert body["errors"][body_key(bad)]["message"] == (
        "tcrmPipelineStages entity tcrmPipelineId=p1, tcrmStageId=s9 not found "
        f"in {ORG}"
    )
    assert seeded.held_keys("tcrmCandidatePipelines") == [good]


def test_interaction_needs_no_held_candidate(client: SandboxClient) -> None:
    response = client.upsert(
        "tcrmInteractions", [(interaction_key("i1"), interaction_entity())]
    )

    assert response.json()["errors"] == {}
    assert client.counts()["orphans"]["tcrmInteractions"] == 1


# Deletes and orphans ---------------------------------------------------------------


def test_delete_removes_held_entities(seeded: SandboxClient) -> None:
    response = seeded.delete("atsCandidates", [candidate_key("c1")])

    assert response.status_code == 200
    assert response.json() == {
        "results": {body_key(candidate_key("c1")): {"status": 204}},
        "errors": {},
    }
    assert seeded.held_keys("atsCandidates") == [candidate_key("c2")]


def test_delete_unknown_key_is_404(seeded: SandboxClient) -> None:
    keys = [candidate_key("c1"), candidate_key("c9")]
    response = seeded.delete("atsCandidates", keys)

    body = response.json()
    assert response.status_code == 200
    assert body["results"][body_key(keys[0])] == {"status": 204}
    assert body["results"][body_key(keys[1])] == {"status": 404}
    assert body["errors"][body_key(keys[1])]["status"] == 404
    assert body["errors"][body_key(keys[1])]["message"] == (
        f"atsCandidates entity {body_key(keys[1])} not found"
    )
    assert body_key(keys[0]) not in body["errors"]
    assert seeded.held_keys("atsCandidates") == [candidate_key("c2")]


def test_delete_needs_exact_data_provider(seeded: SandboxClient) -> None:
    key = {**candidate_key("c1"), "dataProvider": "PARTNER"}
    response = seeded.delete("atsCandidates", [key])

    assert response.json()["results"][body_key(key)] == {"status": 404}
    assert seeded.counts()["atsCandidates"] == 2


def test_delete_with_body_rejected(seeded: SandboxClient) -> None:
    response = seeded.request(
        "DELETE",
        f"{PATHS['atsCandidates']}?{indexed_query([candidate_key('c1')])}",
        "BATCH_DELETE",
        json={"entities": {}},
    )

    assert response.status_code == 400
    assert response.json()["message"] == "DELETE on atsCandidates takes no request body"
    assert seeded.counts()["atsCandidates"] == 2


def test_delete_does_not_cascade(seeded: SandboxClient) -> None:
    seeded.upsert(
        "tcrmCandidatePipelines",
        [(candidate_pipeline_key("c1", "p1"), candidate_pipeline_entity())],
    )
    seeded.upsert(
        "tcrmInteractions",
        [(interaction_key("i1"), interaction_entity(tcrmCandidateId="c1"))],
    )
    seeded.delete("atsCandidates", [candidate_key("c1")])
    seeded.delete("tcrmPipelines", [pipeline_key("p1")])

    counts = seeded.counts()
    assert counts["tcrmCandidatePipelines"] == 1
    assert counts["tcrmPipelineStages"] == 1
    assert counts["tcrmInteractions"] == 1
    assert counts["orphans"] == {
        "tcrmPipelineStages": 1,
        "tcrmCandidatePipelines": 1,
        "tcrmCandidatePipelineStages": 0,
        "tcrmInteractions": 1,
        "atsApplications": 0,
        "resumes": 0,
    }


def test_orphans_clear_after_child_delete(seeded: SandboxClient) -> None:
    seeded.upsert(
        "tcrmCandidatePipelines",
        [(candidate_pipeline_key("c1", "p1"), candidate_pipeline_entity())],
    )
    seeded.delete("atsCandidates", [candidate_key("c1")])
    assert seeded.counts()["orphans"]["tcrmCandidatePipelines"] == 1

    seeded.delete("tcrmCandidatePipelines", [candidate_pipeline_key("c1", "p1")])

    assert seeded.counts()["orphans"]["tcrmCandidatePipelines"] == 0


def test_parent_found_whatever_data_provider(seeded: SandboxClient) -> None:
    # Candidates are keyed with ATS; candidate pipelines with PARTNER.
    response = seeded.upsert(
        "tcrmCandidatePipelines",
        [(candidate_pipeline_key("c1", "p1"), candidate_pipeline_entity())],
    )

    assert response.json()["errors"] == {}


# Partial updates and reads -------------------------------------------------------


def test_partial_update_sets_fields(seeded: SandboxClient) -> None:
    key = candidate_key("c1")
    response = seeded.request(
        "POST",
        f"{PATHS['atsCandidates']}?{indexed_query([key])}",
        "BATCH_PARTIAL_UPDATE",
        json={
            "entities": {
                body_key(key): {
                    "patch": {"$set": {"manualMatchedMember": "urn:li:person:abc123"}}
                }
            }
        },
    )

    assert response.status_code == 200
    assert response.json() == {
        "results": {body_key(key): {"status": 204}},
        "errors": {},
    }
    stored = seeded.entities("atsCandidates")[0]["entity"]
    assert stored["manualMatchedMember"] == "urn:li:person:abc123"
    assert stored["firstName"] == "Ada"


def test_partial_update_unknown_key_404(seeded: SandboxClient) -> None:
    key = candidate_key("c9")
    response = seeded.request(
        "POST",
        f"{PATHS['atsCandidates']}?{indexed_query([key])}",
        "BATCH_PARTIAL_UPDATE",
        json={"entities": {body_key(key): {"patch": {"$set": {"lastName": "X"}}}}},
    )

    body = response.json()
    assert body["results"][body_key(key)] == {"status": 404}
    assert body["errors"][body_key(key)]["status"] == 404
    assert seeded.counts()["atsCandidates"] == 2


def test_partial_update_validates_result(seeded: SandboxClient) -> None:
    key = candidate_key("c1")
    response = seeded.request(
        "POST",
        f"{PATHS['atsCandidates']}?{indexed_query([key])}",
        "BATCH_PARTIAL_UPDATE",
        json={"entities": {body_key(key): {"patch": {"$delete": ["firstName"]}}}},
    )

    body = response.json()
    assert body["results"][body_key(key)] == {"status": 422}
    assert (
        body["errors"][body_key(key)]["message"]
        == "firstName: required field is missing"
    )
    assert seeded.entities("atsCandidates")[0]["entity"]["firstName"] == "Ada"


def test_batch_create_rejected_on_sync(client: SandboxClient) -> None:
    key = candidate_key("c1")
    response = client.request(
        "POST",
        f"{PATHS['atsCandidates']}?{indexed_query([key])}",
        "BATCH_CREATE",
        json={"entities": {body_key(key): candidate_entity()}},
    )

    assert response.status_code == 400
    assert response.json()["message"].startswith(
        "BATCH_CREATE is not supported on atsCandidates"
    )


def test_batch_get_returns_held(seeded: SandboxClient) -> None:
    keys = [candidate_key("c1"), candidate_key("c9")]
    response = seeded.request(
        "GET", f"{PATHS['atsCandidates']}?{indexed_query(keys)}", "BATCH_GET"
    )

    body = response.json()
    assert response.status_code == 200
    assert body["results"] == {body_key(keys[0]): candidate_entity()}
    assert body["statuses"] == {body_key(keys[0]): 200, body_key(keys[1]): 404}
    assert body["errors"][body_key(keys[1])]["status"] == 404
