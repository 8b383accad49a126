"""Control endpoints under ``/sandbox/``: not LinkedIn's, for tests and the demo.

They need no token and accept requests from loopback clients only. They
get no added latency and count toward no rate limit.

- ``GET /sandbox/counts[?integrationContext=<urn>]``: entities held per
  resource, plus ``orphans`` per child resource.
- ``GET /sandbox/entities?resource=<name>[&integrationContext=<urn>]``:
  ``{"elements": [{"key": {...}, "entity": {...}}]}``.
- ``POST /sandbox/reset``: clear data, rate-limit counts and statistics.
- ``GET|POST /sandbox/config``: read or change settings (see config.py),
  fault settings included (see faults.py).
- ``GET|POST /sandbox/clients``: list client ids, or register
  ``{"client_id", "client_secret"}``.
- ``POST /sandbox/revoke``: ``{"client_id"}``, revoke all its tokens.
- ``GET /sandbox/stats``: request and entity counts per resource and HTTP
  method, response statuses per resource, injected faults by kind, and the
  counts above.
- ``POST /sandbox/onboarding/grant``: grant integrations to a child
  application, as the onboarding plugin does, and return the plugin's
  callback payload.
- ``POST /sandbox/onboarding/status``: set a granted integration
  ``ENABLED`` or ``DISABLED``.
- ``GET /sandbox/onboarding``: provisioned applications (without their
  secrets) and granted integrations with names, statuses and configurations.
- ``GET /sandbox/plugins/in.js`` and ``GET /sandbox/plugins/onboarding-widget.js``:
  stand-ins of LinkedIn's loader and onboarding plugin (see plugins.py).

``OPTIONS`` on ``onboarding/grant`` and the plugin scripts answers the CORS
preflight, and their responses, errors included, carry CORS headers.
"""

from __future__ import annotations

import ipaddress
import json
import logging
from typing import Any
from urllib.parse import parse_qs

from . import integrations, plugins
from .errors import SERVICE_ERROR_NOT_FOUND, ApiError
from .media import resume_as_dict
from .restli import bad_request, media_type
from .schema import COUNTED_RESOURCES, SYNC_RESOURCES
from .state import SandboxState
from .wire import Request, Response

_logger = logging.getLogger(__name__)

CONTROL_PREFIX = "/sandbox/"


def handle_control(state: SandboxState, request: Request) -> Response:
    """Serve a control endpoint, or return its error response."""
    name = request.path[len(CONTROL_PREFIX) :]
    response = _dispatch(state, request, name)
    if name in plugins.CORS_NAMES:
        plugins.add_cors_headers(request, response)
    return response


def _dispatch(state: SandboxState, request: Request, name: str) -> Response:
    try:
        _require_loopback(request.client_host)
        if request.method == "OPTIONS" and name in plugins.CORS_NAMES:
            return plugins.preflight(request)
        if name.startswith(plugins.PLUGINS_PREFIX):
            if request.method != "GET":
                raise ApiError(
                    405, f"{request.method} is not allowed on {request.path}"
                )
            return plugins.serve_plugin(name[len(plugins.PLUGINS_PREFIX) :])
        handler = _ROUTES.get((request.method, name))
        if handler is None:
            if any(route_name == name for _, route_name in _ROUTES):
                raise ApiError(
                    405, f"{request.method} is not allowed on {request.path}"
                )
            raise ApiError(
                404,
                f"no control endpoint at {request.path}",
                service_error_code=SERVICE_ERROR_NOT_FOUND,
            )
        return handler(state, request)
    except ApiError as error:
        _logger.info(
            "rejected %s %s: %s %s",
            request.method,
            request.path,
            error.status,
            error.message,
        )
        return Response(error.status, error.body, close=error.close)


def _require_loopback(client_host: str) -> None:
    try:
        is_loopback = ipaddress.ip_address(client_host).is_loopback
    except ValueError:
        is_loopback = False
    if not is_loopback:
        raise ApiError(
            403, "control endpoints accept requests from loopback clients only"
        )


