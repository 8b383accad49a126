"""Compare what the LinkedIn sandbox stores with Odoo's data, after a soak.

What LinkedIn must hold is read here from Odoo's own tables with SQL of its
own, not through the add-on's exporter, and mapped with the add-on's
framework-free ``linkedin.entities`` functions. Per resource, a record is:

- **missing**: in Odoo, not held by the sandbox;
- **extra**: held by the sandbox, not in Odoo (deleted in Odoo, or never
  there);
- **stale**: held with data that differs from Odoo's current data, in the
  fields compared below;
- **duplicate**: a key that the sandbox lists more than once;
- **rejected**: missing or stale, but its current data is invalid for
  LinkedIn (a malformed email, no first name) or its candidate's is, and
  ``linkedin.binding`` records the failure with a message. These are
  reported apart and do not make the comparison unclean.

Timestamps (``atsLastModifiedAt`` and the like) are not compared, because
Odoo changes ``write_date`` for edits that LinkedIn never receives.
"""

import collections

from odoo.addons.linkedin_crm_connect.linkedin import entities
from odoo.addons.linkedin_crm_connect.linkedin.mapping import (
    is_valid_email,
    normalize_email,
    split_name,
)
from odoo.tools import html2plaintext

#: Compared resources: label, sandbox resource, binding entity type.
RESOURCES = (
    ("pipelines", "tcrmPipelines", "pipeline"),
    ("pipeline stages", "tcrmPipelineStages", "stage"),
    ("candidates", "atsCandidates", "candidate"),
    ("candidate pipelines", "tcrmCandidatePipelines", "candidate_pipeline"),
    ("stage history", "tcrmCandidatePipelineStages", "stage_history"),
    ("interactions", "tcrmInteractions", "interaction"),
)
#: Key fields that identify an entity of each resource, in local_ref order.
KEY_FIELDS = {
    "tcrmPipelines": ("tcrmPipelineId",),
    "tcrmPipelineStages": ("tcrmPipelineId", "tcrmStageId"),
    "atsCandidates": ("atsCandidateId",),
    "tcrmCandidatePipelines": ("tcrmCandidateId", "tcrmPipelineId"),
    "tcrmCandidatePipelineStages": (
        "tcrmCandidateId",
        "tcrmPipelineId",
        "tcrmStageTransitionId",
    ),
    "tcrmInteractions": ("tcrmInteractionId",),
}
#: The ``linkedin.binding`` local ref of the record with each key.
LOCAL_REF_OF = {
    "pipeline": lambda key: "job:%s" % key,
    "stage": lambda key: "job:%s:stage:%s" % key,
    "candidate": lambda key: "candidate:%s" % key,
    "candidate_pipeline": lambda key: "candidate:%s:job:%s" % key,
    "stage_history": lambda key: "history:%s" % key[2],
    "interaction": lambda key: "message:%s" % key,
}
#: How many differing records each resource lists as examples.
EXAMPLES = 3


class Expected:
    """One record LinkedIn must hold: compared fields and validity."""

    __slots__ = ("candidate_key", "fields", "invalid_reason")

    def __init__(self, fields, invalid_reason=None, candidate_key=None):
        self.fields = fields
        self.invalid_reason = invalid_reason
        self.candidate_key = candidate_key


def _rows(cr, sql, params=()):
    cr.execute(sql, params)
    names = [column[0] for column in cr.description]
    return [dict(zip(names, row)) for row in cr.fetchall()]


def expected_pipelines(cr, company_id):
    rows = _rows(cr, "SELECT id, name FROM hr_job WHERE company_id = %s", (company_id,))
    return {(str(row["id"]),): Expected({"title": row["name"] or ""}) for row in rows}


def expected_stages(cr, company_id):
    rows = _rows(
        cr,
        "SELECT j.id AS job_id, s.id AS stage_id, s.name FROM hr_job j"
        " JOIN hr_recruitment_stage s ON s.job_id IS NULL OR s.job_id = j.id"
        " WHERE j.company_id = %s",
        (company_id,),
    )
    return {
        (str(row["job_id"]), str(row["stage_id"])): Expected(
            {"stageDetails": row["name"] or ""}
        )
        for row in rows
    }


def _clean_phone(value):
    return (value or "").strip()


