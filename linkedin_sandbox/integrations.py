"""Customer onboarding, step two: ``/v2/atsIntegrations`` and its configurations.

Integrations are kept per child client id (the client of the token) and
compound key ``integrationContext, integrationType, tenantType,
dataProvider``. A customer grants them in the onboarding plugin, which the
sandbox replaces with ``POST /sandbox/onboarding/grant``. A granted
integration is ``PENDING`` until the child names it with
BATCH_PARTIAL_UPDATE, then ``ENABLED``. ``POST /sandbox/onboarding/status``
can set it ``DISABLED`` or ``ENABLED`` again.

- ``POST /v2/atsIntegrations?<query keys>`` (BATCH_PARTIAL_UPDATE): set
  ``integrationName``; 404 per key not granted, 400 per invalid key.
- ``GET /v2/atsIntegrations?<query keys>`` (BATCH_GET): the integrations
  with their ``status``.
- ``PUT|GET /v2/atsIntegrations/<url-encoded body key>/configurations?
  ids=CALLBACK_URL&ids=JOB_POSTING_VIEWERS`` (BATCH_UPDATE, BATCH_GET):
  write or read configuration values.
"""

from __future__ import annotations

import copy
import logging
import uuid
from typing import Any
from urllib.parse import unquote, urlsplit

from .api import EntityOutcome, batch_write, parse_query_keys
from .calls import (
    ApiCall,
    bad_request,
    entity_error,
    method_not_allowed,
    read_json_object,
    require_no_body,
    require_only_fields,
    require_restli_method,
)
from .errors import SERVICE_ERROR_INVALID_FIELD, SERVICE_ERROR_NOT_FOUND, ApiError
from .restli import (
    MAX_ENTITIES_PER_REQUEST,
    Key,
    format_key,
    parse_body_key,
    parse_simple_ids,
    split_query,
    too_many_entities,
)
from .schema import (
    ATS_INTEGRATIONS_PATH,
    CONTRACT_URN,
    ORGANIZATION_URN,
    ResourceSpec,
)
from .state import SandboxState
from .store import Integration
from .wire import Response

_logger = logging.getLogger(__name__)

KEY_FIELDS = ("integrationContext", "integrationType", "tenantType", "dataProvider")
TENANT_TYPE = "RECRUITER"
DATA_PROVIDER = "ATS"

CRM_BUNDLE = "CANDIDATE_RELATIONSHIP_MANAGEMENT"
# Members of the CRM bundle, as the contract picks them.
CRM_BUNDLE_TYPES = (
    "CRM_ONE_CLICK_EXPORT",
    "CRM_CSA_API",
    "CRM_PROFILE_PLUGIN",
    "CRM_RECOMMENDED_MATCHES",
    "CRM_IN_CRM_INDICATOR",
)
RSC_TYPES = (
    "ONE_CLICK_EXPORT",
    "CSA_API",
    "PROFILE_PLUGIN",
    "RECOMMENDED_MATCHES",
    "IN_ATS_INDICATOR",
    "APPLY_CONNECT",
)
INTEGRATION_TYPES = (*CRM_BUNDLE_TYPES, *RSC_TYPES)
# Bundle names of LinkedIn's public onboarding plugin sample, with the types
# each grants. LinkedIn does not publish the members, so these are picks.
BUNDLES = {
    CRM_BUNDLE: CRM_BUNDLE_TYPES,
    "RECRUITER_SYSTEM_CONNECT_COMPANY": (
        "ONE_CLICK_EXPORT",
        "PROFILE_PLUGIN",
        "RECOMMENDED_MATCHES",
        "IN_ATS_INDICATOR",
    ),
    "RECRUITER_SYSTEM_CONNECT_CONTRACT": ("CSA_API",),
}
# Apply Connect bundles of the same sample: accepted and granted as nothing,
# because the sandbox models no Apply Connect integration for them.
IGNORED_BUNDLES = ("APPLY_WITH_LINKEDIN", "APPLY_STARTERS_EXP")
# Types whose integrationContext is the contract URN, not the organization's.
CONTRACT_CONTEXT_TYPES = ("CSA_API", "CRM_CSA_API")

STATUS_PENDING = "PENDING"
STATUS_ENABLED = "ENABLED"
STATUS_DISABLED = "DISABLED"
SETTABLE_STATUSES = (STATUS_ENABLED, STATUS_DISABLED)

CONFIGURATION_NAMES = ("CALLBACK_URL", "JOB_POSTING_VIEWERS")
CONFIGURATIONS_SUFFIX = "/configurations"

