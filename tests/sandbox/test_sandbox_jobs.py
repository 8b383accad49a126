"""Job postings: BATCH_CREATE with task ids, and task polling."""

from __future__ import annotations

from typing import Any

import pytest
import requests
from sandbox_helpers import ORG, OTHER_ORG, SandboxClient

JOBS = "/v2/simpleJobPostings"
TASKS = "/v2/simpleJobPostingTasks"


def job(external_id: str = "j1", org: str = ORG, **changes: Any) -> dict[str, Any]:
    element = {
        "integrationContext": org,
        "externalJobPostingId": external_id,
        "title": "Backend engineer",
        "description": "Build the sync.",
        "location": "Brussels, Belgium",
        "availability": "PRIVATE_TO_ATS_INTEGRATION",
        "state": "LISTED",
        "listedAt": 1_700_000_000_000,
        "companyApplyUrl": "https://example.com/jobs/1",
    }
    element.update(changes)
    return element


def post_jobs(client: SandboxClient, elements: list[Any]) -> requests.Response:
    return client.request("POST", JOBS, "BATCH_CREATE", json={"elements": elements})


def poll(client: SandboxClient, task_ids: list[str]) -> dict[str, Any]:
    listed = ",".join(requests.utils.quote(task, safe="") for task in task_ids)
    response = client.request("GET", f"{TASKS}?ids=List({listed})", "BATCH_GET")
    assert response.status_code == 200, response.text
    return response.json()


def test_post_returns_task_ids(client: SandboxClient) -> None:
    response = post_jobs(client, [job("j1"), job("j2")])

    assert response.status_code == 200
    elements = response.json()["elements"]
    assert [element["status"] for element in elements] == [201, 201]
    assert all(
        element["id"].startswith("urn:li:simpleJobPostingTask:") for element in elements
    )
    assert len({element["id"] for element in elements}) == 2
    assert client.counts()["simpleJobPostings"] == 2


def test_task_in_progress_then_succeeded(client: SandboxClient) -> None:
    task_id = post_jobs(client, [job("j1")]).json()["elements"][0]["id"]

    first = poll(client, [task_id])
    second = poll(client, [task_id])
    third = poll(client, [task_id])

    assert first["results"][task_id] == {
        "status": "IN_PROGRESS",
        "externalJobPostingId": "j1",
    }
    assert second["results"][task_id] == {
        "status": "SUCCEEDED",
        "externalJobPostingId": "j1",
    }
    assert third["results"][task_id]["status"] == "SUCCEEDED"
    assert first["statuses"] == {task_id: 200}


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"title": "t" * 201}, "title: 201 characters; at most 200 allowed"),
        ({"title": ""}, "title: must not be empty"),
        ({"state": "OPEN"}, "state: 'OPEN' is not one of LISTED, CLOSED"),
        ({"listedAt": 0}, "listedAt: epoch milliseconds must be > 0, got 0"),
    ],
)
def test_invalid_job_fails_in_task(
    client: SandboxClient, changes: dict[str, Any], message: str
) -> None:
    response = post_jobs(client, [job("bad", **changes), job("good")])
    bad_task, good_task = (element["id"] for element in response.json()["elements"])
    poll(client, [bad_task, good_task])

    results = poll(client, [bad_task, good_task])["results"]

    assert response.json()["elements"][0]["status"] == 201
    assert results[bad_task] == {
        "status": "FAILED",
        "externalJobPostingId": "bad",
        "message": message,
    }
    assert results[good_task]["status"] == "SUCCEEDED"
    held = [
        element["key"]["externalJobPostingId"]
        for element in client.entities("simpleJobPostings")
    ]
    assert held == ["good"]


def test_job_missing_title_fails_in_task(client: SandboxClient) -> None:
    untitled = job("bad")
    del untitled["title"]
    task_id = post_jobs(client, [untitled]).json()["elements"][0]["id"]
    poll(client, [task_id])

    result = poll(client, [task_id])["results"][task_id]

    assert result["status"] == "FAILED"
    assert result["message"] == "title: required field is missing"
    assert client.counts()["simpleJobPostings"] == 0


