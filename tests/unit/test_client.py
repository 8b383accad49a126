"""Tests for the LinkedIn client: headers, tunnelling, 401 retry, errors, batches."""

import dataclasses
import json
from email import policy
from email.parser import BytesParser
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
import requests
import responses
from linkedin.auth import MemoryTokenStore, TokenManager
from linkedin.client import LinkedInClient
from linkedin.errors import (
    AccessDenied,
    LinkedInError,
    NotFound,
    RateLimited,
    RequestTooLong,
    TokenRejected,
    TransientError,
    VersionError,
)
from linkedin.resources import RESOURCES
from linkedin.restli import CreateResult, body_key, encode_query_keys

# Loopback only: responses intercepts every call, and nothing else is reachable.
API_BASE = "http://127.0.0.1:9"
OAUTH_BASE = "http://127.0.0.1:9/oauth/v2"
TOKEN_URL = f"{OAUTH_BASE}/accessToken"
UPLOAD_URL = "http://127.0.0.1:9/upload/abc?signature=sig-123"
CLIENT_SECRET = "client-secret-value"
ORG = "urn:li:organization:123"

PIPELINES_URL = f"{API_BASE}/rest/tcrmPipelines"
STAGES_URL = f"{API_BASE}/v2/tcrmPipelineStages"


class FakeClock:
    def __init__(self, now=1_700_000_000.0):
        self.now = now

    def __call__(self):
        return self.now


class RecordingSession(requests.Session):
    """Session that records the timeout of every request."""

    def __init__(self):
        super().__init__()
        self.timeouts = []

    def request(self, method, url, **kwargs):
        self.timeouts.append(kwargs.get("timeout"))
        return super().request(method, url, **kwargs)


@pytest.fixture
def mock():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        issued = iter(range(1, 1000))
        rsps.add_callback(
            responses.POST,
            TOKEN_URL,
            callback=lambda request: (
                200,
                {},
                json.dumps(
                    {"access_token": f"token-{next(issued)}", "expires_in": "1800"}
                ),
            ),
        )
        yield rsps


@pytest.fixture
def session():
    return RecordingSession()


@pytest.fixture
def failures():
    return []


@pytest.fixture
def counted():
    return []


def make_client(session, failures=None, counted=None, **kwargs):
    manager = TokenManager(
        session,
        OAUTH_BASE,
        "client-abc",
        CLIENT_SECRET,
        MemoryTokenStore(),
        clock=FakeClock(),
        on_failure=failures.append if failures is not None else None,
    )
    return LinkedInClient(
        session,
        API_BASE,
        manager,
        on_failure=failures.append if failures is not None else None,
        on_request=(lambda *args: counted.append(args))
        if counted is not None
        else None,
        **kwargs,
    )


@pytest.fixture
def client(session, failures, counted):
    return make_client(session, failures, counted)


def api_calls(mock):
    return [call for call in mock.calls if call.request.url != TOKEN_URL]


def token_posts(mock):
    return [call for call in mock.calls if call.request.url == TOKEN_URL]


def pipeline_key(pipeline_id):
    return {
        "tcrmPipelineId": str(pipeline_id),
        "integrationContext": ORG,
        "dataProvider": "PARTNER",
    }


def stage_key(stage_id):
    return {
        "tcrmPipelineId": "P1",
        "tcrmStageId": str(stage_id),
        "integrationContext": ORG,
        "dataProvider": "PARTNER",
    }


def ok_results(resource_name, keys, status=204):
    resource = RESOURCES[resource_name]
    return {"results": {body_key(resource, key): {"status": status} for key in keys}}


def parse_multipart(request):
    raw = (
        f"Content-Type: {request.headers['Content-Type']}\r\n\r\n".encode()
        + request.body
    )
    message = BytesParser(policy=policy.default).parsebytes(raw)
    return list(message.iter_parts())


# -- headers and URLs -------------------------------------------------------------


