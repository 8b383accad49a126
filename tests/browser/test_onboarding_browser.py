"""The onboarding plugin on the backend form, in headless Chromium against Odoo.

bin/test creates the database (the add-on with demo data) and passes its Odoo
configuration file in ``LCC_BROWSER_ODOO_CONFIG``. The test starts a sandbox
and an Odoo HTTP server on free 127.0.0.1 ports as subprocesses, configures
a backend through XML-RPC, provisions its application, and approves the
plugin in the browser as a Recruiter admin would. Screenshots go to
``.run/artifacts/browser/``.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
import xmlrpc.client
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
import requests
from browser_driver import describe_failure, missing_browser_tools, run_steps

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from linkedin_sandbox.testing import start_subprocess, stop_subprocess

ARTIFACTS = ROOT / ".run" / "artifacts" / "browser"
ODOO_LOG = ROOT / ".run" / "logs" / "odoo-browser.log"
ODOO_START_SECONDS = 120
# The first page of a new database compiles the asset bundles, lessc included.
BROWSER_TIMEOUT_MS = 90_000
# Odoo scrolls the form inside the page, so a full-page screenshot shows only
# the viewport: it is tall enough for the whole Onboarding tab.
VIEWPORT = (1280, 2000)

# The sandbox widget's default URNs: the backend's configuration sets no
# data-sandbox-organization attribute.
ORGANIZATION_URN = "urn:li:organization:1001"
CONTRACT_URN = "urn:li:contract:2001"
OTHER_ORGANIZATION_URN = "urn:li:organization:2002"
CRM_TYPES = {
    "CRM_ONE_CLICK_EXPORT": ORGANIZATION_URN,
    "CRM_CSA_API": CONTRACT_URN,
    "CRM_PROFILE_PLUGIN": ORGANIZATION_URN,
    "CRM_RECOMMENDED_MATCHES": ORGANIZATION_URN,
    "CRM_IN_CRM_INDICATOR": ORGANIZATION_URN,
}
CONFLICT_TEXT = "only one organization id can be active at a time"

PLUGIN = ".o_linkedin_onboarding_plugin"
INTEGRATION_ROW = ".o_field_one2many[name=integration_ids] .o_data_row"
# Odoo 11 fades a notification in over 400 ms
# (web/static/src/js/widgets/notification.js).
FADE_IN_MS = 600
NOTIFICATION = ".o_notification_manager .o_notification"
SUCCESS_NOTIFICATION = NOTIFICATION + ":has(.fa-lightbulb-o)"
WARNING_NOTIFICATION = NOTIFICATION + ":has(.fa-exclamation)"
ONBOARDING_TAB = '.o_notebook .nav-tabs a:has-text("Onboarding")'


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def database_name(config: Path) -> str:
    for line in config.read_text().splitlines():
        name, _, value = line.partition("=")
        if name.strip() == "db_name":
            return value.strip()
    raise RuntimeError(f"{config} sets no db_name")


@pytest.fixture(scope="module")
def odoo_config() -> Path:
    reason = missing_browser_tools()
    if reason:
        pytest.skip(reason)
    value = os.environ.get("LCC_BROWSER_ODOO_CONFIG")
    if not value:
        pytest.skip(
            "LCC_BROWSER_ODOO_CONFIG is not set; bin/test sets it after creating "
            "the database (bin/test --browser-only)"
        )
    return Path(value)


@pytest.fixture(scope="module")
def sandbox_url() -> Iterator[str]:
    url, process = start_subprocess()
    try:
        yield url
    finally:
        stop_subprocess(process)


@pytest.fixture(scope="module")
def odoo_url(odoo_config: Path) -> Iterator[str]:
    """Start Odoo's HTTP server on a free port and stop it by its PID."""
    port = free_port()
    ODOO_LOG.parent.mkdir(parents=True, exist_ok=True)
    environment = dict(os.environ)
    # Odoo finds lessc on PATH, and bin/test installs it into .venv/bin.
    environment["PATH"] = os.pathsep.join(
        [str(Path(sys.executable).parent), environment.get("PATH", "")]
    )
    command = [
        sys.executable,
        str(ROOT / "runtime" / "odoo-bin"),
        f"--config={odoo_config}",
        f"--http-port={port}",
        # No scheduled action runs, so the test reads only what the callback changed.
        "--max-cron-threads=0",
    ]
    with ODOO_LOG.open("w") as log:
        process = subprocess.Popen(
            command,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=environment,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for_login_page(url, process)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=30)


def wait_for_login_page(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + ODOO_START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"Odoo exited with status {process.returncode} before serving "
                f"{url}; see {ODOO_LOG}"
            )
        try:
            if requests.get(f"{url}/web/login", timeout=5).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(1)
    raise RuntimeError(
        f"Odoo did not serve {url}/web/login within {ODOO_START_SECONDS} s; "
        f"see {ODOO_LOG}"
    )


