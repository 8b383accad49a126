"""Call LinkedIn's Rest.li API with a cached token and typed errors.

The client sends one request per call, plus at most one retry after a 401
with a freshly fetched token. It does not sleep or retry on 429 or 5xx, and
raises RateLimited or TransientError instead. The caller owns the retry policy
(backoff, a hold until midnight UTC after a daily limit), because the add-on's
flush applies it across batches and processes.
"""

import logging
import time
import uuid
from dataclasses import dataclass
from email.utils import parsedate_to_datetime

import requests
from requests.structures import CaseInsensitiveDict

from .errors import (
    AccessDenied,
    LinkedInError,
    NotFound,
    RateLimited,
    RequestRecord,
    RequestTooLong,
    TokenRejected,
    TransientError,
    VersionError,
    redact_body,
    redact_headers,
    redact_url_query,
    truncate_body,
)
from .resources import (
    DEFAULT_LINKEDIN_VERSION,
    QUERY_TUNNEL_THRESHOLD,
    RESUME_CONTENT_TYPES,
    RESUME_MAX_BYTES,
    resolve,
    validate_overrides,
    validate_version,
)
from .restli import (
    batch_partial_update_body,
    batch_update_body,
    body_key,
    encode_json,
    encode_list,
    encode_query_keys,
    encode_value,
    parse_batch_create_response,
    parse_batch_response,
    parse_error_body,
)

__all__ = ["LinkedInClient", "RequestRecord"]

_logger = logging.getLogger(__name__)

RESTLI_PROTOCOL_VERSION = "2.0.0"
FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"
JSON_CONTENT_TYPE = "application/json"

# NOTE: LinkedIn does not document which response header carries its request
# id. These names are unconfirmed guesses, checked in order.
REQUEST_ID_HEADERS = ("x-li-request-id", "x-li-uuid")

# Failed entities listed in a failure record's error, at most.
_MAX_LISTED_FAILURES = 5


@dataclass
class _Prepared:
    """Request as sent, minus the Authorization header."""

    method: str
    http_method: str
    url: str
    headers: CaseInsensitiveDict
    body: str | None
    version: str | None


@dataclass
class _Exchange:
    """Prepared request with its response and duration."""

    prepared: _Prepared
    response: requests.Response
    duration_ms: float


def _multipart_body(query, json_text):
    """Return a multipart/mixed body carrying ``query`` and ``json_text``."""
    boundary = uuid.uuid4().hex
    while boundary in query or boundary in json_text:
        boundary = uuid.uuid4().hex
    body = (
        f"--{boundary}\r\n"
        f"Content-Type: {FORM_CONTENT_TYPE}\r\n\r\n"
        f"{query}\r\n"
        f"--{boundary}\r\n"
        f"Content-Type: {JSON_CONTENT_TYPE}\r\n\r\n"
        f"{json_text}\r\n"
        f"--{boundary}--\r\n"
    )
    return boundary, body