def test_rest_resource_sends_version(mock, client):
    mock.add(responses.GET, PIPELINES_URL, json={})
    client.request("tcrmPipelines", "get", query="q=x", restli_method="batch_get")
    request = api_calls(mock)[0].request
    assert request.method == "GET"
    assert request.url == f"{PIPELINES_URL}?q=x"
    assert request.headers["LinkedIn-Version"] == "202604"
    assert request.headers["X-Restli-Protocol-Version"] == "2.0.0"
    assert request.headers["X-RestLi-Method"] == "BATCH_GET"
    assert request.headers["Authorization"] == "Bearer token-1"


def test_v2_resource_sends_no_version(mock, client):
    mock.add(responses.GET, STAGES_URL, json={})
    client.request("tcrmPipelineStages", "GET")
    request = api_calls(mock)[0].request
    assert request.url == STAGES_URL
    assert "LinkedIn-Version" not in request.headers
    assert "X-RestLi-Method" not in request.headers
    assert request.headers["X-Restli-Protocol-Version"] == "2.0.0"


def test_default_version_setting(mock, session):
    client = make_client(session, default_version="202610")
    mock.add(responses.GET, PIPELINES_URL, json={})
    client.request("tcrmPipelines", "GET")
    assert api_calls(mock)[0].request.headers["LinkedIn-Version"] == "202610"


def test_override_moves_resource_to_rest(mock, session):
    overrides = {"tcrmPipelineStages": {"api": "rest", "version": "202607"}}
    client = make_client(session, overrides=overrides)
    mock.add(responses.GET, f"{API_BASE}/rest/tcrmPipelineStages", json={})
    client.request("tcrmPipelineStages", "GET")
    request = api_calls(mock)[0].request
    assert request.url == f"{API_BASE}/rest/tcrmPipelineStages"
    assert request.headers["LinkedIn-Version"] == "202607"


def test_override_moves_resource_to_v2(mock, session):
    client = make_client(session, overrides={"tcrmPipelines": {"api": "v2"}})
    mock.add(responses.GET, f"{API_BASE}/v2/tcrmPipelines", json={})
    client.request("tcrmPipelines", "GET")
    request = api_calls(mock)[0].request
    assert request.url == f"{API_BASE}/v2/tcrmPipelines"
    assert "LinkedIn-Version" not in request.headers


def test_client_rejects_invalid_settings(session):
    with pytest.raises(ValueError, match="'v9'"):
        make_client(session, overrides={"tcrmPipelines": {"api": "v9"}})
    with pytest.raises(ValueError, match="'2026'"):
        make_client(session, default_version="2026")
    with pytest.raises(ValueError, match="timeout"):
        make_client(session, timeout=None)


def test_extra_headers_cannot_set_authorization(mock, client):
    with pytest.raises(ValueError, match="Authorization"):
        client.request("tcrmPipelines", "GET", extra_headers={"authorization": "x"})
    assert api_calls(mock) == []


def test_every_request_has_timeout(mock, session):
    client = make_client(session, timeout=(3, 11))
    mock.add(responses.GET, PIPELINES_URL, json={})
    client.request("tcrmPipelines", "GET")
    # The token POST uses the token manager's default timeout.
    assert session.timeouts == [(5, 30), (3, 11)]


# -- tunnelling ---------------------------------------------------------------------


def test_long_query_tunnelled_as_form(mock, client):
    query = "q=" + "a" * 3999
    assert len(query) == 4001
    mock.add(responses.POST, PIPELINES_URL, json={})
    client.request("tcrmPipelines", "GET", query=query, restli_method="BATCH_GET")
    request = api_calls(mock)[0].request
    assert request.method == "POST"
    assert request.url == PIPELINES_URL
    assert request.headers["X-HTTP-Method-Override"] == "GET"
    assert request.headers["X-RestLi-Method"] == "BATCH_GET"
    assert request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert request.body.decode() == query


