"""Tests for the resource table, per-backend overrides and the list of picks."""

import dataclasses

import pytest
from linkedin import resources
from linkedin.resources import PICKS, RESOURCES, resolve, validate_overrides

EXPECTED_NAMES = {
    "atsCandidates",
    "tcrmPipelines",
    "tcrmPipelineStages",
    "tcrmCandidatePipelines",
    "tcrmCandidatePipelineStages",
    "tcrmInteractions",
    "atsApplications",
    "simpleJobPostings",
    "simpleJobPostingTasks",
    "hireMediaUrl",
    "provisionedApplications",
    "atsIntegrations",
}


def test_table_names_every_resource():
    assert set(RESOURCES) == EXPECTED_NAMES
    for name, resource in RESOURCES.items():
        assert resource.name == name


@pytest.mark.parametrize(
    ("name", "api", "key_fields", "data_provider"),
    [
        (
            "atsCandidates",
            "v2",
            ("atsCandidateId", "integrationContext", "dataProvider"),
            "ATS",
        ),
        (
            "tcrmPipelines",
            "rest",
            ("tcrmPipelineId", "integrationContext", "dataProvider"),
            "PARTNER",
        ),
        (
            "tcrmPipelineStages",
            "v2",
            ("tcrmPipelineId", "tcrmStageId", "integrationContext", "dataProvider"),
            "PARTNER",
        ),
        (
            "tcrmCandidatePipelines",
            "v2",
            (
                "tcrmCandidateId",
                "tcrmPipelineId",
                "integrationContext",
                "dataProvider",
            ),
            "PARTNER",
        ),
        (
            "tcrmInteractions",
            "rest",
            ("tcrmInteractionId", "integrationContext", "dataProvider"),
            "PARTNER",
        ),
        (
            "atsApplications",
            "v2",
            ("atsJobApplicationId", "integrationContext", "dataProvider"),
            "ATS",
        ),
        ("simpleJobPostings", "v2", (), None),
        ("hireMediaUrl", "v2", (), "ATS"),
    ],
)
def test_table_matches_contract(name, api, key_fields, data_provider):
    resource = RESOURCES[name]
    assert resource.api == api
    assert resource.path == name
    assert resource.key_fields == key_fields
    assert resource.data_provider == data_provider
    assert resource.version is None
    assert 1 <= resource.batch_size <= 100


def test_constants():
    assert resources.DEFAULT_LINKEDIN_VERSION == "202604"
    assert resources.DEFAULT_API_BASE == "https://api.linkedin.com"
    assert resources.DEFAULT_OAUTH_BASE == "https://www.linkedin.com/oauth/v2"
    assert resources.QUERY_TUNNEL_THRESHOLD == 4000


def test_resource_is_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        RESOURCES["tcrmPipelines"].api = "v2"


def test_resolve_without_overrides():
    assert resolve("tcrmPipelines") is RESOURCES["tcrmPipelines"]
    assert resolve("tcrmPipelines", {}) is RESOURCES["tcrmPipelines"]
    assert (
        resolve("tcrmPipelines", {"atsCandidates": {"api": "rest"}})
        is (RESOURCES["tcrmPipelines"])
    )


def test_resolve_moves_resource_to_rest():
    overrides = {
        "tcrmPipelineStages": {
            "api": "rest",
            "version": "202610",
            "path": "tcrmPipelineStagesV2",
        }
    }
    resource = resolve("tcrmPipelineStages", overrides)
    assert resource.api == "rest"
    assert resource.version == "202610"
    assert resource.path == "tcrmPipelineStagesV2"
    assert resource.key_fields == RESOURCES["tcrmPipelineStages"].key_fields
    assert RESOURCES["tcrmPipelineStages"].api == "v2"


def test_resolve_accepts_revision_version():
    resource = resolve("tcrmPipelines", {"tcrmPipelines": {"version": "202604.01"}})
    assert resource.version == "202604.01"


