"""LinkedIn API requests: routing, common checks and the sync resources.

Every request under ``/v2/`` and ``/rest/`` goes through the same steps, in
this order, and the first that fails decides the response:

1. route the path (404 for an unknown resource);
2. undo query tunnelling (400 for a malformed tunnel);
3. check the bearer token (401);
4. check ``X-Restli-Protocol-Version`` (400 unless absent or ``2.0.0``) and
   ``LinkedIn-Version`` (required on ``/rest/``, rejected on ``/v2/``: 400
   when missing or malformed, 426 ``NONEXISTENT_VERSION`` when inactive);
5. check the HTTP method and ``X-RestLi-Method`` (405, 400);
6. parse keys and body (400 for a whole-request error, 413 when too large);
7. count the request against the rate limits (429);
8. process each entity, reporting failures per entity inside a 200.

Sync resources are upserted with BATCH_UPDATE (PUT), patched with
BATCH_PARTIAL_UPDATE (POST), removed with BATCH_DELETE (DELETE) and read
with BATCH_GET (GET). Deletes do not cascade: the client must delete child
entities itself, and /sandbox/counts reports the orphans it leaves.
"""

from __future__ import annotations

import copy
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from . import jobs, media, provisioning
from .auth import authenticate
from .calls import (
    ApiCall,
    bad_request,
    entity_error,
    method_not_allowed,
    read_json_object,
    require_no_body,
    require_only_fields,
    require_restli_method,
    restli_method,
)
from .errors import (
    SERVICE_ERROR_INTEGRATION_DISABLED,
    SERVICE_ERROR_INVALID_FIELD,
    SERVICE_ERROR_MISSING_PARENT,
    SERVICE_ERROR_NOT_FOUND,
    SERVICE_ERROR_VERSION,
    ApiError,
)
from .restli import (
    MAX_ENTITIES_PER_REQUEST,
    Key,
    QueryKeys,
    format_key,
    parse_body_key,
    parse_compound_keys,
    split_query,
    too_many_entities,
    untunnel,
)
from .schema import (
    ATS_INTEGRATIONS_PATH,
    HIRE_MEDIA_PATH,
    JOB_TASKS_PATH,
    JOBS_PATH,
    PROVISIONED_APPLICATIONS_PATH,
    RSC_RESOURCES,
    SYNC_RESOURCES,
    ResourceSpec,
    spec_for_path,
    validate_key_values,
)
from .state import SandboxState
from .store import StoredEntity
from .wire import Request, Response

_logger = logging.getLogger(__name__)

PROTOCOL_VERSION = "2.0.0"
_LINKEDIN_VERSION = re.compile(r"^(\d{4})(0[1-9]|1[0-2])(?:\.\d{2})?$")
_VERSION_SHAPE = re.compile(r"^\d{6}(?:\.\d{2})?$")


Handler = Callable[[ApiCall], Response]


def route(path: str) -> tuple[str, Handler]:
    """Return the resource name and handler for an API path, or raise 404."""
    spec = spec_for_path(path)
    if spec is not None:
        return spec.name, lambda call: handle_sync_resource(call, spec)
    if path == JOBS_PATH:
        return "simpleJobPostings", jobs.handle_job_postings
    if path == JOB_TASKS_PATH:
        return "simpleJobPostingTasks", jobs.handle_job_tasks
    if path == HIRE_MEDIA_PATH:
        return "hireMediaUrl", media.handle_hire_media_url
    if path == PROVISIONED_APPLICATIONS_PATH or path.startswith(
        PROVISIONED_APPLICATIONS_PATH + "/"
    ):
        return "provisionedApplications", provisioning.handle_provisioned_applications
    if path == ATS_INTEGRATIONS_PATH or path.startswith(ATS_INTEGRATIONS_PATH + "/"):
        # Imported here because integrations.py reuses this module's batch code.
        from . import integrations

        return "atsIntegrations", integrations.handle_ats_integrations
    name = path.rsplit("/", 1)[-1]
    if name in SYNC_RESOURCES:
        raise ApiError(
            404,
            f"no resource at {path}; {name} is served at {SYNC_RESOURCES[name].path}",
            service_error_code=SERVICE_ERROR_NOT_FOUND,
        )
    raise ApiError(
        404, f"no resource at {path}", service_error_code=SERVICE_ERROR_NOT_FOUND
    )