def test_long_query_with_body_tunnelled_as_multipart(mock, client):
    query = "q=" + "b" * 3999
    body = {"entities": {"k=1": {"title": "Nurses ü"}}}
    mock.add(responses.POST, PIPELINES_URL, json={})
    client.request(
        "tcrmPipelines",
        "PUT",
        query=query,
        json_body=body,
        restli_method="BATCH_UPDATE",
    )
    request = api_calls(mock)[0].request
    assert request.method == "POST"
    assert request.url == PIPELINES_URL
    assert request.headers["X-HTTP-Method-Override"] == "PUT"
    assert request.headers["X-RestLi-Method"] == "BATCH_UPDATE"
    assert request.headers["Content-Type"].startswith("multipart/mixed; boundary=")

    parts = parse_multipart(request)
    assert len(parts) == 2
    assert parts[0].get_content_type() == "application/x-www-form-urlencoded"
    assert parts[0].get_payload(decode=True).decode() == query
    assert parts[1].get_content_type() == "application/json"
    assert json.loads(parts[1].get_payload(decode=True)) == body


@pytest.mark.parametrize("length", [3999, 4000])
def test_short_query_not_tunnelled(mock, client, length):
    query = "q=" + "c" * (length - 2)
    mock.add(responses.GET, PIPELINES_URL, json={})
    client.request("tcrmPipelines", "GET", query=query)
    request = api_calls(mock)[0].request
    assert request.method == "GET"
    assert "X-HTTP-Method-Override" not in request.headers
    assert urlsplit(request.url).query == query


def test_tunnelling_measures_encoded_brackets(mock, client):
    # 35 keys: under 4,000 characters as written, over it once requests encodes
    # each "[" and "]" as %5B and %5D.
    keys = [pipeline_key(f"p{index:03d}") for index in range(35)]
    written = encode_query_keys(RESOURCES["tcrmPipelines"], keys)
    assert len(written) < 4000
    assert len(written.replace("[", "%5B").replace("]", "%5D")) > 4000

    mock.add(responses.POST, PIPELINES_URL, json=ok_results("tcrmPipelines", keys))
    results = client.batch_delete("tcrmPipelines", keys)
    request = api_calls(mock)[0].request
    assert request.method == "POST"
    assert request.headers["X-HTTP-Method-Override"] == "DELETE"
    fields = parse_qs(request.body.decode())
    assert fields["ids[34].tcrmPipelineId"] == ["p034"]
    assert fields["ids[0].integrationContext"] == [ORG]
    assert all(result.ok for result in results.values())


# -- 401 handling -------------------------------------------------------------------


def test_401_refreshes_token_once(mock, client, failures):
    mock.add(responses.GET, STAGES_URL, status=401, json={"status": 401})
    mock.add(responses.GET, STAGES_URL, json={"ok": True})
    response = client.request("tcrmPipelineStages", "GET")
    assert response.json() == {"ok": True}
    calls = api_calls(mock)
    assert len(calls) == 2
    assert calls[0].request.headers["Authorization"] == "Bearer token-1"
    assert calls[1].request.headers["Authorization"] == "Bearer token-2"
    assert len(token_posts(mock)) == 2
    assert len(failures) == 1
    assert failures[0].status == 401


def test_second_401_raises_token_rejected(mock, client):
    mock.add(responses.GET, STAGES_URL, status=401, json={"message": "revoked"})
    with pytest.raises(TokenRejected) as info:
        client.request("tcrmPipelineStages", "GET")
    assert info.value.status == 401
    assert "tcrmPipelineStages" in str(info.value)
    assert len(api_calls(mock)) == 2
    assert len(token_posts(mock)) == 2


# -- error mapping ------------------------------------------------------------------


@pytest.mark.parametrize(
    "exception", [requests.Timeout("slow"), requests.ConnectionError("refused")]
)
def test_network_error_is_transient(mock, client, failures, counted, exception):
    mock.add(responses.GET, STAGES_URL, body=exception)
    with pytest.raises(TransientError) as info:
        client.request("tcrmPipelineStages", "GET")
    assert info.value.cause is exception
    assert info.value.status is None
    assert failures[-1].status is None
    assert "tcrmPipelineStages" in failures[-1].error
    assert counted[-1][2] is None


