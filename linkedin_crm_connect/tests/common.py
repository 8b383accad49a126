"""Shared set-up of the add-on's tests: a LinkedIn sandbox over loopback.

The sandbox runs as a subprocess of the test process, started once and
stopped at exit, so every test talks real HTTP to it. Each test gets its own
organization URN and client, and the sandbox keeps data per
``integrationContext``, so tests never see each other's records.
``LCC_SANDBOX_URL`` points the tests at a sandbox already running instead.
"""

import atexit
import itertools
import os
import re
import subprocess
import sys
import uuid
from pathlib import Path

import requests
from odoo.tests.common import TransactionCase

REPO_ROOT = Path(__file__).resolve().parents[2]
_URL_PATTERN = re.compile(r"http://127\.0\.0\.1:\d+")
_sandbox = {}
_counter = itertools.count(1)


def pdf_bytes(size):
    """Return a valid one-page PDF of exactly ``size`` bytes (padded inside)."""
    if str(REPO_ROOT / "tools") not in sys.path:
        sys.path.insert(0, str(REPO_ROOT / "tools"))
    import datagen

    return datagen.padded_pdf(["Test resume"], size)


def sandbox_url():
    """Return the base URL of the test sandbox, starting it on first use."""
    if "url" in _sandbox:
        return _sandbox["url"]
    if os.environ.get("LCC_SANDBOX_URL"):
        _sandbox["url"] = os.environ["LCC_SANDBOX_URL"].rstrip("/")
        return _sandbox["url"]
    process = subprocess.Popen(
        [sys.executable, "-m", "linkedin_sandbox", "--port", "0"],
        cwd=str(REPO_ROOT),
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    line = process.stdout.readline()
    match = _URL_PATTERN.search(line)
    if not match:
        process.kill()
        raise RuntimeError("sandbox did not print its URL; it printed %r" % line)
    atexit.register(process.terminate)
    _sandbox.update(url=match.group(0), process=process)
    return _sandbox["url"]


def sandbox_call(method, path, **kwargs):
    """Call a sandbox control endpoint and return its decoded JSON response."""
    response = requests.request(method, sandbox_url() + path, timeout=(5, 30), **kwargs)
    response.raise_for_status()
    return response.json() if response.content else None


class SandboxCase(TransactionCase):
    """A test case with a backend of the main company bound to the sandbox."""

    def setUp(self):
        super().setUp()
        number = next(_counter)
        tag = uuid.uuid4().hex[:8]
        self.org_urn = "urn:li:organization:%d%s" % (number, int(tag, 16) % 10**6)
        self.client_id = "client-%s" % tag
        self.client_secret = "secret/%s+=" % tag
        sandbox_call(
            "POST",
            "/sandbox/clients",
            json={"client_id": self.client_id, "client_secret": self.client_secret},
        )
        url = sandbox_url()
        self.company = self.env.ref("base.main_company")
        existing = self.env["linkedin.backend"].search(
            [("company_id", "=", self.company.id)]
        )
        existing.unlink()
        self.backend = self.env["linkedin.backend"].create(
            {
                "name": "Sandbox",
                "company_id": self.company.id,
                "api_base": url,
                "oauth_base": url + "/oauth/v2",
                "client_id": self.client_id,
                "client_secret": self.client_secret,
                "organization_urn": self.org_urn,
                "contract_urn": "urn:li:contract:%s" % (int(tag, 16) % 10**6),
            }
        )

    def ingest(self):
        """Queue the applicant creates and stage moves of the capture journal.

        A flush does this first. Tests that read the candidate, the stage
        history or the outbox rows of a new applicant or a stage move call
        it before they look.
        """
        return self.env["linkedin.capture.journal"].ingest()

    def held_counts(self):
        """Return the sandbox's record counts for this test's organization."""
        return sandbox_call(
            "GET", "/sandbox/counts", params={"integrationContext": self.org_urn}
        )

    def held_entities(self, resource):
        """Return the entities the sandbox holds for one resource."""
        return sandbox_call(
            "GET",
            "/sandbox/entities",
            params={"resource": resource, "integrationContext": self.org_urn},
        )["elements"]

    def request_count(self, resource, method):
        """Return how many requests the sandbox received for a resource so far."""
        stats = sandbox_call("GET", "/sandbox/stats")
        return stats["requests"].get(resource, {}).get(method, 0)
