"""Encode Rest.li compound keys and parse LinkedIn's batch responses.

A batch request names each entity twice: in the query string, in the indexed
form of LinkedIn's samples (``ids[0].tcrmPipelineId=12&ids[0]...``, each value
percent-encoded), and as a key of the body's ``entities`` map
(``tcrmPipelineId=12&integrationContext=urn:li:organization:123&...``, values
not encoded). Both forms write the key fields in the order of the resource
table.
"""

import json
import logging
from dataclasses import dataclass
from typing import NamedTuple
from urllib.parse import quote, unquote

_logger = logging.getLogger(__name__)

NO_STATUS_MESSAGE = "no status returned"

# Characters that would make an unencoded body key ambiguous to parse.
_BODY_KEY_RESERVED = ("&", "=")


@dataclass(frozen=True)
class EntityResult:
    """Outcome of one entity in a batch update, partial update or delete."""

    ok: bool
    status: int | None
    message: str | None
    service_error_code: int | None


@dataclass(frozen=True)
class CreateResult:
    """Outcome of one element in a BATCH_CREATE, in request order.

    ``id`` is the created entity's id (for job postings, the task id).
    """

    ok: bool
    status: int | None
    id: str | None
    message: str | None
    service_error_code: int | None


class ErrorBody(NamedTuple):
    """Fields of LinkedIn's error body; any of them may be ``None``."""

    status: int | None
    service_error_code: int | None
    code: str | None
    message: str | None


def _key_values(resource, key):
    """Return the key's values as strings in the resource's key field order."""
    if not resource.key_fields:
        raise ValueError(f"Resource {resource.name} has no compound key fields.")
    missing = [name for name in resource.key_fields if key.get(name) in (None, "")]
    if missing:
        raise ValueError(
            f"Key {key!r} for resource {resource.name} is missing {', '.join(missing)}."
        )
    extra = sorted(set(key) - set(resource.key_fields))
    if extra:
        raise ValueError(
            f"Key {key!r} for resource {resource.name} has fields that are not "
            f"key fields: {', '.join(extra)}. Key fields: "
            f"{', '.join(resource.key_fields)}."
        )
    return [(name, str(key[name])) for name in resource.key_fields]


def encode_query_keys(resource, keys):
    """Return the indexed query string naming ``keys``.

    For example ``ids[0].tcrmPipelineId=12&ids[0].integrationContext=
    urn%3Ali%3Aorganization%3A123&ids[0].dataProvider=PARTNER``. Each value is
    percent-encoded with no safe characters. Raises ValueError when a key
    misses a key field or has an extra one.
    """
    parts = []
    for index, key in enumerate(keys):
        for name, value in _key_values(resource, key):
            parts.append(f"ids[{index}].{name}={quote(value, safe='')}")
    return "&".join(parts)


def body_key(resource, key):
    """Return the unencoded body key of ``key``, fields in table order.

    Raises ValueError when a value contains ``&`` or ``=``, because the body
    key would then be ambiguous.
    """
    values = _key_values(resource, key)
    for name, value in values:
        if any(char in value for char in _BODY_KEY_RESERVED):
            raise ValueError(
                f"Key field {name} of resource {resource.name} has value "
                f"{value!r}, which contains '&' or '='; such a value cannot "
                "be written in a body key."
            )
    return "&".join(f"{name}={value}" for name, value in values)


def _parse_restli_tuple(text):
    """Parse a Rest.li 2.0 key such as ``(a:1,b:urn%3Ali%3Ax%3A2)``."""
    inner = text[1:-1]
    fields = {}
    for pair in inner.split(","):
        name, separator, value = pair.partition(":")
        if not separator:
            raise ValueError(f"Invalid Rest.li key {text!r}: {pair!r} has no ':'.")
        fields[unquote(name)] = unquote(value)
    return fields


