"""Build LinkedIn CRM Connect keys and entities from plain records.

Callers pass plain dicts read from the CRM (the Odoo side reads them in bulk);
nothing here touches a database or the network, so the mapping is tested on
its own and reused by any port of the add-on. The field names sent are those
of the wire contract (``docs/wire-contract.md``); values LinkedIn has not
confirmed are marked as picks in ``resources.PICKS``.
"""

from email.utils import parseaddr

from .mapping import (
    is_valid_email,
    normalize_email,
    resolve_source_category,
    resolve_stage_category,
    split_name,
    to_epoch_ms,
)
from .resources import RESOURCES, RESUME_CONTENT_TYPES, RESUME_MAX_BYTES

#: Maximum job title length LinkedIn accepts on ``simpleJobPostings``.
JOB_TITLE_MAX = 200


def clean_email(value):
    """Return the address part of an email header value, trimmed.

    Odoo's mail gateway stores ``Name <address>``; a value without angle
    brackets is returned as it is (trimmed), malformed or not.
    """
    value = (value or "").strip()
    if "<" in value and value.endswith(">"):
        return parseaddr(value)[1] or value
    return value


def make_key(resource, integration_context, **ids):
    """Return the compound key of one entity as an ordered dict of key fields.

    ``resource`` is a ``Resource`` as resolved for the backend (so a
    per-backend ``dataProvider`` override applies) or a resource name, which
    takes the table's definition. ``ids`` contains the resource's own id fields
    (for example ``tcrmPipelineId``). Raises ``KeyError`` naming a key field
    that was not given.
    """
    if isinstance(resource, str):
        resource = RESOURCES[resource]
    values = dict(ids)
    values["integrationContext"] = integration_context
    if resource.data_provider:
        values["dataProvider"] = resource.data_provider
    key = {}
    for field in resource.key_fields:
        if field not in values:
            raise KeyError(
                "key field %s missing for resource %s" % (field, resource.name)
            )
        key[field] = str(values[field])
    return key


def candidate_id(candidate_db_id):
    """Return the LinkedIn candidate id of a CRM person (stable across syncs)."""
    return str(candidate_db_id)


def candidate_entity(person):
    """Map a person to an ``atsCandidates`` entity.

    ``person`` has ``name``, ``email``, ``phones`` (list), ``created``,
    ``modified`` (datetimes or Odoo datetime strings, UTC), and optional
    ``person_urn``, ``company_name``, ``job_title``, ``profile_url``. The email
    is sent as stored (trimmed) even when malformed, so LinkedIn's own
    validation message reaches the recruiter.
    """
    first, last = split_name(person.get("name") or "")
    created = to_epoch_ms(person["created"])
    modified = max(created, to_epoch_ms(person.get("modified") or person["created"]))
    email = (person.get("email") or "").strip()
    entity = {
        "firstName": first,
        "lastName": last,
        "emailAddresses": [email] if email else [],
        "phoneNumbers": [
            {"number": phone.strip()} for phone in person.get("phones") or [] if phone
        ],
        "addresses": [],
        "atsCreatedAt": created,
        "atsLastModifiedAt": modified,
    }
    if not first:
        # LinkedIn requires firstName; leaving it out lets LinkedIn reject
        # this candidate alone with its own message.
        del entity["firstName"]
    for source, target in (
        ("company_name", "currentCompanyName"),
        ("job_title", "currentJobTitle"),
        ("profile_url", "externalProfileUrl"),
        ("person_urn", "manualMatchedMember"),
    ):
        if person.get(source):
            entity[target] = person[source]
    return entity


def job_location(job):
    """Return ``"City, Country"`` for a job, or an empty string when unknown."""
    parts = [job.get("city"), job.get("country")]
    return ", ".join(part for part in parts if part)


def job_posting_element(job, integration_context):
    """Map an ``hr.job`` to a ``simpleJobPostings`` element.

    A job that is not recruiting is posted as ``CLOSED``; LinkedIn closes a
    job by a new post of the same ``externalJobPostingId``.
    """
    element = {
        "integrationContext": integration_context,
        "externalJobPostingId": str(job["id"]),
        "title": (job.get("name") or "")[:JOB_TITLE_MAX],
        "description": job.get("description") or job.get("name") or "",
        "availability": "PRIVATE_TO_ATS_INTEGRATION",
        "state": "LISTED" if job.get("recruiting") else "CLOSED",
        "listedAt": to_epoch_ms(job["created"]),
    }
    location = job_location(job)
    if location:
        element["location"] = location
    if job.get("apply_url"):
        element["companyApplyUrl"] = job["apply_url"]
    return element