def _query(request: Request, allowed: tuple[str, ...]) -> dict[str, str]:
    fields = parse_qs(request.raw_query, keep_blank_values=True)
    result = {}
    for name, values in fields.items():
        if name not in allowed:
            raise bad_request(f"unexpected query parameter {name}")
        if len(values) != 1:
            raise bad_request(f"query parameter {name} is repeated")
        result[name] = values[0]
    return result


def _json_body(request: Request, optional: bool = False) -> dict[str, Any]:
    if not request.body and optional:
        return {}
    if media_type(request.content_type) != "application/json":
        raise bad_request("Content-Type must be application/json")
    try:
        body = json.loads(request.body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise bad_request(f"request body is not valid JSON: {error}") from None
    if not isinstance(body, dict):
        raise bad_request("request body must be a JSON object")
    return body


def _counts(state: SandboxState, request: Request) -> Response:
    context = _query(request, ("integrationContext",)).get("integrationContext")
    return Response(200, state.store.counts(context))


def _entities(state: SandboxState, request: Request) -> Response:
    query = _query(request, ("resource", "integrationContext"))
    resource = query.get("resource")
    if resource not in COUNTED_RESOURCES:
        raise bad_request(
            f"resource must be one of {', '.join(COUNTED_RESOURCES)}; got {resource!r}"
        )
    context = query.get("integrationContext")
    store = state.store
    with store.lock:
        if resource in SYNC_RESOURCES:
            elements = [
                {"key": dict(stored.key), "entity": stored.entity}
                for stored in store.tables[resource].items(context)
            ]
        elif resource == "simpleJobPostings":
            elements = [
                {
                    "key": {
                        "externalJobPostingId": job_id,
                        "integrationContext": job_context,
                    },
                    "entity": job,
                }
                for job_context, jobs in store.jobs.items()
                if context in (None, job_context)
                for job_id, job in jobs.items()
            ]
        else:
            elements = [
                {
                    "key": {"resumeUrn": resume.resume_urn},
                    "entity": resume_as_dict(resume),
                }
                for resume in store.resumes.values()
                if context in (None, resume.integration_context)
            ]
        # Copy the elements under the lock, because request threads change them.
        body = json.loads(json.dumps({"elements": elements}))
    return Response(200, body)


def _reset(state: SandboxState, request: Request) -> Response:
    _json_body(request, optional=True)
    state.reset()
    _logger.info("reset sandbox data")
    return Response(200, {"reset": True})


def _get_config(state: SandboxState, request: Request) -> Response:
    return Response(200, state.config.as_dict())


def _set_config(state: SandboxState, request: Request) -> Response:
    changes = _json_body(request)
    try:
        state.configure(changes)
    except ValueError as error:
        raise bad_request(str(error)) from None
    _logger.info("changed sandbox settings %s", ", ".join(sorted(changes)))
    return Response(200, state.config.as_dict())


def _list_clients(state: SandboxState, request: Request) -> Response:
    return Response(200, {"client_ids": state.tokens.client_ids()})


def _register_client(state: SandboxState, request: Request) -> Response:
    body = _json_body(request)
    client_id, secret = body.get("client_id"), body.get("client_secret")
    if set(body) != {"client_id", "client_secret"} or not all(
        isinstance(value, str) and value for value in (client_id, secret)
    ):
        raise bad_request(
            'body must be {"client_id": str, "client_secret": str}, both non-empty'
        )
    is_new = state.tokens.register_client(client_id, secret)
    return Response(201 if is_new else 200, {"client_id": client_id})


def _revoke(state: SandboxState, request: Request) -> Response:
    body = _json_body(request)
    client_id = body.get("client_id")
    if set(body) != {"client_id"} or not isinstance(client_id, str):
        raise bad_request('body must be {"client_id": str}')
    if not state.tokens.has_client(client_id):
        raise ApiError(
            404,
            f"OAuth client {client_id} is not registered",
            service_error_code=SERVICE_ERROR_NOT_FOUND,
        )
    return Response(200, {"revoked": state.tokens.revoke_client(client_id)})


def _stats(state: SandboxState, request: Request) -> Response:
    body = state.stats.as_dict()
    body["held"] = state.store.counts(None)
    return Response(200, body)


def _onboarding(state: SandboxState, request: Request) -> Response:
    _query(request, ())
    store = state.store
    with store.lock:
        applications = [
            {
                "partnerClientId": application.partner_client_id,
                "key": application.key,
                "uniqueForeignId": application.unique_foreign_id,
                "name": application.name,
                "description": application.description,
                "clientId": application.client_id,
                "validJsSdkDomains": application.valid_js_sdk_domains,
                "oauth2AuthorizedCallbackUrls": (
                    application.oauth2_authorized_callback_urls
                ),
            }
            for by_key in store.provisioned.values()
            for application in by_key.values()
        ]
        integrations = [
            {
                "clientId": client_id,
                "key": integration.key,
                "integrationName": integration.integration_name,
                "status": integration.status,
                "configurations": integration.configurations,
            }
            for client_id, by_key in store.integrations.items()
            for integration in by_key.values()
        ]
        # Copy under the lock, because request threads change these objects.
        body = json.loads(
            json.dumps(
                {"provisionedApplications": applications, "integrations": integrations}
            )
        )
    return Response(200, body)


def _grant(state: SandboxState, request: Request) -> Response:
    body = _json_body(request)
    allowed = ("client_id", "organization_urn", "contract_urn", "integration_types")
    unknown = sorted(set(body) - set(allowed))
    if unknown:
        raise bad_request(
            f"unexpected field {unknown[0]}; expected {', '.join(allowed)}"
        )

    client_id = body.get("client_id")
    organization_urn = body.get("organization_urn")
    contract_urn = body.get("contract_urn")
    types = body.get("integration_types")
    if not isinstance(client_id, str) or not isinstance(organization_urn, str):
        raise bad_request("client_id and organization_urn must be strings")
    if contract_urn is not None and not isinstance(contract_urn, str):
        raise bad_request("contract_urn must be a string or null")
    if not isinstance(types, list) or not types:
        raise bad_request("integration_types must be a non-empty list of strings")
    if not all(isinstance(name, str) for name in types):
        raise bad_request("integration_types must be a non-empty list of strings")

    if not state.tokens.has_client(client_id):
        raise ApiError(
            404,
            f"OAuth client {client_id} is not registered; provision the "
            "application or register it with POST /sandbox/clients",
            service_error_code=SERVICE_ERROR_NOT_FOUND,
        )
    try:
        payload = integrations.grant(
            state, client_id, organization_urn, contract_urn or None, types
        )
    except ValueError as error:
        raise bad_request(str(error)) from None
    return Response(200, payload)


def _set_integration_status(state: SandboxState, request: Request) -> Response:
    body = _json_body(request)
    if set(body) != {"client_id", "key", "status"} or not all(
        isinstance(value, str) for value in body.values()
    ):
        raise bad_request('body must be {"client_id": str, "key": str, "status": str}')
    try:
        integrations.set_status(state, body["client_id"], body["key"], body["status"])
    except ValueError as error:
        raise bad_request(str(error)) from None
    except LookupError as error:
        raise ApiError(
            404, str(error), service_error_code=SERVICE_ERROR_NOT_FOUND
        ) from None
    return Response(200, {"key": body["key"], "status": body["status"]})


_ROUTES = {
    ("GET", "counts"): _counts,
    ("GET", "entities"): _entities,
    ("POST", "reset"): _reset,
    ("GET", "config"): _get_config,
    ("POST", "config"): _set_config,
    ("GET", "clients"): _list_clients,
    ("POST", "clients"): _register_client,
    ("POST", "revoke"): _revoke,
    ("GET", "stats"): _stats,
    ("GET", "onboarding"): _onboarding,
    ("POST", "onboarding/grant"): _grant,
    ("POST", "onboarding/status"): _set_integration_status,
}
