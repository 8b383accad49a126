"""Plugin stand-ins: scripts, CORS, bundle expansion and the widget in Chromium."""

from __future__ import annotations

import json
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import requests
from sandbox_helpers import CLIENT_ID, ORG, SandboxClient

from linkedin_sandbox.testing import ThreadedSandbox

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "browser"))

from browser_driver import describe_failure, missing_browser_tools, run_steps

CONTRACT = "urn:li:contract:789"
PAGE_ORIGIN = "http://127.0.0.1:8069"
PLUGIN_PATHS = ("/sandbox/plugins/in.js", "/sandbox/plugins/onboarding-widget.js")
RSC_COMPANY_TYPES = [
    "ONE_CLICK_EXPORT",
    "PROFILE_PLUGIN",
    "RECOMMENDED_MATCHES",
    "IN_ATS_INDICATOR",
]


def grant(client: SandboxClient, types: list[str], **changes: Any) -> requests.Response:
    body = {
        "client_id": CLIENT_ID,
        "organization_urn": ORG,
        "contract_urn": CONTRACT,
        "integration_types": types,
    }
    body.update(changes)
    return client.session.post(
        f"{client.url}/sandbox/onboarding/grant", json=body, timeout=10
    )


def granted_keys(client: SandboxClient) -> list[dict[str, str]]:
    response = client.session.get(f"{client.url}/sandbox/onboarding", timeout=10)
    assert response.status_code == 200, response.text
    return [integration["key"] for integration in response.json()["integrations"]]


# Scripts -----------------------------------------------------------------------


@pytest.mark.parametrize("path", PLUGIN_PATHS)
def test_plugin_served_as_javascript(client: SandboxClient, path: str) -> None:
    response = client.session.get(f"{client.url}{path}", timeout=10)

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/javascript; charset=utf-8"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "IN" in response.text
    assert int(response.headers["Content-Length"]) == len(response.content)


def test_plugin_echoes_request_origin(client: SandboxClient) -> None:
    response = client.session.get(
        f"{client.url}/sandbox/plugins/in.js",
        headers={"Origin": PAGE_ORIGIN},
        timeout=10,
    )

    assert response.headers["Access-Control-Allow-Origin"] == PAGE_ORIGIN
    assert response.headers["Vary"] == "Origin"


def test_plugin_unknown_name_404(client: SandboxClient) -> None:
    response = client.session.get(f"{client.url}/sandbox/plugins/nope.js", timeout=10)

    assert response.status_code == 404
    assert response.json()["message"].startswith("no plugin script 'nope.js'")


def test_plugin_post_405(client: SandboxClient) -> None:
    response = client.session.post(
        f"{client.url}/sandbox/plugins/in.js", json={}, timeout=10
    )

    assert response.status_code == 405
    assert response.headers["Access-Control-Allow-Origin"] == "*"


# CORS --------------------------------------------------------------------------