def handle_api(state: SandboxState, request: Request) -> Response:
    """Run an API request through the steps of the module docstring."""
    resource = "unrouted"
    method = request.method
    response: Response | None = None
    try:
        resource, handler = route(request.path)
        effective = untunnel(
            request.method,
            request.headers.get("X-HTTP-Method-Override"),
            request.raw_query,
            request.body,
            request.content_type,
        )
        method = effective.method
        token = authenticate(state.tokens, request.headers.get("Authorization"))
        check_protocol_headers(state, request)
        call = ApiCall(state, request, effective, token, resource)
        response = handler(call)
    except ApiError as error:
        response = Response(error.status, error.body, close=error.close)
        _logger.info(
            "rejected %s %s: %s %s", method, request.path, error.status, error.message
        )
    state.stats.record(resource, method, response.status, response.entities)
    response.headers.setdefault("X-RestLi-Protocol-Version", PROTOCOL_VERSION)
    return response


def check_protocol_headers(state: SandboxState, request: Request) -> None:
    """Check X-Restli-Protocol-Version and LinkedIn-Version, or raise."""
    protocol = request.headers.get("X-Restli-Protocol-Version")
    if protocol is not None and protocol.strip() != PROTOCOL_VERSION:
        raise bad_request(
            f"X-Restli-Protocol-Version {protocol!r} is not supported; "
            f"send {PROTOCOL_VERSION} or omit the header"
        )

    version = request.headers.get("LinkedIn-Version")
    if not request.path.startswith("/rest/"):
        if version is not None:
            raise bad_request(
                f"LinkedIn-Version is sent only to versioned /rest/ resources; "
                f"{request.path} is unversioned"
            )
        return
    if version is None or not version.strip():
        raise ApiError(
            400,
            "A version must be present. Please specify a version by adding the "
            "LinkedIn-Version header.",
            service_error_code=SERVICE_ERROR_VERSION,
            code="VERSION_MISSING",
        )
    version = version.strip()
    match = _LINKEDIN_VERSION.match(version)
    if not match:
        # NOTE: LinkedIn's code for a malformed version is not documented.
        reason = "is not a month" if _VERSION_SHAPE.match(version) else "is malformed"
        raise ApiError(
            400,
            f"LinkedIn-Version {version!r} {reason}; expected YYYYMM or YYYYMM.RR",
            service_error_code=SERVICE_ERROR_VERSION,
            code="INVALID_VERSION",
        )
    if not state.config.is_active_version(match.group(1) + match.group(2)):
        raise ApiError(
            426,
            f"Requested version {version} is not active",
            service_error_code=SERVICE_ERROR_VERSION,
            code="NONEXISTENT_VERSION",
        )


# Sync resources -------------------------------------------------------------


def handle_sync_resource(call: ApiCall, spec: ResourceSpec) -> Response:
    method = call.effective.method
    if method != "GET":
        check_integrations_enabled(call, rsc=spec.name in RSC_RESOURCES)
    if method == "PUT":
        require_restli_method(call, "BATCH_UPDATE", required=True)
        return batch_write(call, spec, _upsert_entity)
    if method == "POST":
        if restli_method(call) == "BATCH_CREATE":
            raise bad_request(
                f"BATCH_CREATE is not supported on {spec.name}; upsert with PUT "
                "and X-RestLi-Method BATCH_UPDATE"
            )
        require_restli_method(call, "BATCH_PARTIAL_UPDATE", required=True)
        return batch_write(call, spec, _patch_entity)
    if method == "DELETE":
        require_restli_method(call, "BATCH_DELETE", required=True)
        return _batch_delete(call, spec)
    if method == "GET":
        require_restli_method(call, "BATCH_GET", required=False)
        return _batch_get(call, spec)
    raise method_not_allowed(call, ("PUT", "POST", "DELETE", "GET"))


# integrations.STATUS_DISABLED; integrations.py imports this module, so the
# value is repeated here rather than imported.
INTEGRATION_DISABLED = "DISABLED"