class Rpc:
    """XML-RPC calls as admin on one database."""

    def __init__(self, url: str, database: str) -> None:
        self.database = database
        common = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/common")
        self.uid = common.authenticate(database, "admin", "admin", {})
        assert self.uid, "admin/admin was rejected by XML-RPC"
        self.models = xmlrpc.client.ServerProxy(
            f"{url}/xmlrpc/2/object", allow_none=True
        )

    def call(self, model: str, method: str, *args: Any, **kwargs: Any) -> Any:
        return self.models.execute_kw(
            self.database, self.uid, "admin", model, method, list(args), kwargs
        )

    def read_one(self, model: str, record_id: int, fields: list[str]) -> dict:
        (record,) = self.call(model, "read", [record_id], fields=fields)
        return record


@pytest.fixture(scope="module")
def rpc(odoo_url: str, odoo_config: Path) -> Rpc:
    return Rpc(odoo_url, database_name(odoo_config))


@pytest.fixture(scope="module")
def configured_backend_id(rpc: Rpc, odoo_url: str, sandbox_url: str) -> int:
    """Configure the main company's backend for the sandbox, not provisioned."""
    partner_id = f"partner-{uuid.uuid4().hex[:8]}"
    partner_secret = f"secret/{uuid.uuid4().hex[:8]}+="
    response = requests.post(
        f"{sandbox_url}/sandbox/clients",
        json={"client_id": partner_id, "client_secret": partner_secret},
        timeout=10,
    )
    response.raise_for_status()

    # The application's JavaScript SDK domain and callback URLs are built
    # from web.base.url.
    rpc.call("ir.config_parameter", "set_param", "web.base.url", odoo_url)
    rpc.call("ir.config_parameter", "set_param", "web.base.url.freeze", "True")
    (company_id,) = rpc.call("res.company", "search", [], limit=1, order="id")
    values = {
        "name": "LinkedIn sandbox",
        "company_id": company_id,
        "api_base": sandbox_url,
        "oauth_base": f"{sandbox_url}/oauth/v2",
        "plugin_script_url": f"{sandbox_url}/sandbox/plugins/in.js",
        "onboarding_widget_url": f"{sandbox_url}/sandbox/plugins/onboarding-widget.js",
        "partner_client_id": partner_id,
        "partner_client_secret": partner_secret,
        "organization_urn": False,
        "contract_urn": False,
    }
    existing = rpc.call("linkedin.backend", "search", [("company_id", "=", company_id)])
    if existing:
        rpc.call("linkedin.backend", "write", existing, values)
        record_id = existing[0]
    else:
        record_id = rpc.call("linkedin.backend", "create", values)
    return record_id


@pytest.fixture(scope="module")
def backend_id(rpc: Rpc, configured_backend_id: int) -> int:
    """Provision the configured backend's application ("Provision application")."""
    rpc.call(
        "linkedin.backend", "action_provision_application", [configured_backend_id]
    )
    return configured_backend_id


def backend_state(rpc: Rpc, record_id: int) -> dict[str, Any]:
    return rpc.read_one(
        "linkedin.backend",
        record_id,
        [
            "organization_urn",
            "contract_urn",
            "onboarding_state",
            "onboarding_payload",
            "sync_state",
            "client_id",
        ],
    )


def integrations(rpc: Rpc, record_id: int) -> list[dict[str, Any]]:
    return rpc.call(
        "linkedin.integration",
        "search_read",
        [("backend_id", "=", record_id)],
        fields=[
            "integration_type",
            "integration_context",
            "integration_name",
            "status",
        ],
        order="id",
    )


def login_and_open_form(
    odoo_url: str, record_id: int, shown: str = f"{PLUGIN} .li-onboarding-approve"
) -> list[list[Any]]:
    """Log in as admin, straight to the backend form's Onboarding tab.

    Odoo's login redirects to the form by a full page load: changing only the
    URL's fragment while the web client still loads its first action can
    leave that action on screen.
    """
    form = f"/web#id={record_id}&model=linkedin.backend&view_type=form"
    return [
        ["goto", f"{odoo_url}/web/login?redirect={quote(form, safe='')}"],
        ["fill", "input[name=login]", "admin"],
        ["fill", "input[name=password]", "admin"],
        ["screenshot", str(ARTIFACTS / "01-login.png")],
        ["click", "button[type=submit]"],
        ["wait", ".o_form_view"],
        ["click", ONBOARDING_TAB],
        ["wait", shown],
    ]


def run_browser(steps: list[list[Any]]) -> dict[str, Any]:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    report = run_steps(
        steps,
        timeout_ms=BROWSER_TIMEOUT_MS,
        process_timeout=600,
        failure_screenshot=ARTIFACTS / "failure.png",
        viewport=VIEWPORT,
    )
    assert report["ok"], describe_failure(report)
    assert report["blocked"] == [], report["blocked"]
    return report