ATS_INTEGRATIONS = ResourceSpec(
    name="atsIntegrations",
    path=ATS_INTEGRATIONS_PATH,
    key_fields=KEY_FIELDS,
    fields={},
    required=(),
)


# Keys -----------------------------------------------------------------------


def key_problems(key: Key) -> list[str]:
    """Validate the values of an integration key and return its errors."""
    values = dict(key)
    errors = []
    integration_type = values["integrationType"]
    if integration_type not in INTEGRATION_TYPES:
        errors.append(
            f"integrationType: {integration_type!r} is not one of "
            f"{', '.join(INTEGRATION_TYPES)}"
        )
    context = values["integrationContext"]
    if integration_type in CONTRACT_CONTEXT_TYPES:
        if not CONTRACT_URN.match(context):
            errors.append(
                f"integrationContext: {context!r} is not a urn:li:contract:<id> "
                f"URN, which {integration_type} requires"
            )
    elif not ORGANIZATION_URN.match(context):
        errors.append(
            f"integrationContext: {context!r} is not a urn:li:organization:<id> URN"
        )
    if values["tenantType"] != TENANT_TYPE:
        errors.append(f"tenantType: {values['tenantType']!r} is not {TENANT_TYPE}")
    if values["dataProvider"] != DATA_PROVIDER:
        errors.append(
            f"dataProvider: {values['dataProvider']!r} is not {DATA_PROVIDER}"
        )
    return errors


def _invalid_key(key: Key) -> EntityOutcome | None:
    errors = key_problems(key)
    if not errors:
        return None
    return EntityOutcome(
        400, entity_error(400, SERVICE_ERROR_INVALID_FIELD, "; ".join(errors))
    )


def _not_granted(key: Key) -> dict[str, Any]:
    return entity_error(
        404,
        SERVICE_ERROR_NOT_FOUND,
        f"atsIntegrations entity {format_key(key, KEY_FIELDS)} not found; the "
        "customer has not granted it in the onboarding plugin",
    )


# /v2/atsIntegrations ----------------------------------------------------------


def handle_ats_integrations(call: ApiCall) -> Response:
    """Serve ``/v2/atsIntegrations`` and ``.../<key>/configurations``."""
    path = call.request.path
    if path != ATS_INTEGRATIONS_PATH:
        return _handle_configurations(call)
    method = call.effective.method
    if method == "POST":
        require_restli_method(call, "BATCH_PARTIAL_UPDATE", required=True)
        client_id = call.token.client_id
        return batch_write(
            call,
            ATS_INTEGRATIONS,
            lambda state, spec, key, value: _name_integration(
                state, client_id, key, value
            ),
        )
    if method == "GET":
        require_restli_method(call, "BATCH_GET", required=False)
        return _batch_get(call)
    raise method_not_allowed(call, ("POST", "GET"))


def _name_integration(
    state: SandboxState, client_id: str, key: Key, value: Any
) -> EntityOutcome:
    invalid = _invalid_key(key)
    if invalid is not None:
        return invalid

    patch = value.get("patch") if isinstance(value, dict) else None
    changes = patch.get("$set") if isinstance(patch, dict) else None
    if (
        not isinstance(value, dict)
        or set(value) != {"patch"}
        or not isinstance(patch, dict)
        or set(patch) != {"$set"}
        or not isinstance(changes, dict)
        or set(changes) != {"integrationName"}
    ):
        message = 'entity: expected {"patch": {"$set": {"integrationName": str}}}'
        return EntityOutcome(
            400, entity_error(400, SERVICE_ERROR_INVALID_FIELD, message)
        )
    name = changes["integrationName"]
    if not isinstance(name, str) or not name.strip():
        message = "patch.$set.integrationName: expected a non-empty string"
        return EntityOutcome(
            422, entity_error(422, SERVICE_ERROR_INVALID_FIELD, message)
        )

    integration = state.store.integrations.get(client_id, {}).get(key)
    if integration is None:
        return EntityOutcome(404, _not_granted(key))
    integration.integration_name = name
    if integration.status == STATUS_PENDING:
        integration.status = STATUS_ENABLED
    return EntityOutcome(204)


def _batch_get(call: ApiCall) -> Response:
    query = parse_query_keys(call, ATS_INTEGRATIONS)
    require_no_body(call)
    call.admit(len(query.keys))
    results: dict[str, Any] = {}
    statuses: dict[str, int] = {}
    errors: dict[str, Any] = {}
    store = call.state.store
    with store.lock:
        held = store.integrations.get(call.token.client_id, {})
        for key in query.keys:
            text = format_key(key, KEY_FIELDS)
            invalid = _invalid_key(key)
            integration = held.get(key)
            if invalid is not None:
                statuses[text] = invalid.status
                errors[text] = invalid.error
            elif integration is None:
                statuses[text] = 404
                errors[text] = _not_granted(key)
            else:
                statuses[text] = 200
                results[text] = _integration_as_wire(integration)
    body = {"results": results, "statuses": statuses, "errors": errors}
    return Response(200, body, entities=len(statuses))