def test_timeout_value_passed_to_session(mock, session):
    client = make_client(session)
    mock.add(responses.GET, STAGES_URL, body=requests.Timeout("slow"))
    with pytest.raises(TransientError):
        client.request("tcrmPipelineStages", "GET")
    assert session.timeouts
    assert all(timeout is not None for timeout in session.timeouts)
    assert session.timeouts[-1] == (5, 30)


@pytest.mark.parametrize(
    ("status", "restli_method", "expected"),
    [
        (403, None, AccessDenied),
        (404, None, NotFound),
        (414, None, RequestTooLong),
        (500, None, TransientError),
        (503, "BATCH_UPDATE", TransientError),
        (400, "BATCH_UPDATE", LinkedInError),
        (422, None, LinkedInError),
    ],
)
def test_status_maps_to_error(mock, client, failures, status, restli_method, expected):
    mock.add(
        responses.GET,
        STAGES_URL,
        status=status,
        json={"status": status, "serviceErrorCode": 65, "message": "refused here"},
        headers={"x-li-uuid": "req-42"},
    )
    with pytest.raises(expected) as info:
        client.request("tcrmPipelineStages", "GET", restli_method=restli_method)
    assert type(info.value) is expected
    assert info.value.status == status
    assert info.value.service_error_code == 65
    assert info.value.request_id == "req-42"
    assert info.value.resource == "tcrmPipelineStages"
    assert "refused here" in str(info.value)
    assert failures[-1].status == status


def test_batch_404_raises_plain_error(mock, client):
    mock.add(responses.DELETE, STAGES_URL, status=404, json={"message": "no route"})
    with pytest.raises(LinkedInError) as info:
        client.batch_delete("tcrmPipelineStages", [stage_key(1)])
    assert not isinstance(info.value, NotFound)
    assert info.value.status == 404


def test_426_raises_version_error(mock, client):
    mock.add(
        responses.GET,
        PIPELINES_URL,
        status=426,
        json={
            "status": 426,
            "code": "NONEXISTENT_VERSION",
            "message": "Requested version 20240101 is not active",
        },
    )
    with pytest.raises(VersionError) as info:
        client.request("tcrmPipelines", "GET")
    assert info.value.version == "202604"
    assert info.value.code == "NONEXISTENT_VERSION"
    message = str(info.value)
    assert "202604" in message
    assert "tcrmPipelines" in message
    assert "LinkedIn-Version setting" in message


def test_429_day_limit_is_daily(mock, client):
    mock.add(
        responses.GET,
        STAGES_URL,
        status=429,
        json={
            "status": 429,
            "message": "Resource level throttle DAY limit for calls to this "
            "resource is reached.",
        },
    )
    with pytest.raises(RateLimited) as info:
        client.request("tcrmPipelineStages", "GET")
    assert info.value.daily is True
    assert info.value.retry_after is None
    assert "midnight UTC" in str(info.value)


def test_429_burst_with_retry_after(mock, client):
    mock.add(
        responses.GET,
        STAGES_URL,
        status=429,
        json={"status": 429, "message": "Too many requests"},
        headers={"Retry-After": "17"},
    )
    with pytest.raises(RateLimited) as info:
        client.request("tcrmPipelineStages", "GET")
    assert info.value.daily is False
    assert info.value.retry_after == 17


def test_non_json_error_body(mock, client):
    mock.add(responses.GET, STAGES_URL, status=502, body="<html>Bad gateway</html>")
    with pytest.raises(TransientError, match="Bad gateway"):
        client.request("tcrmPipelineStages", "GET")


# -- failure records ----------------------------------------------------------------