def test_unprovisioned_shows_problem(
    rpc: Rpc, odoo_url: str, configured_backend_id: int
) -> None:
    problem = f"{PLUGIN} .o_linkedin_onboarding_problem"

    report = run_browser(
        [
            *login_and_open_form(odoo_url, configured_backend_id, shown=problem),
            ["text", "problem", problem],
            [
                "evaluate",
                "widget_tags",
                "document.querySelectorAll('script[type^=\"IN/\"]').length",
            ],
            ["evaluate", "loader", "typeof window.IN"],
        ]
    )

    assert report["values"]["problem"] == "Provision the company's application first."
    assert report["values"]["widget_tags"] == 0
    assert report["values"]["loader"] == "undefined"
    state = backend_state(rpc, configured_backend_id)
    assert state["onboarding_state"] == "none"


def test_cancel_records_nothing(rpc: Rpc, odoo_url: str, backend_id: int) -> None:
    report = run_browser(
        [
            *login_and_open_form(odoo_url, backend_id),
            ["click", f"{PLUGIN} .li-onboarding-cancel"],
            ["wait", WARNING_NOTIFICATION],
            ["text", "notification", WARNING_NOTIFICATION],
            ["pause", FADE_IN_MS],
            ["screenshot", str(ARTIFACTS / "02-cancelled.png")],
        ]
    )

    assert "No integration was approved" in report["values"]["notification"]
    assert integrations(rpc, backend_id) == []
    after = backend_state(rpc, backend_id)
    assert after["organization_urn"] is False
    assert after["onboarding_state"] == "provisioned"
    assert after["sync_state"] == "never"


def test_approve_records_integrations(
    rpc: Rpc, odoo_url: str, sandbox_url: str, backend_id: int
) -> None:
    before = backend_state(rpc, backend_id)
    assert before["client_id"], "provisioning set no client id"
    assert before["onboarding_state"] == "provisioned"
    assert before["organization_urn"] is False
    assert before["sync_state"] == "never"

    report = run_browser(
        [
            *login_and_open_form(odoo_url, backend_id),
            ["text", "plugin", PLUGIN],
            ["screenshot", str(ARTIFACTS / "03-plugin.png")],
            ["screenshot_of", str(ARTIFACTS / "03-plugin-box.png"), PLUGIN],
            ["click", f"{PLUGIN} .li-onboarding-approve"],
            ["wait", SUCCESS_NOTIFICATION],
            ["text", "notification", SUCCESS_NOTIFICATION],
            # The form reloads and lists the recorded integrations.
            ["wait", INTEGRATION_ROW],
            ["wait", f"{PLUGIN} .li-onboarding-approve"],
            ["screenshot", str(ARTIFACTS / "04-approved.png")],
        ]
    )

    plugin_text = report["values"]["plugin"]
    assert "LinkedIn Recruiter — integration approval (sandbox)" in plugin_text
    assert "CANDIDATE_RELATIONSHIP_MANAGEMENT" in plugin_text
    assert before["client_id"] in plugin_text
    assert "All 5 integrations are enabled." in report["values"]["notification"]

    records = integrations(rpc, backend_id)
    assert {
        record["integration_type"]: record["integration_context"] for record in records
    } == CRM_TYPES
    assert {record["status"] for record in records} == {"enabled"}
    after = backend_state(rpc, backend_id)
    assert after["organization_urn"] == ORGANIZATION_URN
    assert after["contract_urn"] == CONTRACT_URN
    assert after["onboarding_state"] == "enabled"
    assert after["sync_state"] != "never"

    held = requests.get(f"{sandbox_url}/sandbox/onboarding", timeout=10).json()
    named = {
        (item["key"]["integrationType"], item["key"]["integrationContext"])
        for item in held["integrations"]
        if item["clientId"] == after["client_id"] and item["status"] == "ENABLED"
    }
    assert named == set(CRM_TYPES.items())


def test_second_organization_rejected(rpc: Rpc, odoo_url: str, backend_id: int) -> None:
    before = backend_state(rpc, backend_id)
    records_before = integrations(rpc, backend_id)
    if before["organization_urn"] != ORGANIZATION_URN:
        pytest.skip("needs the approval of test_approve_records_integrations")

    report = run_browser(
        [
            *login_and_open_form(odoo_url, backend_id),
            ["fill", f"{PLUGIN} .li-onboarding-organization", OTHER_ORGANIZATION_URN],
            ["click", f"{PLUGIN} .li-onboarding-approve"],
            ["wait", WARNING_NOTIFICATION],
            ["text", "notification", WARNING_NOTIFICATION],
            ["pause", FADE_IN_MS],
            ["screenshot", str(ARTIFACTS / "05-second-organization.png")],
        ]
    )

    notification = report["values"]["notification"]
    assert CONFLICT_TEXT in notification.lower()
    assert OTHER_ORGANIZATION_URN in notification
    assert backend_state(rpc, backend_id) == before
    assert integrations(rpc, backend_id) == records_before
