"""provisionedApplications: create, find, partial update and child tokens."""

from __future__ import annotations

from typing import Any

import pytest
import requests
from sandbox_helpers import CLIENT_ID, SandboxClient

PATH = "/v2/provisionedApplications"
OTHER_PARTNER = "other-partner"
OTHER_SECRET = "other-secret"


def application_body(**changes: Any) -> dict[str, Any]:
    body = {
        "uniqueForeignId": "customer-1",
        "name": "Acme recruiting",
        "description": "Odoo of Acme",
        "validJsSdkDomains": ["https://acme.example.com"],
        "oauth2AuthorizedCallbackUrls": ["https://acme.example.com/callback"],
    }
    body.update(changes)
    return body


def create(client: SandboxClient, **changes: Any) -> requests.Response:
    return client.request("POST", PATH, json=application_body(**changes))


def onboarding(client: SandboxClient) -> dict[str, Any]:
    response = client.session.get(f"{client.url}/sandbox/onboarding", timeout=10)
    assert response.status_code == 200, response.text
    return response.json()


def token_for(client: SandboxClient, client_id: str, secret: str) -> requests.Response:
    return client.session.post(
        f"{client.url}/oauth/v2/accessToken",
        data={
            "grant_type": "client_credentials",
            "client_id": client_id,
            "client_secret": secret,
        },
        timeout=10,
    )


def find(client: SandboxClient, unique_foreign_id: str) -> requests.Response:
    return client.request(
        "GET",
        f"{PATH}?q=credentialsByUniqueForeignId&uniqueForeignId={unique_foreign_id}",
    )


def test_create_returns_application(client: SandboxClient) -> None:
    response = create(client)

    assert response.status_code == 201, response.text
    body = response.json()
    assert response.headers["x-restli-id"] == body["key"]
    assert body["uniqueForeignId"] == "customer-1"
    assert body["name"] == "Acme recruiting"
    assert body["validJsSdkDomains"] == ["https://acme.example.com"]
    assert body["oauth2AuthorizedCallbackUrls"] == ["https://acme.example.com/callback"]
    assert set(body["credentials"]) == {"clientId", "clientSecret"}


def test_create_stores_without_secret(client: SandboxClient) -> None:
    body = create(client).json()

    (stored,) = onboarding(client)["provisionedApplications"]
    assert stored["partnerClientId"] == CLIENT_ID
    assert stored["key"] == body["key"]
    assert stored["clientId"] == body["credentials"]["clientId"]
    assert stored["description"] == "Odoo of Acme"
    assert "clientSecret" not in stored
    assert body["credentials"]["clientSecret"] not in str(stored)


def test_create_registers_oauth_client(client: SandboxClient) -> None:
    credentials = create(client).json()["credentials"]

    response = token_for(client, credentials["clientId"], credentials["clientSecret"])

    assert response.status_code == 200, response.text
    assert response.json()["access_token"]


def test_repeated_foreign_id_409(client: SandboxClient) -> None:
    assert create(client).status_code == 201

    response = create(client, name="Acme again")

    assert response.status_code == 409
    body = response.json()
    assert body["status"] == 409
    assert body["serviceErrorCode"] == 409
    assert "uniqueForeignId" in body["message"]
    assert len(onboarding(client)["provisionedApplications"]) == 1


def test_same_foreign_id_other_partner(client: SandboxClient) -> None:
    assert create(client).status_code == 201
    client.session.post(
        f"{client.url}/sandbox/clients",
        json={"client_id": OTHER_PARTNER, "client_secret": OTHER_SECRET},
        timeout=10,
    ).raise_for_status()
    client.token = token_for(client, OTHER_PARTNER, OTHER_SECRET).json()["access_token"]

    response = create(client)

    assert response.status_code == 201, response.text
    partners = [
        stored["partnerClientId"]
        for stored in onboarding(client)["provisionedApplications"]
    ]
    assert sorted(partners) == sorted([CLIENT_ID, OTHER_PARTNER])


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": "x" * 51}, "name"),
        ({"name": "My linkedIN app"}, "name"),
        ({"name": ""}, "name"),
        ({"uniqueForeignId": "u" * 101}, "uniqueForeignId"),
        ({"uniqueForeignId": 7}, "uniqueForeignId"),
        ({"validJsSdkDomains": ["https://acme.example.com/"]}, "validJsSdkDomains[0]"),
        ({"validJsSdkDomains": "https://acme.example.com"}, "validJsSdkDomains"),
        ({"oauth2AuthorizedCallbackUrls": [3]}, "oauth2AuthorizedCallbackUrls[0]"),
        ({"description": None}, "description"),
        ({"color": "red"}, "color"),
    ],
)
def test_create_invalid_field_422(
    client: SandboxClient, changes: dict[str, Any], field: str
) -> None:
    response = create(client, **changes)

    assert response.status_code == 422, response.text
    body = response.json()
    assert body["status"] == 422
    assert body["serviceErrorCode"] == 100
    assert body["message"].startswith(f"{field}: ")
    assert onboarding(client)["provisionedApplications"] == []


