"""Rest.li request parsing: compound keys, body keys and query tunnelling.

A batch request names its entities in the query string, either in the indexed
form of LinkedIn's Talent samples (``ids[0].tcrmPipelineId=12&ids[0]...``,
values percent-encoded) or in the Rest.li 2.0 form
(``ids=List((tcrmPipelineId:12,integrationContext:urn%3Ali%3A...))``). The body
names the same entities as keys of its ``entities`` map, written
``field=value&field=value`` with values not encoded, or in the Rest.li 2.0
form ``(field:value,...)``. Keys are compared as sets of field/value pairs,
so field order does not matter.
"""

from __future__ import annotations

import email.parser
import email.policy
import re
from dataclasses import dataclass
from urllib.parse import unquote, unquote_plus

from .errors import ApiError

MAX_ENTITIES_PER_REQUEST = 100

_INDEXED_ID = re.compile(r"^ids\[(\d+)\]\.([A-Za-z_][A-Za-z0-9_]*)$")

# Rest.li 2.0 delimiters. Inside a leaf value they must be percent-encoded.
_RESTLI_DELIMITERS = ",():"

Key = frozenset[tuple[str, str]]


def bad_request(message: str) -> ApiError:
    """Build the 400 ApiError for a malformed request."""
    return ApiError(400, message)


@dataclass(frozen=True)
class QueryParameter:
    """One ``name=value`` pair of a query string, name decoded, value raw."""

    name: str
    raw_value: str

    @property
    def value(self) -> str:
        return unquote_plus(self.raw_value)


def split_query(raw_query: str) -> list[QueryParameter]:
    """Split a raw query string into parameters, keeping values encoded.

    Values stay encoded so that a Rest.li 2.0 ``List(...)`` can be parsed
    before its escaped delimiters are decoded. Empty pieces (``a&&b``) are
    skipped.
    """
    parameters = []
    for piece in raw_query.split("&"):
        if not piece:
            continue
        name, _, raw_value = piece.partition("=")
        parameters.append(QueryParameter(unquote_plus(name), raw_value))
    return parameters


def format_key(key: Key, field_order: tuple[str, ...]) -> str:
    """Format a key as a body key: ``field=value&...`` in the resource's order."""
    values = dict(key)
    return "&".join(f"{field}={values[field]}" for field in field_order)


# Rest.li 2.0 values -------------------------------------------------------


