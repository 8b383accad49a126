"""Customer onboarding: provisioning, the plugin's callback and integrations.

A LinkedIn partner provisions one child developer application per customer
through ``provisionedApplications``, with the partner application's token.
The customer's Recruiter admin then approves integrations in LinkedIn's
onboarding plugin, which calls a JavaScript function of the page with the
grants. Last, the partner names each integration, sets its configurations
and reads them back (``atsIntegrations``, with the child application's
token).

LinkedIn does not document the callback's argument: its sample only logs
it. This module expects, and the sandbox sends, an array of objects
``{"integrationType", "integrationContext", "tenantType", "requestId"}``.
``parse_callback`` is the only reader, and it also accepts the variants
listed in its docstring.
"""

import json
import re
from dataclasses import dataclass, field
from urllib.parse import quote, urlsplit

from .errors import LinkedInError
from .resources import resolve
from .restli import body_key, encode_query_keys, parse_batch_response

CRM_BUNDLE = "CANDIDATE_RELATIONSHIP_MANAGEMENT"
#: Recruiter System Connect bundles, as LinkedIn's public plugin sample lists them.
RSC_BUNDLES = ("RECRUITER_SYSTEM_CONNECT_COMPANY", "RECRUITER_SYSTEM_CONNECT_CONTRACT")