def test_failure_record_redacts_token_and_secret(mock, client, failures):
    mock.add(responses.GET, STAGES_URL, status=400, json={"message": "bad key"})
    with pytest.raises(LinkedInError):
        client.request("tcrmPipelineStages", "GET", query="ids=List(1)")
    record = failures[-1]
    assert record.request_headers["Authorization"] == "Bearer ***"
    assert record.method == "GET"
    assert record.url == f"{STAGES_URL}?ids=List(1)"
    assert record.status == 400
    assert record.resource == "tcrmPipelineStages"
    assert record.duration_ms >= 0
    assert "bad key" in record.response_body
    dumped = json.dumps(dataclasses.asdict(record))
    assert "token-1" not in dumped
    assert CLIENT_SECRET not in dumped


def test_token_failure_record_redacts_secret(mock, session):
    failures = []
    mock.replace(
        responses.POST,
        TOKEN_URL,
        status=401,
        json={"error": "invalid_client", "error_description": "bad secret"},
    )
    client = make_client(session, failures)
    with pytest.raises(LinkedInError):
        client.request("tcrmPipelineStages", "GET")
    assert len(failures) == 1
    assert "client_secret=***" in failures[0].request_body
    assert CLIENT_SECRET not in json.dumps(dataclasses.asdict(failures[0]))


def test_failure_record_truncates_body(mock, client, failures):
    mock.add(responses.PUT, STAGES_URL, status=400, json={"message": "too big"})
    with pytest.raises(LinkedInError):
        client.request("tcrmPipelineStages", "PUT", json_body={"x": "y" * 1_200_000})
    body = failures[-1].request_body
    assert len(body) < 1_000_100
    assert body.endswith("more characters not recorded]")


def test_on_request_counts_every_request(mock, client, counted):
    mock.add(responses.GET, STAGES_URL, status=401, json={})
    mock.add(responses.GET, STAGES_URL, json={})
    client.request("tcrmPipelineStages", "GET", entity_count=3)
    assert [
        (name, method, status, count) for name, method, status, _, count in counted
    ] == [
        ("tcrmPipelineStages", "GET", 401, 3),
        ("tcrmPipelineStages", "GET", 200, 3),
    ]
    assert all(duration >= 0 for _, _, _, duration, _ in counted)


def test_failing_callback_does_not_break_request(mock, session):
    def explode(*args):
        raise RuntimeError("callback bug")

    manager = TokenManager(
        session, OAUTH_BASE, "client-abc", CLIENT_SECRET, MemoryTokenStore()
    )
    client = LinkedInClient(session, API_BASE, manager, on_request=explode)
    mock.add(responses.GET, STAGES_URL, json={"ok": 1})
    assert client.request("tcrmPipelineStages", "GET").json() == {"ok": 1}


# -- batch helpers ------------------------------------------------------------------


def test_batch_upsert_sends_keys_twice(mock, client, failures):
    keys = [pipeline_key(1), pipeline_key(2)]
    texts = [body_key(RESOURCES["tcrmPipelines"], key) for key in keys]
    mock.add(
        responses.PUT,
        PIPELINES_URL,
        json={
            "results": {texts[0]: {"status": 204}, texts[1]: {"status": 422}},
            "errors": {
                texts[1]: {"status": 422, "serviceErrorCode": 100, "message": "title"}
            },
        },
    )
    results = client.batch_upsert(
        "tcrmPipelines", [(keys[0], {"title": "A"}), (keys[1], {"title": ""})]
    )
    request = api_calls(mock)[0].request
    assert request.method == "PUT"
    assert request.headers["X-RestLi-Method"] == "BATCH_UPDATE"
    assert request.headers["Content-Type"] == "application/json"
    assert unquote(urlsplit(request.url).query) == unquote(
        encode_query_keys(RESOURCES["tcrmPipelines"], keys)
    )
    assert "integrationContext=urn%3Ali%3Aorganization%3A123" in request.url
    assert json.loads(request.body)["entities"] == {
        texts[0]: {"title": "A"},
        texts[1]: {"title": ""},
    }

    assert results[texts[0]].ok is True
    assert results[texts[1]].ok is False
    assert results[texts[1]].service_error_code == 100
    assert len(failures) == 1
    assert "1 of 2 entities failed" in failures[0].error
    assert failures[0].status == 200


