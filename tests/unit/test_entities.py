import datetime as dt

import pytest
from linkedin import entities
from linkedin.resources import resolve

CTX = "urn:li:organization:123"
CREATED = dt.datetime(2025, 1, 2, 3, 4, 5)
CREATED_MS = 1735787045000


def test_make_key_field_order():
    key = entities.make_key(
        "tcrmCandidatePipelines", CTX, tcrmPipelineId=7, tcrmCandidateId=12
    )
    assert list(key) == [
        "tcrmCandidateId",
        "tcrmPipelineId",
        "integrationContext",
        "dataProvider",
    ]
    assert key["tcrmCandidateId"] == "12"
    assert key["dataProvider"] == "PARTNER"


def test_make_key_uses_backend_override():
    resource = resolve("atsCandidates", {"atsCandidates": {"data_provider": "PARTNER"}})
    key = entities.make_key(resource, CTX, atsCandidateId=5)
    assert key["dataProvider"] == "PARTNER"


def test_make_key_missing_field():
    with pytest.raises(KeyError, match="tcrmStageId"):
        entities.make_key("tcrmPipelineStages", CTX, tcrmPipelineId=1)


def test_candidate_entity_fields():
    entity = entities.candidate_entity(
        {
            "name": "Jan van der Berg",
            "email": " jan@example.com ",
            "phones": ["+31 20 123 4567", ""],
            "created": CREATED,
            "modified": "2025-02-01 00:00:00",
            "person_urn": "urn:li:person:abc",
        }
    )
    assert entity["firstName"] == "Jan"
    assert entity["lastName"] == "van der Berg"
    assert entity["emailAddresses"] == ["jan@example.com"]
    assert entity["phoneNumbers"] == [{"number": "+31 20 123 4567"}]
    assert entity["addresses"] == []
    assert entity["atsCreatedAt"] == CREATED_MS
    assert entity["atsLastModifiedAt"] > CREATED_MS
    assert entity["manualMatchedMember"] == "urn:li:person:abc"


def test_candidate_without_name_omits_first_name():
    entity = entities.candidate_entity({"name": "", "created": CREATED})
    assert "firstName" not in entity
    assert entity["emailAddresses"] == []


def test_candidate_malformed_email_sent_as_is():
    entity = entities.candidate_entity(
        {"name": "A B", "email": "a at b", "created": CREATED}
    )
    assert entity["emailAddresses"] == ["a at b"]


def test_modified_never_before_created():
    entity = entities.candidate_entity(
        {"name": "A B", "created": CREATED, "modified": "2020-01-01 00:00:00"}
    )
    assert entity["atsLastModifiedAt"] == CREATED_MS


@pytest.mark.parametrize(
    ("application", "expected"),
    [
        ({"source_name": "LinkedIn", "medium_name": "Email"}, ("LINKEDIN", "LinkedIn")),
        (
            {"source_name": "Friends", "source_category_override": "REFERRAL"},
            ("REFERRAL", "Friends"),
        ),
        ({"medium_name": "Facebook"}, ("SOCIAL_MEDIA", "Facebook")),
        ({"arrived_by_email": True}, ("EMAIL", "Received by email")),
        ({}, ("OTHER", "Entered manually in the CRM")),
    ],
)
def test_candidate_source_precedence(application, expected):
    assert entities.candidate_source(application) == expected


def test_refused_application_has_disposition():
    entity = entities.candidate_pipeline_entity(
        {"stage_id": 4, "created": CREATED, "active": False}
    )
    assert entity["dispositionReason"] == "Refused in the CRM"
    assert entity["tcrmStageId"] == "4"


def test_active_application_has_no_disposition():
    entity = entities.candidate_pipeline_entity(
        {"stage_id": 4, "created": CREATED, "active": True}
    )
    assert "dispositionReason" not in entity


def test_interaction_pipeline_is_applicant_job():
    entity = entities.interaction_entity(
        {"candidate_id": 9, "job_id": 3, "content": "Called", "created": CREATED}
    )
    assert entity["tcrmCandidateId"] == "9"
    assert entity["tcrmPipelineId"] == "3"
    assert entity["interactionType"] == "NOTE"


def test_interaction_without_job_has_no_pipeline():
    entity = entities.interaction_entity(
        {"candidate_id": 9, "job_id": None, "content": "x", "created": CREATED}
    )
    assert "tcrmPipelineId" not in entity


def test_closed_job_posted_closed():
    element = entities.job_posting_element(
        {
            "id": 5,
            "name": "Dev",
            "recruiting": False,
            "created": CREATED,
            "city": "Gent",
        },
        CTX,
    )
    assert element["state"] == "CLOSED"
    assert element["externalJobPostingId"] == "5"
    assert element["location"] == "Gent"