@pytest.mark.parametrize("path", ("/sandbox/onboarding/grant", *PLUGIN_PATHS))
def test_preflight_allows_json_post(client: SandboxClient, path: str) -> None:
    response = client.session.options(
        f"{client.url}{path}",
        headers={
            "Origin": PAGE_ORIGIN,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
        timeout=10,
    )

    assert response.status_code == 204
    assert response.content == b""
    assert response.headers["Access-Control-Allow-Origin"] == PAGE_ORIGIN
    assert "POST" in response.headers["Access-Control-Allow-Methods"]
    assert response.headers["Access-Control-Allow-Headers"] == "content-type"
    assert int(response.headers["Access-Control-Max-Age"]) > 0


def test_preflight_allows_private_network(client: SandboxClient) -> None:
    response = client.session.options(
        f"{client.url}/sandbox/onboarding/grant",
        headers={
            "Origin": PAGE_ORIGIN,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Private-Network": "true",
        },
        timeout=10,
    )

    assert response.status_code == 204
    assert response.headers["Access-Control-Allow-Private-Network"] == "true"
    assert response.headers["Access-Control-Allow-Headers"] == "Content-Type"


def test_grant_answers_cors(client: SandboxClient) -> None:
    response = client.session.post(
        f"{client.url}/sandbox/onboarding/grant",
        json={
            "client_id": CLIENT_ID,
            "organization_urn": ORG,
            "contract_urn": CONTRACT,
            "integration_types": ["CRM_ONE_CLICK_EXPORT"],
        },
        headers={"Origin": PAGE_ORIGIN},
        timeout=10,
    )

    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == PAGE_ORIGIN


def test_grant_error_answers_cors(client: SandboxClient) -> None:
    response = client.session.post(
        f"{client.url}/sandbox/onboarding/grant",
        json={
            "client_id": "unknown",
            "organization_urn": ORG,
            "contract_urn": None,
            "integration_types": ["CRM_ONE_CLICK_EXPORT"],
        },
        headers={"Origin": PAGE_ORIGIN},
        timeout=10,
    )

    assert response.status_code == 404
    assert response.headers["Access-Control-Allow-Origin"] == PAGE_ORIGIN
    assert "OAuth client unknown is not registered" in response.json()["message"]


def test_other_control_routes_no_cors(client: SandboxClient) -> None:
    response = client.session.get(
        f"{client.url}/sandbox/counts", headers={"Origin": PAGE_ORIGIN}, timeout=10
    )
    preflight = client.session.options(
        f"{client.url}/sandbox/reset", headers={"Origin": PAGE_ORIGIN}, timeout=10
    )

    assert response.status_code == 200
    assert "Access-Control-Allow-Origin" not in response.headers
    assert preflight.status_code == 405
    assert "Access-Control-Allow-Origin" not in preflight.headers


# Bundle expansion ----------------------------------------------------------------


def test_grant_rsc_company_bundle(client: SandboxClient) -> None:
    response = grant(client, ["RECRUITER_SYSTEM_CONNECT_COMPANY"])

    assert response.status_code == 200, response.text
    payload = response.json()
    assert [item["integrationType"] for item in payload] == RSC_COMPANY_TYPES
    assert {item["integrationContext"] for item in payload} == {ORG}
    assert {item["tenantType"] for item in payload} == {"RECRUITER"}
    assert len({item["requestId"] for item in payload}) == len(payload)
    assert [key["integrationType"] for key in granted_keys(client)] == (
        RSC_COMPANY_TYPES
    )


def test_grant_rsc_contract_bundle(client: SandboxClient) -> None:
    response = grant(client, ["RECRUITER_SYSTEM_CONNECT_CONTRACT"])

    assert response.status_code == 200, response.text
    assert [
        (item["integrationType"], item["integrationContext"])
        for item in response.json()
    ] == [("CSA_API", CONTRACT)]
    assert granted_keys(client) == [
        {
            "integrationContext": CONTRACT,
            "integrationType": "CSA_API",
            "tenantType": "RECRUITER",
            "dataProvider": "ATS",
        }
    ]


def test_grant_crm_and_rsc_bundles(client: SandboxClient) -> None:
    response = grant(
        client,
        [
            "CANDIDATE_RELATIONSHIP_MANAGEMENT",
            "RECRUITER_SYSTEM_CONNECT_COMPANY",
            "RECRUITER_SYSTEM_CONNECT_CONTRACT",
        ],
    )

    assert response.status_code == 200, response.text
    contexts = {
        item["integrationType"]: item["integrationContext"] for item in response.json()
    }
    assert len(contexts) == 10
    assert contexts["CRM_CSA_API"] == CONTRACT
    assert contexts["CSA_API"] == CONTRACT
    assert contexts["CRM_ONE_CLICK_EXPORT"] == ORG
    assert contexts["IN_ATS_INDICATOR"] == ORG


def test_grant_rsc_contract_needs_contract(client: SandboxClient) -> None:
    response = grant(client, ["RECRUITER_SYSTEM_CONNECT_CONTRACT"], contract_urn=None)

    assert response.status_code == 400
    assert response.json()["message"] == (
        "contract_urn is missing; CSA_API is granted on the contract"
    )
    assert granted_keys(client) == []


def test_grant_ignores_apply_bundles(client: SandboxClient) -> None:
    response = grant(
        client,
        [
            "APPLY_WITH_LINKEDIN",
            "RECRUITER_SYSTEM_CONNECT_CONTRACT",
            "APPLY_STARTERS_EXP",
        ],
    )

    assert response.status_code == 200, response.text
    assert [item["integrationType"] for item in response.json()] == ["CSA_API"]
    assert [key["integrationType"] for key in granted_keys(client)] == ["CSA_API"]


def test_grant_only_apply_bundles_empty(client: SandboxClient) -> None:
    response = grant(client, ["APPLY_WITH_LINKEDIN", "APPLY_STARTERS_EXP"])

    assert response.status_code == 200, response.text
    assert response.json() == []
    assert granted_keys(client) == []


def test_grant_unknown_bundle_lists_bundles(client: SandboxClient) -> None:
    response = grant(client, ["RECRUITER_SYSTEM_CONNECT"])

    assert response.status_code == 400
    message = response.json()["message"]
    assert message.startswith(
        "integration_types: 'RECRUITER_SYSTEM_CONNECT' is not one"
    )
    assert "RECRUITER_SYSTEM_CONNECT_COMPANY" in message
    assert "APPLY_WITH_LINKEDIN" in message


# The widget in headless Chromium ---------------------------------------------------

# The page inserts the loader and the widget tag from a script, as the Odoo
# form widget does, so document.currentScript and IN.parse are exercised.
PAGE_TEMPLATE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>onboarding plugin test page</title></head>
<body>
<div id="first"></div>
<script>
var SETTINGS = __SETTINGS__;
window.integrationCalls = [];
window.onIntegrateTest = function (payload) {
    window.integrationCalls.push(payload);
};
function addWidgetTag(container) {
    var tag = document.createElement("script");
    tag.type = "IN/ATSIntegrationWidget";
    tag.setAttribute("data-supported-bundled-integration-types", SETTINGS.bundles);
    tag.setAttribute("data-onintegrate", "onIntegrateTest");
    tag.setAttribute("data-width", "480");
    if (SETTINGS.organization) {
        tag.setAttribute("data-sandbox-organization", SETTINGS.organization);
    }
    container.appendChild(tag);
}
function loadLoader() {
    var loader = document.createElement("script");
    loader.src = SETTINGS.sandbox + "/sandbox/plugins/in.js";
    loader.text = "api_key: " + SETTINGS.apiKey + "\\n" +
        "extensions: ATSIntegrationWidget@" + SETTINGS.sandbox +
        "/sandbox/plugins/onboarding-widget.js";
    document.head.appendChild(loader);
}
addWidgetTag(document.getElementById("first"));
loadLoader();
</script>
</body></html>
"""


class _PageHandler(BaseHTTPRequestHandler):
    pages: dict[str, str] = {}

    def do_GET(self) -> None:
        page = self.pages.get(self.path)
        body = (page or "not found").encode("utf-8")
        self.send_response(200 if page else 404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        return


@pytest.fixture
def page_server() -> Iterator[tuple[str, dict[str, str]]]:
    """Serve HTML pages on another port than the sandbox: (base URL, pages)."""
    handler = type("PageHandler", (_PageHandler,), {"pages": {}})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", handler.pages
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture
def browser_page(
    sandbox: ThreadedSandbox,
    client: SandboxClient,
    page_server: tuple[str, dict[str, str]],
):
    """Return a function that publishes a test page and returns its URL."""
    reason = missing_browser_tools()
    if reason:
        pytest.skip(reason)
    base_url, pages = page_server

    def publish(
        path: str = "/plugin.html",
        bundles: str = "CANDIDATE_RELATIONSHIP_MANAGEMENT",
        api_key: str = CLIENT_ID,
        organization: str | None = None,
    ) -> str:
        settings = {
            "sandbox": sandbox.url,
            "bundles": bundles,
            "apiKey": api_key,
            "organization": organization,
        }
        pages[path] = PAGE_TEMPLATE.replace("__SETTINGS__", json.dumps(settings))
        return base_url + path

    return publish


def run_in_chromium(steps: list[list[Any]]) -> dict[str, Any]:
    report = run_steps(steps)
    assert report["ok"], describe_failure(report)
    assert report["blocked"] == []
    return report


def test_widget_approve_grants(browser_page, client: SandboxClient) -> None:
    url = browser_page(
        bundles="CANDIDATE_RELATIONSHIP_MANAGEMENT, RECRUITER_SYSTEM_CONNECT_CONTRACT",
        organization="urn:li:organization:555",
    )

    report = run_in_chromium(
        [
            ["goto", url],
            ["wait", ".li-onboarding-approve"],
            ["text", "box", ".li-onboarding-widget"],
            ["evaluate", "api_key", "window.IN.ENV.auth.api_key"],
            [
                "evaluate",
                "width",
                "document.querySelector('.li-onboarding-widget').style.width",
            ],
            [
                "evaluate",
                "organization",
                "document.querySelector('.li-onboarding-organization').value",
            ],
            [
                "evaluate",
                "contract",
                "document.querySelector('.li-onboarding-contract').value",
            ],
            ["click", ".li-onboarding-approve"],
            ["wait_for", "window.integrationCalls.length === 1"],
            ["evaluate", "calls", "window.integrationCalls"],
            ["text", "status", ".li-onboarding-status"],
        ]
    )

    values = report["values"]
    assert "LinkedIn Recruiter — integration approval (sandbox)" in values["box"]
    assert "CANDIDATE_RELATIONSHIP_MANAGEMENT" in values["box"]
    assert "RECRUITER_SYSTEM_CONNECT_CONTRACT" in values["box"]
    assert values["api_key"] == CLIENT_ID
    assert values["width"] == "480px"
    assert values["organization"] == "urn:li:organization:555"
    assert values["contract"] == "urn:li:contract:2001"
    (payload,) = values["calls"]
    contexts = {item["integrationType"]: item["integrationContext"] for item in payload}
    assert contexts == {
        "CRM_ONE_CLICK_EXPORT": "urn:li:organization:555",
        "CRM_CSA_API": "urn:li:contract:2001",
        "CRM_PROFILE_PLUGIN": "urn:li:organization:555",
        "CRM_RECOMMENDED_MATCHES": "urn:li:organization:555",
        "CRM_IN_CRM_INDICATOR": "urn:li:organization:555",
        "CSA_API": "urn:li:contract:2001",
    }
    assert values["status"] == "Approved: 6 integrations granted."
    held = {
        (key["integrationType"], key["integrationContext"])
        for key in granted_keys(client)
    }
    assert held == set(contexts.items())


def test_widget_edited_urns_sent(browser_page, client: SandboxClient) -> None:
    url = browser_page(bundles="RECRUITER_SYSTEM_CONNECT_COMPANY")

    report = run_in_chromium(
        [
            ["goto", url],
            ["wait", ".li-onboarding-approve"],
            [
                "evaluate",
                "default",
                "document.querySelector('.li-onboarding-organization').value",
            ],
            ["fill", ".li-onboarding-organization", "urn:li:organization:777"],
            ["click", ".li-onboarding-approve"],
            ["wait_for", "window.integrationCalls.length === 1"],
            ["evaluate", "calls", "window.integrationCalls"],
        ]
    )

    assert report["values"]["default"] == "urn:li:organization:1001"
    (payload,) = report["values"]["calls"]
    assert [item["integrationType"] for item in payload] == RSC_COMPANY_TYPES
    assert {item["integrationContext"] for item in payload} == {
        "urn:li:organization:777"
    }
    assert {key["integrationContext"] for key in granted_keys(client)} == {
        "urn:li:organization:777"
    }


def test_widget_cancel_calls_empty(browser_page, client: SandboxClient) -> None:
    url = browser_page()

    report = run_in_chromium(
        [
            ["goto", url],
            ["wait", ".li-onboarding-cancel"],
            ["click", ".li-onboarding-cancel"],
            ["wait_for", "window.integrationCalls.length === 1"],
            ["evaluate", "calls", "window.integrationCalls"],
            ["text", "status", ".li-onboarding-status"],
        ]
    )

    assert report["values"]["calls"] == [[]]
    assert report["values"]["status"] == "Cancelled: nothing granted."
    assert granted_keys(client) == []


def test_widget_shows_grant_error(browser_page, client: SandboxClient) -> None:
    url = browser_page(api_key="not-registered")

    report = run_in_chromium(
        [
            ["goto", url],
            ["wait", ".li-onboarding-approve"],
            ["click", ".li-onboarding-approve"],
            ["wait", ".li-onboarding-error"],
            ["text", "error", ".li-onboarding-error"],
            ["evaluate", "calls", "window.integrationCalls"],
        ]
    )

    error = report["values"]["error"]
    assert error.startswith("Approval failed (HTTP 404): OAuth client not-registered")
    assert report["values"]["calls"] == []
    assert granted_keys(client) == []


def test_loader_twice_loads_extension_once(browser_page) -> None:
    url = browser_page()
    # A second loader run and a tag rendered by IN.parse on a detached
    # element, as a single-page application re-rendering its form does.
    second_render = """(() => {
        loadLoader();
        addWidgetTag(document.body);
        var detached = document.createElement("div");
        addWidgetTag(detached);
        window.IN.parse(detached);
        document.body.appendChild(detached);
        return true;
    })()"""

    report = run_in_chromium(
        [
            ["goto", url],
            ["wait", ".li-onboarding-approve"],
            ["evaluate", "rerendered", second_render],
            [
                "wait_for",
                "document.querySelectorAll('.li-onboarding-widget').length === 3",
            ],
            [
                "evaluate",
                "extension_scripts",
                "document.querySelectorAll('script[data-in-extension]').length",
            ],
            [
                "evaluate",
                "loaders",
                "document.querySelectorAll('script[src$=\"/in.js\"]').length",
            ],
            [
                "evaluate",
                "approve_ids",
                (
                    "Array.from(document.querySelectorAll('.li-onboarding-approve'))"
                    ".map(button => button.id)"
                ),
            ],
            [
                "evaluate",
                "tags_left",
                "document.querySelectorAll('script[type^=\"IN/\"]').length",
            ],
        ]
    )

    values = report["values"]
    assert values["loaders"] == 2
    assert values["extension_scripts"] == 1
    assert values["tags_left"] == 0
    assert sorted(values["approve_ids"]) == [
        "li-onboarding-approve",
        "li-onboarding-approve-2",
        "li-onboarding-approve-3",
    ]