def test_batch_upsert_success_reports_nothing(mock, client, failures, counted):
    keys = [pipeline_key(1)]
    mock.add(responses.PUT, PIPELINES_URL, json=ok_results("tcrmPipelines", keys))
    results = client.batch_upsert("tcrmPipelines", [(keys[0], {"title": "A"})])
    assert all(result.ok for result in results.values())
    assert failures == []
    assert counted[-1][4] == 1


def test_batch_upsert_rejects_oversized_batch(mock, client):
    items = [(pipeline_key(index), {}) for index in range(101)]
    with pytest.raises(ValueError, match="101"):
        client.batch_upsert("tcrmPipelines", items)
    assert len(mock.calls) == 0


def test_batch_size_override(mock, session):
    client = make_client(session, overrides={"tcrmPipelines": {"batch_size": 2}})
    items = [(pipeline_key(index), {}) for index in range(3)]
    with pytest.raises(ValueError, match="batch size of 2"):
        client.batch_upsert("tcrmPipelines", items)


def test_batch_upsert_empty(mock, client):
    assert client.batch_upsert("tcrmPipelines", []) == {}
    assert len(mock.calls) == 0


def test_batch_delete_counts_404_as_done(mock, client, failures):
    keys = [stage_key(1), stage_key(2)]
    resource = RESOURCES["tcrmPipelineStages"]
    texts = [body_key(resource, key) for key in keys]
    mock.add(
        responses.DELETE,
        STAGES_URL,
        json={
            "results": {texts[0]: {"status": 204}, texts[1]: {"status": 404}},
            "errors": {texts[1]: {"status": 404, "message": "not found"}},
        },
    )
    results = client.batch_delete("tcrmPipelineStages", keys)
    request = api_calls(mock)[0].request
    assert request.method == "DELETE"
    assert request.headers["X-RestLi-Method"] == "BATCH_DELETE"
    assert request.body is None
    assert [results[text].ok for text in texts] == [True, True]
    assert failures == []


def test_batch_partial_update(mock, client):
    keys = [pipeline_key(1)]
    mock.add(responses.POST, PIPELINES_URL, json=ok_results("tcrmPipelines", keys))
    client.batch_partial_update("tcrmPipelines", [(keys[0], {"state": "CLOSED"})])
    request = api_calls(mock)[0].request
    assert request.method == "POST"
    assert request.headers["X-RestLi-Method"] == "BATCH_PARTIAL_UPDATE"
    text = body_key(RESOURCES["tcrmPipelines"], keys[0])
    assert json.loads(request.body) == {
        "entities": {text: {"patch": {"$set": {"state": "CLOSED"}}}}
    }


def test_batch_response_not_json(mock, client, failures):
    keys = [pipeline_key(1)]
    mock.add(responses.PUT, PIPELINES_URL, body="ok")
    results = client.batch_upsert("tcrmPipelines", [(keys[0], {})])
    assert [result.message for result in results.values()] == ["no status returned"]
    assert len(failures) == 1


# -- jobs ---------------------------------------------------------------------------


def test_create_job_postings(mock, client, failures):
    mock.add(
        responses.POST,
        f"{API_BASE}/v2/simpleJobPostings",
        json={
            "elements": [
                {"status": 201, "id": "task-1"},
                {"status": 400, "error": {"status": 400, "message": "title too long"}},
            ]
        },
    )
    elements = [
        {"externalJobPostingId": "J1", "title": "Nurse"},
        {"externalJobPostingId": "J2", "title": "x" * 300},
    ]
    results = client.create_job_postings(elements)
    request = api_calls(mock)[0].request
    assert request.headers["X-RestLi-Method"] == "BATCH_CREATE"
    assert json.loads(request.body) == {"elements": elements}
    assert results == [
        CreateResult(True, 201, "task-1", None, None),
        CreateResult(False, 400, None, "title too long", None),
    ]
    assert "J2" in failures[-1].error


