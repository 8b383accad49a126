"""Thread-safe in-memory state: entities, jobs, tasks, resumes and onboarding.

Entities are stored per resource, per integrationContext, under their compound
key exactly as sent (dataProvider included). Each table also counts its keys
by identity, the key without integrationContext and dataProvider, so that a
parent can be found whatever dataProvider the client gave it.

Callers take ``Store.lock`` around a whole request, so that the parent
checks and the writes of one batch see a consistent state. The lock is
re-entrant, so the helpers below take it again for callers that do not.
"""

from __future__ import annotations

import threading
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from .restli import Key
from .schema import SYNC_RESOURCES, ParentReference

_NON_IDENTITY_FIELDS = ("integrationContext", "dataProvider")


def identity_of(key: Key) -> Key:
    """Return the key without its integrationContext and dataProvider."""
    return frozenset(pair for pair in key if pair[0] not in _NON_IDENTITY_FIELDS)


@dataclass
class StoredEntity:
    key: dict[str, str]
    entity: dict[str, Any]


@dataclass
class EntityTable:
    """Entities of one resource, by integrationContext then by key."""

    entities: dict[str, dict[Key, StoredEntity]] = field(default_factory=dict)
    identities: dict[str, Counter[Key]] = field(default_factory=dict)

    def get(self, context: str, key: Key) -> StoredEntity | None:
        return self.entities.get(context, {}).get(key)

    def put(self, context: str, key: Key, stored: StoredEntity) -> None:
        by_key = self.entities.setdefault(context, {})
        if key not in by_key:
            self.identities.setdefault(context, Counter())[identity_of(key)] += 1
        by_key[key] = stored

    def delete(self, context: str, key: Key) -> bool:
        by_key = self.entities.get(context, {})
        if by_key.pop(key, None) is None:
            return False
        counter = self.identities[context]
        counter[identity_of(key)] -= 1
        if counter[identity_of(key)] <= 0:
            del counter[identity_of(key)]
        return True

    def has_identity(self, context: str, identity: Key) -> bool:
        return self.identities.get(context, Counter())[identity] > 0

    def count(self, context: str | None) -> int:
        if context is not None:
            return len(self.entities.get(context, {}))
        return sum(len(by_key) for by_key in self.entities.values())

    def items(self, context: str | None) -> list[StoredEntity]:
        if context is not None:
            return list(self.entities.get(context, {}).values())
        return [
            stored for by_key in self.entities.values() for stored in by_key.values()
        ]


@dataclass
class JobTask:
    """A job posting task: its final state and how often it was polled."""

    task_id: str
    external_job_posting_id: str
    integration_context: str
    final_status: str
    message: str | None
    polls: int = 0


@dataclass
class Resume:
    """An uploaded resume file, held against the candidate it was made for."""

    resume_urn: str
    integration_context: str
    ats_candidate_id: str
    data_provider: str
    file_name: str
    content_type: str
    size: int
    sha256: str


@dataclass
class UploadSlot:
    """A signed upload URL issued by hireMediaUrl and not yet used."""

    token: str
    resume_urn: str
    integration_context: str
    ats_candidate_id: str
    data_provider: str
    file_name: str
    content_type: str


@dataclass
class ProvisionedApplication:
    """A customer (child) application that a partner application provisioned."""

    partner_client_id: str
    key: str
    unique_foreign_id: str
    name: str
    description: str | None
    client_id: str
    client_secret: str
    valid_js_sdk_domains: list[str]
    oauth2_authorized_callback_urls: list[str]

    def as_wire(self) -> dict[str, Any]:
        """Return the application as provisionedApplications returns it."""
        return {
            "key": self.key,
            "uniqueForeignId": self.unique_foreign_id,
            "name": self.name,
            "credentials": {
                "clientId": self.client_id,
                "clientSecret": self.client_secret,
            },
            "validJsSdkDomains": list(self.valid_js_sdk_domains),
            "oauth2AuthorizedCallbackUrls": list(self.oauth2_authorized_callback_urls),
        }


@dataclass
class Integration:
    """An integration granted to a child application through the plugin."""

    key: dict[str, str]
    status: str
    integration_name: str | None = None
    # Configuration values by name, e.g. CALLBACK_URL.
    configurations: dict[str, Any] = field(default_factory=dict)