def expected_candidates(cr, company_id):
    """Candidates with at least one applicant, with the latest applicant's data.

    The name is that of the latest applicant (highest id), the email the
    latest one given on any applicant, the phones those of all applicants.
    """
    rows = _rows(
        cr,
        "SELECT c.id AS candidate_id, a.id AS applicant_id,"
        " COALESCE(NULLIF(trim(a.partner_name), ''), p.name) AS name,"
        " COALESCE(NULLIF(trim(a.email_from), ''), p.email) AS email,"
        " a.partner_phone, a.partner_mobile"
        " FROM linkedin_candidate c"
        " JOIN hr_applicant a ON a.linkedin_candidate_id = c.id"
        " LEFT JOIN res_partner p ON p.id = a.partner_id"
        " WHERE c.company_id = %s ORDER BY c.id, a.id",
        (company_id,),
    )
    applicants = collections.defaultdict(list)
    for row in rows:
        applicants[row["candidate_id"]].append(row)
    expected = {}
    for candidate_id, rows_of in applicants.items():
        latest = rows_of[-1]
        email = next((row["email"] for row in reversed(rows_of) if row["email"]), None)
        email = normalize_email(entities.clean_email(email or ""))
        phones = sorted(
            {
                _clean_phone(phone)
                for row in rows_of
                for phone in (row["partner_phone"], row["partner_mobile"])
                if _clean_phone(phone)
            }
        )
        first, last = split_name(latest["name"] or "")
        reason = None
        if not first:
            reason = "no name"
        elif email and not is_valid_email(email):
            reason = "malformed email %r" % email
        expected[(str(candidate_id),)] = Expected(
            {
                "firstName": first,
                "lastName": last,
                "emailAddresses": [email] if email else [],
                "phoneNumbers": phones,
            },
            reason,
        )
    return expected


def held_candidate_fields(entity):
    return {
        "firstName": entity.get("firstName", ""),
        "lastName": entity.get("lastName", ""),
        "emailAddresses": [
            normalize_email(value) for value in entity.get("emailAddresses", [])
        ],
        "phoneNumbers": sorted(
            _clean_phone(phone["number"]) for phone in entity.get("phoneNumbers", [])
        ),
    }


def expected_candidate_pipelines(cr, company_id):
    """Return one record per (candidate, job), from an active applicant first."""
    rows = _rows(
        cr,
        "SELECT DISTINCT ON (a.linkedin_candidate_id, a.job_id)"
        " a.linkedin_candidate_id AS candidate_id, a.job_id, a.stage_id, a.active,"
        " s.name AS source_name,"
        " s.linkedin_category_override AS source_category_override,"
        " m.name AS medium_name,"
        " (SELECT first.message_type = 'email' FROM mail_message first"
        "   WHERE first.model = 'hr.applicant' AND first.res_id = a.id"
        "   ORDER BY first.id LIMIT 1) AS arrived_by_email"
        " FROM hr_applicant a"
        " JOIN linkedin_candidate c ON c.id = a.linkedin_candidate_id"
        " JOIN hr_job j ON j.id = a.job_id AND j.company_id = c.company_id"
        " LEFT JOIN utm_source s ON s.id = a.source_id"
        " LEFT JOIN utm_medium m ON m.id = a.medium_id"
        " WHERE c.company_id = %s"
        " ORDER BY a.linkedin_candidate_id, a.job_id, a.active DESC, a.id DESC",
        (company_id,),
    )
    expected = {}
    for row in rows:
        category, details = entities.candidate_source(row)
        expected[(str(row["candidate_id"]), str(row["job_id"]))] = Expected(
            {
                "tcrmStageId": str(row["stage_id"]) if row["stage_id"] else None,
                "sources": {"sourceCategory": category, "sourceDetails": details},
                "refused": not row["active"],
            },
            candidate_key=(str(row["candidate_id"]),),
        )
    return expected


def held_candidate_pipeline_fields(entity):
    return {
        "tcrmStageId": entity.get("tcrmStageId"),
        "sources": entity.get("sources"),
        "refused": "dispositionReason" in entity,
    }


def expected_stage_history(cr, company_id):
    """Return one record per stage change that Odoo keeps with a stage."""
    rows = _rows(
        cr,
        "SELECT h.id, h.candidate_id, h.job_id, h.stage_from_id, h.stage_to_id"
        " FROM linkedin_stage_history h"
        " JOIN linkedin_candidate c ON c.id = h.candidate_id"
        " JOIN hr_job j ON j.id = h.job_id AND j.company_id = c.company_id"
        " WHERE c.company_id = %s AND h.stage_to_id IS NOT NULL",
        (company_id,),
    )
    return {
        (str(row["candidate_id"]), str(row["job_id"]), str(row["id"])): Expected(
            {
                "tcrmStageId": str(row["stage_to_id"]),
                "previousStageId": (
                    str(row["stage_from_id"]) if row["stage_from_id"] else None
                ),
            },
            candidate_key=(str(row["candidate_id"]),),
        )
        for row in rows
    }


