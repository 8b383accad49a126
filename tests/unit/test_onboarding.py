"""Tests for onboarding: plugin callback parsing, names, ids and LinkedIn calls."""

import json
import re
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
import responses
from linkedin import onboarding
from linkedin.auth import MemoryTokenStore, TokenManager
from linkedin.client import LinkedInClient
from linkedin.errors import AccessDenied, LinkedInError, redact_body
from linkedin.resources import resolve
from linkedin.restli import body_key

API_BASE = "http://127.0.0.1:9"
OAUTH_BASE = "http://127.0.0.1:9/oauth/v2"
ORG = "urn:li:organization:1001"
CONTRACT = "urn:li:contract:2001"


def item(integration_type, context, request_id="r-1"):
    return {
        "integrationType": integration_type,
        "integrationContext": context,
        "tenantType": "RECRUITER",
        "requestId": request_id,
    }


# -- parse_callback -----------------------------------------------------------


def test_parse_callback_reads_the_expected_array():
    parsed = onboarding.parse_callback(
        [item("CRM_ONE_CLICK_EXPORT", ORG), item("CRM_CSA_API", CONTRACT, "r-2")]
    )

    assert parsed.problems == []
    assert [(g.integration_type, g.integration_context) for g in parsed.grants] == [
        ("CRM_ONE_CLICK_EXPORT", ORG),
        ("CRM_CSA_API", CONTRACT),
    ]
    assert parsed.grants[1].request_id == "r-2"
    assert parsed.grants[1].is_contract_scoped
    assert parsed.organizations == [ORG]
    assert parsed.contracts == [CONTRACT]


@pytest.mark.parametrize(
    "payload",
    [
        json.dumps([item("CRM_ONE_CLICK_EXPORT", ORG)]),
        {"integrations": [item("CRM_ONE_CLICK_EXPORT", ORG)]},
        {"elements": [item("CRM_ONE_CLICK_EXPORT", ORG)]},
        item("CRM_ONE_CLICK_EXPORT", ORG),
        [{"type": "crm_one_click_export", "context": {"organization": ORG}}],
    ],
    ids=["json-string", "integrations", "elements", "single-object", "short-names"],
)
def test_parse_callback_accepts_variants(payload):
    parsed = onboarding.parse_callback(payload)

    assert [(g.integration_type, g.integration_context) for g in parsed.grants] == [
        ("CRM_ONE_CLICK_EXPORT", ORG)
    ]
    assert parsed.problems == []


def test_parse_callback_skips_bad_items():
    parsed = onboarding.parse_callback(
        [
            item("CRM_ONE_CLICK_EXPORT", ORG),
            "CRM_CSA_API",
            {"integrationContext": ORG},
            item("CRM_PROFILE_PLUGIN", "organization 1001"),
            item("CRM_CSA_API", ORG),
            item("CRM_ONE_CLICK_EXPORT", ORG, "r-again"),
        ]
    )

    assert [g.integration_type for g in parsed.grants] == ["CRM_ONE_CLICK_EXPORT"]
    assert len(parsed.problems) == 4
    assert "item 1 is not an object" in parsed.problems[0]
    assert "item 2 has no integrationType" in parsed.problems[1]
    assert "no organization or contract URN" in parsed.problems[2]
    assert "CRM_CSA_API needs a urn:li:contract:<id> context" in parsed.problems[3]


@pytest.mark.parametrize("payload", [None, 42, "not json", {"status": "ok"}])
def test_parse_callback_without_list(payload):
    parsed = onboarding.parse_callback(payload)

    assert parsed.grants == []
    assert "not a list of integrations" in parsed.problems[0]


def test_parse_callback_of_a_cancel_is_empty():
    parsed = onboarding.parse_callback([])

    assert parsed.grants == []
    assert parsed.problems == []


# -- one organization -----------------------------------------------------------


def test_second_contract_same_org_accepted():
    parsed = onboarding.parse_callback(
        [item("CRM_ONE_CLICK_EXPORT", ORG), item("CRM_CSA_API", "urn:li:contract:7")]
    )

    onboarding.check_single_organization(ORG, parsed)


def test_contract_only_grant_is_accepted():
    parsed = onboarding.parse_callback([item("CRM_CSA_API", "urn:li:contract:7")])

    onboarding.check_single_organization(ORG, parsed)