def _integration_as_wire(integration: Integration) -> dict[str, Any]:
    result: dict[str, Any] = dict(integration.key)
    if integration.integration_name is not None:
        result["integrationName"] = integration.integration_name
    result["status"] = integration.status
    return result


# Configurations ---------------------------------------------------------------


def _handle_configurations(call: ApiCall) -> Response:
    path = call.request.path
    segment = path[len(ATS_INTEGRATIONS_PATH) + 1 :]
    if not segment.endswith(CONFIGURATIONS_SUFFIX) or "/" in segment.removesuffix(
        CONFIGURATIONS_SUFFIX
    ):
        raise ApiError(
            404,
            f"no resource at {path}; configurations are served at "
            f"{ATS_INTEGRATIONS_PATH}/<url-encoded key>{CONFIGURATIONS_SUFFIX}",
            service_error_code=SERVICE_ERROR_NOT_FOUND,
        )
    key_text = unquote(segment.removesuffix(CONFIGURATIONS_SUFFIX))
    key = parse_body_key(key_text, KEY_FIELDS, "atsIntegrations")
    errors = key_problems(key)
    if errors:
        raise bad_request(
            f"integration key {key_text!r} is invalid: {'; '.join(errors)}"
        )

    method = call.effective.method
    if method == "PUT":
        require_restli_method(call, "BATCH_UPDATE", required=True)
    elif method == "GET":
        require_restli_method(call, "BATCH_GET", required=False)
    else:
        raise method_not_allowed(call, ("PUT", "GET"))
    names = parse_simple_ids(split_query(call.effective.raw_query))
    for name in names:
        if name not in CONFIGURATION_NAMES:
            raise bad_request(
                f"configuration {name!r} is not one of {', '.join(CONFIGURATION_NAMES)}"
            )
    if len(set(names)) != len(names):
        raise bad_request("ids names a configuration twice")
    if method == "PUT":
        body = read_json_object(call)
    else:
        require_no_body(call)
        body = None
    call.admit(len(names))

    store = call.state.store
    with store.lock:
        integration = store.integrations.get(call.token.client_id, {}).get(key)
        if integration is None:
            error = _not_granted(key)
            raise ApiError(
                404, error["message"], service_error_code=SERVICE_ERROR_NOT_FOUND
            )
        if body is None:
            return _read_configurations(integration, names)
        return _write_configurations(integration, names, body)


def _read_configurations(integration: Integration, names: list[str]) -> Response:
    results: dict[str, Any] = {}
    statuses: dict[str, int] = {}
    errors: dict[str, Any] = {}
    for name in names:
        value = integration.configurations.get(name)
        if value is None:
            statuses[name] = 404
            errors[name] = entity_error(
                404, SERVICE_ERROR_NOT_FOUND, f"configuration {name} is not set"
            )
        else:
            statuses[name] = 200
            results[name] = {"configurationValue": copy.deepcopy(value)}
    body = {"results": results, "statuses": statuses, "errors": errors}
    return Response(200, body, entities=len(names))


def _write_configurations(
    integration: Integration, names: list[str], body: dict[str, Any]
) -> Response:
    require_only_fields(body, ("entities",))
    entities = body.get("entities")
    if not isinstance(entities, dict):
        raise bad_request("request body must have an 'entities' object")
    if len(entities) > MAX_ENTITIES_PER_REQUEST:
        raise too_many_entities(len(entities))
    if set(entities) != set(names):
        raise bad_request(
            f"body entities {sorted(entities)} do not match the ids of the query "
            f"string {sorted(names)}"
        )
    results: dict[str, Any] = {}
    errors: dict[str, Any] = {}
    for name in names:
        problem = _configuration_problem(name, entities[name])
        if problem is not None:
            results[name] = {"status": 422}
            errors[name] = entity_error(422, SERVICE_ERROR_INVALID_FIELD, problem)
            continue
        value = entities[name]["configurationValue"]
        integration.configurations[name] = copy.deepcopy(value)
        results[name] = {"status": 204}
    for name, error in errors.items():
        _logger.info("rejected configuration %s: %s", name, error["message"])
    return Response(200, {"results": results, "errors": errors}, entities=len(names))