def pipeline_entity(job):
    """Map an ``hr.job`` to a ``tcrmPipelines`` entity.

    Recommended Matches needs a title and a location on every pipeline, so the company's city is used when the job has no address of its own.
    """
    created = to_epoch_ms(job["created"])
    entity = {
        "title": job.get("name") or "",
        "description": job.get("description") or "",
        "externalJobPostingIds": [str(job["id"])],
        "locations": [job_location(job)] if job_location(job) else [],
        "accessRestricted": bool(job.get("access_restricted")),
        "state": "OPEN" if job.get("recruiting") else "CLOSED",
        "tcrmCreatedAt": created,
        "tcrmLastModifiedAt": max(
            created, to_epoch_ms(job.get("modified") or job["created"])
        ),
    }
    if job.get("owner_email") and is_valid_email(job["owner_email"]):
        entity["ownerEmailAddress"] = normalize_email(job["owner_email"])
    return entity


def stage_entity(stage):
    """Map an ``hr.recruitment.stage`` to a ``tcrmPipelineStages`` entity."""
    return {
        "stageCategory": resolve_stage_category(
            stage.get("name") or "", stage.get("category_override") or None
        ),
        "stageDetails": stage.get("name") or "",
        "tcrmCreatedAt": to_epoch_ms(stage["created"]),
    }


def candidate_source(application):
    """Return ``(sourceCategory, sourceDetails)`` for one application.

    The applicant's Source wins, then its Medium, then how it arrived: by the
    job's mail alias (``EMAIL``) or typed in by a recruiter (``OTHER``, with
    details saying so). A source's per-record override beats the name rules.
    """
    if application.get("source_name"):
        category = resolve_source_category(
            application["source_name"],
            application.get("source_category_override") or None,
        )
        return category, application["source_name"]
    if application.get("medium_name"):
        return resolve_source_category(application["medium_name"]), application[
            "medium_name"
        ]
    if application.get("arrived_by_email"):
        return "EMAIL", "Received by email"
    return "OTHER", "Entered manually in the CRM"


def candidate_pipeline_entity(application):
    """Map an application to a ``tcrmCandidatePipelines`` entity.

    ``application`` has ``stage_id``, ``created``, ``active`` and the source
    fields read by ``candidate_source``. A refused (archived) application
    keeps its candidate pipeline with a ``dispositionReason``.
    """
    category, details = candidate_source(application)
    entity = {
        "sources": {"sourceCategory": category, "sourceDetails": details},
        "tcrmCreatedAt": to_epoch_ms(application["created"]),
    }
    if application.get("stage_id"):
        entity["tcrmStageId"] = str(application["stage_id"])
    if not application.get("active", True):
        entity["dispositionReason"] = (
            application.get("refuse_reason") or "Refused in the CRM"
        )
    return entity


def application_id(applicant_db_id):
    """Return the ``atsJobApplicationId`` of a CRM application (its own id)."""
    return str(applicant_db_id)


def application_stages(application):
    """Return the ``stages`` array of an application, oldest first.

    ``application`` has ``created``, ``modified``, ``stage_name`` (the
    current stage, or empty) and ``stage_changes``: the recorded moves in the
    order they happened, each ``{"stage", "changed_at"}`` with an optional
    ``previous_stage``. The first move's ``previous_stage`` is the stage the
    application entered at ``created``. The last entry is the current stage:
    when the moves end elsewhere (a move never recorded), the current stage
    is appended, entered at ``modified``. With no move at all the current
    stage is entered at ``created``. Entries without a stage name are left
    out.
    """
    changes = application.get("stage_changes") or []
    stages = []
    if changes and changes[0].get("previous_stage"):
        stages.append(
            {
                "stage": changes[0]["previous_stage"],
                "atsCreatedAt": to_epoch_ms(application["created"]),
            }
        )
    stages.extend(
        {"stage": change["stage"], "atsCreatedAt": to_epoch_ms(change["changed_at"])}
        for change in changes
        if change.get("stage")
    )
    current = application.get("stage_name")
    if current and (not stages or stages[-1]["stage"] != current):
        if stages:
            entered = max(
                to_epoch_ms(application.get("modified") or application["created"]),
                stages[-1]["atsCreatedAt"],
            )
        else:
            entered = to_epoch_ms(application["created"])
        stages.append({"stage": current, "atsCreatedAt": entered})
    return stages


