"""Tests for compound-key encoding and batch response parsing."""

import json

import pytest
import requests
from linkedin.resources import RESOURCES
from linkedin.restli import (
    CreateResult,
    EntityResult,
    batch_partial_update_body,
    batch_update_body,
    body_key,
    encode_list,
    encode_query_keys,
    encode_value,
    parse_batch_create_response,
    parse_batch_response,
    parse_body_key,
    parse_error_body,
)

ORG = "urn:li:organization:123"
PIPELINES = RESOURCES["tcrmPipelines"]
CANDIDATE_PIPELINES = RESOURCES["tcrmCandidatePipelines"]


def pipeline_key(pipeline_id):
    # Deliberately not in table order.
    return {
        "dataProvider": "PARTNER",
        "integrationContext": ORG,
        "tcrmPipelineId": pipeline_id,
    }


def make_response(status, body, content_type="application/json"):
    response = requests.Response()
    response.status_code = status
    response._content = body.encode("utf-8") if isinstance(body, str) else body
    response.headers["Content-Type"] = content_type
    return response


# -- key encoding -------------------------------------------------------------


def test_query_keys_encode_urn():
    query = encode_query_keys(PIPELINES, [pipeline_key("12")])
    assert query == (
        "ids[0].tcrmPipelineId=12"
        "&ids[0].integrationContext=urn%3Ali%3Aorganization%3A123"
        "&ids[0].dataProvider=PARTNER"
    )


def test_query_keys_index_each_key():
    query = encode_query_keys(PIPELINES, [pipeline_key("12"), pipeline_key(13)])
    parts = query.split("&")
    assert len(parts) == 6
    assert parts[3] == "ids[1].tcrmPipelineId=13"
    assert parts[4] == "ids[1].integrationContext=urn%3Ali%3Aorganization%3A123"


def test_query_keys_follow_table_order():
    key = {
        "integrationContext": ORG,
        "dataProvider": "PARTNER",
        "tcrmPipelineId": "P1",
        "tcrmCandidateId": "C1",
    }
    query = encode_query_keys(CANDIDATE_PIPELINES, [key])
    names = [part.split("=")[0] for part in query.split("&")]
    assert names == [
        "ids[0].tcrmCandidateId",
        "ids[0].tcrmPipelineId",
        "ids[0].integrationContext",
        "ids[0].dataProvider",
    ]


def test_query_keys_encode_every_reserved_char():
    key = pipeline_key("a b/c&d=e(f)")
    query = encode_query_keys(PIPELINES, [key])
    assert query.startswith("ids[0].tcrmPipelineId=a%20b%2Fc%26d%3De%28f%29&")


def test_body_key_unencoded_in_table_order():
    assert body_key(PIPELINES, pipeline_key("12")) == (
        "tcrmPipelineId=12&integrationContext=urn:li:organization:123"
        "&dataProvider=PARTNER"
    )


def test_body_key_rejects_ambiguous_value():
    with pytest.raises(ValueError, match="tcrmPipelineId"):
        body_key(PIPELINES, pipeline_key("a&b"))


@pytest.mark.parametrize(
    "key",
    [
        {"tcrmPipelineId": "12", "integrationContext": ORG},
        {**pipeline_key("12"), "tcrmStageId": "S1"},
        {**pipeline_key(""), "tcrmPipelineId": ""},
    ],
)
def test_key_with_wrong_fields_rejected(key):
    with pytest.raises(ValueError, match="tcrmPipelines"):
        encode_query_keys(PIPELINES, [key])


def test_key_on_resource_without_key_fields():
    with pytest.raises(ValueError, match="simpleJobPostings"):
        encode_query_keys(RESOURCES["simpleJobPostings"], [{"a": "b"}])


def test_parse_body_key_forms():
    expected = {
        "tcrmPipelineId": "12",
        "integrationContext": ORG,
        "dataProvider": "PARTNER",
    }
    plain = (
        "tcrmPipelineId=12&integrationContext=urn:li:organization:123"
        "&dataProvider=PARTNER"
    )
    encoded = (
        "dataProvider=PARTNER&tcrmPipelineId=12"
        "&integrationContext=urn%3Ali%3Aorganization%3A123"
    )
    restli = (
        "(tcrmPipelineId:12,integrationContext:urn%3Ali%3Aorganization%3A123,"
        "dataProvider:PARTNER)"
    )
    assert parse_body_key(plain) == expected
    assert parse_body_key(encoded) == expected
    assert parse_body_key(restli) == expected


def test_parse_body_key_invalid():
    with pytest.raises(ValueError, match="no '='"):
        parse_body_key("tcrmPipelineId")


def test_encode_list():
    assert encode_list(["t1", "t2"]) == "List(t1,t2)"
    assert encode_list(["urn:li:task:1", "a,b", "(x)"]) == (
        "List(urn%3Ali%3Atask%3A1,a%2Cb,%28x%29)"
    )
    assert encode_list([1, True]) == "List(1,true)"
    assert encode_list([]) == "List()"


def test_encode_value_record_and_empty_string():
    assert encode_value({"a": ORG, "b": [1, 2]}) == (
        "(a:urn%3Ali%3Aorganization%3A123,b:List(1,2))"
    )
    assert encode_value("") == "''"


def test_batch_update_body():
    items = [(pipeline_key("12"), {"title": "Nurses"}), (pipeline_key("13"), {})]
    body = batch_update_body(PIPELINES, items)
    assert list(body["entities"]) == [
        body_key(PIPELINES, pipeline_key("12")),
        body_key(PIPELINES, pipeline_key("13")),
    ]
    assert body["entities"][body_key(PIPELINES, pipeline_key("12"))] == {
        "title": "Nurses"
    }


