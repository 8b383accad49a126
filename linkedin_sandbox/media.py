"""Resume upload: ``hireMediaUrl`` issues a signed URL, a PUT to it uploads.

``POST /v2/hireMediaUrl`` checks the request, requires the candidate to be
held (404 otherwise) and returns an absolute upload URL on the Host the
client called, ``http://<host>/sandbox/upload/<token>``. The token is
random and works once. The PUT needs no bearer token, because the URL
itself is the credential, as with LinkedIn's signed URLs. It must carry the
content type declared to hireMediaUrl (415 otherwise) and at most 10 MiB
(413 otherwise). The resume is then held against the candidate.
"""

from __future__ import annotations

import hashlib
import logging
import re
import secrets
import uuid
from typing import Any

from .calls import (
    ApiCall,
    bad_request,
    method_not_allowed,
    read_json_object,
    restli_method,
)
from .errors import (
    SERVICE_ERROR_INVALID_FIELD,
    SERVICE_ERROR_NOT_FOUND,
    SERVICE_ERROR_TOO_LARGE,
    ApiError,
)
from .restli import media_type
from .schema import (
    CONTRACT_URN,
    DATA_PROVIDERS,
    ORGANIZATION_URN,
    RESUME_CONTENT_TYPES,
    RESUME_MAX_BYTES,
    enum,
    pattern,
    positive_int,
    record,
    text,
    validate_fields,
)
from .state import SandboxState
from .store import Resume, UploadSlot
from .wire import Request, Response

_logger = logging.getLogger(__name__)

UPLOAD_PATH_PREFIX = "/sandbox/upload/"

_HOST = re.compile(r"^[A-Za-z0-9.\-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$")

_BLOB_TTL_UNITS = (
    "MILLISECOND",
    "SECOND",
    "MINUTE",
    "HOUR",
    "DAY",
    "WEEK",
    "MONTH",
    "YEAR",
)
_HIRE_MEDIA_FIELDS = {
    "usageParameter": record(
        {
            "tcrmResumeParameters": record(
                {
                    "atsCandidateId": text,
                    "integrationContext": pattern(
                        ORGANIZATION_URN, "a urn:li:organization:<id> URN"
                    ),
                    "dataProvider": enum(DATA_PROVIDERS),
                    "fileName": text,
                },
                required=("atsCandidateId", "integrationContext", "dataProvider"),
            )
        },
        required=("tcrmResumeParameters",),
    ),
    "contentType": enum(RESUME_CONTENT_TYPES),
    "hiringContext": pattern(CONTRACT_URN, "a urn:li:contract:<id> URN"),
    "blobTtl": record(
        {"duration": positive_int, "unit": enum(_BLOB_TTL_UNITS)},
        required=("duration", "unit"),
    ),
}
_HIRE_MEDIA_REQUIRED = ("usageParameter", "contentType", "hiringContext")


def handle_hire_media_url(call: ApiCall) -> Response:
    if call.effective.method != "POST":
        raise method_not_allowed(call, ("POST",))
    method = restli_method(call)
    if method not in (None, "CREATE", "ACTION"):
        raise bad_request(f"X-RestLi-Method {method} is not supported on hireMediaUrl")
    if call.effective.raw_query:
        raise bad_request("hireMediaUrl takes no query string")
    body = read_json_object(call)
    errors = validate_fields(body, _HIRE_MEDIA_FIELDS, _HIRE_MEDIA_REQUIRED)
    if errors:
        raise ApiError(
            422, "; ".join(errors), service_error_code=SERVICE_ERROR_INVALID_FIELD
        )
    call.admit(1)

    parameters = body["usageParameter"]["tcrmResumeParameters"]
    candidate_id = parameters["atsCandidateId"]
    context = parameters["integrationContext"]
    store = call.state.store
    with store.lock:
        candidate = frozenset({("atsCandidateId", candidate_id)})
        if not store.tables["atsCandidates"].has_identity(context, candidate):
            raise ApiError(
                404,
                f"atsCandidates entity atsCandidateId={candidate_id} not found in "
                f"{context}",
                service_error_code=SERVICE_ERROR_NOT_FOUND,
            )
        slot = UploadSlot(
            token=secrets.token_urlsafe(32),
            resume_urn=f"urn:li:hireMedia:{uuid.uuid4()}",
            integration_context=context,
            ats_candidate_id=candidate_id,
            data_provider=parameters["dataProvider"],
            file_name=parameters.get("fileName", ""),
            content_type=body["contentType"],
        )
        store.uploads[slot.token] = slot
    upload_url = f"http://{_upload_host(call.request)}{UPLOAD_PATH_PREFIX}{slot.token}"
    value = {"uploadUrl": upload_url, "resumeUrn": slot.resume_urn}
    return Response(200, {"value": value}, entities=1)