def check_integrations_enabled(call: ApiCall, rsc: bool = False) -> None:
    """Raise 403 when an integration of the caller's application is disabled.

    LinkedIn accepts CRM data only while the customer keeps the integration
    switched on in Recruiter. ``rsc`` checks the Recruiter System Connect
    integrations (types without the ``CRM_`` prefix) in place of the CRM
    ones. A client that went through no onboarding (the tests' plain
    clients) has no integrations and is not checked.
    """
    store = call.state.store
    with store.lock:
        disabled = [
            integration.key
            for integration in store.integrations.get(call.token.client_id, {}).values()
            if integration.status == INTEGRATION_DISABLED
            and integration.key["integrationType"].startswith("CRM_") != rsc
        ]
    if disabled:
        key = disabled[0]
        raise ApiError(
            403,
            f"The {key['integrationType']} integration of "
            f"{key['integrationContext']} is disabled; a Recruiter admin must "
            "enable it before data is accepted",
            service_error_code=SERVICE_ERROR_INTEGRATION_DISABLED,
            code="INTEGRATION_DISABLED",
        )


def parse_query_keys(call: ApiCall, spec: ResourceSpec) -> QueryKeys:
    query = parse_compound_keys(
        split_query(call.effective.raw_query), spec.key_fields, spec.name
    )
    if query.other:
        raise bad_request(
            f"unexpected query parameter {query.other[0].name}; batch requests "
            "take only ids"
        )
    if not query.keys:
        raise bad_request(
            f"query string names no entity; send ids[0].{spec.key_fields[0]}=..."
        )
    return query


EntityWriter = Callable[[SandboxState, ResourceSpec, Key, Any], "EntityOutcome"]


@dataclass
class EntityOutcome:
    status: int
    error: dict[str, Any] | None = None


def batch_write(call: ApiCall, spec: ResourceSpec, write: EntityWriter) -> Response:
    """Match body keys with query keys, then write each entity on its own.

    A body key that matches no query key, a query key without a body entity
    and more than 100 entities fail the whole request with 400.
    """
    query = parse_query_keys(call, spec)
    body = read_json_object(call)
    require_only_fields(body, ("entities",))
    entities = body.get("entities")
    if not isinstance(entities, dict):
        raise bad_request("request body must have an 'entities' object")
    if len(entities) > MAX_ENTITIES_PER_REQUEST:
        raise too_many_entities(len(entities))

    query_keys = set(query.keys)
    body_keys: dict[str, Key] = {}
    for text in entities:
        key = parse_body_key(text, spec.key_fields, spec.name)
        if key in body_keys.values():
            raise bad_request(f"body key {text!r} names an entity already in the body")
        if key not in query_keys:
            raise bad_request(f"body key {text!r} matches no key in the query string")
        body_keys[text] = key
    named = set(body_keys.values())
    for label, key in zip(query.labels, query.keys, strict=True):
        if key not in named:
            raise bad_request(
                f"query key {label} ({format_key(key, spec.key_fields)}) has no "
                "entity in the body"
            )

    call.admit(len(query.keys))
    results: dict[str, Any] = {}
    errors: dict[str, Any] = {}
    store = call.state.store
    with store.lock:
        for text, key in body_keys.items():
            outcome = write(call.state, spec, key, entities[text])
            results[text] = {"status": outcome.status}
            if outcome.error is not None:
                errors[text] = outcome.error
    _log_entity_errors(spec.name, errors)
    return Response(200, {"results": results, "errors": errors}, entities=len(results))


def _log_entity_errors(resource: str, errors: dict[str, Any]) -> None:
    for text, error in errors.items():
        _logger.info(
            "rejected %s entity %s: %s %s",
            resource,
            text,
            error["status"],
            error["message"],
        )


def _ordered_key(spec: ResourceSpec, key: Key) -> dict[str, str]:
    values = dict(key)
    return {field: values[field] for field in spec.key_fields}


def _store_checked(
    state: SandboxState, spec: ResourceSpec, key: Key, entity: Any
) -> EntityOutcome:
    """Validate a full entity and its parents, then hold it under ``key``."""
    key_values = _ordered_key(spec, key)
    errors = validate_key_values(key_values)
    if isinstance(entity, dict):
        errors.extend(spec.validate(entity))
    else:
        errors.append("entity: expected a JSON object")
    if errors:
        return EntityOutcome(
            422, entity_error(422, SERVICE_ERROR_INVALID_FIELD, "; ".join(errors))
        )

    context = key_values["integrationContext"]
    values = {**entity, **key_values}
    missing = [
        message
        for reference in spec.parents
        if reference.enforced
        and (message := state.store.find_missing_parent(reference, context, values))
    ]
    if missing:
        return EntityOutcome(
            400, entity_error(400, SERVICE_ERROR_MISSING_PARENT, "; ".join(missing))
        )
    state.store.tables[spec.name].put(
        context, key, StoredEntity(key_values, copy.deepcopy(entity))
    )
    return EntityOutcome(204)


