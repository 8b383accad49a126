"""Customer onboarding, step one: ``/v2/provisionedApplications``.

A partner (parent) application provisions one child application per
customer with its own client-credentials token. Applications are kept per
partner client id, so two partners may use the same ``uniqueForeignId``.
Each new application's credentials are registered as an OAuth client at
once, so the child can request tokens right after the create.

- ``POST /v2/provisionedApplications``: create, 201 with ``x-restli-id``.
  A repeated ``uniqueForeignId`` of the same partner returns 409, an
  invalid field 422 naming the field.
- ``GET /v2/provisionedApplications?q=credentialsByUniqueForeignId&
  uniqueForeignId=<id>``: ``{"elements": [...]}``, empty when none exists.
- ``POST /v2/provisionedApplications/<key>`` with ``{"patch": {"$set":
  {...}}}``: change ``validJsSdkDomains`` or ``oauth2AuthorizedCallbackUrls``,
  204; an unknown key returns 404.
"""

from __future__ import annotations

import logging
import secrets
import uuid
from typing import Any
from urllib.parse import unquote

from .calls import (
    ApiCall,
    bad_request,
    method_not_allowed,
    read_json_object,
    require_no_body,
    restli_method,
)
from .errors import SERVICE_ERROR_INVALID_FIELD, SERVICE_ERROR_NOT_FOUND, ApiError
from .restli import split_query
from .schema import (
    PROVISIONED_APPLICATIONS_PATH,
    Validator,
    list_of,
    max_length,
    string,
    validate_fields,
)
from .store import ProvisionedApplication
from .wire import Response

_logger = logging.getLogger(__name__)

UNIQUE_FOREIGN_ID_MAX_LENGTH = 100
APPLICATION_NAME_MAX_LENGTH = 50
# serviceErrorCode of a repeated uniqueForeignId, as the contract picks it.
SERVICE_ERROR_CONFLICT = 409
FINDER_NAME = "credentialsByUniqueForeignId"


def _application_name(path: str, value: Any) -> list[str]:
    errors = max_length(APPLICATION_NAME_MAX_LENGTH)(path, value)
    if not errors and "linkedin" in value.lower():
        errors.append(f"{path}: must not contain 'LinkedIn' (any case)")
    return errors


def _domain(path: str, value: Any) -> list[str]:
    errors = string(path, value)
    if errors:
        return errors
    if not value.strip():
        return [f"{path}: must not be empty"]
    if value.endswith("/"):
        return [f"{path}: {value!r} must not end with '/'"]
    return []


def _callback_url(path: str, value: Any) -> list[str]:
    errors = string(path, value)
    if not errors and not value.strip():
        errors.append(f"{path}: must not be empty")
    return errors


_PATCHABLE_FIELDS: dict[str, Validator] = {
    "validJsSdkDomains": list_of(_domain),
    "oauth2AuthorizedCallbackUrls": list_of(_callback_url),
}
_CREATE_FIELDS: dict[str, Validator] = {
    "uniqueForeignId": max_length(UNIQUE_FOREIGN_ID_MAX_LENGTH),
    "name": _application_name,
    "description": string,
    **_PATCHABLE_FIELDS,
}
_CREATE_REQUIRED = ("uniqueForeignId", "name")


def handle_provisioned_applications(call: ApiCall) -> Response:
    """Serve ``/v2/provisionedApplications`` and ``.../<key>``."""
    path = call.request.path
    if path == PROVISIONED_APPLICATIONS_PATH:
        method = call.effective.method
        if method == "POST":
            return _create(call)
        if method == "GET":
            return _find(call)
        raise method_not_allowed(call, ("POST", "GET"))
    key = unquote(path[len(PROVISIONED_APPLICATIONS_PATH) + 1 :])
    if call.effective.method != "POST":
        raise method_not_allowed(call, ("POST",))
    return _partial_update(call, key)


def _invalid_field(errors: list[str]) -> ApiError:
    return ApiError(
        422, "; ".join(errors), service_error_code=SERVICE_ERROR_INVALID_FIELD
    )