def application_entity(application):
    """Map an applicant with a job to an RSC ``atsApplications`` entity.

    ``application`` has ``candidate_id`` (its ``linkedin.candidate``),
    ``job_id``, ``job_name``, ``name`` (the person's full name), ``email``,
    ``created``, ``modified``, ``active``, optional ``refuse_reason``, the
    source fields read by ``candidate_source`` and the stage fields read by
    ``application_stages``. ``atsLastModifiedAt`` is the latest of the
    modification and the last stage entry, and never before ``atsCreatedAt``.
    A refused (archived) applicant keeps its application with a
    ``dispositionReason``. An empty name or email leaves its field out.
    """
    first, last = split_name(application.get("name") or "")
    created = to_epoch_ms(application["created"])
    stages = application_stages(application)
    modified = max(
        [created, to_epoch_ms(application.get("modified") or application["created"])]
        + [entry["atsCreatedAt"] for entry in stages]
    )
    _category, source = candidate_source(application)
    entity = {
        "atsCandidateId": candidate_id(application["candidate_id"]),
        "atsJobPostingId": str(application["job_id"]),
        "atsJobPostingName": application.get("job_name") or "",
        "source": source,
        "stages": stages,
        "atsCreatedAt": created,
        "atsLastModifiedAt": modified,
    }
    if first:
        entity["firstName"] = first
    if last:
        entity["lastName"] = last
    email = clean_email(application.get("email"))
    if email:
        entity["candidateEmail"] = email
    if not application.get("active", True):
        entity["dispositionReason"] = (
            application.get("refuse_reason") or "Refused in the CRM"
        )
    return entity


def stage_history_entity(change):
    """Map one stage change of an application to its stage history entity.

    ``change`` has ``stage_to_id``, ``stage_from_id`` (None for the first
    stage) and ``changed_at``.
    """
    entity = {
        "tcrmStageId": str(change["stage_to_id"]),
        "enteredAt": to_epoch_ms(change["changed_at"]),
    }
    if change.get("stage_from_id"):
        entity["previousStageId"] = str(change["stage_from_id"])
    return entity


def interaction_entity(message):
    """Map a note or email on an application to a ``tcrmInteractions`` entity.

    ``tcrmPipelineId`` is the application's job: the interaction happened in
    the context of that application, so Recruiter shows it under that
    pipeline. An application with no job sends no pipeline id.
    """
    created = to_epoch_ms(message["created"])
    entity = {
        "tcrmCandidateId": candidate_id(message["candidate_id"]),
        "interactionType": "EMAIL" if message.get("is_email") else "NOTE",
        "content": message.get("content") or "",
        "accessRestricted": False,
        "tcrmCreatedAt": created,
        "tcrmLastModifiedAt": max(
            created, to_epoch_ms(message.get("modified") or message["created"])
        ),
    }
    if message.get("job_id"):
        entity["tcrmPipelineId"] = str(message["job_id"])
    if message.get("author_name"):
        entity["authorName"] = message["author_name"]
    return entity


def resume_problem(file_name, mimetype, size):
    """Return why an attachment cannot be sent as a resume, or None when it can.

    The reason is a sentence a recruiter can act on.
    """
    if mimetype not in RESUME_CONTENT_TYPES:
        return (
            "Resume %r is of type %s; LinkedIn accepts PDF, DOC or TXT files only."
            % (file_name, mimetype or "unknown")
        )
    if size > RESUME_MAX_BYTES:
        return "Resume %r is %.1f MB; LinkedIn accepts files of at most 10 MB." % (
            file_name,
            size / (1024 * 1024),
        )
    if size == 0:
        return "Resume %r is empty." % (file_name,)
    return None