def expected_interactions(cr, company_id):
    rows = _rows(
        cr,
        "SELECT m.id, m.body, m.message_type = 'email' AS is_email,"
        " a.linkedin_candidate_id AS candidate_id, j.id AS job_id"
        " FROM mail_message m"
        " JOIN hr_applicant a ON a.id = m.res_id AND m.model = 'hr.applicant'"
        " JOIN linkedin_candidate c ON c.id = a.linkedin_candidate_id"
        " LEFT JOIN hr_job j ON j.id = a.job_id AND j.company_id = c.company_id"
        " WHERE c.company_id = %s AND m.message_type IN ('comment', 'email')",
        (company_id,),
    )
    expected = {}
    for row in rows:
        content = html2plaintext(row["body"] or "").strip()
        if not content:
            continue
        expected[(str(row["id"]),)] = Expected(
            {
                "content": content,
                "interactionType": "EMAIL" if row["is_email"] else "NOTE",
                "tcrmCandidateId": str(row["candidate_id"]),
                "tcrmPipelineId": str(row["job_id"]) if row["job_id"] else None,
            },
            candidate_key=(str(row["candidate_id"]),),
        )
    return expected


def held_interaction_fields(entity):
    return {
        "content": entity.get("content"),
        "interactionType": entity.get("interactionType"),
        "tcrmCandidateId": entity.get("tcrmCandidateId"),
        "tcrmPipelineId": entity.get("tcrmPipelineId"),
    }


EXPECTED_OF = {
    "tcrmPipelines": expected_pipelines,
    "tcrmPipelineStages": expected_stages,
    "atsCandidates": expected_candidates,
    "tcrmCandidatePipelines": expected_candidate_pipelines,
    "tcrmCandidatePipelineStages": expected_stage_history,
    "tcrmInteractions": expected_interactions,
}
HELD_FIELDS_OF = {
    "tcrmPipelines": lambda entity: {"title": entity.get("title", "")},
    "tcrmPipelineStages": lambda entity: {
        "stageDetails": entity.get("stageDetails", "")
    },
    "atsCandidates": held_candidate_fields,
    "tcrmCandidatePipelines": held_candidate_pipeline_fields,
    "tcrmCandidatePipelineStages": lambda entity: {
        "tcrmStageId": entity.get("tcrmStageId"),
        "previousStageId": entity.get("previousStageId"),
    },
    "tcrmInteractions": held_interaction_fields,
}


def failed_bindings(cr, backend_id, entity_type):
    """Return ``{local_ref: message}`` of failed bindings that carry a message."""
    cr.execute(
        "SELECT local_ref, error_message FROM linkedin_binding"
        " WHERE backend_id = %s AND entity_type = %s AND state = 'failed'"
        " AND COALESCE(error_message, '') <> ''",
        (backend_id, entity_type),
    )
    return dict(cr.fetchall())


def compare(cr, backend_id, company_id, held_by_resource):
    """Return one result dict per resource, in ``RESOURCES`` order.

    ``held_by_resource`` maps each sandbox resource to the ``elements`` of
    ``GET /sandbox/entities`` for the backend's integrationContext.
    """
    candidates = expected_candidates(cr, company_id)
    results = []
    for label, resource, code in RESOURCES:
        expected = (
            candidates
            if resource == "atsCandidates"
            else EXPECTED_OF[resource](cr, company_id)
        )
        failed = failed_bindings(cr, backend_id, code)
        key_fields = KEY_FIELDS[resource]
        held = {}
        duplicates = 0
        for element in held_by_resource[resource]:
            key = tuple(str(element["key"][name]) for name in key_fields)
            if key in held:
                duplicates += 1
            held[key] = HELD_FIELDS_OF[resource](element["entity"])
        result = {
            "label": label,
            "resource": resource,
            "in_odoo": len(expected),
            "held": len(held),
            "missing": 0,
            "extra": 0,
            "stale": 0,
            "duplicates": duplicates,
            "rejected": 0,
            "examples": [],
        }
        for key, record in expected.items():
            held_fields = held.get(key)
            if held_fields == record.fields:
                continue
            problem = "missing" if held_fields is None else "stale"
            reason = record.invalid_reason
            if reason is None and record.candidate_key is not None:
                parent = candidates.get(record.candidate_key)
                if parent is not None and parent.invalid_reason:
                    reason = "candidate has " + parent.invalid_reason
            local_ref = LOCAL_REF_OF[code](key)
            if reason and local_ref in failed:
                result["rejected"] += 1
                continue
            result[problem] += 1
            if len(result["examples"]) < EXAMPLES:
                result["examples"].append(
                    {
                        "problem": problem,
                        "local_ref": local_ref,
                        "odoo": record.fields,
                        "linkedin": held_fields,
                        "binding_error": failed.get(local_ref),
                    }
                )
        for key, held_fields in held.items():
            if key not in expected:
                result["extra"] += 1
                if len(result["examples"]) < EXAMPLES:
                    result["examples"].append(
                        {
                            "problem": "extra",
                            "local_ref": LOCAL_REF_OF[code](key),
                            "linkedin": held_fields,
                        }
                    )
        result["clean"] = not (
            result["missing"] or result["extra"] or result["stale"] or duplicates
        )
        results.append(result)
    return results