class _RestliReader:
    """Recursive-descent reader of one Rest.li 2.0 encoded value."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def fail(self, reason: str) -> ApiError:
        return bad_request(
            f"invalid Rest.li 2.0 value {self.text!r} at offset {self.pos}: {reason}"
        )

    def read_value(self) -> object:
        if self.text.startswith("List(", self.pos):
            self.pos += len("List(")
            return self.read_items()
        if self.text.startswith("(", self.pos):
            self.pos += 1
            return self.read_map()
        return self.read_leaf()

    def read_items(self) -> list[object]:
        items: list[object] = []
        if self.text.startswith(")", self.pos):
            self.pos += 1
            return items
        while True:
            items.append(self.read_value())
            self.expect_one_of(",)")
            if self.text[self.pos - 1] == ")":
                return items

    def read_map(self) -> dict[str, object]:
        result: dict[str, object] = {}
        if self.text.startswith(")", self.pos):
            self.pos += 1
            return result
        while True:
            name = self.read_leaf()
            self.expect_one_of(":")
            if name in result:
                raise self.fail(f"field {name!r} appears twice")
            result[name] = self.read_value()
            self.expect_one_of(",)")
            if self.text[self.pos - 1] == ")":
                return result

    def read_leaf(self) -> str:
        start = self.pos
        while self.pos < len(self.text) and self.text[self.pos] not in (
            _RESTLI_DELIMITERS
        ):
            self.pos += 1
        return unquote(self.text[start : self.pos])

    def expect_one_of(self, characters: str) -> None:
        if self.pos >= len(self.text) or self.text[self.pos] not in characters:
            raise self.fail(f"expected one of {characters!r}")
        self.pos += 1


def parse_restli_value(text: str) -> object:
    """Parse a whole Rest.li 2.0 value: a List, a map or an encoded string."""
    reader = _RestliReader(text)
    value = reader.read_value()
    if reader.pos != len(text):
        raise reader.fail("unexpected trailing characters")
    return value


# Compound keys ------------------------------------------------------------


@dataclass(frozen=True)
class QueryKeys:
    """Keys named in a query string, in request order, with their labels.

    ``labels[i]`` names key ``i`` in error messages, e.g. ``ids[3]``.
    ``other`` contains the parameters that are not ids.
    """

    keys: list[Key]
    labels: list[str]
    other: list[QueryParameter]


def parse_compound_keys(
    parameters: list[QueryParameter], key_fields: tuple[str, ...], resource: str
) -> QueryKeys:
    """Parse the compound keys of a batch request from its query parameters.

    Raises a 400 ApiError in these cases: the indexed and List forms are
    mixed, or the indices are not 0..n-1. A key lacks a key field or has an
    unknown one, or appears twice. There are more than 100 keys.
    """
    indexed: dict[int, dict[str, str]] = {}
    list_keys: list[dict[str, str]] = []
    other: list[QueryParameter] = []
    for parameter in parameters:
        match = _INDEXED_ID.match(parameter.name)
        if match:
            index, field = int(match.group(1)), match.group(2)
            fields = indexed.setdefault(index, {})
            if field in fields:
                raise bad_request(f"query parameter {parameter.name} appears twice")
            fields[field] = parameter.value
        elif parameter.name == "ids":
            list_keys.extend(_parse_list_keys(parameter.raw_value))
        else:
            other.append(parameter)

    if indexed and list_keys:
        raise bad_request("query string mixes ids[i].field keys and ids=List(...)")
    if indexed:
        expected = list(range(len(indexed)))
        if sorted(indexed) != expected:
            raise bad_request(
                f"ids indices must run from 0 to {len(indexed) - 1} without gaps; "
                f"got {sorted(indexed)}"
            )
        raw_keys = [indexed[i] for i in expected]
        labels = [f"ids[{i}]" for i in expected]
    else:
        raw_keys = list_keys
        labels = [f"ids List item {i}" for i in range(len(list_keys))]

    if len(raw_keys) > MAX_ENTITIES_PER_REQUEST:
        raise too_many_entities(len(raw_keys))
    keys: list[Key] = []
    for label, fields in zip(labels, raw_keys, strict=True):
        check_key_fields(fields, key_fields, resource, label)
        key = frozenset(fields.items())
        if key in keys:
            raise bad_request(f"{label} repeats the key of an earlier id")
        keys.append(key)
    return QueryKeys(keys=keys, labels=labels, other=other)


def _parse_list_keys(raw_value: str) -> list[dict[str, str]]:
    value = parse_restli_value(raw_value)
    if not isinstance(value, list):
        raise bad_request(
            "ids must be a Rest.li 2.0 List((field:value,...)) of compound keys"
        )
    keys = []
    for item in value:
        if not isinstance(item, dict) or not all(
            isinstance(v, str) for v in item.values()
        ):
            raise bad_request("each item of ids=List(...) must be (field:value,...)")
        keys.append(item)
    return keys


def check_key_fields(
    fields: dict[str, str], key_fields: tuple[str, ...], resource: str, label: str
) -> None:
    """Raise a 400 ApiError unless ``fields`` has exactly the key fields."""
    unknown = sorted(set(fields) - set(key_fields))
    if unknown:
        raise bad_request(
            f"{label} has unknown key field {unknown[0]}; "
            f"the key fields of {resource} are {', '.join(key_fields)}"
        )
    missing = [field for field in key_fields if field not in fields]
    if missing:
        raise bad_request(f"{label} is missing key field {missing[0]}")


def parse_body_key(text: str, key_fields: tuple[str, ...], resource: str) -> Key:
    """Parse a key of a body's ``entities`` map.

    NOTE: LinkedIn's samples do not encode body key values, so in the
    ``field=value&...`` form a value that contains ``&`` cannot be
    distinguished from the next field. Such a key fails with 400.
    """
    label = f"body key {text!r}"
    fields: dict[str, str] = {}
    if text.startswith("("):
        value = parse_restli_value(text)
        if not isinstance(value, dict) or not all(
            isinstance(v, str) for v in value.values()
        ):
            raise bad_request(f"{label} is not a (field:value,...) key")
        fields = value  # type: ignore[assignment]
    else:
        for piece in text.split("&"):
            field, separator, value = piece.partition("=")
            if not separator or not field:
                raise bad_request(f"{label} is malformed; expected field=value&...")
            if field in fields:
                raise bad_request(f"{label} names field {field} twice")
            fields[field] = value
    check_key_fields(fields, key_fields, resource, label)
    return frozenset(fields.items())


def parse_simple_ids(parameters: list[QueryParameter]) -> list[str]:
    """Parse simple (non-compound) ids: ``ids=List(a,b)`` or ``ids=a&ids=b``."""
    ids: list[str] = []
    for parameter in parameters:
        if parameter.name != "ids":
            raise bad_request(
                f"unexpected query parameter {parameter.name}; only ids is allowed"
            )
        if parameter.raw_value.startswith("List("):
            value = parse_restli_value(parameter.raw_value)
            if not isinstance(value, list) or not all(
                isinstance(item, str) for item in value
            ):
                raise bad_request("ids=List(...) must list plain ids")
            ids.extend(value)  # type: ignore[arg-type]
        else:
            ids.append(parameter.value)
    if not ids:
        raise bad_request("query parameter ids is missing")
    if len(ids) > MAX_ENTITIES_PER_REQUEST:
        raise too_many_entities(len(ids))
    return ids


def too_many_entities(count: int) -> ApiError:
    """Build the 400 ApiError for a request that names over 100 entities."""
    return bad_request(
        f"request names {count} entities; at most {MAX_ENTITIES_PER_REQUEST} "
        "are allowed per request"
    )


# Query tunnelling ---------------------------------------------------------


@dataclass(frozen=True)
class EffectiveRequest:
    """A request after query tunnelling has been undone."""

    method: str
    raw_query: str
    body: bytes
    content_type: str
    tunnelled: bool


def media_type(content_type: str) -> str:
    """Return the lower-cased media type of a Content-Type, without parameters."""
    return content_type.split(";", 1)[0].strip().lower()


def untunnel(
    method: str,
    override: str | None,
    raw_query: str,
    body: bytes,
    content_type: str,
) -> EffectiveRequest:
    """Undo LinkedIn's query tunnelling and return the request it stands for.

    A tunnelled request is a POST with ``X-HTTP-Method-Override``. For GET and
    DELETE the query string is the whole form-encoded body. For PUT and POST
    the body is ``multipart/mixed`` with exactly two parts: the form-encoded
    query string, then the JSON body. A tunnelled request must carry no query
    string in its URL, because LinkedIn's clients move all of it to the body.
    """
    if override is None:
        return EffectiveRequest(method, raw_query, body, content_type, False)
    target = override.strip().upper()
    if method != "POST":
        raise bad_request(
            f"X-HTTP-Method-Override is allowed only on POST; got {method}"
        )
    if raw_query:
        raise bad_request(
            "a tunnelled request must carry its query string in the body, "
            "not in the URL"
        )
    if target in ("GET", "DELETE"):
        if media_type(content_type) != "application/x-www-form-urlencoded":
            raise bad_request(
                f"tunnelled {target} needs Content-Type "
                f"application/x-www-form-urlencoded; got {content_type or 'none'}"
            )
        return EffectiveRequest(target, _decode_form(body), b"", "", True)
    if target in ("PUT", "POST"):
        query, json_body = _split_multipart(body, content_type, target)
        return EffectiveRequest(target, query, json_body, "application/json", True)
    raise bad_request(
        f"X-HTTP-Method-Override {override!r} is not one of GET, DELETE, PUT, POST"
    )


def _decode_form(body: bytes) -> str:
    try:
        return body.decode("ascii").strip()
    except UnicodeDecodeError:
        raise bad_request("form-encoded body must be ASCII") from None


def _split_multipart(body: bytes, content_type: str, target: str) -> tuple[str, bytes]:
    if media_type(content_type) != "multipart/mixed" or "boundary=" not in (
        content_type
    ):
        raise bad_request(
            f"tunnelled {target} needs Content-Type multipart/mixed with a "
            f"boundary; got {content_type or 'none'}"
        )
    parser = email.parser.BytesParser(policy=email.policy.HTTP)
    message = parser.parsebytes(
        b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n" + body
    )
    parts = message.get_payload()
    if not isinstance(parts, list) or len(parts) != 2:
        raise bad_request(
            f"tunnelled {target} body must have two parts (form query string, "
            "then JSON body)"
        )
    query_part, json_part = parts
    if query_part.get_content_type() != "application/x-www-form-urlencoded":
        raise bad_request(
            "first part of a tunnelled body must be application/x-www-form-urlencoded"
        )
    if json_part.get_content_type() != "application/json":
        raise bad_request("second part of a tunnelled body must be application/json")
    query_bytes = query_part.get_payload(decode=True) or b""
    json_bytes = json_part.get_payload(decode=True) or b""
    return _decode_form(query_bytes), json_bytes