def test_other_organization_rejected():
    parsed = onboarding.parse_callback([item("CRM_ONE_CLICK_EXPORT", ORG)])

    with pytest.raises(onboarding.OrganizationConflict) as raised:
        onboarding.check_single_organization("urn:li:organization:5", parsed)

    message = str(raised.value)
    assert message.startswith("Only one organization ID can be active at a time")
    assert "urn:li:organization:5" in message
    assert ORG in message


def test_two_organizations_rejected():
    parsed = onboarding.parse_callback(
        [
            item("CRM_ONE_CLICK_EXPORT", ORG),
            item("CRM_PROFILE_PLUGIN", "urn:li:organization:2"),
        ]
    )

    with pytest.raises(onboarding.OrganizationConflict):
        onboarding.check_single_organization(None, parsed)


# -- provisioning values ----------------------------------------------------------


def test_unique_foreign_id_is_stable_and_distinct():
    first = onboarding.unique_foreign_id("8f0c-uuid", 1)

    assert first == "odoo-8f0c-uuid-company-1"
    assert onboarding.unique_foreign_id("8f0c-uuid", 1) == first
    assert onboarding.unique_foreign_id("8f0c-uuid", 2) != first
    assert onboarding.unique_foreign_id("other-uuid", 1) != first
    with pytest.raises(ValueError, match="database.uuid"):
        onboarding.unique_foreign_id("", 1)


@pytest.mark.parametrize(
    ("company", "expected"),
    [
        ("YourCompany", "Odoo - YourCompany"),
        ("LinkedIn Fans Ltd", "Odoo - Fans Ltd"),
        ("Acme linked in  Corp", "Odoo - Acme Corp"),
        ("A" * 60, "Odoo - " + "A" * 42 + "…"),
    ],
)
def test_application_name_fits_linkedin_rules(company, expected):
    name = onboarding.application_name("Odoo", company)

    assert name == expected
    assert len(name) <= 50
    assert "linkedin" not in name.lower().replace(" ", "")


@pytest.mark.parametrize(
    ("base_url", "domain"),
    [
        ("https://erp.example.com/", "https://erp.example.com"),
        ("http://127.0.0.1:8069", "http://127.0.0.1:8069"),
        ("https://erp.example.com/odoo/web", "https://erp.example.com"),
    ],
)
def test_js_sdk_domain_is_the_origin(base_url, domain):
    assert onboarding.js_sdk_domain(base_url) == domain


def test_js_sdk_domain_rejects_non_http():
    with pytest.raises(ValueError, match="not an http"):
        onboarding.js_sdk_domain("erp.example.com")


def test_provisioning_client_secret_redacted():
    text = json.dumps(
        {"key": "k1", "credentials": {"clientId": "c", "clientSecret": "s"}}
    )

    redacted = json.loads(redact_body(text))

    assert redacted["credentials"] == {"clientId": "c", "clientSecret": "***"}


# -- calls ----------------------------------------------------------------------


@pytest.fixture
def client():
    with responses.RequestsMock() as mock:
        mock.add(
            responses.POST,
            f"{OAUTH_BASE}/accessToken",
            json={"access_token": "tok", "expires_in": 1800},
        )
        import requests

        session = requests.Session()
        manager = TokenManager(
            session, OAUTH_BASE, "partner", "partner-secret", MemoryTokenStore()
        )
        yield LinkedInClient(session, API_BASE, manager), mock


def test_find_application_sends_the_finder(client):
    linkedin, mock = client
    mock.add(
        responses.GET,
        f"{API_BASE}/v2/provisionedApplications",
        json={"elements": [{"key": "app-1", "uniqueForeignId": "odoo-x"}]},
    )

    found = onboarding.find_application(linkedin, "odoo-x/1")

    query = parse_qs(urlsplit(mock.calls[-1].request.url).query)
    assert query == {
        "q": ["credentialsByUniqueForeignId"],
        "uniqueForeignId": ["odoo-x/1"],
    }
    assert found["key"] == "app-1"


def test_find_application_returns_none_when_absent(client):
    linkedin, mock = client
    mock.add(
        responses.GET, f"{API_BASE}/v2/provisionedApplications", json={"elements": []}
    )

    assert onboarding.find_application(linkedin, "odoo-x") is None


def test_create_409_raises_application_exists(client):
    linkedin, mock = client
    mock.add(
        responses.POST,
        f"{API_BASE}/v2/provisionedApplications",
        status=409,
        json={"status": 409, "serviceErrorCode": 409, "message": "exists"},
    )

    with pytest.raises(onboarding.ApplicationExists) as raised:
        onboarding.create_application(linkedin, {"uniqueForeignId": "odoo-x"})

    assert raised.value.status == 409


