"""Resume upload: hireMediaUrl, then a PUT to the signed upload URL."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest
import requests
from sandbox_helpers import ORG, SandboxClient, candidate_key

HIRE_MEDIA = "/v2/hireMediaUrl"
MAX_BYTES = 10 * 1024 * 1024


def media_request(
    candidate_id: str = "c1", content_type: str = "application/pdf", **changes: Any
) -> dict[str, Any]:
    body = {
        "usageParameter": {
            "tcrmResumeParameters": {
                "atsCandidateId": candidate_id,
                "integrationContext": ORG,
                "dataProvider": "ATS",
                "fileName": "ada-lovelace.pdf",
            }
        },
        "contentType": content_type,
        "hiringContext": "urn:li:contract:789",
    }
    body.update(changes)
    return body


def request_upload(client: SandboxClient, **kwargs: Any) -> requests.Response:
    return client.request("POST", HIRE_MEDIA, json=media_request(**kwargs))


def upload_url(client: SandboxClient, **kwargs: Any) -> str:
    response = request_upload(client, **kwargs)
    assert response.status_code == 200, response.text
    return response.json()["value"]["uploadUrl"]


def put_file(url: str, data: bytes, content_type: str = "application/pdf"):
    return requests.put(
        url, data=data, headers={"Content-Type": content_type}, timeout=30
    )


def test_hire_media_url_returns_upload_url(seeded: SandboxClient) -> None:
    response = request_upload(seeded)

    assert response.status_code == 200
    value = response.json()["value"]
    assert value["resumeUrn"].startswith("urn:li:hireMedia:")
    parts = urlsplit(value["uploadUrl"])
    assert parts.scheme == "http"
    assert f"http://{parts.netloc}" == seeded.url
    assert parts.path.startswith("/sandbox/upload/")


def test_upload_url_uses_called_host(seeded: SandboxClient) -> None:
    port = urlsplit(seeded.url).port
    response = seeded.session.post(
        f"http://localhost:{port}{HIRE_MEDIA}",
        json=media_request(),
        headers=seeded.api_headers(HIRE_MEDIA),
        timeout=10,
    )

    assert response.json()["value"]["uploadUrl"].startswith(f"http://localhost:{port}/")


def test_upload_stores_resume(seeded: SandboxClient) -> None:
    url = upload_url(seeded)
    response = put_file(url, b"%PDF-1.4 resume")

    assert response.status_code == 201
    assert seeded.counts()["resumes"] == 1
    resume = seeded.entities("resumes")[0]["entity"]
    assert resume["atsCandidateId"] == "c1"
    assert resume["size"] == len(b"%PDF-1.4 resume")
    assert resume["contentType"] == "application/pdf"
    assert resume["fileName"] == "ada-lovelace.pdf"


def test_upload_needs_no_bearer_token(seeded: SandboxClient) -> None:
    url = upload_url(seeded)

    response = requests.put(
        url, data=b"text", headers={"Content-Type": "application/pdf"}, timeout=10
    )

    assert response.status_code == 201


def test_upload_url_works_once(seeded: SandboxClient) -> None:
    url = upload_url(seeded)
    put_file(url, b"first")

    second = put_file(url, b"second")

    assert second.status_code == 403
    assert second.json()["message"].startswith("upload URL was already used")
    assert seeded.counts()["resumes"] == 1


def test_upload_unknown_token_403(seeded: SandboxClient) -> None:
    response = put_file(f"{seeded.url}/sandbox/upload/forged", b"data")

    assert response.status_code == 403
    assert response.json()["message"].startswith(
        "upload URL was not issued by hireMediaUrl"
    )


def test_upload_over_10mb_is_413(seeded: SandboxClient) -> None:
    url = upload_url(seeded)

    response = put_file(url, b"x" * (MAX_BYTES + 1))

    assert response.status_code == 413
    assert response.json()["message"].startswith(f"resume is {MAX_BYTES + 1} bytes")
    assert seeded.counts()["resumes"] == 0


def test_upload_of_10mb_accepted(seeded: SandboxClient) -> None:
    url = upload_url(seeded)

    response = put_file(url, b"x" * MAX_BYTES)

    assert response.status_code == 201


def test_url_survives_failed_upload(seeded: SandboxClient) -> None:
    url = upload_url(seeded)
    put_file(url, b"x" * (MAX_BYTES + 1))

    response = put_file(url, b"small")

    assert response.status_code == 201


@pytest.mark.parametrize("content_type", ["image/png", "application/json"])
def test_upload_other_type_is_415(seeded: SandboxClient, content_type: str) -> None:
    url = upload_url(seeded)

    response = put_file(url, b"data", content_type)

    assert response.status_code == 415
    assert response.json()["message"].startswith(
        f"Content-Type {content_type} is not one of"
    )
    assert seeded.counts()["resumes"] == 0


def test_upload_type_must_match_declared(seeded: SandboxClient) -> None:
    url = upload_url(seeded, content_type="application/pdf")

    response = put_file(url, b"data", "text/plain")

    assert response.status_code == 415
    assert response.json()["message"] == (
        "Content-Type text/plain differs from application/pdf declared to hireMediaUrl"
    )


@pytest.mark.parametrize("content_type", ["application/msword", "text/plain"])
def test_upload_other_allowed_types(seeded: SandboxClient, content_type: str) -> None:
    url = upload_url(seeded, content_type=content_type)

    assert put_file(url, b"data", content_type).status_code == 201


def test_hire_media_unknown_candidate_404(seeded: SandboxClient) -> None:
    response = request_upload(seeded, candidate_id="c9")

    assert response.status_code == 404
    assert response.json()["message"] == (
        f"atsCandidates entity atsCandidateId=c9 not found in {ORG}"
    )


def test_hire_media_invalid_type_422(seeded: SandboxClient) -> None:
    response = request_upload(seeded, content_type="image/png")

    assert response.status_code == 422
    assert response.json()["message"].startswith(
        "contentType: 'image/png' is not one of"
    )


def test_hire_media_needs_contract_context(seeded: SandboxClient) -> None:
    response = seeded.request(
        "POST", HIRE_MEDIA, json=media_request(hiringContext="urn:li:organization:1")
    )

    assert response.status_code == 422
    assert response.json()["message"] == (
        "hiringContext: 'urn:li:organization:1' is not a urn:li:contract:<id> URN"
    )


def test_hire_media_needs_token(seeded: SandboxClient) -> None:
    response = seeded.request(
        "POST", HIRE_MEDIA, headers={"Authorization": None}, json=media_request()
    )

    assert response.status_code == 401


def test_resume_orphaned_by_candidate_delete(seeded: SandboxClient) -> None:
    put_file(upload_url(seeded), b"resume")

    seeded.delete("atsCandidates", [candidate_key("c1")])

    counts = seeded.counts()
    assert counts["resumes"] == 1
    assert counts["orphans"]["resumes"] == 1