def test_title_of_200_is_valid(client: SandboxClient) -> None:
    task_id = post_jobs(client, [job("j1", title="t" * 200)]).json()["elements"][0][
        "id"
    ]
    poll(client, [task_id])

    assert poll(client, [task_id])["results"][task_id]["status"] == "SUCCEEDED"


def test_unidentified_job_fails_in_element(client: SandboxClient) -> None:
    no_id = job("x")
    del no_id["externalJobPostingId"]
    response = post_jobs(client, [no_id, job("good"), "not an object"])

    elements = response.json()["elements"]
    assert elements[0]["status"] == 400
    assert elements[0]["error"]["message"] == (
        "externalJobPostingId: required field is missing"
    )
    assert "id" not in elements[0]
    assert elements[1]["status"] == 201
    assert elements[2]["status"] == 400
    assert elements[2]["error"]["message"] == "elements[2]: expected an object"
    assert client.counts()["simpleJobPostings"] == 1


def test_repost_replaces_job(client: SandboxClient) -> None:
    post_jobs(client, [job("j1")])
    post_jobs(client, [job("j1", state="CLOSED")])

    elements = client.entities("simpleJobPostings")
    assert len(elements) == 1
    assert elements[0]["entity"]["state"] == "CLOSED"
    assert elements[0]["key"] == {
        "externalJobPostingId": "j1",
        "integrationContext": ORG,
    }


def test_failed_repost_keeps_job(client: SandboxClient) -> None:
    post_jobs(client, [job("j1")])
    post_jobs(client, [job("j1", title="t" * 201)])

    elements = client.entities("simpleJobPostings")
    assert elements[0]["entity"]["title"] == "Backend engineer"


def test_jobs_held_per_context(client: SandboxClient) -> None:
    post_jobs(client, [job("j1", ORG), job("j1", OTHER_ORG)])

    assert client.counts(ORG)["simpleJobPostings"] == 1
    assert client.counts(OTHER_ORG)["simpleJobPostings"] == 1


def test_poll_accepts_repeated_ids(client: SandboxClient) -> None:
    ids = [
        element["id"]
        for element in post_jobs(client, [job("a"), job("b")]).json()["elements"]
    ]
    query = "&".join(f"ids={requests.utils.quote(task, safe='')}" for task in ids)

    response = client.request("GET", f"{TASKS}?{query}", "BATCH_GET")

    assert response.status_code == 200
    assert set(response.json()["results"]) == set(ids)


def test_poll_unknown_task_404(client: SandboxClient) -> None:
    unknown = "urn:li:simpleJobPostingTask:none"
    body = poll(client, [unknown])

    assert body["statuses"] == {unknown: 404}
    assert body["errors"][unknown]["status"] == 404
    assert body["results"] == {}


def test_post_needs_batch_create(client: SandboxClient) -> None:
    response = client.request("POST", JOBS, None, json={"elements": [job()]})

    assert response.status_code == 400
    assert response.json()["message"].startswith("X-RestLi-Method header is required")
    assert client.counts()["simpleJobPostings"] == 0


def test_post_over_100_rejected(client: SandboxClient) -> None:
    response = post_jobs(client, [job(f"j{i}") for i in range(101)])

    assert response.status_code == 400
    assert response.json()["message"].startswith("request names 101 entities")
    assert client.counts()["simpleJobPostings"] == 0


def test_post_not_json_rejected(client: SandboxClient) -> None:
    response = client.request(
        "POST",
        JOBS,
        "BATCH_CREATE",
        headers={"Content-Type": "application/json"},
        data=b"elements=1",
    )

    assert response.status_code == 400
    assert response.json()["message"].startswith("request body is not valid JSON")
