"""Helpers for the sandbox tests: keys, entities and a client for one sandbox.

The helpers build requests the way the wire contract describes them, so
that a test changes only the one thing it checks. The module has its own
name, not ``conftest``, because other test folders have a conftest too.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

import requests

ORG = "urn:li:organization:123"
OTHER_ORG = "urn:li:organization:456"
CLIENT_ID = "test-client"
CLIENT_SECRET = "test-secret/with+=chars"
VERSION = "202604"

PATHS = {
    "atsCandidates": "/v2/atsCandidates",
    "tcrmPipelines": "/rest/tcrmPipelines",
    "tcrmPipelineStages": "/v2/tcrmPipelineStages",
    "tcrmCandidatePipelines": "/v2/tcrmCandidatePipelines",
    "tcrmInteractions": "/rest/tcrmInteractions",
    "atsApplications": "/v2/atsApplications",
}
KEY_FIELDS = {
    "atsCandidates": ("atsCandidateId", "integrationContext", "dataProvider"),
    "tcrmPipelines": ("tcrmPipelineId", "integrationContext", "dataProvider"),
    "tcrmPipelineStages": (
        "tcrmPipelineId",
        "tcrmStageId",
        "integrationContext",
        "dataProvider",
    ),
    "tcrmCandidatePipelines": (
        "tcrmCandidateId",
        "tcrmPipelineId",
        "integrationContext",
        "dataProvider",
    ),
    "tcrmInteractions": ("tcrmInteractionId", "integrationContext", "dataProvider"),
    "atsApplications": ("atsJobApplicationId", "integrationContext", "dataProvider"),
}


# Keys and entities ---------------------------------------------------------


def candidate_key(candidate_id: str, org: str = ORG) -> dict[str, str]:
    return {
        "atsCandidateId": candidate_id,
        "integrationContext": org,
        "dataProvider": "ATS",
    }


def pipeline_key(pipeline_id: str, org: str = ORG) -> dict[str, str]:
    return {
        "tcrmPipelineId": pipeline_id,
        "integrationContext": org,
        "dataProvider": "PARTNER",
    }


def stage_key(pipeline_id: str, stage_id: str, org: str = ORG) -> dict[str, str]:
    return {
        "tcrmPipelineId": pipeline_id,
        "tcrmStageId": stage_id,
        "integrationContext": org,
        "dataProvider": "PARTNER",
    }


def candidate_pipeline_key(
    candidate_id: str, pipeline_id: str, org: str = ORG
) -> dict[str, str]:
    return {
        "tcrmCandidateId": candidate_id,
        "tcrmPipelineId": pipeline_id,
        "integrationContext": org,
        "dataProvider": "PARTNER",
    }


def interaction_key(interaction_id: str, org: str = ORG) -> dict[str, str]:
    return {
        "tcrmInteractionId": interaction_id,
        "integrationContext": org,
        "dataProvider": "PARTNER",
    }


def candidate_entity(**changes: Any) -> dict[str, Any]:
    entity = {
        "firstName": "Ada",
        "lastName": "Lovelace",
        "emailAddresses": ["ada@example.com"],
        "phoneNumbers": [{"number": "+44 20 7946 0000"}],
        "addresses": [],
        "atsCreatedAt": 1_700_000_000_000,
        "atsLastModifiedAt": 1_700_000_100_000,
    }
    entity.update(changes)
    return entity


def pipeline_entity(**changes: Any) -> dict[str, Any]:
    entity = {
        "title": "Backend engineer",
        "locations": ["Brussels, Belgium"],
        "state": "OPEN",
        "tcrmCreatedAt": 1_700_000_000_000,
    }
    entity.update(changes)
    return entity


def stage_entity(**changes: Any) -> dict[str, Any]:
    entity = {
        "stageCategory": "INTERVIEW",
        "stageDetails": "First interview",
        "tcrmCreatedAt": 1_700_000_000_000,
    }
    entity.update(changes)
    return entity


def candidate_pipeline_entity(**changes: Any) -> dict[str, Any]:
    entity = {
        "sources": {"sourceCategory": "REFERRAL", "sourceDetails": "Employee"},
        "tcrmCreatedAt": 1_700_000_000_000,
    }
    entity.update(changes)
    return entity


def interaction_entity(**changes: Any) -> dict[str, Any]:
    entity = {
        "tcrmCandidateId": "c1",
        "interactionType": "NOTE",
        "content": "Called, will send the offer on Monday.",
        "tcrmCreatedAt": 1_700_000_000_000,
    }
    entity.update(changes)
    return entity


def application_key(application_id: str, org: str = ORG) -> dict[str, str]:
    return {
        "atsJobApplicationId": application_id,
        "integrationContext": org,
        "dataProvider": "ATS",
    }


def application_entity(**changes: Any) -> dict[str, Any]:
    entity = {
        "atsCandidateId": "c1",
        "atsJobPostingId": "j1",
        "atsJobPostingName": "Developer",
        "candidateEmail": "ada@example.com",
        "firstName": "Ada",
        "lastName": "Lovelace",
        "source": "Referral",
        "stages": [
            {"stage": "New", "atsCreatedAt": 1_700_000_000_000},
            {"stage": "Interview", "atsCreatedAt": 1_700_000_100_000},
        ],
        "atsCreatedAt": 1_700_000_000_000,
        "atsLastModifiedAt": 1_700_000_100_000,
    }
    entity.update(changes)
    return entity


def indexed_query(keys: list[dict[str, str]]) -> str:
    """Build ``ids[i].field=value`` with values encoded, no safe characters."""
    return "&".join(
        f"ids[{index}].{field}={quote(value, safe='')}"
        for index, key in enumerate(keys)
        for field, value in key.items()
    )


def body_key(key: dict[str, str]) -> str:
    """Build a body key ``field=value&...`` with values not encoded."""
    return "&".join(f"{field}={value}" for field, value in key.items())


def multipart_body(query: str, json_text: str, boundary: str = "xyz") -> bytes:
    """Build a tunnelled body: the form-encoded query, then the JSON body."""
    return (
        f"--{boundary}\r\nContent-Type: application/x-www-form-urlencoded\r\n\r\n"
        f"{query}\r\n"
        f"--{boundary}\r\nContent-Type: application/json\r\n\r\n"
        f"{json_text}\r\n"
        f"--{boundary}--\r\n"
    ).encode()


# Client ------------------------------------------------------------------------


class SandboxClient:
    """HTTP client for one sandbox, with a registered OAuth client and token."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.session = requests.Session()
        response = self.session.post(
            f"{url}/sandbox/clients",
            json={"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET},
            timeout=10,
        )
        response.raise_for_status()
        self.token = self.fetch_token()

    def fetch_token(self) -> str:
        response = self.session.post(
            f"{self.url}/oauth/v2/accessToken",
            data={
                "grant_type": "client_credentials",
                "client_id": CLIENT_ID,
                "client_secret": CLIENT_SECRET,
            },
            timeout=10,
        )
        response.raise_for_status()
        return response.json()["access_token"]

    def api_headers(
        self, resource_path: str, restli_method: str | None = None
    ) -> dict[str, str]:
        """Return the headers the contract requires for a call to a path."""
        headers = {
            "Authorization": f"Bearer {self.token}",
            "X-Restli-Protocol-Version": "2.0.0",
        }
        if resource_path.startswith("/rest/"):
            headers["LinkedIn-Version"] = VERSION
        if restli_method is not None:
            headers["X-RestLi-Method"] = restli_method
        return headers

    def request(
        self,
        method: str,
        path: str,
        restli_method: str | None = None,
        headers: dict[str, str | None] | None = None,
        **kwargs: Any,
    ) -> requests.Response:
        """Send an API request; a header given as None is left out."""
        merged: dict[str, str | None] = dict(self.api_headers(path, restli_method))
        merged.update(headers or {})
        sent = {name: value for name, value in merged.items() if value is not None}
        return self.session.request(
            method, f"{self.url}{path}", headers=sent, timeout=30, **kwargs
        )

    def upsert(
        self,
        resource: str,
        pairs: list[tuple[dict[str, str], Any]],
        headers: dict[str, str | None] | None = None,
    ) -> requests.Response:
        """BATCH_UPDATE the (key, entity) pairs, as the add-on sends them."""
        query = indexed_query([key for key, _ in pairs])
        body = {"entities": {body_key(key): entity for key, entity in pairs}}
        return self.request(
            "PUT",
            f"{PATHS[resource]}?{query}",
            "BATCH_UPDATE",
            headers=headers,
            json=body,
        )

    def upsert_tunnelled(
        self, resource: str, pairs: list[tuple[dict[str, str], Any]]
    ) -> requests.Response:
        """BATCH_UPDATE tunnelled as POST with a multipart/mixed body."""
        query = indexed_query([key for key, _ in pairs])
        body = {"entities": {body_key(key): entity for key, entity in pairs}}
        return self.request(
            "POST",
            PATHS[resource],
            "BATCH_UPDATE",
            headers={
                "X-HTTP-Method-Override": "PUT",
                "Content-Type": "multipart/mixed; boundary=xyz",
            },
            data=multipart_body(query, json.dumps(body)),
        )

    def delete(self, resource: str, keys: list[dict[str, str]]) -> requests.Response:
        return self.request(
            "DELETE", f"{PATHS[resource]}?{indexed_query(keys)}", "BATCH_DELETE"
        )

    def entities(self, resource: str, org: str = ORG) -> list[dict[str, Any]]:
        response = self.session.get(
            f"{self.url}/sandbox/entities",
            params={"resource": resource, "integrationContext": org},
            timeout=10,
        )
        response.raise_for_status()
        return response.json()["elements"]

    def held_keys(self, resource: str, org: str = ORG) -> list[dict[str, str]]:
        return [element["key"] for element in self.entities(resource, org)]

    def counts(self, org: str | None = ORG) -> dict[str, Any]:
        params = {"integrationContext": org} if org else {}
        response = self.session.get(
            f"{self.url}/sandbox/counts", params=params, timeout=10
        )
        response.raise_for_status()
        return response.json()

    def configure(self, **settings: Any) -> dict[str, Any]:
        response = self.session.post(
            f"{self.url}/sandbox/config", json=settings, timeout=10
        )
        assert response.status_code == 200, response.text
        return response.json()