def _upload_host(request: Request) -> str:
    """Return the Host the client called, or the listening address."""
    if _HOST.match(request.host):
        return request.host
    return request.local_address


def check_upload_size(declared_length: int) -> None:
    """Raise 413 before the body is read when an upload is over 10 MiB."""
    if declared_length > RESUME_MAX_BYTES:
        raise ApiError(
            413,
            f"resume is {declared_length} bytes; at most {RESUME_MAX_BYTES} "
            "(10 MiB) are allowed",
            service_error_code=SERVICE_ERROR_TOO_LARGE,
            close=True,
        )


def handle_upload(state: SandboxState, request: Request) -> Response:
    """Store an uploaded resume, or raise 403, 405, 413 or 415."""
    if request.method != "PUT":
        raise ApiError(
            405, f"{request.method} is not allowed on an upload URL; use PUT"
        )
    token = request.path[len(UPLOAD_PATH_PREFIX) :]
    check_upload_size(len(request.body))
    store = state.store
    with store.lock:
        slot = store.uploads.get(token)
        if slot is None:
            used = token in store.used_upload_tokens
            reason = "was already used" if used else "was not issued by hireMediaUrl"
            raise ApiError(
                403,
                f"upload URL {reason}; request a new one from hireMediaUrl",
                service_error_code=SERVICE_ERROR_NOT_FOUND,
            )
        sent_type = media_type(request.content_type)
        if sent_type not in RESUME_CONTENT_TYPES:
            raise ApiError(
                415,
                f"Content-Type {sent_type or 'none'} is not one of "
                f"{', '.join(RESUME_CONTENT_TYPES)}",
                service_error_code=SERVICE_ERROR_INVALID_FIELD,
            )
        if sent_type != slot.content_type:
            raise ApiError(
                415,
                f"Content-Type {sent_type} differs from {slot.content_type} "
                "declared to hireMediaUrl",
                service_error_code=SERVICE_ERROR_INVALID_FIELD,
            )
        if not request.body:
            raise bad_request("resume file is empty")
        del store.uploads[token]
        store.used_upload_tokens.add(token)
        store.resumes[slot.resume_urn] = Resume(
            resume_urn=slot.resume_urn,
            integration_context=slot.integration_context,
            ats_candidate_id=slot.ats_candidate_id,
            data_provider=slot.data_provider,
            file_name=slot.file_name,
            content_type=sent_type,
            size=len(request.body),
            sha256=hashlib.sha256(request.body).hexdigest(),
        )
    _logger.debug(
        "stored resume %s for candidate %s in %s",
        slot.resume_urn,
        slot.ats_candidate_id,
        slot.integration_context,
    )
    return Response(201, headers={"X-RestLi-Id": slot.resume_urn})


def resume_as_dict(resume: Resume) -> dict[str, Any]:
    return {
        "atsCandidateId": resume.ats_candidate_id,
        "integrationContext": resume.integration_context,
        "dataProvider": resume.data_provider,
        "fileName": resume.file_name,
        "contentType": resume.content_type,
        "size": resume.size,
        "sha256": resume.sha256,
    }