class Store:
    """All state that /sandbox/reset clears."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.reset()

    def reset(self) -> None:
        with self.lock:
            self.tables = {name: EntityTable() for name in SYNC_RESOURCES}
            # Jobs by integrationContext, then by externalJobPostingId.
            self.jobs: dict[str, dict[str, dict[str, Any]]] = {}
            self.tasks: dict[str, JobTask] = {}
            self.resumes: dict[str, Resume] = {}
            self.uploads: dict[str, UploadSlot] = {}
            # Upload tokens already used, so that a second PUT gets a clear 403.
            self.used_upload_tokens: set[str] = set()
            # Provisioned applications by partner client id, then by key.
            self.provisioned: dict[str, dict[str, ProvisionedApplication]] = {}
            # Granted integrations by child client id, then by compound key.
            self.integrations: dict[str, dict[Key, Integration]] = {}

    # Parents and orphans ---------------------------------------------------

    def find_missing_parent(
        self,
        reference: ParentReference,
        context: str,
        values: dict[str, Any],
    ) -> str | None:
        """Describe the parent that ``values`` names and the store lacks.

        Returns None when the parent is held or when the reference does not
        apply because a child field is absent.
        """
        parent_key = {}
        for child_field, parent_field in reference.fields.items():
            value = values.get(child_field)
            if not isinstance(value, str):
                return None
            parent_key[parent_field] = value
        identity = frozenset(parent_key.items())
        if self.tables[reference.parent].has_identity(context, identity):
            return None
        described = ", ".join(f"{name}={value}" for name, value in parent_key.items())
        return f"{reference.parent} entity {described} not found in {context}"

    def count_orphans(self, context: str | None) -> dict[str, int]:
        """Count child entities and resumes whose parent is no longer held."""
        with self.lock:
            orphans: dict[str, int] = {}
            for name, spec in SYNC_RESOURCES.items():
                if not spec.parents:
                    continue
                orphans[name] = sum(
                    1
                    for stored in self.tables[name].items(context)
                    if self._is_orphan(spec.parents, stored)
                )
            orphans["resumes"] = sum(
                1
                for resume in self.resumes.values()
                if context in (None, resume.integration_context)
                and not self.tables["atsCandidates"].has_identity(
                    resume.integration_context,
                    frozenset({("atsCandidateId", resume.ats_candidate_id)}),
                )
            )
            return orphans

    def _is_orphan(
        self, references: tuple[ParentReference, ...], stored: StoredEntity
    ) -> bool:
        context = stored.key["integrationContext"]
        values = {**stored.entity, **stored.key}
        return any(
            self.find_missing_parent(reference, context, values) is not None
            for reference in references
        )

    # Counts ------------------------------------------------------------------

    def counts(self, context: str | None) -> dict[str, Any]:
        """Count held entities per resource, plus orphans per child resource."""
        with self.lock:
            result: dict[str, Any] = {
                name: table.count(context) for name, table in self.tables.items()
            }
            result["simpleJobPostings"] = sum(
                len(jobs)
                for job_context, jobs in self.jobs.items()
                if context in (None, job_context)
            )
            result["resumes"] = sum(
                1
                for resume in self.resumes.values()
                if context in (None, resume.integration_context)
            )
            result["orphans"] = self.count_orphans(context)
            return result

    # Jobs --------------------------------------------------------------------

    def add_task(
        self,
        external_job_posting_id: str,
        integration_context: str,
        final_status: str,
        message: str | None,
    ) -> JobTask:
        task = JobTask(
            task_id=f"urn:li:simpleJobPostingTask:{uuid.uuid4()}",
            external_job_posting_id=external_job_posting_id,
            integration_context=integration_context,
            final_status=final_status,
            message=message,
        )
        with self.lock:
            self.tasks[task.task_id] = task
        return task

    def put_job(self, job: dict[str, Any]) -> None:
        """Hold a job, replacing any job with the same id in its context."""
        with self.lock:
            context = job["integrationContext"]
            self.jobs.setdefault(context, {})[job["externalJobPostingId"]] = job