def test_resolve_override_data_provider_and_batch_size():
    overrides = {"tcrmPipelines": {"data_provider": "ATS", "batch_size": 20}}
    resource = resolve("tcrmPipelines", overrides)
    assert resource.data_provider == "ATS"
    assert resource.batch_size == 20


def test_resolve_override_records_per_minute():
    overrides = {"atsCandidates": {"records_per_minute": 500}}
    assert resolve("atsCandidates", overrides).records_per_minute == 500
    assert resolve("tcrmPipelines", overrides).records_per_minute == 10_000
    assert RESOURCES["atsCandidates"].records_per_minute == 10_000


@pytest.mark.parametrize(
    ("override", "bad_value"),
    [
        ({"api": "v3"}, "'v3'"),
        ({"version": "2026-04"}, "'2026-04'"),
        ({"version": "202613"}, "'202613'"),
        ({"version": "20240101"}, "'20240101'"),
        ({"path": "/rest/tcrmPipelines"}, "'/rest/tcrmPipelines'"),
        ({"path": "rest/tcrmPipelines"}, "'rest/tcrmPipelines'"),
        ({"path": "tcrmPipelines?x=1"}, "'tcrmPipelines?x=1'"),
        ({"path": "https://example.invalid/x"}, "'https://example.invalid/x'"),
        ({"batch_size": 101}, "101"),
        ({"batch_size": 0}, "0"),
        ({"records_per_minute": 0}, "0"),
        ({"records_per_minute": -5}, "-5"),
        ({"records_per_minute": "500"}, "'500'"),
        ({"records_per_minute": True}, "True"),
        ({"data_provider": "partner"}, "'partner'"),
        ({"colour": "blue"}, "colour"),
    ],
)
def test_resolve_rejects_invalid_override(override, bad_value):
    with pytest.raises(ValueError) as info:
        resolve("tcrmPipelines", {"tcrmPipelines": override})
    assert "tcrmPipelines" in str(info.value)
    assert bad_value in str(info.value)


def test_resolve_rejects_version_on_v2():
    with pytest.raises(ValueError) as info:
        resolve("tcrmPipelineStages", {"tcrmPipelineStages": {"version": "202610"}})
    assert "tcrmPipelineStages" in str(info.value)
    assert "'202610'" in str(info.value)


def test_resolve_to_v2_drops_version():
    overrides = {"tcrmPipelines": {"api": "v2"}}
    assert resolve("tcrmPipelines", overrides).version is None


def test_resolve_unknown_resource():
    with pytest.raises(ValueError, match="'tcrmThings'"):
        resolve("tcrmThings")


def test_validate_overrides_unknown_resource():
    with pytest.raises(ValueError, match="'tcrmThings'"):
        validate_overrides({"tcrmThings": {"api": "rest"}})


def test_validate_overrides_not_a_mapping():
    with pytest.raises(ValueError, match="expected a mapping"):
        validate_overrides('{"tcrmPipelines": {}}')


def test_validate_overrides_accepts_empty():
    validate_overrides(None)
    validate_overrides({})
    validate_overrides({"tcrmInteractions": {"version": "202610"}})


def test_picks_are_unconfirmed_and_complete():
    assert len(PICKS) >= 10
    for pick in PICKS:
        assert pick.status == "unconfirmed"
        assert pick.subject
        assert pick.value
        assert pick.alternatives
    subjects = " ".join(pick.subject for pick in PICKS)
    for topic in (
        "dataProvider",
        "query string",
        "LinkedIn-Version",
        "error shape",
        "resume",
        "stage",
        "tcrmPipelines fields",
        "tcrmInteractions",
        "sourceCategory",
        "simpleJobPostingTasks",
    ):
        assert topic in subjects, topic
    values = " ".join(pick.value for pick in PICKS)
    assert "tcrmStageId" in values
    assert "202604" in values
    assert "PARTNER" in values