CRM_TYPES = (
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
INTEGRATION_TYPES = (*CRM_TYPES, *RSC_TYPES)
#: Types whose integrationContext is the contract URN, not the organization's.
CONTRACT_CONTEXT_TYPES = frozenset({"CSA_API", "CRM_CSA_API"})
#: Types that receive One-Click Export events at a CALLBACK_URL configuration.
ONE_CLICK_EXPORT_TYPES = frozenset({"CRM_ONE_CLICK_EXPORT", "ONE_CLICK_EXPORT"})

TENANT_TYPE = "RECRUITER"
DATA_PROVIDER = "ATS"

STATUS_ENABLED = "ENABLED"
STATUS_DISABLED = "DISABLED"
STATUS_PENDING = "PENDING"

APPLICATION_NAME_MAX_LENGTH = 50
UNIQUE_FOREIGN_ID_MAX_LENGTH = 100
PROVISIONING_FINDER = "credentialsByUniqueForeignId"

ORGANIZATION_PREFIX = "urn:li:organization:"
CONTRACT_PREFIX = "urn:li:contract:"
_URN_PATTERN = re.compile(r"^urn:li:(organization|contract):\d+$")
_LINKEDIN_WORD = re.compile(r"linked\s*in", re.IGNORECASE)

#: The error message LinkedIn's certification expects when a second contract
#: belongs to another organization.
ONE_ORGANIZATION_MESSAGE = "Only one organization ID can be active at a time"


class OrganizationConflict(ValueError):
    """A grant names an organization other than the one already connected."""


class ApplicationExists(LinkedInError):
    """LinkedIn returned 409: an application with this uniqueForeignId exists."""


@dataclass(frozen=True)
class Grant:
    """One integration the customer approved in the onboarding plugin."""

    integration_type: str
    integration_context: str
    tenant_type: str = TENANT_TYPE
    request_id: str | None = None

    @property
    def key(self):
        """Return the ``atsIntegrations`` key of this integration."""
        return integration_key(self.integration_context, self.integration_type)

    @property
    def is_contract_scoped(self):
        return self.integration_context.startswith(CONTRACT_PREFIX)


@dataclass
class ParsedCallback:
    """Result of ``parse_callback``: the grants and the problems found."""

    grants: list = field(default_factory=list)
    problems: list = field(default_factory=list)

    @property
    def organizations(self):
        """Return the organization URNs named by the grants, in order."""
        seen = []
        for grant in self.grants:
            context = grant.integration_context
            if context.startswith(ORGANIZATION_PREFIX) and context not in seen:
                seen.append(context)
        return seen

    @property
    def contracts(self):
        """Return the contract URNs named by the grants, in order."""
        seen = []
        for grant in self.grants:
            context = grant.integration_context
            if context.startswith(CONTRACT_PREFIX) and context not in seen:
                seen.append(context)
        return seen


def _first(item, *names):
    for name in names:
        value = item.get(name)
        if value not in (None, ""):
            return value
    return None


def _items(payload):
    """Return the list of integration objects inside ``payload``."""
    if isinstance(payload, str):
        try:
            payload = json.loads(payload)
        except ValueError:
            return None
    if isinstance(payload, dict):
        for name in ("integrations", "elements", "values", "data"):
            if isinstance(payload.get(name), list):
                return payload[name]
        if "integrationType" in payload or "type" in payload:
            return [payload]
        return None
    if isinstance(payload, list):
        return payload
    return None


def parse_callback(payload):
    """Return the grants in the onboarding plugin's callback argument.

    Expected: a list of objects with ``integrationType``,
    ``integrationContext``, ``tenantType`` and ``requestId``. Because
    LinkedIn documents no shape, these variants are accepted too:

    - the list as a JSON string;
    - the list under an ``integrations``, ``elements``, ``values`` or
      ``data`` member of an object;
    - one object alone;
    - ``type`` and ``context`` as member names;
    - a context given as ``{"organization": urn}`` or ``{"contract": urn}``.

    Items that cannot be read are reported in ``problems`` and skipped, and
    the caller decides whether the rest is enough.
    """
    parsed = ParsedCallback()
    items = _items(payload)
    if items is None:
        parsed.problems.append(
            "the plugin's answer is not a list of integrations: %s"
            % json.dumps(payload, default=str)[:200]
        )
        return parsed
    seen = set()
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            parsed.problems.append(f"item {index} is not an object: {item!r}")
            continue
        integration_type = _first(item, "integrationType", "type")
        context = _first(item, "integrationContext", "context")
        if isinstance(context, dict):
            context = _first(context, "organization", "contract", "urn")
        if not isinstance(integration_type, str) or not integration_type.strip():
            parsed.problems.append(f"item {index} has no integrationType")
            continue
        integration_type = integration_type.strip().upper()
        if not isinstance(context, str) or not _URN_PATTERN.match(context.strip()):
            parsed.problems.append(
                f"item {index} ({integration_type}) has no organization or "
                f"contract URN as integrationContext: {context!r}"
            )
            continue
        context = context.strip()
        expected_prefix = (
            CONTRACT_PREFIX
            if integration_type in CONTRACT_CONTEXT_TYPES
            else ORGANIZATION_PREFIX
        )
        if not context.startswith(expected_prefix):
            parsed.problems.append(
                f"item {index}: {integration_type} needs a {expected_prefix}<id> "
                f"context, got {context}"
            )
            continue
        if (integration_type, context) in seen:
            continue
        seen.add((integration_type, context))
        request_id = _first(item, "requestId", "request_id")
        tenant_type = _first(item, "tenantType") or TENANT_TYPE
        parsed.grants.append(
            Grant(
                integration_type=integration_type,
                integration_context=context,
                tenant_type=str(tenant_type),
                request_id=str(request_id) if request_id is not None else None,
            )
        )
    return parsed


def check_single_organization(connected_organization, parsed):
    """Raise OrganizationConflict unless the grants keep one organization.

    ``connected_organization`` is the backend's organization URN or None.
    A grant of contract-scoped types only (a second contract) carries no
    organization and is accepted.
    """
    organizations = parsed.organizations
    if len(organizations) > 1:
        raise OrganizationConflict(
            "%s: the plugin granted integrations for %s."
            % (ONE_ORGANIZATION_MESSAGE, ", ".join(organizations))
        )
    if (
        connected_organization
        and organizations
        and organizations[0] != connected_organization
    ):
        raise OrganizationConflict(
            "%s: this company is connected to %s, and the contract approved "
            "belongs to %s. Nothing was changed."
            % (ONE_ORGANIZATION_MESSAGE, connected_organization, organizations[0])
        )


def integration_key(integration_context, integration_type):
    """Return the four-field key of an ``atsIntegrations`` entity."""
    return {
        "integrationContext": integration_context,
        "integrationType": integration_type,
        "tenantType": TENANT_TYPE,
        "dataProvider": DATA_PROVIDER,
    }


# -- provisioning ---------------------------------------------------------


def unique_foreign_id(database_uuid, company_id):
    """Return the stable, unique id of a company's child application.

    Built from the database's ``database.uuid`` and the company id, so two
    databases, or two companies of one database, never share it, and a
    company keeps it for the life of the database.
    """
    if not database_uuid:
        raise ValueError("the database has no database.uuid parameter")
    value = f"odoo-{database_uuid}-company-{int(company_id)}"
    return value[:UNIQUE_FOREIGN_ID_MAX_LENGTH]


def application_name(product, company_name):
    """Return ``"<product> - <company>"``: at most 50 characters, no "LinkedIn".

    LinkedIn shows the name on the consent screen and rejects one that is
    longer or contains "LinkedIn" in any case.
    """
    name = "%s - %s" % (product.strip(), " ".join(company_name.split()))
    name = _LINKEDIN_WORD.sub("", name)
    name = " ".join(name.split()).strip(" -")
    if len(name) > APPLICATION_NAME_MAX_LENGTH:
        name = name[: APPLICATION_NAME_MAX_LENGTH - 1].rstrip() + "…"
    return name


def js_sdk_domain(base_url):
    """Return the origin of ``base_url`` (``scheme://host[:port]``), no ``/``."""
    parts = urlsplit((base_url or "").strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(
            f"the Odoo base URL {base_url!r} is not an http:// or https:// URL"
        )
    return f"{parts.scheme}://{parts.netloc}"


def application_body(foreign_id, name, description, domains, callback_urls):
    """Return the body of a ``provisionedApplications`` create."""
    return {
        "uniqueForeignId": foreign_id,
        "name": name,
        "description": description,
        "validJsSdkDomains": list(domains),
        "oauth2AuthorizedCallbackUrls": list(callback_urls),
    }


def find_application(client, foreign_id):
    """Return the application provisioned under ``foreign_id``, or None."""
    query = "q=%s&uniqueForeignId=%s" % (
        PROVISIONING_FINDER,
        quote(foreign_id, safe=""),
    )
    response = client.request("provisionedApplications", "GET", query=query)
    elements = (response.json() or {}).get("elements") or []
    return elements[0] if elements else None


def create_application(client, body):
    """Create a child application and return LinkedIn's response body.

    Raises ApplicationExists on 409, when another request provisioned the
    same ``uniqueForeignId`` first.
    """
    try:
        response = client.request(
            "provisionedApplications", "POST", json_body=body, restli_method="CREATE"
        )
    except LinkedInError as exc:
        if exc.status == 409:
            raise ApplicationExists(
                exc.message, status=409, resource="provisionedApplications"
            ) from exc
        raise
    answer = response.json() if response.content else {}
    if not answer.get("key") and response.headers.get("x-restli-id"):
        answer["key"] = response.headers["x-restli-id"]
    return answer


def update_application(client, key, values):
    """Set fields of a provisioned application (partial update)."""
    client.request(
        "provisionedApplications",
        "POST",
        path_suffix="/" + quote(str(key), safe=""),
        json_body={"patch": {"$set": values}},
        restli_method="PARTIAL_UPDATE",
    )


def credentials(application):
    """Return ``(client_id, client_secret)`` of a provisioned application.

    LinkedIn has not confirmed the member names; ``credentials.clientId``
    is the contract's pick, and top-level ``clientId`` is accepted too.
    """
    creds = application.get("credentials") or {}
    client_id = creds.get("clientId") or application.get("clientId")
    client_secret = creds.get("clientSecret") or application.get("clientSecret")
    return client_id, client_secret


# -- integrations ---------------------------------------------------------


def name_integrations(client, names):
    """Set ``integrationName`` of each integration; return each outcome.

    ``names`` pairs a key (``integration_key``) with the name.
    """
    return client.batch_partial_update(
        "atsIntegrations",
        [(key, {"integrationName": name}) for key, name in names],
    )


def get_integrations(client, keys):
    """Read integrations with BATCH_GET.

    Returns ``{body key: (entity or None, EntityResult)}``; a key LinkedIn
    does not know has no entity and a failed result.
    """
    resource = resolve("atsIntegrations", client.overrides)
    response = client.request(
        "atsIntegrations",
        "GET",
        query=encode_query_keys(resource, keys),
        restli_method="BATCH_GET",
        entity_count=len(keys),
    )
    payload = response.json() if response.content else {}
    payload = payload if isinstance(payload, dict) else {}
    results = payload.get("results") if isinstance(payload.get("results"), dict) else {}
    statuses = payload.get("statuses") or {}
    # parse_batch_response reads a status per entity; BATCH_GET puts entities
    # in "results" and their statuses in "statuses".
    synthetic = {
        "results": {text: {"status": statuses.get(text, 200)} for text in results},
        "errors": payload.get("errors") or {},
    }
    outcomes = parse_batch_response(resource, keys, synthetic)
    by_fields = {
        frozenset(_entity_key_fields(entity).items()): entity
        for entity in results.values()
        if isinstance(entity, dict)
    }
    answer = {}
    for key in keys:
        text = body_key(resource, key)
        entity = by_fields.get(frozenset(key.items()))
        answer[text] = (entity, outcomes[text])
    return answer


def _entity_key_fields(entity):
    return {name: entity.get(name) for name in integration_key("", "")}


def configurations_path(client, key):
    """Return the path suffix of an integration's configurations."""
    resource = resolve("atsIntegrations", client.overrides)
    return "/%s/configurations" % quote(body_key(resource, key), safe="")


def set_configurations(client, key, values):
    """Write configurations of one integration; return each outcome by name.

    ``values`` maps a configuration name (``CALLBACK_URL``) to its
    ``configurationValue`` object (``{"string": "https://..."}``).
    """
    names = list(values)
    response = client.request(
        "atsIntegrations",
        "PUT",
        query="&".join("ids=%s" % quote(name, safe="") for name in names),
        path_suffix=configurations_path(client, key),
        json_body={
            "entities": {
                name: {"configurationValue": value} for name, value in values.items()
            }
        },
        restli_method="BATCH_UPDATE",
        entity_count=len(names),
    )
    return _configuration_outcomes(response, names)


def read_configurations(client, key, names):
    """Return ``{name: configurationValue or None}`` of one integration."""
    response = client.request(
        "atsIntegrations",
        "GET",
        query="&".join("ids=%s" % quote(name, safe="") for name in names),
        path_suffix=configurations_path(client, key),
        restli_method="BATCH_GET",
        entity_count=len(names),
    )
    payload = response.json() if response.content else {}
    results = (payload or {}).get("results") or {}
    return {name: (results.get(name) or {}).get("configurationValue") for name in names}


def _configuration_outcomes(response, names):
    payload = response.json() if response.content else {}
    payload = payload if isinstance(payload, dict) else {}
    results = payload.get("results") or {}
    errors = payload.get("errors") or {}
    outcomes = {}
    for name in names:
        error = errors.get(name)
        if error:
            message = error.get("message") if isinstance(error, dict) else str(error)
            outcomes[name] = (False, message or "failed")
            continue
        status = (results.get(name) or {}).get("status", response.status_code)
        outcomes[name] = (200 <= int(status) < 300, None)
    return outcomes