def _configuration_problem(name: str, entity: Any) -> str | None:
    if not isinstance(entity, dict) or set(entity) != {"configurationValue"}:
        return f'{name}: expected {{"configurationValue": {{...}}}}'
    value = entity["configurationValue"]
    if not isinstance(value, dict) or len(value) != 1:
        return f"{name}.configurationValue: expected an object with one member"
    if name != "CALLBACK_URL":
        return None
    url = value.get("string")
    if not isinstance(url, str):
        return f'{name}.configurationValue: expected {{"string": "https://..."}}'
    return _callback_url_problem(url)


def _callback_url_problem(url: str) -> str | None:
    """Check the CALLBACK_URL rule: https on port 443, or loopback http for tests."""
    prefix = "CALLBACK_URL.configurationValue.string"
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return f"{prefix}: {url!r} is not a valid URL"
    if not parts.hostname:
        return f"{prefix}: {url!r} has no host"
    if parts.scheme == "https" and port in (None, 443):
        return None
    if parts.scheme == "http" and parts.hostname == "127.0.0.1" and port is not None:
        return None
    return (
        f"{prefix}: {url!r} must be https:// on port 443 "
        "(the sandbox also accepts http://127.0.0.1:<port>)"
    )


# Sandbox control --------------------------------------------------------------


def grant(
    state: SandboxState,
    client_id: str,
    organization_urn: str,
    contract_urn: str | None,
    integration_types: list[str],
) -> list[dict[str, str]]:
    """Grant integrations as a Recruiter admin does in the plugin.

    Returns the payload that the plugin passes to ``data-onintegrate``. A
    bundle name of ``BUNDLES`` grants each of its members, and one of
    ``IGNORED_BUNDLES`` grants nothing. A type granted before keeps its name,
    status and configurations. Raises ValueError for an invalid argument.
    """
    if not ORGANIZATION_URN.match(organization_urn):
        raise ValueError(
            f"organization_urn: {organization_urn!r} is not a "
            "urn:li:organization:<id> URN"
        )
    if contract_urn is not None and not CONTRACT_URN.match(contract_urn):
        raise ValueError(
            f"contract_urn: {contract_urn!r} is not a urn:li:contract:<id> URN"
        )
    expanded: list[str] = []
    ignored: list[str] = []
    for integration_type in integration_types:
        if integration_type in IGNORED_BUNDLES:
            ignored.append(integration_type)
            continue
        members = BUNDLES.get(integration_type, (integration_type,))
        for member in members:
            if member not in INTEGRATION_TYPES:
                raise ValueError(
                    f"integration_types: {member!r} is not one of "
                    f"{', '.join((*BUNDLES, *IGNORED_BUNDLES, *INTEGRATION_TYPES))}"
                )
            if member in CONTRACT_CONTEXT_TYPES and contract_urn is None:
                raise ValueError(
                    f"contract_urn is missing; {member} is granted on the contract"
                )
            if member not in expanded:
                expanded.append(member)

    payload = []
    store = state.store
    with store.lock:
        held = store.integrations.setdefault(client_id, {})
        for member in expanded:
            context = (
                contract_urn if member in CONTRACT_CONTEXT_TYPES else organization_urn
            )
            key_values = {
                "integrationContext": context,
                "integrationType": member,
                "tenantType": TENANT_TYPE,
                "dataProvider": DATA_PROVIDER,
            }
            key = frozenset(key_values.items())
            if key not in held:
                held[key] = Integration(key=key_values, status=STATUS_PENDING)
            payload.append(
                {
                    "integrationType": member,
                    "integrationContext": context,
                    "tenantType": TENANT_TYPE,
                    "requestId": str(uuid.uuid4()),
                }
            )
    _logger.info(
        "granted integrations %s to client %s", ", ".join(expanded) or "none", client_id
    )
    if ignored:
        _logger.info(
            "ignored bundles %s for client %s: not modelled by the sandbox",
            ", ".join(ignored),
            client_id,
        )
    return payload


def set_status(state: SandboxState, client_id: str, key_text: str, status: str) -> None:
    """Set a granted integration's status, or raise ValueError or LookupError."""
    if status not in SETTABLE_STATUSES:
        raise ValueError(
            f"status: {status!r} is not one of {', '.join(SETTABLE_STATUSES)}"
        )
    try:
        key = parse_body_key(key_text, KEY_FIELDS, "atsIntegrations")
    except ApiError as error:
        raise ValueError(f"key: {error.message}") from None
    store = state.store
    with store.lock:
        integration = store.integrations.get(client_id, {}).get(key)
        if integration is None:
            raise LookupError(
                f"integration {key_text} is not granted to client {client_id}"
            )
        integration.status = status
    _logger.info("set integration %s of client %s %s", key_text, client_id, status)