def _parse_retry_after(value, now):
    """Return the ``Retry-After`` delay in seconds, or None when invalid."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return int(value)
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if moment is None:
        return None
    return max(0, int(moment.timestamp() - now))


def _request_id(response):
    for name in REQUEST_ID_HEADERS:
        value = response.headers.get(name)
        if value:
            return value
    return None


def _is_batch(restli_method):
    return bool(restli_method) and restli_method.upper().startswith("BATCH_")


class LinkedInClient:
    """Client for LinkedIn's Talent API on behalf of one backend.

    ``overrides`` maps resource names to per-backend settings (see
    ``resources.resolve``) and is validated here. ``on_failure(record)``
    receives a RequestRecord for every failed request and for every batch
    whose response reports a failed entity. ``on_request(resource, method,
    status, duration_ms, entity_count)`` is called for every HTTP request
    sent, including a retry after a 401; ``status`` is None when no response
    arrived.
    """

    def __init__(
        self,
        session,
        api_base,
        token_manager,
        overrides=None,
        default_version=DEFAULT_LINKEDIN_VERSION,
        timeout=(5, 30),
        on_failure=None,
        on_request=None,
    ):
        if timeout is None:
            raise ValueError(
                "LinkedInClient needs a timeout; requests without one can hang."
            )
        validate_overrides(overrides)
        validate_version(default_version, "every /rest/ resource")
        self.session = session
        self.api_base = api_base.rstrip("/")
        self.token_manager = token_manager
        self.overrides = dict(overrides or {})
        self.default_version = default_version
        self.timeout = timeout
        self.on_failure = on_failure
        self.on_request = on_request

    def resource(self, name):
        """Return the definition of resource ``name`` with this backend's overrides."""
        return resolve(name, self.overrides)

    # -- requests -----------------------------------------------------------

    def request(
        self,
        resource_name,
        method,
        *,
        query="",
        json_body=None,
        restli_method=None,
        path_suffix="",
        extra_headers=None,
        entity_count=0,
    ):
        """Send one request to a resource and return the 2xx response.

        ``query`` is an encoded query string; above QUERY_TUNNEL_THRESHOLD
        characters the request is tunnelled as a POST with
        ``X-HTTP-Method-Override``. ``path_suffix`` is appended to the
        resource path as is (for example ``/<encoded key>``). Raises the
        LinkedInError subclass matching the status; see ``_raise_for_status``.
        """
        exchange = self._send(
            self.resource(resource_name),
            method,
            query=query,
            json_body=json_body,
            restli_method=restli_method,
            path_suffix=path_suffix,
            extra_headers=extra_headers,
            entity_count=entity_count,
        )
        return exchange.response

    def _prepare(
        self, resource, method, query, json_body, restli_method, path_suffix, extra
    ):
        method = method.upper()
        # requests (through urllib3) percent-encodes "[" and "]" in a URL's
        # query, so the query is measured and sent in that form: the length
        # LinkedIn limits is the one on the wire.
        query = query.lstrip("?").replace("[", "%5B").replace("]", "%5D")
        base_url = f"{self.api_base}/{resource.api}/{resource.path}{path_suffix}"

        headers = CaseInsensitiveDict()
        headers["X-Restli-Protocol-Version"] = RESTLI_PROTOCOL_VERSION
        headers["Accept"] = JSON_CONTENT_TYPE
        if restli_method:
            headers["X-RestLi-Method"] = restli_method.upper()
        version = None
        if resource.api == "rest":
            version = resource.version or self.default_version
            headers["LinkedIn-Version"] = version

        json_text = encode_json(json_body) if json_body is not None else None
        if len(query) > QUERY_TUNNEL_THRESHOLD:
            # LinkedIn responds with 414 to a query string over 4 KB, so the
            # query moves into the body of a POST that names the original method.
            http_method = "POST"
            url = base_url
            headers["X-HTTP-Method-Override"] = method
            if json_text is None:
                headers["Content-Type"] = FORM_CONTENT_TYPE
                body = query
            else:
                boundary, body = _multipart_body(query, json_text)
                headers["Content-Type"] = f"multipart/mixed; boundary={boundary}"
        else:
            http_method = method
            url = f"{base_url}?{query}" if query else base_url
            body = json_text
            if json_text is not None:
                headers["Content-Type"] = JSON_CONTENT_TYPE

        for name, value in (extra or {}).items():
            if name.lower() == "authorization":
                raise ValueError(
                    "extra_headers must not set Authorization; the client adds "
                    "the bearer token itself."
                )
            headers[name] = value
        return _Prepared(method, http_method, url, headers, body, version)

    def _send(
        self,
        resource,
        method,
        *,
        query="",
        json_body=None,
        restli_method=None,
        path_suffix="",
        extra_headers=None,
        entity_count=0,
    ):
        prepared = self._prepare(
            resource,
            method,
            query,
            json_body,
            restli_method,
            path_suffix,
            extra_headers,
        )

        token = self.token_manager.get_token()
        exchange = self._exchange(resource, prepared, token, entity_count)
        if exchange.response.status_code == 401:
            self._report(
                resource,
                exchange,
                f"LinkedIn rejected the access token for {resource.name} (401); "
                "fetching a new token and retrying once.",
            )
            self.token_manager.invalidate(token)
            token = self.token_manager.get_token()
            exchange = self._exchange(resource, prepared, token, entity_count)
            if exchange.response.status_code == 401:
                error = parse_error_body(exchange.response)
                message = (
                    f"LinkedIn rejected a newly issued access token for "
                    f"{resource.name} (401: {error.message or 'no message'}). "
                    "Check that the backend's client id and secret belong to the "
                    "customer application and that its access was not revoked."
                )
                self._report(resource, exchange, message)
                raise TokenRejected(
                    message,
                    status=401,
                    service_error_code=error.service_error_code,
                    code=error.code,
                    request_id=_request_id(exchange.response),
                    resource=resource.name,
                )

        self._raise_for_status(resource, exchange, batch=_is_batch(restli_method))
        return exchange

    def _exchange(self, resource, prepared, token, entity_count):
        """Send ``prepared`` with ``token``; raise TransientError without a response."""
        headers = CaseInsensitiveDict(prepared.headers)
        headers["Authorization"] = f"Bearer {token}"
        data = prepared.body.encode("utf-8") if prepared.body is not None else None

        started = time.monotonic()
        try:
            response = self.session.request(
                prepared.http_method,
                prepared.url,
                data=data,
                headers=headers,
                timeout=self.timeout,
            )
        except (
            requests.Timeout,
            requests.ConnectionError,
            requests.exceptions.ChunkedEncodingError,
        ) as exc:
            duration_ms = (time.monotonic() - started) * 1000
            self._count(resource, prepared.method, None, duration_ms, entity_count)
            if isinstance(exc, requests.Timeout):
                message = (
                    f"The {prepared.method} request to LinkedIn's {resource.name} "
                    f"timed out (timeout {self.timeout} s). Retry later."
                )
            else:
                message = (
                    f"The {prepared.method} request to LinkedIn's {resource.name} "
                    f"failed before a response arrived ({exc.__class__.__name__}). "
                    "Check the network and the API base URL, then retry."
                )
            self._report_without_response(resource, prepared, duration_ms, message)
            raise TransientError(message, cause=exc, resource=resource.name) from exc

        duration_ms = (time.monotonic() - started) * 1000
        self._count(
            resource, prepared.method, response.status_code, duration_ms, entity_count
        )
        _logger.debug(
            "linkedin %s %s: %s in %.0f ms (%s entities)",
            resource.name,
            prepared.method,
            response.status_code,
            duration_ms,
            entity_count,
        )
        return _Exchange(prepared, response, duration_ms)

    def _raise_for_status(self, resource, exchange, batch):
        """Report and raise the LinkedInError matching a non-2xx response."""
        if exchange.response.status_code < 400:
            return
        exc = self._error_for_status(resource, exchange, batch)
        self._report(resource, exchange, exc.message)
        raise exc

    @staticmethod
    def _error_for_status(resource, exchange, batch):
        """Return the LinkedInError subclass for an error response.

        403 is AccessDenied, 414 RequestTooLong, 426 VersionError, 429
        RateLimited and 5xx TransientError. 404 is NotFound, except on batch
        calls, so that a whole-batch 404 is never read as "already deleted".
        Any other 4xx is a plain LinkedInError with its status, so the caller
        can split the batch.
        """
        response = exchange.response
        status = response.status_code
        error = parse_error_body(response)
        details = {
            "status": status,
            "service_error_code": error.service_error_code,
            "code": error.code,
            "request_id": _request_id(response),
            "resource": resource.name,
        }
        request_label = f"{exchange.prepared.method} {resource.name}"
        reason = f"{status} {error.code}" if error.code else str(status)
        reason = f"{reason}: {error.message or 'no message'}"

        if status == 403:
            return AccessDenied(
                f"LinkedIn denied access to {resource.name} ({reason}). Check "
                "that the customer switched the integration on in LinkedIn "
                "Recruiter and that the application may call this resource.",
                **details,
            )
        if status == 404 and not batch:
            return NotFound(
                f"LinkedIn found nothing for {request_label} ({reason}). Check "
                "that the entity exists on LinkedIn, for example by syncing its "
                "parent record first.",
                **details,
            )
        if status == 414:
            return RequestTooLong(
                f"LinkedIn rejected {request_label} as too long ({reason}). Send "
                "fewer keys per request.",
                **details,
            )
        if status == 426:
            sent = exchange.prepared.version
            return VersionError(
                f"LinkedIn does not accept LinkedIn-Version "
                f"{sent or '(none sent)'} for {resource.name} ({reason}). Set a "
                "current version (YYYYMM) in the backend's LinkedIn-Version "
                f"setting, or override the version of {resource.name}.",
                version=sent,
                **details,
            )
        if status == 429:
            daily = "day limit" in (error.message or "").lower()
            retry_after = _parse_retry_after(
                response.headers.get("Retry-After"), time.time()
            )
            if daily:
                advice = "The daily limit resets at midnight UTC."
            elif retry_after is not None:
                advice = f"Retry after {retry_after} s."
            else:
                advice = "Retry later with backoff."
            return RateLimited(
                f"LinkedIn rate-limited {request_label} ({reason}). {advice}",
                daily=daily,
                retry_after=retry_after,
                **details,
            )
        if status >= 500:
            return TransientError(
                f"LinkedIn failed on {request_label} ({reason}). Retry later.",
                **details,
            )
        return LinkedInError(
            f"LinkedIn rejected {request_label} ({reason}).", **details
        )

    # -- callbacks ------------------------------------------------------------

    def _count(self, resource, method, status, duration_ms, entity_count):
        if self.on_request is None:
            return
        try:
            self.on_request(resource.name, method, status, duration_ms, entity_count)
        except Exception:
            _logger.exception("linkedin %s: on_request callback raised", resource.name)

    def _record(self, resource, prepared, duration_ms, error, response=None):
        url = prepared.url
        request_body = prepared.body
        headers = redact_headers(dict(prepared.headers))
        headers["Authorization"] = "Bearer ***"
        record = RequestRecord(
            method=prepared.http_method,
            url=url,
            request_headers=headers,
            request_body=truncate_body(redact_body(request_body or "")),
            duration_ms=duration_ms,
            resource=resource.name,
            error=error,
        )
        if response is not None:
            record.status = response.status_code
            record.response_headers = dict(response.headers)
            record.response_body = truncate_body(redact_body(response.text))
        return record

    def _emit(self, record):
        _logger.warning(
            "linkedin %s %s failed (status %s): %s",
            record.resource,
            record.method,
            record.status,
            record.error,
        )
        if self.on_failure is None:
            return
        try:
            self.on_failure(record)
        except Exception:
            _logger.exception(
                "linkedin %s: on_failure callback raised", record.resource
            )

    def _report(self, resource, exchange, error):
        self._emit(
            self._record(
                resource,
                exchange.prepared,
                exchange.duration_ms,
                error,
                exchange.response,
            )
        )

    def _report_without_response(self, resource, prepared, duration_ms, error):
        self._emit(self._record(resource, prepared, duration_ms, error))

    # -- batch calls ------------------------------------------------------------

    @staticmethod
    def _check_batch_size(resource, count):
        if count > resource.batch_size:
            raise ValueError(
                f"A batch of {count} entities for {resource.name} exceeds its "
                f"batch size of {resource.batch_size}; split the batch."
            )

    def _entity_results(self, resource, keys, exchange, missing_ok):
        try:
            payload = exchange.response.json()
        except ValueError:
            payload = None
        outcomes = parse_batch_response(resource, keys, payload, missing_ok=missing_ok)
        failed = [(text, result) for text, result in outcomes.items() if not result.ok]
        if failed:
            listed = "; ".join(
                f"{text}: {result.status or 'no status'} {result.message or ''}".strip()
                for text, result in failed[:_MAX_LISTED_FAILURES]
            )
            more = len(failed) - _MAX_LISTED_FAILURES
            suffix = f"; and {more} more" if more > 0 else ""
            self._report(
                resource,
                exchange,
                f"{len(failed)} of {len(outcomes)} entities failed on "
                f"{exchange.prepared.method} {resource.name}: {listed}{suffix}.",
            )
        return outcomes

    def batch_upsert(self, resource_name, items):
        """Create or replace entities with BATCH_UPDATE and return each outcome.

        ``items`` pairs each key dict with its full entity. Returns a dict of
        EntityResult by body key. Raises ValueError above the resource's batch
        size, and LinkedInError when LinkedIn rejects the whole batch.
        """
        resource = self.resource(resource_name)
        self._check_batch_size(resource, len(items))
        if not items:
            return {}
        keys = [key for key, _ in items]
        exchange = self._send(
            resource,
            "PUT",
            query=encode_query_keys(resource, keys),
            json_body=batch_update_body(resource, items),
            restli_method="BATCH_UPDATE",
            entity_count=len(items),
        )
        return self._entity_results(resource, keys, exchange, missing_ok=False)

    def batch_partial_update(self, resource_name, items):
        """Set fields of entities with BATCH_PARTIAL_UPDATE; return each outcome.

        ``items`` pairs each key dict with the fields to set (sent as
        ``{"patch": {"$set": fields}}``).
        """
        resource = self.resource(resource_name)
        self._check_batch_size(resource, len(items))
        if not items:
            return {}
        keys = [key for key, _ in items]
        exchange = self._send(
            resource,
            "POST",
            query=encode_query_keys(resource, keys),
            json_body=batch_partial_update_body(resource, items),
            restli_method="BATCH_PARTIAL_UPDATE",
            entity_count=len(items),
        )
        return self._entity_results(resource, keys, exchange, missing_ok=False)

    def batch_delete(self, resource_name, keys):
        """Delete entities with BATCH_DELETE and return each outcome.

        A 404 or 410 for a key counts as success, because the entity is gone.
        """
        resource = self.resource(resource_name)
        self._check_batch_size(resource, len(keys))
        if not keys:
            return {}
        # Build the body keys now so that an invalid key fails before sending.
        for key in keys:
            body_key(resource, key)
        exchange = self._send(
            resource,
            "DELETE",
            query=encode_query_keys(resource, keys),
            restli_method="BATCH_DELETE",
            entity_count=len(keys),
        )
        return self._entity_results(resource, keys, exchange, missing_ok=True)

    # -- jobs -------------------------------------------------------------------

    def create_job_postings(self, elements):
        """Submit job postings with BATCH_CREATE and return a CreateResult each.

        Results are in request order; ``id`` is the task id to poll with
        ``get_job_tasks``.
        """
        resource = self.resource("simpleJobPostings")
        self._check_batch_size(resource, len(elements))
        if not elements:
            return []
        exchange = self._send(
            resource,
            "POST",
            json_body={"elements": list(elements)},
            restli_method="BATCH_CREATE",
            entity_count=len(elements),
        )
        try:
            payload = exchange.response.json()
        except ValueError:
            payload = None
        outcomes = parse_batch_create_response(payload, len(elements))
        failed = [
            (index, result) for index, result in enumerate(outcomes) if not result.ok
        ]
        if failed:
            listed = "; ".join(
                f"element {index} "
                f"({elements[index].get('externalJobPostingId', '?')}): "
                f"{result.status or 'no status'} {result.message or ''}".strip()
                for index, result in failed[:_MAX_LISTED_FAILURES]
            )
            self._report(
                resource,
                exchange,
                f"{len(failed)} of {len(outcomes)} job postings failed: {listed}.",
            )
        return outcomes

    def get_job_tasks(self, task_ids):
        """Return the state of job posting tasks, as a dict by task id.

        Each value is LinkedIn's task entity (``status``, ``externalJobPostingId``,
        ``message``). Tasks LinkedIn does not return are left out and logged,
        so the caller polls them again.
        """
        resource = self.resource("simpleJobPostingTasks")
        task_ids = [str(task_id) for task_id in task_ids]
        self._check_batch_size(resource, len(task_ids))
        if not task_ids:
            return {}
        exchange = self._send(
            resource,
            "GET",
            query=f"ids={encode_list(task_ids)}",
            restli_method="BATCH_GET",
            entity_count=len(task_ids),
        )
        try:
            payload = exchange.response.json()
        except ValueError:
            payload = None
        results = payload.get("results") if isinstance(payload, dict) else None
        if not isinstance(results, dict):
            results = {}

        tasks = {}
        for task_id in task_ids:
            task = results.get(task_id)
            if task is None:
                task = results.get(encode_value(task_id))
            if isinstance(task, dict):
                tasks[task_id] = task
        missing = [task_id for task_id in task_ids if task_id not in tasks]
        if missing:
            _logger.warning(
                "linkedin %s: no state returned for tasks %s",
                resource.name,
                ", ".join(missing),
            )
        return tasks

    # -- resumes ----------------------------------------------------------------

    def upload_resume(
        self, candidate_key_params, hiring_context, content_type, file_name, data
    ):
        """Upload a resume for a candidate and return its resume URN.

        The client requests a signed upload URL from ``hireMediaUrl``, then
        PUTs the bytes there without the bearer token, because the URL is
        itself the credential. ``candidate_key_params`` names the candidate,
        for example with ``atsCandidateId`` and ``integrationContext``.
        ``dataProvider`` defaults to the resource table's value. Raises
        ValueError for an empty file, a file over 10 MB or a content type
        LinkedIn does not accept.
        """
        resource = self.resource("hireMediaUrl")
        if content_type not in RESUME_CONTENT_TYPES:
            raise ValueError(
                f"Resume {file_name!r} has content type {content_type!r}; LinkedIn "
                f"accepts only {', '.join(RESUME_CONTENT_TYPES)}."
            )
        if not data:
            raise ValueError(f"Resume {file_name!r} is empty; nothing to upload.")
        if len(data) > RESUME_MAX_BYTES:
            raise ValueError(
                f"Resume {file_name!r} has {len(data)} bytes; LinkedIn accepts at "
                f"most {RESUME_MAX_BYTES} bytes (10 MB)."
            )

        parameters = dict(candidate_key_params)
        if resource.data_provider and "dataProvider" not in parameters:
            parameters["dataProvider"] = resource.data_provider
        parameters["fileName"] = file_name
        body = {
            "usageParameter": {"tcrmResumeParameters": parameters},
            "contentType": content_type,
            "hiringContext": hiring_context,
        }
        exchange = self._send(resource, "POST", json_body=body, entity_count=1)

        try:
            payload = exchange.response.json()
        except ValueError:
            payload = None
        value = payload.get("value") if isinstance(payload, dict) else None
        upload_url = value.get("uploadUrl") if isinstance(value, dict) else None
        resume_urn = value.get("resumeUrn") if isinstance(value, dict) else None
        if not upload_url or not resume_urn:
            message = (
                f"LinkedIn's {resource.name} response for resume {file_name!r} "
                "has no value.uploadUrl or value.resumeUrn; the resume was not "
                "uploaded. Retry later."
            )
            self._report(resource, exchange, message)
            raise LinkedInError(
                message, status=exchange.response.status_code, resource=resource.name
            )

        self._put_resume(resource, upload_url, content_type, file_name, data)
        _logger.debug(
            "linkedin %s: uploaded resume %s (%s bytes) as %s",
            resource.name,
            file_name,
            len(data),
            resume_urn,
        )
        return resume_urn

    def _put_resume(self, resource, upload_url, content_type, file_name, data):
        # The signed URL's query string is a credential, and the file contains
        # personal data, so neither goes into failure records.
        prepared = _Prepared(
            method="PUT",
            http_method="PUT",
            url=redact_url_query(upload_url),
            headers=CaseInsensitiveDict({"Content-Type": content_type}),
            body=f"[{len(data)} bytes of {content_type} not recorded]",
            version=None,
        )
        # A None value removes any Authorization header set on the session.
        headers = {"Content-Type": content_type, "Authorization": None}

        started = time.monotonic()
        try:
            response = self.session.put(
                upload_url, data=data, headers=headers, timeout=self.timeout
            )
        except (requests.Timeout, requests.ConnectionError) as exc:
            duration_ms = (time.monotonic() - started) * 1000
            self._count(resource, "PUT", None, duration_ms, 1)
            message = (
                f"Uploading resume {file_name!r} to LinkedIn failed before a "
                f"response arrived ({exc.__class__.__name__}). Retry later."
            )
            self._emit(self._upload_record(resource, prepared, duration_ms, message))
            raise TransientError(message, cause=exc, resource=resource.name) from exc

        duration_ms = (time.monotonic() - started) * 1000
        self._count(resource, "PUT", response.status_code, duration_ms, 1)
        status = response.status_code
        if status < 400:
            return

        error = parse_error_body(response)
        reason = f"{status}: {error.message or 'no message'}"
        if status == 413:
            message = (
                f"LinkedIn rejected resume {file_name!r} as too large ({reason}). "
                "Resumes must be at most 10 MB."
            )
        elif status == 415:
            message = (
                f"LinkedIn rejected the content type {content_type} of resume "
                f"{file_name!r} ({reason}). Upload a PDF, DOC or TXT file."
            )
        else:
            message = f"Uploading resume {file_name!r} failed ({reason})."

        self._emit(
            self._upload_record(resource, prepared, duration_ms, message, response)
        )
        if status >= 500:
            raise TransientError(message, status=status, resource=resource.name)
        raise LinkedInError(
            message,
            status=status,
            service_error_code=error.service_error_code,
            code=error.code,
            resource=resource.name,
        )

    @staticmethod
    def _upload_record(resource, prepared, duration_ms, error, response=None):
        record = RequestRecord(
            method="PUT",
            url=prepared.url,
            request_headers=dict(prepared.headers),
            request_body=prepared.body,
            duration_ms=duration_ms,
            resource=resource.name,
            error=error,
        )
        if response is not None:
            record.status = response.status_code
            record.response_headers = dict(response.headers)
            record.response_body = truncate_body(response.text)
        return record
