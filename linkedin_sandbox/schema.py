"""Resource definitions: paths, key fields, entity fields and validators.

Each sync resource lists its key fields in the contract's order, its entity
fields with a validator each, its required fields and its parents. A
validator returns error messages of the form ``"path: reason"``. An entity
with any error fails on its own with 422 while the rest of the batch goes on.

Entities are strict: a field that the contract does not list fails the
entity, so that a misspelled field name shows up in a test. ``null`` is
rejected too, because Rest.li expects an absent optional field to be
omitted.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

Validator = Callable[[str, Any], list[str]]

EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
ORGANIZATION_URN = re.compile(r"^urn:li:organization:\d+$")
CONTRACT_URN = re.compile(r"^urn:li:contract:\d+$")
PERSON_URN = re.compile(r"^urn:li:person:[A-Za-z0-9_-]+$")

DATA_PROVIDERS = ("ATS", "PARTNER")

STAGE_CATEGORIES = (
    "NURTURE",
    "LEAD",
    "CONTACTED",
    "REPLIED",
    "APPLIED",
    "SCREEN",
    "INTERVIEW",
    "OFFER",
    "HIRED",
    "REJECTED",
    "DECLINED",
    "ARCHIVED",
    "OTHER",
)
SOURCE_CATEGORIES = (
    "LINKEDIN",
    "EMAIL",
    "SOCIAL_MEDIA",
    "EVENT",
    "CAREER_SITE",
    "REFERRAL",
    "AGENCY",
    "JOB_BOARD",
    "OTHER",
)
PIPELINE_STATES = ("OPEN", "CLOSED")
INTERACTION_TYPES = ("NOTE", "EMAIL")

JOB_TITLE_MAX_LENGTH = 200
JOB_AVAILABILITIES = ("PUBLIC", "PRIVATE_TO_ATS_INTEGRATION")
JOB_STATES = ("LISTED", "CLOSED")

RESUME_CONTENT_TYPES = ("application/pdf", "application/msword", "text/plain")
RESUME_MAX_BYTES = 10 * 1024 * 1024


# Validators ---------------------------------------------------------------


def string(path: str, value: Any) -> list[str]:
    if not isinstance(value, str):
        return [f"{path}: expected a string, got {_json_type(value)}"]
    return []


def text(path: str, value: Any) -> list[str]:
    """Validate a string that must not be empty or only whitespace."""
    errors = string(path, value)
    if not errors and not value.strip():
        errors.append(f"{path}: must not be empty")
    return errors


def boolean(path: str, value: Any) -> list[str]:
    if not isinstance(value, bool):
        return [f"{path}: expected a boolean, got {_json_type(value)}"]
    return []


def timestamp(path: str, value: Any) -> list[str]:
    """Validate epoch milliseconds: an integer greater than 0."""
    if isinstance(value, bool) or not isinstance(value, int):
        return [f"{path}: expected epoch milliseconds (integer), got {value!r}"]
    if value <= 0:
        return [f"{path}: epoch milliseconds must be > 0, got {value}"]
    return []


def positive_int(path: str, value: Any) -> list[str]:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        return [f"{path}: expected an integer > 0, got {value!r}"]
    return []


def email_address(path: str, value: Any) -> list[str]:
    errors = string(path, value)
    if not errors and not EMAIL_PATTERN.match(value):
        errors.append(f"{path}: {value!r} is not a valid email address")
    return errors


def enum(values: tuple[str, ...]) -> Validator:
    def validate(path: str, value: Any) -> list[str]:
        if value not in values:
            return [f"{path}: {value!r} is not one of {', '.join(values)}"]
        return []

    return validate


def pattern(regex: re.Pattern[str], description: str) -> Validator:
    def validate(path: str, value: Any) -> list[str]:
        errors = string(path, value)
        if not errors and not regex.match(value):
            errors.append(f"{path}: {value!r} is not {description}")
        return errors

    return validate


def max_length(limit: int) -> Validator:
    def validate(path: str, value: Any) -> list[str]:
        errors = text(path, value)
        if not errors and len(value) > limit:
            errors.append(f"{path}: {len(value)} characters; at most {limit} allowed")
        return errors

    return validate


def list_of(item: Validator) -> Validator:
    """Validate a JSON array (which may be empty) whose items all pass ``item``."""

    def validate(path: str, value: Any) -> list[str]:
        if not isinstance(value, list):
            return [f"{path}: expected a list, got {_json_type(value)}"]
        errors: list[str] = []
        for index, element in enumerate(value):
            errors.extend(item(f"{path}[{index}]", element))
        return errors

    return validate


def record(fields: dict[str, Validator], required: tuple[str, ...] = ()) -> Validator:
    """Validate a JSON object with the given fields and no others."""

    def validate(path: str, value: Any) -> list[str]:
        if not isinstance(value, dict):
            return [f"{path}: expected an object, got {_json_type(value)}"]
        return validate_fields(value, fields, required, prefix=f"{path}.")

    return validate


def validate_fields(
    entity: dict[str, Any],
    fields: dict[str, Validator],
    required: tuple[str, ...],
    prefix: str = "",
) -> list[str]:
    """Validate an object's fields and return every error found."""
    errors: list[str] = []
    for name in required:
        if name not in entity:
            errors.append(f"{prefix}{name}: required field is missing")
    for name, value in entity.items():
        path = f"{prefix}{name}"
        if name not in fields:
            errors.append(
                f"{path}: unknown field; expected one of {', '.join(sorted(fields))}"
            )
        elif value is None:
            errors.append(f"{path}: must not be null; omit the field instead")
        else:
            errors.extend(fields[name](path, value))
    return errors


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "list"
    return "object"