def test_get_job_tasks(mock, client):
    url = f"{API_BASE}/v2/simpleJobPostingTasks"
    mock.add(
        responses.GET,
        url,
        json={
            "results": {
                "task-1": {"status": "SUCCEEDED", "externalJobPostingId": "J1"},
                "urn%3Ali%3Atask%3A2": {"status": "IN_PROGRESS"},
            }
        },
    )
    tasks = client.get_job_tasks(["task-1", "urn:li:task:2", "task-3"])
    request = api_calls(mock)[0].request
    assert request.url == f"{url}?ids=List(task-1,urn%3Ali%3Atask%3A2,task-3)"
    assert request.headers["X-RestLi-Method"] == "BATCH_GET"
    assert tasks == {
        "task-1": {"status": "SUCCEEDED", "externalJobPostingId": "J1"},
        "urn:li:task:2": {"status": "IN_PROGRESS"},
    }


# -- resumes ------------------------------------------------------------------------


def add_media_url(mock):
    mock.add(
        responses.POST,
        f"{API_BASE}/v2/hireMediaUrl",
        json={"value": {"uploadUrl": UPLOAD_URL, "resumeUrn": "urn:li:hireMedia:9"}},
    )


def test_upload_resume(mock, session, client):
    add_media_url(mock)
    mock.add(responses.PUT, UPLOAD_URL.split("?")[0], status=201)
    urn = client.upload_resume(
        {"atsCandidateId": "42", "integrationContext": ORG},
        "urn:li:contract:7",
        "application/pdf",
        "cv.pdf",
        b"%PDF-1.4 data",
    )
    assert urn == "urn:li:hireMedia:9"

    media_request, upload_request = api_calls(mock)
    assert json.loads(media_request.request.body) == {
        "usageParameter": {
            "tcrmResumeParameters": {
                "atsCandidateId": "42",
                "integrationContext": ORG,
                "dataProvider": "ATS",
                "fileName": "cv.pdf",
            }
        },
        "contentType": "application/pdf",
        "hiringContext": "urn:li:contract:7",
    }
    assert upload_request.request.url == UPLOAD_URL
    assert upload_request.request.method == "PUT"
    assert "Authorization" not in upload_request.request.headers
    assert upload_request.request.headers["Content-Type"] == "application/pdf"
    assert upload_request.request.body == b"%PDF-1.4 data"
    assert None not in session.timeouts


def test_upload_resume_too_large_response(mock, client, failures):
    add_media_url(mock)
    mock.add(responses.PUT, UPLOAD_URL.split("?")[0], status=413, body="too large")
    with pytest.raises(LinkedInError) as info:
        client.upload_resume(
            {"atsCandidateId": "42", "integrationContext": ORG},
            "urn:li:contract:7",
            "text/plain",
            "cv.txt",
            b"hello",
        )
    assert info.value.status == 413
    record = failures[-1]
    assert "sig-123" not in record.url
    assert "hello" not in record.request_body


def test_upload_resume_candidate_missing(mock, client):
    mock.add(responses.POST, f"{API_BASE}/v2/hireMediaUrl", status=404, json={})
    with pytest.raises(NotFound):
        client.upload_resume(
            {"atsCandidateId": "42", "integrationContext": ORG},
            "urn:li:contract:7",
            "text/plain",
            "cv.txt",
            b"hello",
        )


@pytest.mark.parametrize(
    ("content_type", "data", "match"),
    [
        ("image/png", b"x", "content type"),
        ("application/pdf", b"", "empty"),
        ("application/pdf", b"x" * (10 * 1024 * 1024 + 1), "10 MB"),
    ],
)
def test_upload_resume_rejects_file(mock, client, content_type, data, match):
    with pytest.raises(ValueError, match=match):
        client.upload_resume({}, "urn:li:contract:7", content_type, "f", data)
    assert len(mock.calls) == 0