def parse_body_key(text):
    """Parse a body key into a dict of key fields.

    Accepts the unencoded form sent by the add-on, the same form with
    percent-encoded values, and the Rest.li 2.0 form ``(field:value,...)``,
    because LinkedIn has not confirmed how it writes keys in responses.
    """
    if text.startswith("(") and text.endswith(")"):
        return _parse_restli_tuple(text)
    fields = {}
    for pair in text.split("&"):
        name, separator, value = pair.partition("=")
        if not separator:
            raise ValueError(f"Invalid body key {text!r}: {pair!r} has no '='.")
        fields[unquote(name)] = unquote(value)
    return fields


def encode_value(value):
    """Encode one value with Rest.li protocol 2.0 URL encoding.

    Strings are percent-encoded with no safe characters, booleans are
    ``true``/``false``, lists become ``List(...)`` and dicts ``(k:v,...)``.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return quote(value, safe="") if value else "''"
    if isinstance(value, (list, tuple)):
        return encode_list(value)
    if isinstance(value, dict):
        pairs = ",".join(
            f"{encode_value(str(name))}:{encode_value(item)}"
            for name, item in value.items()
        )
        return f"({pairs})"
    return str(value)


def encode_list(values):
    """Return ``List(a,b)`` with each item encoded by ``encode_value``."""
    return "List(" + ",".join(encode_value(value) for value in values) + ")"


def _unique_body_keys(resource, keys):
    body_keys = [body_key(resource, key) for key in keys]
    seen = set()
    for text in body_keys:
        if text in seen:
            raise ValueError(
                f"Key {text} appears twice in one batch for resource "
                f"{resource.name}; send each entity once."
            )
        seen.add(text)
    return body_keys


def batch_update_body(resource, items):
    """Return the BATCH_UPDATE body ``{"entities": {body_key: entity}}``."""
    keys = [key for key, _ in items]
    body_keys = _unique_body_keys(resource, keys)
    return {
        "entities": {
            text: entity for text, (_, entity) in zip(body_keys, items, strict=True)
        }
    }


def batch_partial_update_body(resource, items):
    """Return a BATCH_PARTIAL_UPDATE body setting each item's fields.

    ``items`` pairs each key with the fields to set, which go under
    ``{"patch": {"$set": ...}}``.
    """
    keys = [key for key, _ in items]
    body_keys = _unique_body_keys(resource, keys)
    return {
        "entities": {
            text: {"patch": {"$set": fields}}
            for text, (_, fields) in zip(body_keys, items, strict=True)
        }
    }


def _as_int(value):
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _match_sent_keys(resource, sent_keys, response_map, map_name):
    """Return ``response_map`` re-keyed by the body keys that were sent.

    Keys are matched as sets of field/value pairs, so the field order and
    encoding LinkedIn uses in its response do not matter. Response keys that
    match no sent key are logged and dropped.
    """
    by_fields = {}
    for key in sent_keys:
        fields = frozenset((name, value) for name, value in _key_values(resource, key))
        by_fields[fields] = body_key(resource, key)

    matched = {}
    for text, value in response_map.items():
        try:
            fields = frozenset(parse_body_key(text).items())
        except ValueError:
            fields = None
        sent = by_fields.get(fields)
        if sent is None:
            _logger.warning(
                "linkedin %s: batch response %s names key %r that was not sent",
                resource.name,
                map_name,
                text,
            )
            continue
        matched[sent] = value
    return matched


def _entity_from_error(error, fallback_status):
    if not isinstance(error, dict):
        return fallback_status, str(error), None
    status = _as_int(error.get("status"))
    return (
        status if status is not None else fallback_status,
        error.get("message"),
        _as_int(error.get("serviceErrorCode")),
    )


def parse_batch_response(resource, sent_keys, payload, missing_ok=False):
    """Return an EntityResult for every sent key, keyed by its body key.

    An entity succeeded when its ``results`` status is 2xx and it has no
    ``errors`` entry. An entity missing from both maps failed with the message
    "no status returned". With ``missing_ok`` (deletes), a 404 or 410 counts
    as success, because the entity is already gone.
    """
    if not isinstance(payload, dict):
        payload = {}
    results_map = payload.get("results")
    errors_map = payload.get("errors")
    results = _match_sent_keys(
        resource,
        sent_keys,
        results_map if isinstance(results_map, dict) else {},
        "results",
    )
    errors = _match_sent_keys(
        resource,
        sent_keys,
        errors_map if isinstance(errors_map, dict) else {},
        "errors",
    )

    outcomes = {}
    for key in sent_keys:
        text = body_key(resource, key)
        result = results.get(text)
        error = errors.get(text)

        if result is None and error is None:
            outcomes[text] = EntityResult(False, None, NO_STATUS_MESSAGE, None)
            continue

        status = None
        message = None
        service_error_code = None
        if isinstance(result, dict):
            status = _as_int(result.get("status"))
            # Tolerate error fields inside the results entry itself.
            message = result.get("message")
            service_error_code = _as_int(result.get("serviceErrorCode"))
        if error is not None:
            status, message, service_error_code = _entity_from_error(error, status)

        if missing_ok and status in (404, 410):
            ok = True
        else:
            ok = status is not None and 200 <= status < 300 and error is None
        if not ok and message is None:
            message = NO_STATUS_MESSAGE if status is None else f"status {status}"
        outcomes[text] = EntityResult(ok, status, message, service_error_code)
    return outcomes


def parse_batch_create_response(payload, count):
    """Return a CreateResult for each of the ``count`` elements sent.

    LinkedIn responds with ``{"elements": [{"status": 201, "id": ...} |
    {"status": 400, "error": {...}}]}`` in request order. Elements missing
    from the response failed with the message "no status returned".
    """
    elements = payload.get("elements") if isinstance(payload, dict) else None
    if not isinstance(elements, list):
        elements = []
    if len(elements) > count:
        _logger.warning(
            "linkedin batch create: response has %s elements for %s sent",
            len(elements),
            count,
        )

    outcomes = []
    for index in range(count):
        element = elements[index] if index < len(elements) else None
        if not isinstance(element, dict):
            outcomes.append(CreateResult(False, None, None, NO_STATUS_MESSAGE, None))
            continue

        status = _as_int(element.get("status"))
        error = element.get("error")
        message = None
        service_error_code = None
        if error is not None:
            status, message, service_error_code = _entity_from_error(error, status)
        created_id = element.get("id")
        ok = status is not None and 200 <= status < 300 and error is None
        if not ok and message is None:
            message = NO_STATUS_MESSAGE if status is None else f"status {status}"
        outcomes.append(
            CreateResult(
                ok,
                status,
                str(created_id) if created_id is not None else None,
                message,
                service_error_code,
            )
        )
    return outcomes


def parse_error_body(response):
    """Return LinkedIn's error fields from ``response``.

    Tolerates bodies that are not JSON (a proxy's HTML page, an empty body):
    the message is then the start of the text, and the status the HTTP one.
    OAuth errors (``error``, ``error_description``) fill ``code`` and
    ``message``.
    """
    try:
        payload = response.json()
    except ValueError:
        payload = None

    if isinstance(payload, dict):
        status = _as_int(payload.get("status"))
        message = payload.get("message") or payload.get("error_description")
        code = payload.get("code")
        if code is None and isinstance(payload.get("error"), str):
            code = payload["error"]
        return ErrorBody(
            status if status is not None else response.status_code,
            _as_int(payload.get("serviceErrorCode")),
            str(code) if code is not None else None,
            str(message) if message is not None else None,
        )

    text = (response.text or "").strip()
    return ErrorBody(response.status_code, None, None, text[:500] or None)


def encode_json(body):
    """Serialize a JSON body compactly, as UTF-8 text."""
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False)
