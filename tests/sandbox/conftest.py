"""Fixtures for the sandbox tests: a fresh sandbox per test and a client for it.

Each test gets its own sandbox on a free port, served by a thread of the test
process, and a ``SandboxClient`` with a registered OAuth client and a token.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

# The repository root, so that ``import linkedin_sandbox`` works from any
# working directory.
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from sandbox_helpers import (
    SandboxClient,
    candidate_entity,
    candidate_key,
    pipeline_entity,
    pipeline_key,
    stage_entity,
    stage_key,
)

from linkedin_sandbox.testing import ThreadedSandbox


@pytest.fixture
def sandbox():
    with ThreadedSandbox() as running:
        yield running


@pytest.fixture
def client(sandbox: ThreadedSandbox) -> SandboxClient:
    return SandboxClient(sandbox.url)


@pytest.fixture
def seeded(client: SandboxClient) -> SandboxClient:
    """A client whose sandbox stores candidates c1, c2, pipeline p1, stage s1."""
    response = client.upsert(
        "atsCandidates",
        [
            (candidate_key("c1"), candidate_entity()),
            (candidate_key("c2"), candidate_entity()),
        ],
    )
    assert response.json()["errors"] == {}
    response = client.upsert("tcrmPipelines", [(pipeline_key("p1"), pipeline_entity())])
    assert response.json()["errors"] == {}
    response = client.upsert(
        "tcrmPipelineStages", [(stage_key("p1", "s1"), stage_entity())]
    )
    assert response.json()["errors"] == {}
    return client