def test_create_name_at_limit_201(client: SandboxClient) -> None:
    assert create(client, name="n" * 50).status_code == 201


def test_create_missing_name_422(client: SandboxClient) -> None:
    body = application_body()
    del body["name"]

    response = client.request("POST", PATH, json=body)

    assert response.status_code == 422
    assert response.json()["message"] == "name: required field is missing"


def test_create_needs_token(client: SandboxClient) -> None:
    response = client.session.post(
        f"{client.url}{PATH}", json=application_body(), timeout=10
    )

    assert response.status_code == 401


def test_find_by_foreign_id(client: SandboxClient) -> None:
    created = create(client).json()

    response = find(client, "customer-1")

    assert response.status_code == 200, response.text
    assert response.json() == {"elements": [created]}


def test_find_unknown_is_empty(client: SandboxClient) -> None:
    create(client)

    response = find(client, "customer-2")

    assert response.status_code == 200
    assert response.json() == {"elements": []}


def test_find_other_partner_is_empty(client: SandboxClient) -> None:
    create(client)
    client.session.post(
        f"{client.url}/sandbox/clients",
        json={"client_id": OTHER_PARTNER, "client_secret": OTHER_SECRET},
        timeout=10,
    ).raise_for_status()
    client.token = token_for(client, OTHER_PARTNER, OTHER_SECRET).json()["access_token"]

    assert find(client, "customer-1").json() == {"elements": []}


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("q=byName&uniqueForeignId=a", "query parameter q must be"),
        ("q=credentialsByUniqueForeignId", "uniqueForeignId is missing"),
        ("q=credentialsByUniqueForeignId&uniqueForeignId=a&x=1", "unexpected query"),
    ],
)
def test_find_bad_query_400(client: SandboxClient, query: str, message: str) -> None:
    response = client.request("GET", f"{PATH}?{query}")

    assert response.status_code == 400
    assert message in response.json()["message"]


def patch_application(
    client: SandboxClient, key: str, changes: Any
) -> requests.Response:
    return client.request("POST", f"{PATH}/{key}", json={"patch": {"$set": changes}})


def test_partial_update_domains(client: SandboxClient) -> None:
    key = create(client).json()["key"]

    response = patch_application(
        client, key, {"validJsSdkDomains": ["https://odoo.acme.example.com"]}
    )

    assert response.status_code == 204, response.text
    (stored,) = onboarding(client)["provisionedApplications"]
    assert stored["validJsSdkDomains"] == ["https://odoo.acme.example.com"]
    assert stored["oauth2AuthorizedCallbackUrls"] == [
        "https://acme.example.com/callback"
    ]


def test_partial_update_callback_urls(client: SandboxClient) -> None:
    key = create(client).json()["key"]

    response = patch_application(
        client, key, {"oauth2AuthorizedCallbackUrls": ["https://b.example.com/cb"]}
    )

    assert response.status_code == 204
    found = find(client, "customer-1").json()["elements"][0]
    assert found["oauth2AuthorizedCallbackUrls"] == ["https://b.example.com/cb"]
    assert found["validJsSdkDomains"] == ["https://acme.example.com"]


def test_partial_update_unknown_key_404(client: SandboxClient) -> None:
    create(client)

    response = patch_application(client, "nope", {"validJsSdkDomains": []})

    assert response.status_code == 404
    assert response.json()["message"] == (
        "provisioned application 'nope' not found for this partner"
    )


def test_partial_update_trailing_slash_422(client: SandboxClient) -> None:
    key = create(client).json()["key"]

    response = patch_application(
        client, key, {"validJsSdkDomains": ["https://a.example.com/"]}
    )

    assert response.status_code == 422
    assert response.json()["message"].startswith("patch.$set.validJsSdkDomains[0]:")
    (stored,) = onboarding(client)["provisionedApplications"]
    assert stored["validJsSdkDomains"] == ["https://acme.example.com"]


def test_partial_update_name_rejected(client: SandboxClient) -> None:
    key = create(client).json()["key"]

    response = patch_application(client, key, {"name": "Renamed"})

    assert response.status_code == 422
    assert response.json()["message"].startswith("patch.$set.name: unknown field")


def test_partial_update_bad_shape_400(client: SandboxClient) -> None:
    key = create(client).json()["key"]

    response = client.request("POST", f"{PATH}/{key}", json={"validJsSdkDomains": []})

    assert response.status_code == 400
    assert "patch" in response.json()["message"]