def _later_or_equal(later: str, earlier: str) -> Callable[[dict], list[str]]:
    """Check that timestamp field ``later`` is not before ``earlier``."""

    def check(entity: dict[str, Any]) -> list[str]:
        first, last = entity.get(earlier), entity.get(later)
        if (
            isinstance(first, int)
            and isinstance(last, int)
            and first > 0
            and last < first
        ):
            return [f"{later}: {last} is before {earlier} {first}"]
        return []

    return check


# Resources ----------------------------------------------------------------


@dataclass(frozen=True)
class ParentReference:
    """A reference from a child entity to a parent entity of another resource.

    ``fields`` maps the child's field (a key field or an entity field) to the
    parent's key field. The parent is looked up in the same
    integrationContext, whatever its dataProvider, because the add-on keys
    candidates with ``ATS`` and the tcrm resources with ``PARTNER``. A
    reference whose child fields are absent is skipped (an optional field).
    ``enforced`` references fail the child entity with 400 when the parent is
    not held; the others only count the child as an orphan.
    """

    parent: str
    fields: dict[str, str]
    enforced: bool = True


@dataclass(frozen=True)
class ResourceSpec:
    """A sync resource: its path, key, entity fields and parents."""

    name: str
    path: str
    key_fields: tuple[str, ...]
    fields: dict[str, Validator]
    required: tuple[str, ...]
    parents: tuple[ParentReference, ...] = ()
    checks: tuple[Callable[[dict], list[str]], ...] = field(default=())

    def validate(self, entity: dict[str, Any]) -> list[str]:
        errors = validate_fields(entity, self.fields, self.required)
        for check in self.checks:
            errors.extend(check(entity))
        return errors


_ADDRESS = record(
    {
        "line1": string,
        "line2": string,
        "city": string,
        "geographicArea": string,
        "geographicAreaType": string,
        "postalCode": string,
        "country": string,
    }
)
_PHONE_NUMBER = record({"number": text, "extension": string}, required=("number",))
_SOURCE = record(
    {"sourceCategory": enum(SOURCE_CATEGORIES), "sourceDetails": string},
    required=("sourceCategory",),
)

# Fields past the contract's list (doNotContact, middleInitial, prefix,
# suffix, linkedInProfileUrl) are documented by LinkedIn for atsCandidates
# and accepted for that reason.
ATS_CANDIDATES = ResourceSpec(
    name="atsCandidates",
    path="/v2/atsCandidates",
    key_fields=("atsCandidateId", "integrationContext", "dataProvider"),
    fields={
        "firstName": text,
        "lastName": string,
        "middleInitial": string,
        "prefix": string,
        "suffix": string,
        "emailAddresses": list_of(email_address),
        "phoneNumbers": list_of(_PHONE_NUMBER),
        "addresses": list_of(_ADDRESS),
        "atsCreatedAt": timestamp,
        "atsLastModifiedAt": timestamp,
        "currentCompanyName": string,
        "currentJobTitle": string,
        "externalProfileUrl": string,
        "linkedInProfileUrl": string,
        "doNotContact": boolean,
        "manualMatchedMember": pattern(PERSON_URN, "a urn:li:person:<id> URN"),
    },
    required=(
        "firstName",
        "emailAddresses",
        "phoneNumbers",
        "addresses",
        "atsCreatedAt",
        "atsLastModifiedAt",
    ),
    checks=(_later_or_equal("atsLastModifiedAt", "atsCreatedAt"),),
)