def _create(call: ApiCall) -> Response:
    sent = restli_method(call)
    if sent not in (None, "CREATE"):
        raise bad_request(
            f"X-RestLi-Method {sent} is not supported on POST "
            "provisionedApplications; send CREATE or omit the header"
        )
    if call.effective.raw_query:
        raise bad_request("creating a provisioned application takes no query string")
    body = read_json_object(call)
    errors = validate_fields(body, _CREATE_FIELDS, _CREATE_REQUIRED)
    if errors:
        raise _invalid_field(errors)
    call.admit(1)

    partner = call.token.client_id
    store = call.state.store
    with store.lock:
        applications = store.provisioned.setdefault(partner, {})
        unique_foreign_id = body["uniqueForeignId"]
        if _find_by_foreign_id(applications, unique_foreign_id) is not None:
            raise ApiError(
                409,
                f"uniqueForeignId: an application with uniqueForeignId "
                f"{unique_foreign_id!r} already exists for this partner; find it "
                f"with q={FINDER_NAME}",
                service_error_code=SERVICE_ERROR_CONFLICT,
            )
        application = ProvisionedApplication(
            partner_client_id=partner,
            key=uuid.uuid4().hex,
            unique_foreign_id=unique_foreign_id,
            name=body["name"],
            description=body.get("description"),
            client_id=secrets.token_hex(7),
            client_secret=secrets.token_urlsafe(24),
            valid_js_sdk_domains=list(body.get("validJsSdkDomains", [])),
            oauth2_authorized_callback_urls=list(
                body.get("oauth2AuthorizedCallbackUrls", [])
            ),
        )
        applications[application.key] = application
    call.state.tokens.register_client(application.client_id, application.client_secret)
    _logger.info(
        "provisioned application %s (client %s) for partner %s",
        application.key,
        application.client_id,
        partner,
    )
    return Response(
        201,
        application.as_wire(),
        headers={"x-restli-id": application.key},
        entities=1,
    )


def _find_by_foreign_id(
    applications: dict[str, ProvisionedApplication], unique_foreign_id: str
) -> ProvisionedApplication | None:
    for application in applications.values():
        if application.unique_foreign_id == unique_foreign_id:
            return application
    return None


def _find(call: ApiCall) -> Response:
    sent = restli_method(call)
    if sent not in (None, "FINDER"):
        raise bad_request(
            f"X-RestLi-Method {sent} is not supported on GET "
            "provisionedApplications; send FINDER or omit the header"
        )
    require_no_body(call)
    parameters: dict[str, str] = {}
    for parameter in split_query(call.effective.raw_query):
        if parameter.name not in ("q", "uniqueForeignId"):
            raise bad_request(
                f"unexpected query parameter {parameter.name}; expected "
                f"q={FINDER_NAME}&uniqueForeignId=<id>"
            )
        if parameter.name in parameters:
            raise bad_request(f"query parameter {parameter.name} is repeated")
        parameters[parameter.name] = parameter.value
    if parameters.get("q") != FINDER_NAME:
        raise bad_request(
            f"query parameter q must be {FINDER_NAME}; got {parameters.get('q')!r}"
        )
    unique_foreign_id = parameters.get("uniqueForeignId")
    if not unique_foreign_id:
        raise bad_request("query parameter uniqueForeignId is missing")
    call.admit(1)

    store = call.state.store
    with store.lock:
        applications = store.provisioned.get(call.token.client_id, {})
        found = _find_by_foreign_id(applications, unique_foreign_id)
        elements = [found.as_wire()] if found is not None else []
    return Response(200, {"elements": elements}, entities=len(elements))


def _partial_update(call: ApiCall, key: str) -> Response:
    sent = restli_method(call)
    if sent not in (None, "PARTIAL_UPDATE"):
        raise bad_request(
            f"X-RestLi-Method {sent} is not supported on POST "
            "provisionedApplications/<key>; send PARTIAL_UPDATE or omit the header"
        )
    if call.effective.raw_query:
        raise bad_request("a partial update takes no query string")
    body = read_json_object(call)
    patch = body.get("patch")
    if set(body) != {"patch"} or not isinstance(patch, dict) or set(patch) != {"$set"}:
        raise bad_request('request body must be {"patch": {"$set": {...}}}')
    changes = patch["$set"]
    if not isinstance(changes, dict) or not changes:
        raise bad_request("patch.$set must be a non-empty object")
    errors = validate_fields(changes, _PATCHABLE_FIELDS, (), prefix="patch.$set.")
    if errors:
        raise _invalid_field(errors)
    call.admit(1)

    store = call.state.store
    with store.lock:
        application = store.provisioned.get(call.token.client_id, {}).get(key)
        if application is None:
            raise ApiError(
                404,
                f"provisioned application {key!r} not found for this partner",
                service_error_code=SERVICE_ERROR_NOT_FOUND,
            )
        if "validJsSdkDomains" in changes:
            application.valid_js_sdk_domains = list(changes["validJsSdkDomains"])
        if "oauth2AuthorizedCallbackUrls" in changes:
            application.oauth2_authorized_callback_urls = list(
                changes["oauth2AuthorizedCallbackUrls"]
            )
    return Response(204, entities=1)
