"""OAuth client credentials, introspection, and bearer tokens on API calls."""

from __future__ import annotations

import time

import pytest
import requests
from sandbox_helpers import (
    CLIENT_ID,
    CLIENT_SECRET,
    SandboxClient,
    candidate_entity,
    candidate_key,
)


def _token_request(client: SandboxClient, **form: str) -> requests.Response:
    fields = {
        "grant_type": "client_credentials",
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
    }
    fields.update(form)
    return client.session.post(
        f"{client.url}/oauth/v2/accessToken",
        data={name: value for name, value in fields.items() if value is not None},
        timeout=10,
    )


def _introspect(client: SandboxClient, token: str, **form: str) -> requests.Response:
    fields = {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "token": token}
    fields.update(form)
    return client.session.post(
        f"{client.url}/oauth/v2/introspectToken", data=fields, timeout=10
    )


def test_token_issued(client: SandboxClient) -> None:
    response = _token_request(client)

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"access_token", "expires_in"}
    assert isinstance(body["access_token"], str)
    assert len(body["access_token"]) > 20


def test_expires_in_alternates_int_and_string(client: SandboxClient) -> None:
    # The client fixture fetched token 1, so these are tokens 2, 3 and 4.
    values = [_token_request(client).json()["expires_in"] for _ in range(3)]

    assert values == ["1800", 1800, "1800"]


def test_wrong_secret_is_invalid_client(client: SandboxClient) -> None:
    response = _token_request(client, client_secret="wrong")

    assert response.status_code == 401
    assert response.json() == {
        "error": "invalid_client",
        "error_description": "Client authentication failed",
    }


def test_unknown_client_is_invalid_client(client: SandboxClient) -> None:
    response = _token_request(client, client_id="nobody")

    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"


@pytest.mark.parametrize(
    ("form", "description"),
    [
        ({"grant_type": "authorization_code"}, "grant_type 'authorization_code'"),
        ({"grant_type": None}, 'A required parameter "grant_type" is missing'),
        ({"client_secret": None}, 'A required parameter "client_secret" is missing'),
    ],
)
def test_bad_token_request_is_invalid_request(
    client: SandboxClient, form: dict, description: str
) -> None:
    response = _token_request(client, **form)

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"
    assert response.json()["error_description"].startswith(description)


def test_token_request_in_url_rejected(client: SandboxClient) -> None:
    response = client.session.post(
        f"{client.url}/oauth/v2/accessToken",
        params={"grant_type": "client_credentials", "client_id": CLIENT_ID},
        data={"client_secret": CLIENT_SECRET},
        timeout=10,
    )

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"


def test_token_request_as_json_rejected(client: SandboxClient) -> None:
    response = client.session.post(
        f"{client.url}/oauth/v2/accessToken",
        json={
            "grant_type": "client_credentials",
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
        },
        timeout=10,
    )

    assert response.status_code == 400
    assert response.json()["error_description"] == (
        "Content-Type must be application/x-www-form-urlencoded"
    )


def test_parse_client_keeps_secret_colons() -> None:
    from linkedin_sandbox.__main__ import parse_client

    assert parse_client("id-1:se:cret") == ("id-1", "se:cret")


# Introspection --------------------------------------------------------------------


def test_introspect_active(client: SandboxClient) -> None:
    before = int(time.time())
    response = _introspect(client, client.token)

    assert response.status_code == 200
    body = response.json()
    assert body["active"] is True
    assert body["status"] == "active"
    assert body["client_id"] == CLIENT_ID
    assert body["auth_type"] == "2L"
    assert before - 5 <= body["created_at"] <= before + 5
    assert body["expires_at"] == body["created_at"] + 1800


def test_introspect_expired(client: SandboxClient) -> None:
    client.configure(token_lifetime_s=1)
    token = _token_request(client).json()["access_token"]
    time.sleep(1.1)

    body = _introspect(client, token).json()

    assert body["active"] is False
    assert body["status"] == "expired"


def test_introspect_revoked(client: SandboxClient) -> None:
    revoked = client.session.post(
        f"{client.url}/sandbox/revoke", json={"client_id": CLIENT_ID}, timeout=10
    )
    body = _introspect(client, client.token).json()

    assert revoked.json() == {"revoked": 1}
    assert body["active"] is False
    assert body["status"] == "revoked"


def test_introspect_bad_client_id_400(client: SandboxClient) -> None:
    response = _introspect(client, client.token, client_id="nobody")

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"


def test_introspect_bad_secret_401(client: SandboxClient) -> None:
    response = _introspect(client, client.token, client_secret="wrong")

    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"


def test_introspect_unknown_token_400(client: SandboxClient) -> None:
    response = _introspect(client, "not-a-token")

    assert response.status_code == 400
    assert response.json()["error_description"] == "Invalid token"


# Bearer tokens on API calls -----------------------------------------------------------


def _upsert_with(client: SandboxClient, authorization: str | None) -> requests.Response:
    return client.upsert(
        "atsCandidates",
        [(candidate_key("c1"), candidate_entity())],
        headers={"Authorization": authorization},
    )


def test_missing_token_is_401(client: SandboxClient) -> None:
    response = _upsert_with(client, None)

    assert response.status_code == 401
    assert response.json()["serviceErrorCode"] == 65604
    assert response.json()["code"] == "EMPTY_ACCESS_TOKEN"
    assert client.counts()["atsCandidates"] == 0


def test_unknown_token_is_401(client: SandboxClient) -> None:
    response = _upsert_with(client, "Bearer made-up")

    assert response.status_code == 401
    assert response.json() == {
        "status": 401,
        "serviceErrorCode": 65600,
        "code": "INVALID_ACCESS_TOKEN",
        "message": "Invalid access token",
    }


def test_basic_auth_is_401(client: SandboxClient) -> None:
    response = _upsert_with(client, "Basic dGVzdDp0ZXN0")

    assert response.status_code == 401
    assert response.json()["code"] == "INVALID_ACCESS_TOKEN"


def test_expired_token_is_401(client: SandboxClient) -> None:
    client.configure(token_lifetime_s=1)
    client.token = client.fetch_token()
    time.sleep(1.1)

    response = _upsert_with(client, f"Bearer {client.token}")

    assert response.status_code == 401
    assert response.json()["code"] == "EXPIRED_ACCESS_TOKEN"
    assert response.json()["message"] == "The token used in the request has expired"
    assert client.counts()["atsCandidates"] == 0


def test_revoked_token_is_401(client: SandboxClient) -> None:
    client.session.post(
        f"{client.url}/sandbox/revoke", json={"client_id": CLIENT_ID}, timeout=10
    )

    response = _upsert_with(client, f"Bearer {client.token}")

    assert response.status_code == 401
    assert response.json()["serviceErrorCode"] == 65601
    assert response.json()["code"] == "REVOKED_ACCESS_TOKEN"


def test_new_token_works_after_revoke(client: SandboxClient) -> None:
    client.session.post(
        f"{client.url}/sandbox/revoke", json={"client_id": CLIENT_ID}, timeout=10
    )
    client.token = client.fetch_token()

    response = _upsert_with(client, f"Bearer {client.token}")

    assert response.status_code == 200
    assert client.counts()["atsCandidates"] == 1


def test_revoke_unknown_client_404(client: SandboxClient) -> None:
    response = client.session.post(
        f"{client.url}/sandbox/revoke", json={"client_id": "nobody"}, timeout=10
    )

    assert response.status_code == 404