TCRM_PIPELINES = ResourceSpec(
    name="tcrmPipelines",
    path="/rest/tcrmPipelines",
    key_fields=("tcrmPipelineId", "integrationContext", "dataProvider"),
    fields={
        "title": text,
        "description": string,
        "locations": list_of(string),
        "externalJobPostingIds": list_of(string),
        "ownerEmailAddress": email_address,
        "accessRestricted": boolean,
        "state": enum(PIPELINE_STATES),
        "tcrmCreatedAt": timestamp,
        "tcrmLastModifiedAt": timestamp,
    },
    required=("title", "tcrmCreatedAt"),
)

TCRM_PIPELINE_STAGES = ResourceSpec(
    name="tcrmPipelineStages",
    path="/v2/tcrmPipelineStages",
    key_fields=("tcrmPipelineId", "tcrmStageId", "integrationContext", "dataProvider"),
    fields={
        "stageCategory": enum(STAGE_CATEGORIES),
        "stageDetails": text,
        "tcrmCreatedAt": timestamp,
    },
    required=("stageCategory", "stageDetails", "tcrmCreatedAt"),
    parents=(ParentReference("tcrmPipelines", {"tcrmPipelineId": "tcrmPipelineId"}),),
)

# NOTE: the contract writes ``sources`` as one object; a list of such objects
# is not accepted until LinkedIn's samples confirm that form.
TCRM_CANDIDATE_PIPELINES = ResourceSpec(
    name="tcrmCandidatePipelines",
    path="/v2/tcrmCandidatePipelines",
    key_fields=(
        "tcrmCandidateId",
        "tcrmPipelineId",
        "integrationContext",
        "dataProvider",
    ),
    fields={
        "sources": _SOURCE,
        "dispositionReason": string,
        "tcrmStageId": text,
        "tcrmCreatedAt": timestamp,
    },
    required=("sources", "tcrmCreatedAt"),
    parents=(
        ParentReference("atsCandidates", {"tcrmCandidateId": "atsCandidateId"}),
        ParentReference("tcrmPipelines", {"tcrmPipelineId": "tcrmPipelineId"}),
        ParentReference(
            "tcrmPipelineStages",
            {"tcrmPipelineId": "tcrmPipelineId", "tcrmStageId": "tcrmStageId"},
        ),
    ),
)

# The contract checks no parent of an interaction, so a missing candidate
# only makes the interaction an orphan in /sandbox/counts.
TCRM_INTERACTIONS = ResourceSpec(
    name="tcrmInteractions",
    path="/rest/tcrmInteractions",
    key_fields=("tcrmInteractionId", "integrationContext", "dataProvider"),
    fields={
        "tcrmCandidateId": text,
        "tcrmPipelineId": text,
        "accessRestricted": boolean,
        "interactionType": enum(INTERACTION_TYPES),
        "content": text,
        "authorName": string,
        "tcrmCreatedAt": timestamp,
        "tcrmLastModifiedAt": timestamp,
    },
    required=("tcrmCandidateId", "interactionType", "content", "tcrmCreatedAt"),
    parents=(
        ParentReference(
            "atsCandidates", {"tcrmCandidateId": "atsCandidateId"}, enforced=False
        ),
    ),
)

# LinkedIn publishes no page for the candidate pipeline stage history; this
# is the add-on's pick (path, key, fields), checked as strictly as the rest.
TCRM_CANDIDATE_PIPELINE_STAGES = ResourceSpec(
    name="tcrmCandidatePipelineStages",
    path="/v2/tcrmCandidatePipelineStages",
    key_fields=(
        "tcrmCandidateId",
        "tcrmPipelineId",
        "tcrmStageTransitionId",
        "integrationContext",
        "dataProvider",
    ),
    fields={
        "tcrmStageId": text,
        "previousStageId": text,
        "enteredAt": timestamp,
    },
    required=("tcrmStageId", "enteredAt"),
    parents=(
        ParentReference(
            "tcrmCandidatePipelines",
            {"tcrmCandidateId": "tcrmCandidateId", "tcrmPipelineId": "tcrmPipelineId"},
        ),
    ),
)