def test_pipeline_location_and_state():
    entity = entities.pipeline_entity(
        {
            "id": 5,
            "name": "Dev",
            "recruiting": True,
            "created": CREATED,
            "city": "Gent",
            "country": "Belgium",
            "owner_email": "Boss@Example.com",
        }
    )
    assert entity["locations"] == ["Gent, Belgium"]
    assert entity["state"] == "OPEN"
    assert entity["ownerEmailAddress"] == "boss@example.com"


@pytest.mark.parametrize(
    ("mimetype", "size", "fragment"),
    [
        ("image/png", 100, "PDF, DOC or TXT"),
        ("application/pdf", 10 * 1024 * 1024 + 1, "10 MB"),
        ("text/plain", 0, "empty"),
    ],
)
def test_resume_problem(mimetype, size, fragment):
    assert fragment in entities.resume_problem("cv", mimetype, size)


def test_resume_accepted():
    assert (
        entities.resume_problem("cv.doc", "application/msword", 10 * 1024 * 1024)
        is None
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Ann <ann@example.com>", "ann@example.com"),
        ("  bob@example.org ", "bob@example.org"),
        ("bad at mail", "bad at mail"),
        (None, ""),
    ],
)
def test_clean_email(value, expected):
    assert entities.clean_email(value) == expected


def _application(**changes):
    application = {
        "id": 41,
        "candidate_id": 7,
        "job_id": 3,
        "job_name": "Python Developer",
        "name": "Ana María García",
        "email": "Ana García <ana@example.com>",
        "created": CREATED,
        "modified": "2025-01-05 00:00:00",
        "active": True,
        "source_name": "LinkedIn",
        "stage_name": "Interview",
        "stage_changes": [
            {"stage": "New", "changed_at": CREATED},
            {"stage": "Interview", "changed_at": "2025-01-03 00:00:00"},
        ],
    }
    application.update(changes)
    return application


def test_application_entity_fields():
    entity = entities.application_entity(_application())
    assert entity["atsCandidateId"] == "7"
    assert entity["atsJobPostingId"] == "3"
    assert entity["atsJobPostingName"] == "Python Developer"
    assert entity["firstName"] == "Ana María"
    assert entity["lastName"] == "García"
    assert entity["candidateEmail"] == "ana@example.com"
    assert entity["source"] == "LinkedIn"
    assert entity["atsCreatedAt"] == CREATED_MS
    assert entity["atsLastModifiedAt"] == 1736035200000
    assert "dispositionReason" not in entity
    assert entities.application_id(41) == "41"


def test_application_stages_oldest_first():
    entity = entities.application_entity(_application())
    assert entity["stages"] == [
        {"stage": "New", "atsCreatedAt": CREATED_MS},
        {"stage": "Interview", "atsCreatedAt": 1735862400000},
    ]


def test_application_current_stage_appended():
    application = _application(stage_name="Offer")
    stages = entities.application_stages(application)
    assert [entry["stage"] for entry in stages] == ["New", "Interview", "Offer"]
    assert stages[-1]["atsCreatedAt"] == 1736035200000


def test_application_without_history():
    stages = entities.application_stages(_application(stage_changes=[]))
    assert stages == [{"stage": "Interview", "atsCreatedAt": CREATED_MS}]


def test_application_first_stage_from_move():
    moves = [
        {
            "stage": "Interview",
            "previous_stage": "New",
            "changed_at": "2025-01-03 00:00:00",
        }
    ]
    stages = entities.application_stages(_application(stage_changes=moves))
    assert stages == [
        {"stage": "New", "atsCreatedAt": CREATED_MS},
        {"stage": "Interview", "atsCreatedAt": 1735862400000},
    ]


def test_application_stage_after_history():
    # A modification date older than the last change never reorders stages.
    stages = entities.application_stages(
        _application(stage_name="Offer", modified="2025-01-01 00:00:00")
    )
    assert stages[-1] == {"stage": "Offer", "atsCreatedAt": 1735862400000}


def test_application_refused_has_disposition():
    entity = entities.application_entity(_application(active=False))
    assert entity["dispositionReason"] == "Refused in the CRM"
    reason = entities.application_entity(
        _application(active=False, refuse_reason="Salary too high")
    )
    assert reason["dispositionReason"] == "Salary too high"


def test_application_omits_empty_name_and_email():
    entity = entities.application_entity(
        _application(name="", email="", source_name=None, stage_name=None)
    )
    assert "firstName" not in entity
    assert "lastName" not in entity
    assert "candidateEmail" not in entity
    assert entity["source"] == "Entered manually in the CRM"


def test_application_key_is_applicant_id():
    key = entities.make_key("atsApplications", CTX, atsJobApplicationId=41)
    assert key == {
        "atsJobApplicationId": "41",
        "integrationContext": CTX,
        "dataProvider": "ATS",
    }
