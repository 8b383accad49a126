"""The benchmarks' sandbox control client against a real sandbox."""

from __future__ import annotations

import sys
from pathlib import Path

from sandbox_helpers import ORG, SandboxClient, candidate_entity, candidate_key

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

from bench_common import SandboxControl


def test_control_counts_and_entities(client: SandboxClient) -> None:
    control = SandboxControl(client.url + "/")
    response = client.upsert(
        "atsCandidates", [(candidate_key("c1"), candidate_entity())]
    )
    assert response.status_code == 200, response.text

    counts = control.counts(ORG)
    elements = control.entities("atsCandidates", ORG)
    stats = control.stats()

    assert counts["atsCandidates"] == 1
    assert [element["key"]["atsCandidateId"] for element in elements] == ["c1"]
    assert stats["requests"]["atsCandidates"]["PUT"] == 1


def test_control_registers_client_and_configures(client: SandboxClient) -> None:
    control = SandboxControl(client.url)

    control.register_client("bench-client", "bench-secret")
    control.configure(rate_limits=False)
    token = client.session.post(
        f"{client.url}/oauth/v2/accessToken",
        data={
            "grant_type": "client_credentials",
            "client_id": "bench-client",
            "client_secret": "bench-secret",
        },
        timeout=10,
    )

    assert token.status_code == 200, token.text
    assert token.json()["access_token"]
