"""atsIntegrations: grant, naming, verification, status and configurations."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest
import requests
from sandbox_helpers import (
    CLIENT_ID,
    ORG,
    SandboxClient,
    body_key,
    candidate_entity,
    candidate_key,
    indexed_query,
)

PATH = "/v2/atsIntegrations"
CONTRACT = "urn:li:contract:789"


def integration_key(
    integration_type: str = "CRM_ONE_CLICK_EXPORT", context: str = ORG
) -> dict[str, str]:
    return {
        "integrationContext": context,
        "integrationType": integration_type,
        "tenantType": "RECRUITER",
        "dataProvider": "ATS",
    }


def grant(client: SandboxClient, **changes: Any) -> requests.Response:
    body = {
        "client_id": CLIENT_ID,
        "organization_urn": ORG,
        "contract_urn": CONTRACT,
        "integration_types": ["CRM_ONE_CLICK_EXPORT", "CRM_CSA_API"],
    }
    body.update(changes)
    return client.session.post(
        f"{client.url}/sandbox/onboarding/grant", json=body, timeout=10
    )


def name(
    client: SandboxClient, keys: list[dict[str, str]], integration_name: str = "Odoo"
) -> requests.Response:
    patch = {"patch": {"$set": {"integrationName": integration_name}}}
    body = {"entities": {body_key(key): patch for key in keys}}
    return client.request(
        "POST", f"{PATH}?{indexed_query(keys)}", "BATCH_PARTIAL_UPDATE", json=body
    )


def verify(client: SandboxClient, keys: list[dict[str, str]]) -> requests.Response:
    return client.request("GET", f"{PATH}?{indexed_query(keys)}", "BATCH_GET")


def stored_integrations(client: SandboxClient) -> list[dict[str, Any]]:
    response = client.session.get(f"{client.url}/sandbox/onboarding", timeout=10)
    assert response.status_code == 200, response.text
    return response.json()["integrations"]


def set_status(
    client: SandboxClient, key: dict[str, str], status: str
) -> requests.Response:
    return client.session.post(
        f"{client.url}/sandbox/onboarding/status",
        json={"client_id": CLIENT_ID, "key": body_key(key), "status": status},
        timeout=10,
    )


def configurations_path(key: dict[str, str], names: tuple[str, ...]) -> str:
    ids = "&".join(f"ids={name}" for name in names)
    return f"{PATH}/{quote(body_key(key), safe='')}/configurations?{ids}"


def put_configuration(
    client: SandboxClient, key: dict[str, str], value: dict[str, Any]
) -> requests.Response:
    body = {"entities": {"CALLBACK_URL": {"configurationValue": value}}}
    return client.request(
        "PUT",
        configurations_path(key, ("CALLBACK_URL",)),
        "BATCH_UPDATE",
        json=body,
    )


# Grant ------------------------------------------------------------------------


def test_grant_returns_callback_payload(client: SandboxClient) -> None:
    response = grant(client)

    assert response.status_code == 200, response.text
    payload = response.json()
    assert [item["integrationType"] for item in payload] == [
        "CRM_ONE_CLICK_EXPORT",
        "CRM_CSA_API",
    ]
    assert payload[0]["integrationContext"] == ORG
    assert payload[1]["integrationContext"] == CONTRACT
    assert all(item["tenantType"] == "RECRUITER" for item in payload)
    assert all(item["requestId"] for item in payload)


def test_grant_stores_pending(client: SandboxClient) -> None:
    grant(client)

    stored = stored_integrations(client)

    assert [item["key"] for item in stored] == [
        integration_key("CRM_ONE_CLICK_EXPORT"),
        integration_key("CRM_CSA_API", CONTRACT),
    ]
    assert all(item["status"] == "PENDING" for item in stored)
    assert all(item["clientId"] == CLIENT_ID for item in stored)
    assert all(item["integrationName"] is None for item in stored)


def test_grant_bundle_expands_members(client: SandboxClient) -> None:
    response = grant(client, integration_types=["CANDIDATE_RELATIONSHIP_MANAGEMENT"])

    assert response.status_code == 200, response.text
    assert [item["integrationType"] for item in response.json()] == [
        "CRM_ONE_CLICK_EXPORT",
        "CRM_CSA_API",
        "CRM_PROFILE_PLUGIN",
        "CRM_RECOMMENDED_MATCHES",
        "CRM_IN_CRM_INDICATOR",
    ]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"integration_types": ["NOPE"]}, "integration_types: 'NOPE' is not one of"),
        ({"integration_types": []}, "integration_types must be a non-empty list"),
        ({"organization_urn": "urn:li:contract:1"}, "organization_urn: "),
        ({"contract_urn": "urn:li:organization:1"}, "contract_urn: "),
        ({"contract_urn": None}, "contract_urn is missing; CRM_CSA_API"),
        ({"extra": 1}, "unexpected field extra"),
    ],
)
def test_grant_invalid_400(
    client: SandboxClient, changes: dict[str, Any], message: str
) -> None:
    response = grant(client, **changes)

    assert response.status_code == 400
    assert response.json()["message"].startswith(message)
    assert stored_integrations(client) == []


def test_grant_unknown_client_404(client: SandboxClient) -> None:
    response = grant(client, client_id="nobody")

    assert response.status_code == 404
    assert "nobody is not registered" in response.json()["message"]


# Naming and verification --------------------------------------------------------


def test_name_sets_name_and_enabled(client: SandboxClient) -> None:
    grant(client)
    key = integration_key()

    response = name(client, [key])

    assert response.status_code == 200, response.text
    assert response.json() == {
        "results": {body_key(key): {"status": 204}},
        "errors": {},
    }
    stored = stored_integrations(client)[0]
    assert stored["integrationName"] == "Odoo"
    assert stored["status"] == "ENABLED"


def test_name_not_granted_404_per_key(client: SandboxClient) -> None:
    grant(client)
    granted, missing = integration_key(), integration_key("CRM_PROFILE_PLUGIN")

    response = name(client, [granted, missing])

    assert response.status_code == 200
    body = response.json()
    assert body["results"][body_key(granted)] == {"status": 204}
    assert body["results"][body_key(missing)] == {"status": 404}
    assert body["errors"][body_key(missing)]["status"] == 404
    assert "has not granted it" in body["errors"][body_key(missing)]["message"]
    assert body_key(granted) not in body["errors"]


def test_name_other_client_not_granted(client: SandboxClient) -> None:
    client.session.post(
        f"{client.url}/sandbox/clients",
        json={"client_id": "child-2", "client_secret": "s2"},
        timeout=10,
    ).raise_for_status()
    grant(client, client_id="child-2")

    response = name(client, [integration_key()])

    assert response.json()["results"][body_key(integration_key())] == {"status": 404}


@pytest.mark.parametrize(
    ("key", "message"),
    [
        (integration_key("CRM_CSA_API", ORG), "is not a urn:li:contract:<id> URN"),
        (
            integration_key("CRM_ONE_CLICK_EXPORT", CONTRACT),
            "is not a urn:li:organization:<id> URN",
        ),
        (integration_key("CSA_API", ORG), "is not a urn:li:contract:<id> URN"),
        (integration_key("NOPE"), "integrationType: 'NOPE' is not one of"),
        ({**integration_key(), "tenantType": "HIRING"}, "tenantType: 'HIRING'"),
        ({**integration_key(), "dataProvider": "PARTNER"}, "dataProvider: 'PARTNER'"),
    ],
)
def test_name_invalid_key_400(
    client: SandboxClient, key: dict[str, str], message: str
) -> None:
    grant(client)

    response = name(client, [key])

    assert response.status_code == 200
    body = response.json()
    assert body["results"][body_key(key)] == {"status": 400}
    assert message in body["errors"][body_key(key)]["message"]


def test_name_empty_name_422(client: SandboxClient) -> None:
    grant(client)

    response = name(client, [integration_key()], integration_name=" ")

    assert response.json()["results"][body_key(integration_key())] == {"status": 422}
    assert stored_integrations(client)[0]["status"] == "PENDING"


def test_name_needs_restli_method(client: SandboxClient) -> None:
    grant(client)
    key = integration_key()
    patch = {"patch": {"$set": {"integrationName": "Odoo"}}}

    response = client.request(
        "POST",
        f"{PATH}?{indexed_query([key])}",
        json={"entities": {body_key(key): patch}},
    )

    assert response.status_code == 400
    assert "X-RestLi-Method header is required" in response.json()["message"]


def test_verify_pending_then_enabled(client: SandboxClient) -> None:
    grant(client)
    key = integration_key()

    before = verify(client, [key]).json()["results"][body_key(key)]
    name(client, [key])
    after = verify(client, [key]).json()["results"][body_key(key)]

    assert before == {**key, "status": "PENDING"}
    assert after == {**key, "integrationName": "Odoo", "status": "ENABLED"}


def test_verify_not_granted_404(client: SandboxClient) -> None:
    key = integration_key()

    body = verify(client, [key]).json()

    assert body["results"] == {}
    assert body["statuses"] == {body_key(key): 404}
    assert body["errors"][body_key(key)]["status"] == 404


def test_verify_invalid_key_400(client: SandboxClient) -> None:
    key = integration_key("CSA_API", ORG)

    body = verify(client, [key]).json()

    assert body["statuses"] == {body_key(key): 400}
    assert "urn:li:contract" in body["errors"][body_key(key)]["message"]


def test_status_disabled_shows(client: SandboxClient) -> None:
    grant(client)
    key = integration_key()
    name(client, [key])

    response = set_status(client, key, "DISABLED")

    assert response.status_code == 200, response.text
    assert verify(client, [key]).json()["results"][body_key(key)]["status"] == (
        "DISABLED"
    )
    assert stored_integrations(client)[0]["status"] == "DISABLED"


def test_disabled_integration_rejects_writes_403(client: SandboxClient) -> None:
    grant(client)
    key = integration_key()
    name(client, [key])
    pair = (candidate_key("c1"), candidate_entity())
    assert client.upsert("atsCandidates", [pair]).status_code == 200

    set_status(client, key, "DISABLED")
    response = client.upsert("atsCandidates", [pair])

    assert response.status_code == 403, response.text
    assert response.json()["code"] == "INTEGRATION_DISABLED"
    assert "CRM_ONE_CLICK_EXPORT integration of " + ORG in response.json()["message"]
    set_status(client, key, "ENABLED")
    assert client.upsert("atsCandidates", [pair]).status_code == 200


def test_renaming_keeps_disabled(client: SandboxClient) -> None:
    grant(client)
    key = integration_key()
    set_status(client, key, "DISABLED")

    name(client, [key], integration_name="Odoo 2")

    stored = stored_integrations(client)[0]
    assert stored["integrationName"] == "Odoo 2"
    assert stored["status"] == "DISABLED"


def test_status_not_granted_404(client: SandboxClient) -> None:
    response = set_status(client, integration_key(), "DISABLED")

    assert response.status_code == 404
    assert "is not granted" in response.json()["message"]


def test_status_invalid_value_400(client: SandboxClient) -> None:
    grant(client)

    response = set_status(client, integration_key(), "PENDING")

    assert response.status_code == 400
    assert response.json()["message"].startswith("status: 'PENDING' is not one of")
    assert stored_integrations(client)[0]["status"] == "PENDING"


# Configurations -----------------------------------------------------------------


def test_configuration_put_then_get(client: SandboxClient) -> None:
    grant(client)
    key = integration_key()
    value = {"string": "https://odoo.example.com/linkedin/callback"}

    response = put_configuration(client, key, value)

    assert response.status_code == 200, response.text
    assert response.json() == {
        "results": {"CALLBACK_URL": {"status": 204}},
        "errors": {},
    }
    got = client.request(
        "GET", configurations_path(key, ("CALLBACK_URL",)), "BATCH_GET"
    )
    assert got.status_code == 200
    assert got.json()["results"] == {"CALLBACK_URL": {"configurationValue": value}}
    assert stored_integrations(client)[0]["configurations"] == {"CALLBACK_URL": value}


@pytest.mark.parametrize(
    "url",
    [
        "https://odoo.example.com/cb",
        "https://odoo.example.com:443/cb",
        "http://127.0.0.1:8069/cb",
    ],
)
def test_callback_url_accepted(client: SandboxClient, url: str) -> None:
    grant(client)

    response = put_configuration(client, integration_key(), {"string": url})

    assert response.json()["results"] == {"CALLBACK_URL": {"status": 204}}


@pytest.mark.parametrize(
    "url",
    [
        "http://odoo.example.com/cb",
        "https://odoo.example.com:8443/cb",
        "http://127.0.0.1/cb",
        "http://localhost:8069/cb",
        "ftp://odoo.example.com/cb",
        "https:///cb",
    ],
)
def test_callback_url_rejected_422(client: SandboxClient, url: str) -> None:
    grant(client)

    response = put_configuration(client, integration_key(), {"string": url})

    body = response.json()
    assert body["results"] == {"CALLBACK_URL": {"status": 422}}
    assert body["errors"]["CALLBACK_URL"]["message"].startswith(
        "CALLBACK_URL.configurationValue.string: "
    )
    assert stored_integrations(client)[0]["configurations"] == {}


def test_configuration_get_unset_404(client: SandboxClient) -> None:
    grant(client)
    key = integration_key()

    response = client.request(
        "GET",
        configurations_path(key, ("CALLBACK_URL", "JOB_POSTING_VIEWERS")),
        "BATCH_GET",
    )

    body = response.json()
    assert body["results"] == {}
    assert body["statuses"] == {"CALLBACK_URL": 404, "JOB_POSTING_VIEWERS": 404}


def test_configuration_not_granted_404(client: SandboxClient) -> None:
    response = put_configuration(
        client, integration_key(), {"string": "https://odoo.example.com/cb"}
    )

    assert response.status_code == 404
    assert "has not granted it" in response.json()["message"]


def test_configuration_unknown_name_400(client: SandboxClient) -> None:
    grant(client)

    response = client.request(
        "GET", configurations_path(integration_key(), ("COLOR",)), "BATCH_GET"
    )

    assert response.status_code == 400
    assert response.json()["message"].startswith("configuration 'COLOR' is not one of")


def test_configuration_body_mismatch_400(client: SandboxClient) -> None:
    grant(client)
    key = integration_key()
    body = {"entities": {"JOB_POSTING_VIEWERS": {"configurationValue": {"x": 1}}}}

    response = client.request(
        "PUT", configurations_path(key, ("CALLBACK_URL",)), "BATCH_UPDATE", json=body
    )

    assert response.status_code == 400
    assert "do not match the ids" in response.json()["message"]


def test_configuration_invalid_key_400(client: SandboxClient) -> None:
    grant(client)

    response = put_configuration(
        client,
        integration_key("CRM_CSA_API", ORG),
        {"string": "https://odoo.example.com/cb"},
    )

    assert response.status_code == 400
    assert "urn:li:contract" in response.json()["message"]