def test_batch_update_body_rejects_duplicate_key():
    items = [(pipeline_key("12"), {}), (pipeline_key(12), {})]
    with pytest.raises(ValueError, match="appears twice"):
        batch_update_body(PIPELINES, items)


def test_batch_partial_update_body():
    body = batch_partial_update_body(
        PIPELINES, [(pipeline_key("12"), {"state": "CLOSED"})]
    )
    entity = body["entities"][body_key(PIPELINES, pipeline_key("12"))]
    assert entity == {"patch": {"$set": {"state": "CLOSED"}}}


# -- batch responses ------------------------------------------------------------


def test_batch_response_mixed_statuses():
    keys = [pipeline_key("1"), pipeline_key("2"), pipeline_key("3")]
    texts = [body_key(PIPELINES, key) for key in keys]
    payload = {
        "results": {texts[0]: {"status": 204}, texts[1]: {"status": 422}},
        "errors": {
            texts[1]: {
                "status": 422,
                "serviceErrorCode": 100,
                "message": "title: missing",
            }
        },
    }
    outcomes = parse_batch_response(PIPELINES, keys, payload)
    assert outcomes[texts[0]] == EntityResult(True, 204, None, None)
    assert outcomes[texts[1]] == EntityResult(False, 422, "title: missing", 100)
    assert outcomes[texts[2]] == EntityResult(False, None, "no status returned", None)


def test_batch_response_error_overrides_2xx():
    keys = [pipeline_key("1")]
    text = body_key(PIPELINES, keys[0])
    payload = {
        "results": {text: {"status": 200}},
        "errors": {text: {"status": 400, "message": "bad"}},
    }
    outcome = parse_batch_response(PIPELINES, keys, payload)[text]
    assert outcome.ok is False
    assert outcome.status == 400
    assert outcome.message == "bad"


def test_batch_response_non_2xx_without_errors_map():
    keys = [pipeline_key("1")]
    text = body_key(PIPELINES, keys[0])
    outcome = parse_batch_response(
        PIPELINES, keys, {"results": {text: {"status": 422}}}
    )
    assert outcome[text] == EntityResult(False, 422, "status 422", None)


def test_batch_response_matches_reordered_and_encoded_keys():
    keys = [pipeline_key("1"), pipeline_key("2")]
    payload = {
        "results": {
            "dataProvider=PARTNER&integrationContext=urn%3Ali%3Aorganization%3A123"
            "&tcrmPipelineId=1": {"status": 204},
            "(tcrmPipelineId:2,integrationContext:urn%3Ali%3Aorganization%3A123,"
            "dataProvider:PARTNER)": {"status": "201"},
            "tcrmPipelineId=99&integrationContext=x&dataProvider=PARTNER": {
                "status": 204
            },
        }
    }
    outcomes = parse_batch_response(PIPELINES, keys, payload)
    assert set(outcomes) == {body_key(PIPELINES, key) for key in keys}
    assert all(outcome.ok for outcome in outcomes.values())


def test_batch_delete_404_counts_as_ok():
    keys = [pipeline_key("1"), pipeline_key("2"), pipeline_key("3")]
    texts = [body_key(PIPELINES, key) for key in keys]
    payload = {
        "results": {
            texts[0]: {"status": 204},
            texts[1]: {"status": 404},
            texts[2]: {"status": 410},
        },
        "errors": {texts[1]: {"status": 404, "message": "not found"}},
    }
    deleted = parse_batch_response(PIPELINES, keys, payload, missing_ok=True)
    assert [deleted[text].ok for text in texts] == [True, True, True]
    assert deleted[texts[1]].status == 404

    updated = parse_batch_response(PIPELINES, keys, payload)
    assert [updated[text].ok for text in texts] == [True, False, False]


@pytest.mark.parametrize("payload", [None, [], "oops", {"results": "x"}])
def test_batch_response_unusable_payload(payload):
    keys = [pipeline_key("1")]
    outcome = parse_batch_response(PIPELINES, keys, payload)
    assert outcome[body_key(PIPELINES, keys[0])].message == "no status returned"


def test_batch_create_response():
    payload = {
        "elements": [
            {"status": 201, "id": "task-1"},
            {
                "status": 400,
                "error": {"status": 400, "serviceErrorCode": 7, "message": "title"},
            },
        ]
    }
    outcomes = parse_batch_create_response(payload, 3)
    assert outcomes == [
        CreateResult(True, 201, "task-1", None, None),
        CreateResult(False, 400, None, "title", 7),
        CreateResult(False, None, None, "no status returned", None),
    ]


def test_batch_create_response_not_json_object():
    outcomes = parse_batch_create_response(None, 2)
    assert [outcome.ok for outcome in outcomes] == [False, False]


# -- error bodies -------------------------------------------------------------------


def test_error_body_json():
    body = json.dumps(
        {
            "status": 426,
            "serviceErrorCode": 1,
            "code": "NONEXISTENT_VERSION",
            "message": "Requested version 20200101 is not active",
        }
    )
    error = parse_error_body(make_response(426, body))
    assert error.status == 426
    assert error.service_error_code == 1
    assert error.code == "NONEXISTENT_VERSION"
    assert error.message == "Requested version 20200101 is not active"


def test_error_body_oauth():
    body = json.dumps(
        {"error": "invalid_client", "error_description": "Client authentication failed"}
    )
    error = parse_error_body(make_response(401, body))
    assert error == (401, None, "invalid_client", "Client authentication failed")


def test_error_body_not_json():
    error = parse_error_body(
        make_response(502, "<html>Bad gateway</html>", "text/html")
    )
    assert error.status == 502
    assert error.service_error_code is None
    assert error.code is None
    assert error.message == "<html>Bad gateway</html>"


def test_error_body_empty():
    error = parse_error_body(make_response(500, b""))
    assert error == (500, None, None, None)