def _upsert_entity(
    state: SandboxState, spec: ResourceSpec, key: Key, entity: Any
) -> EntityOutcome:
    return _store_checked(state, spec, key, entity)


def _patch_entity(
    state: SandboxState, spec: ResourceSpec, key: Key, value: Any
) -> EntityOutcome:
    """Apply a Rest.li patch with top-level ``$set`` and ``$delete``.

    NOTE: nested patches (``{"patch": {"field": {"$set": ...}}}``) are not
    supported and fail the entity with 400.
    """
    problem = _patch_problem(value)
    if problem:
        return EntityOutcome(
            400, entity_error(400, SERVICE_ERROR_INVALID_FIELD, problem)
        )
    context = dict(key)["integrationContext"]
    existing = state.store.tables[spec.name].get(context, key)
    if existing is None:
        message = (
            f"{spec.name} entity {format_key(key, spec.key_fields)} not found; "
            "upsert it with BATCH_UPDATE first"
        )
        return EntityOutcome(404, entity_error(404, SERVICE_ERROR_NOT_FOUND, message))
    patch = value["patch"]
    merged = copy.deepcopy(existing.entity)
    merged.update(copy.deepcopy(patch.get("$set", {})))
    for name in patch.get("$delete", []):
        merged.pop(name, None)
    return _store_checked(state, spec, key, merged)


def _patch_problem(value: Any) -> str | None:
    if not isinstance(value, dict) or set(value) != {"patch"}:
        return 'entity: expected {"patch": {"$set": {...}}}'
    patch = value["patch"]
    if not isinstance(patch, dict) or not patch:
        return "patch: expected an object with $set or $delete"
    unknown = sorted(set(patch) - {"$set", "$delete"})
    if unknown:
        return f"patch: {unknown[0]} is not supported; use $set or $delete"
    if not isinstance(patch.get("$set", {}), dict):
        return "patch.$set: expected an object"
    deleted = patch.get("$delete", [])
    if not isinstance(deleted, list) or not all(isinstance(n, str) for n in deleted):
        return "patch.$delete: expected a list of field names"
    return None


def _batch_delete(call: ApiCall, spec: ResourceSpec) -> Response:
    """Delete held keys (204 each) and return 404 for each key not held."""
    query = parse_query_keys(call, spec)
    require_no_body(call)
    call.admit(len(query.keys))
    results: dict[str, Any] = {}
    errors: dict[str, Any] = {}
    store = call.state.store
    with store.lock:
        table = store.tables[spec.name]
        for key in query.keys:
            text = format_key(key, spec.key_fields)
            if table.delete(dict(key)["integrationContext"], key):
                results[text] = {"status": 204}
                continue
            results[text] = {"status": 404}
            errors[text] = entity_error(
                404, SERVICE_ERROR_NOT_FOUND, f"{spec.name} entity {text} not found"
            )
    return Response(200, {"results": results, "errors": errors}, entities=len(results))


def _batch_get(call: ApiCall, spec: ResourceSpec) -> Response:
    query = parse_query_keys(call, spec)
    require_no_body(call)
    call.admit(len(query.keys))
    results: dict[str, Any] = {}
    statuses: dict[str, int] = {}
    errors: dict[str, Any] = {}
    store = call.state.store
    with store.lock:
        table = store.tables[spec.name]
        for key in query.keys:
            text = format_key(key, spec.key_fields)
            stored = table.get(dict(key)["integrationContext"], key)
            if stored is None:
                statuses[text] = 404
                errors[text] = entity_error(
                    404, SERVICE_ERROR_NOT_FOUND, f"{spec.name} entity {text} not found"
                )
            else:
                statuses[text] = 200
                results[text] = copy.deepcopy(stored.entity)
    body = {"results": results, "statuses": statuses, "errors": errors}
    return Response(200, body, entities=len(statuses))
