"""Job postings: ``simpleJobPostings`` BATCH_CREATE and task polling.

LinkedIn processes job postings asynchronously: BATCH_CREATE returns a task
id per element and the client polls ``simpleJobPostingTasks`` until each
task ends. The sandbox decides a task's final state when the job is posted
and returns ``IN_PROGRESS`` on the first poll of the task, then the final
state on every later poll.

Where a job fails:

- An element that is not an object, or whose ``integrationContext`` or
  ``externalJobPostingId`` is missing or invalid, cannot be identified, so
  it fails in the BATCH_CREATE response: ``{"status": 400, "error": ...}``
  and no task.
- Any other invalid data (a missing or empty title, a title over 200
  characters, a missing description, an unknown enum value or field) fails
  in the task: ``FAILED`` with a message naming the field. The job is not
  held, and a job held from an earlier post stays as it was.

A valid job is held at once under (integrationContext, externalJobPostingId).
A second post with the same pair replaces it, which is how a client closes
a job (``state: CLOSED``).
"""

from __future__ import annotations

import copy
import logging
from typing import Any

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
from .errors import SERVICE_ERROR_INVALID_FIELD, SERVICE_ERROR_NOT_FOUND
from .restli import (
    MAX_ENTITIES_PER_REQUEST,
    parse_simple_ids,
    split_query,
    too_many_entities,
)
from .schema import JOB_FIELDS, JOB_IDENTITY_FIELDS, JOB_REQUIRED, validate_fields
from .wire import Response

_logger = logging.getLogger(__name__)

TASK_IN_PROGRESS = "IN_PROGRESS"
TASK_SUCCEEDED = "SUCCEEDED"
TASK_FAILED = "FAILED"


def handle_job_postings(call: ApiCall) -> Response:
    if call.effective.method != "POST":
        raise method_not_allowed(call, ("POST",))
    require_restli_method(call, "BATCH_CREATE", required=True)
    if call.effective.raw_query:
        raise bad_request("BATCH_CREATE on simpleJobPostings takes no query string")
    body = read_json_object(call)
    require_only_fields(body, ("elements",))
    elements = body.get("elements")
    if not isinstance(elements, list) or not elements:
        raise bad_request("request body must have a non-empty 'elements' list")
    if len(elements) > MAX_ENTITIES_PER_REQUEST:
        raise too_many_entities(len(elements))

    call.admit(len(elements))
    responses = [
        _post_job(call, f"elements[{index}]", element)
        for index, element in enumerate(elements)
    ]
    return Response(200, {"elements": responses}, entities=len(elements))


def _post_job(call: ApiCall, path: str, element: Any) -> dict[str, Any]:
    if not isinstance(element, dict):
        errors = [f"{path}: expected an object"]
    else:
        identity = {
            name: element[name] for name in JOB_IDENTITY_FIELDS if name in element
        }
        errors = validate_fields(
            identity, JOB_IDENTITY_FIELDS, tuple(JOB_IDENTITY_FIELDS)
        )
    if errors:
        message = "; ".join(errors)
        _logger.info("rejected simpleJobPostings %s: 400 %s", path, message)
        return {
            "status": 400,
            "error": entity_error(400, SERVICE_ERROR_INVALID_FIELD, message),
        }

    store = call.state.store
    errors = validate_fields(element, JOB_FIELDS, JOB_REQUIRED)
    with store.lock:
        if errors:
            message = "; ".join(errors)
            _logger.info(
                "job %s in %s is invalid, so its task will end FAILED: %s",
                element["externalJobPostingId"],
                element["integrationContext"],
                message,
            )
            final, task_message = TASK_FAILED, message
        else:
            store.put_job(copy.deepcopy(element))
            final, task_message = TASK_SUCCEEDED, None
        task = store.add_task(
            element["externalJobPostingId"],
            element["integrationContext"],
            final,
            task_message,
        )
    return {"status": 201, "id": task.task_id}


def handle_job_tasks(call: ApiCall) -> Response:
    """Return each task's state: IN_PROGRESS on its first poll, then final."""
    if call.effective.method != "GET":
        raise method_not_allowed(call, ("GET",))
    require_restli_method(call, "BATCH_GET", required=False)
    require_no_body(call)
    task_ids = list(
        dict.fromkeys(parse_simple_ids(split_query(call.effective.raw_query)))
    )
    call.admit(len(task_ids))

    results: dict[str, Any] = {}
    statuses: dict[str, int] = {}
    errors: dict[str, Any] = {}
    store = call.state.store
    with store.lock:
        for task_id in task_ids:
            task = store.tasks.get(task_id)
            if task is None:
                statuses[task_id] = 404
                errors[task_id] = entity_error(
                    404, SERVICE_ERROR_NOT_FOUND, f"task {task_id} not found"
                )
                continue
            task.polls += 1
            result: dict[str, Any] = {
                "status": TASK_IN_PROGRESS if task.polls == 1 else task.final_status,
                "externalJobPostingId": task.external_job_posting_id,
            }
            if result["status"] == TASK_FAILED:
                result["message"] = task.message
            results[task_id] = result
            statuses[task_id] = 200
    body = {"results": results, "statuses": statuses, "errors": errors}
    return Response(200, body, entities=len(task_ids))