def test_create_reads_key_from_header(client):
    linkedin, mock = client
    mock.add(
        responses.POST,
        f"{API_BASE}/v2/provisionedApplications",
        status=201,
        json={"credentials": {"clientId": "child", "clientSecret": "s"}},
        headers={"x-restli-id": "app-9"},
    )

    answer = onboarding.create_application(linkedin, {"uniqueForeignId": "odoo-x"})

    assert answer["key"] == "app-9"
    assert onboarding.credentials(answer) == ("child", "s")
    assert mock.calls[-1].request.headers["X-RestLi-Method"] == "CREATE"


def test_other_create_errors_are_raised(client):
    linkedin, mock = client
    mock.add(
        responses.POST,
        f"{API_BASE}/v2/provisionedApplications",
        status=422,
        json={"status": 422, "message": "name: too long"},
    )

    with pytest.raises(LinkedInError) as raised:
        onboarding.create_application(linkedin, {"uniqueForeignId": "odoo-x"})

    assert not isinstance(raised.value, onboarding.ApplicationExists)
    assert raised.value.status == 422


def test_configurations_go_to_the_encoded_key_path(client):
    linkedin, mock = client
    key = onboarding.integration_key(ORG, "CRM_ONE_CLICK_EXPORT")
    mock.add(
        responses.PUT,
        re.compile(re.escape(API_BASE) + r"/v2/atsIntegrations/[^/]+/configurations"),
        json={
            "results": {"CALLBACK_URL": {"status": 204}, "JOB_POSTING_VIEWERS": {}},
            "errors": {"JOB_POSTING_VIEWERS": {"status": 422, "message": "bad"}},
        },
    )

    outcomes = onboarding.set_configurations(
        linkedin,
        key,
        {
            "CALLBACK_URL": {"string": "https://erp.example.com/x"},
            "JOB_POSTING_VIEWERS": {"string": "ALL_PRODUCT_USERS"},
        },
    )

    sent = mock.calls[-1].request
    segment = urlsplit(sent.url).path.split("/")[3]
    assert unquote(segment) == body_key(resolve("atsIntegrations"), key)
    assert segment.startswith("integrationContext%3Durn%3Ali%3Aorganization")
    assert parse_qs(urlsplit(sent.url).query)["ids"] == [
        "CALLBACK_URL",
        "JOB_POSTING_VIEWERS",
    ]
    assert json.loads(sent.body)["entities"]["CALLBACK_URL"] == {
        "configurationValue": {"string": "https://erp.example.com/x"}
    }
    assert outcomes == {
        "CALLBACK_URL": (True, None),
        "JOB_POSTING_VIEWERS": (False, "bad"),
    }


def test_get_integrations_pairs_entities_with_keys(client):
    linkedin, mock = client
    enabled = onboarding.integration_key(ORG, "CRM_ONE_CLICK_EXPORT")
    unknown = onboarding.integration_key(CONTRACT, "CRM_CSA_API")
    resource = resolve("atsIntegrations")
    mock.add(
        responses.GET,
        f"{API_BASE}/v2/atsIntegrations",
        json={
            "results": {
                body_key(resource, enabled): dict(enabled, status="ENABLED"),
            },
            "statuses": {body_key(resource, enabled): 200},
            "errors": {
                body_key(resource, unknown): {"status": 404, "message": "not granted"}
            },
        },
    )

    answers = onboarding.get_integrations(linkedin, [enabled, unknown])

    entity, result = answers[body_key(resource, enabled)]
    assert entity["status"] == "ENABLED"
    assert result.ok
    entity, result = answers[body_key(resource, unknown)]
    assert entity is None
    assert (result.ok, result.status, result.message) == (False, 404, "not granted")
    assert mock.calls[-1].request.headers["X-RestLi-Method"] == "BATCH_GET"


@pytest.mark.parametrize(
    ("code", "message", "disabled"),
    [
        ("INTEGRATION_DISABLED", "access denied", True),
        (None, "The CRM_CSA_API integration of urn:li:contract:1 is disabled", True),
        ("ACCESS_DENIED", "Not enough permissions to access tcrmPipelines", False),
        (None, "Resource is disabled for this application", False),
    ],
)
def test_access_denied_integration_disabled(code, message, disabled):
    error = AccessDenied(message, status=403, code=code)

    assert error.integration_disabled is disabled