# Recruiter System Connect applications. LinkedIn documents every field but
# ``stages``, which is the add-on's pick for the application's stage history,
# because LinkedIn documents a /stages sub-resource instead. Deleting an
# application deletes its stages with it.
_APPLICATION_STAGE = record(
    {"stage": text, "atsCreatedAt": timestamp}, required=("stage", "atsCreatedAt")
)
ATS_APPLICATIONS = ResourceSpec(
    name="atsApplications",
    path="/v2/atsApplications",
    key_fields=("atsJobApplicationId", "integrationContext", "dataProvider"),
    fields={
        "atsCandidateId": text,
        "atsJobPostingId": text,
        "atsJobPostingName": string,
        "candidateEmail": email_address,
        "firstName": string,
        "lastName": string,
        "source": string,
        "dispositionReason": string,
        "stages": list_of(_APPLICATION_STAGE),
        "atsCreatedAt": timestamp,
        "atsLastModifiedAt": timestamp,
    },
    required=("atsCandidateId", "atsJobPostingId", "atsCreatedAt", "atsLastModifiedAt"),
    parents=(ParentReference("atsCandidates", {"atsCandidateId": "atsCandidateId"}),),
    checks=(_later_or_equal("atsLastModifiedAt", "atsCreatedAt"),),
)

#: Sync resources that carry Recruiter System Connect data; the others carry
#: CRM Connect data. Each family is refused while one of its integrations is
#: disabled.
RSC_RESOURCES = frozenset({"atsApplications"})

SYNC_RESOURCES: dict[str, ResourceSpec] = {
    spec.name: spec
    for spec in (
        ATS_CANDIDATES,
        TCRM_PIPELINES,
        TCRM_PIPELINE_STAGES,
        TCRM_CANDIDATE_PIPELINES,
        TCRM_CANDIDATE_PIPELINE_STAGES,
        TCRM_INTERACTIONS,
        ATS_APPLICATIONS,
    )
}

JOBS_PATH = "/v2/simpleJobPostings"
JOB_TASKS_PATH = "/v2/simpleJobPostingTasks"
HIRE_MEDIA_PATH = "/v2/hireMediaUrl"
PROVISIONED_APPLICATIONS_PATH = "/v2/provisionedApplications"
ATS_INTEGRATIONS_PATH = "/v2/atsIntegrations"

# Resource names as counted by /sandbox/counts, in a stable order.
COUNTED_RESOURCES = (*SYNC_RESOURCES, "simpleJobPostings", "resumes")

# Resource names that rate limits and statistics are kept for.
API_RESOURCES = (
    *SYNC_RESOURCES,
    "simpleJobPostings",
    "simpleJobPostingTasks",
    "hireMediaUrl",
    "provisionedApplications",
    "atsIntegrations",
)

# The identifying fields of a job must be valid for it to get a task at all.
JOB_IDENTITY_FIELDS: dict[str, Validator] = {
    "integrationContext": pattern(ORGANIZATION_URN, "a urn:li:organization:<id> URN"),
    "externalJobPostingId": text,
}

JOB_FIELDS: dict[str, Validator] = {
    **JOB_IDENTITY_FIELDS,
    "title": max_length(JOB_TITLE_MAX_LENGTH),
    "description": text,
    "location": string,
    "countryCode": string,
    "postalCode": string,
    "availability": enum(JOB_AVAILABILITIES),
    "state": enum(JOB_STATES),
    "listedAt": timestamp,
    "companyApplyUrl": string,
}
JOB_REQUIRED = ("integrationContext", "externalJobPostingId", "title", "description")


def validate_key_values(key: dict[str, str]) -> list[str]:
    """Validate the integrationContext and dataProvider of a compound key."""
    errors = []
    context = key.get("integrationContext")
    if context is not None and not ORGANIZATION_URN.match(context):
        errors.append(
            f"integrationContext: {context!r} is not a urn:li:organization:<id> URN"
        )
    provider = key.get("dataProvider")
    if provider is not None and provider not in DATA_PROVIDERS:
        errors.append(
            f"dataProvider: {provider!r} is not one of {', '.join(DATA_PROVIDERS)}"
        )
    return errors


def spec_for_path(path: str) -> ResourceSpec | None:
    """Return the sync resource served at ``path``, if any."""
    for spec in SYNC_RESOURCES.values():
        if spec.path == path:
            return spec
    return None
