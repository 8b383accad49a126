"""Define every LinkedIn resource the add-on calls and every unconfirmed value.

This module is the single place for paths, API families (``/v2/`` or
``/rest/``), ``LinkedIn-Version`` values, key fields and the values LinkedIn
has not confirmed publicly. A backend can override the path, API family,
version, ``dataProvider``, batch size and pacing limit (records a minute) of
a resource (see ``resolve``), so moving a resource from ``/v2/`` to
``/rest/`` or changing a version is a data change, not a code change.
"""

import re
from dataclasses import dataclass, replace
from types import MappingProxyType

DEFAULT_LINKEDIN_VERSION = "202604"
DEFAULT_API_BASE = "https://api.linkedin.com"
DEFAULT_OAUTH_BASE = "https://www.linkedin.com/oauth/v2"

#: Maximum length of an encoded query string sent in the URL. LinkedIn responds
#: with 414 above 4 KB, and its SDKs tunnel once the string exceeds 4,000 characters.
QUERY_TUNNEL_THRESHOLD = 4000

#: Maximum number of entities in one batch call, as documented by LinkedIn.
MAX_BATCH_SIZE = 100

#: Resume MIME types LinkedIn accepts (PDF, DOC, TXT) and the maximum size.
RESUME_CONTENT_TYPES = ("application/pdf", "application/msword", "text/plain")
RESUME_MAX_BYTES = 10 * 1024 * 1024

API_FAMILIES = ("v2", "rest")

# YYYYMM with a month of 01-12, optionally followed by a revision .RR.
_VERSION_PATTERN = re.compile(r"^\d{4}(0[1-9]|1[0-2])(\.\d{2})?$")
_PATH_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9_\-]*(/[A-Za-z0-9_\-]+)*$")
_DATA_PROVIDER_PATTERN = re.compile(r"^[A-Z][A-Z_]*$")

OVERRIDABLE_FIELDS = (
    "api",
    "version",
    "path",
    "data_provider",
    "batch_size",
    "records_per_minute",
)


@dataclass(frozen=True)
class Resource:
    """Definition of one LinkedIn resource as the client calls it.

    ``path`` is relative to the API family (``tcrmPipelines``, not
    ``/rest/tcrmPipelines``). ``version`` is the ``LinkedIn-Version`` sent to a
    ``/rest/`` resource; ``None`` means the client's default version, and a
    ``/v2/`` resource never sends one. ``key_fields`` lists the compound key
    fields in the order they are written to query strings and body keys.
    """

    name: str
    path: str
    api: str
    version: str | None
    key_fields: tuple[str, ...]
    data_provider: str | None
    records_per_minute: int
    requests_per_day: int
    batch_size: int = MAX_BATCH_SIZE


def _tcrm_resource(name, api, key_fields):
    # LinkedIn documents 100,000 requests a day (UTC) and 10,000 records a
    # minute for each tcrm* resource.
    return Resource(
        name=name,
        path=name,
        api=api,
        version=None,
        key_fields=key_fields,
        data_provider="PARTNER",
        records_per_minute=10_000,
        requests_per_day=100_000,
    )


RESOURCES = MappingProxyType(
    {
        "atsCandidates": Resource(
            name="atsCandidates",
            path="atsCandidates",
            api="v2",
            version=None,
            key_fields=("atsCandidateId", "integrationContext", "dataProvider"),
            data_provider="ATS",
            records_per_minute=10_000,
            requests_per_day=100_000,
        ),
        "tcrmPipelines": _tcrm_resource(
            "tcrmPipelines",
            "rest",
            ("tcrmPipelineId", "integrationContext", "dataProvider"),
        ),
        "tcrmPipelineStages": _tcrm_resource(
            "tcrmPipelineStages",
            "v2",
            ("tcrmPipelineId", "tcrmStageId", "integrationContext", "dataProvider"),
        ),
        "tcrmCandidatePipelines": _tcrm_resource(
            "tcrmCandidatePipelines",
            "v2",
            (
                "tcrmCandidateId",
                "tcrmPipelineId",
                "integrationContext",
                "dataProvider",
            ),
        ),
        "tcrmInteractions": _tcrm_resource(
            "tcrmInteractions",
            "rest",
            ("tcrmInteractionId", "integrationContext", "dataProvider"),
        ),
        # NOTE: LinkedIn names a "Candidate Pipeline Stage API" in its
        # certification but publishes no page for it; path, key and fields
        # are picks (see PICKS) awaiting LinkedIn's confirmation.
        "tcrmCandidatePipelineStages": _tcrm_resource(
            "tcrmCandidatePipelineStages",
            "v2",
            (
                "tcrmCandidateId",
                "tcrmPipelineId",
                "tcrmStageTransitionId",
                "integrationContext",
                "dataProvider",
            ),
        ),
        # Recruiter System Connect: one application per applicant of a job.
        # NOTE: LinkedIn publishes no limits for atsApplications; these copy
        # atsCandidates.
        "atsApplications": Resource(
            name="atsApplications",
            path="atsApplications",
            api="v2",
            version=None,
            key_fields=("atsJobApplicationId", "integrationContext", "dataProvider"),
            data_provider="ATS",
            records_per_minute=10_000,
            requests_per_day=100_000,
        ),
        "simpleJobPostings": Resource(
            name="simpleJobPostings",
            path="simpleJobPostings",
            api="v2",
            version=None,
            key_fields=(),
            data_provider=None,
            records_per_minute=10_000,
            requests_per_day=100_000,
        ),
        # NOTE: LinkedIn publishes no limits for task polls; these copy
        # simpleJobPostings.
        "simpleJobPostingTasks": Resource(
            name="simpleJobPostingTasks",
            path="simpleJobPostingTasks",
            api="v2",
            version=None,
            key_fields=(),
            data_provider=None,
            records_per_minute=10_000,
            requests_per_day=100_000,
        ),
        # Onboarding. provisionedApplications is called with the partner
        # application's token; LinkedIn publishes no limits for it, so these
        # copy atsCandidates. atsIntegrations has 5,000 requests a day.
        "provisionedApplications": Resource(
            name="provisionedApplications",
            path="provisionedApplications",
            api="v2",
            version=None,
            key_fields=(),
            data_provider=None,
            records_per_minute=10_000,
            requests_per_day=100_000,
        ),
        "atsIntegrations": Resource(
            name="atsIntegrations",
            path="atsIntegrations",
            api="v2",
            version=None,
            key_fields=(
                "integrationContext",
                "integrationType",
                "tenantType",
                "dataProvider",
            ),
            data_provider="ATS",
            records_per_minute=10_000,
            requests_per_day=5_000,
        ),
        # One resume per call. NOTE: LinkedIn publishes no daily or per-minute
        # limits for hireMediaUrl; these copy atsCandidates. The data_provider
        # is the one sent inside tcrmResumeParameters.
        "hireMediaUrl": Resource(
            name="hireMediaUrl",
            path="hireMediaUrl",
            api="v2",
            version=None,
            key_fields=(),
            data_provider="ATS",
            records_per_minute=10_000,
            requests_per_day=100_000,
            batch_size=1,
        ),
    }
)


def validate_version(version, resource_name):
    """Raise ValueError unless ``version`` has LinkedIn's YYYYMM[.RR] form."""
    if not isinstance(version, str) or not _VERSION_PATTERN.match(version):
        raise ValueError(
            f"Invalid LinkedIn-Version {version!r} for resource {resource_name}: "
            "use YYYYMM or YYYYMM.RR, for example 202604."
        )


def _validate_override(name, override):
    if not isinstance(override, dict):
        # ValueError like every other bad override, so callers catch one type.
        raise ValueError(  # noqa: TRY004
            f"Invalid override for resource {name}: expected a mapping of "
            f"settings, got {override!r}."
        )
    unknown = sorted(set(override) - set(OVERRIDABLE_FIELDS))
    if unknown:
        raise ValueError(
            f"Invalid override for resource {name}: unknown setting "
            f"{', '.join(unknown)}. Allowed: {', '.join(OVERRIDABLE_FIELDS)}."
        )

    api = override.get("api")
    if "api" in override and api not in API_FAMILIES:
        raise ValueError(
            f"Invalid api {api!r} for resource {name}: use 'v2' or 'rest'."
        )

    version = override.get("version")
    if version is not None:
        validate_version(version, name)

    if "path" in override:
        path = override["path"]
        if not isinstance(path, str) or not _PATH_PATTERN.match(path):
            raise ValueError(
                f"Invalid path {path!r} for resource {name}: use a relative "
                "path such as 'tcrmPipelines', without a leading slash, query "
                "or host."
            )
        if path.split("/", 1)[0] in API_FAMILIES:
            raise ValueError(
                f"Invalid path {path!r} for resource {name}: leave out the "
                "'v2/' or 'rest/' prefix and set 'api' instead."
            )

    if "data_provider" in override:
        data_provider = override["data_provider"]
        if not isinstance(data_provider, str) or not _DATA_PROVIDER_PATTERN.match(
            data_provider
        ):
            raise ValueError(
                f"Invalid data_provider {data_provider!r} for resource {name}: "
                "use an upper-case value such as 'PARTNER' or 'ATS'."
            )

    if "batch_size" in override:
        batch_size = override["batch_size"]
        if (
            isinstance(batch_size, bool)
            or not isinstance(batch_size, int)
            or not 1 <= batch_size <= MAX_BATCH_SIZE
        ):
            raise ValueError(
                f"Invalid batch_size {batch_size!r} for resource {name}: use a "
                f"whole number from 1 to {MAX_BATCH_SIZE}."
            )

    if "records_per_minute" in override:
        records_per_minute = override["records_per_minute"]
        if (
            isinstance(records_per_minute, bool)
            or not isinstance(records_per_minute, int)
            or records_per_minute < 1
        ):
            raise ValueError(
                f"Invalid records_per_minute {records_per_minute!r} for resource "
                f"{name}: use a whole number of at least 1, for example "
                f"{RESOURCES[name].records_per_minute}, the documented limit."
            )


def _check_overrides_type(overrides):
    if overrides is not None and not isinstance(overrides, dict):
        raise ValueError(
            f"Invalid resource overrides {overrides!r}: expected a mapping of "
            "resource names to settings."
        )


def validate_overrides(overrides):
    """Raise ValueError naming the resource and value of the first bad override.

    ``overrides`` maps resource names to settings, for example
    ``{"tcrmPipelineStages": {"api": "rest", "version": "202610"}}``. ``None``
    and an empty mapping are valid.
    """
    _check_overrides_type(overrides)
    for name in overrides or {}:
        if name not in RESOURCES:
            raise ValueError(
                f"Invalid override: unknown resource {name!r}. Known resources: "
                f"{', '.join(RESOURCES)}."
            )
        resolve(name, overrides)


def resolve(name, overrides=None):
    """Return the definition of resource ``name`` with the backend's overrides.

    Raises ValueError for an unknown resource name or an invalid override.
    Setting ``api`` to ``"v2"`` drops the table's version, because ``/v2/``
    resources are unversioned.
    """
    if name not in RESOURCES:
        raise ValueError(
            f"Unknown LinkedIn resource {name!r}. Known resources: "
            f"{', '.join(RESOURCES)}."
        )
    _check_overrides_type(overrides)
    resource = RESOURCES[name]
    override = (overrides or {}).get(name)
    if not override:
        return resource

    _validate_override(name, override)
    changes = dict(override)
    if changes.get("api") == "v2" and "version" not in changes:
        changes["version"] = None
    resolved = replace(resource, **changes)
    if resolved.api == "v2" and resolved.version is not None:
        raise ValueError(
            f"Invalid override for resource {name}: version {resolved.version!r} "
            "only applies to /rest/ resources, but the resource is under /v2/. "
            "Set 'api' to 'rest' or remove the version."
        )
    return resolved


@dataclass(frozen=True)
class Pick:
    """A value the add-on sends although LinkedIn has not confirmed it publicly.

    ``value`` is what the add-on sends. ``alternatives`` lists what LinkedIn
    may expect instead. Where the pick lives in this table, a backend override
    can change it.
    """

    subject: str
    value: str
    alternatives: tuple[str, ...]
    status: str = "unconfirmed"


PICKS = (
    Pick(
        subject="dataProvider of tcrmPipelines, tcrmPipelineStages, "
        "tcrmCandidatePipelines and tcrmInteractions",
        value="PARTNER (LinkedIn's CRM pages state it is fixed to PARTNER)",
        alternatives=("ATS, as LinkedIn's RSC samples use for ats* resources",),
    ),
    Pick(
        subject="dataProvider of atsCandidates and of resume uploads",
        value="ATS",
        alternatives=("PARTNER, as on the tcrm* resources",),
    ),
    Pick(
        subject="API family of each resource",
        value="/rest/ for tcrmPipelines and tcrmInteractions; /v2/ for the "
        "other resources",
        alternatives=(
            "/rest/ for every resource once LinkedIn retires its /v2/ Talent endpoints",
            "/rest/candidates in place of /v2/atsCandidates",
        ),
    ),
    Pick(
        subject="Compound key syntax in the query string",
        value="indexed form ids[0].tcrmPipelineId=12&ids[0].integrationContext="
        "urn%3Ali%3Aorganization%3A123&ids[0].dataProvider=PARTNER, as in "
        "LinkedIn's samples",
        alternatives=(
            (
                "Rest.li 2.0 form ids=List((tcrmPipelineId:12,integrationContext:"
                "urn%3Ali%3Aorganization%3A123,dataProvider:PARTNER))"
            ),
        ),
    ),
    Pick(
        subject="Default LinkedIn-Version for /rest/ resources",
        value=DEFAULT_LINKEDIN_VERSION,
        alternatives=(
            "202603 or 202504, the other versions shown in LinkedIn's pages",
            "a newer quarterly release",
        ),
    ),
    Pick(
        subject="Per-entity error shape in batch update and delete responses",
        value='an "errors" map keyed like "results", each value LinkedIn\'s '
        "error body (status, serviceErrorCode, message)",
        alternatives=(
            'only a non-2xx status in "results", without an "errors" map',
            'the error fields inside each "results" entry',
        ),
    ),
    Pick(
        subject="Link between a resume and its candidate",
        value="usageParameter.tcrmResumeParameters with atsCandidateId, "
        "integrationContext, dataProvider and fileName in the hireMediaUrl "
        "request; the response carries value.uploadUrl and value.resumeUrn",
        alternatives=(
            "the resume URN written to a field of the candidate entity",
            "tcrmCandidateId in place of atsCandidateId",
        ),
    ),
    Pick(
        subject="Current stage field of tcrmCandidatePipelines",
        value="tcrmStageId (LinkedIn removed it from its example in Nov 2023)",
        alternatives=(
            "a field under another name",
            "a separate candidate pipeline stage resource",
        ),
    ),
    Pick(
        subject="tcrmPipelines fields",
        value="title, state (OPEN | CLOSED), tcrmCreatedAt, tcrmLastModifiedAt",
        alternatives=(
            "another name for the title field",
            "no state field",
            "other names for the timestamps",
        ),
    ),
    Pick(
        subject="tcrmInteractions fields past tcrmCandidateId, tcrmPipelineId "
        "and accessRestricted",
        value="interactionType (NOTE | EMAIL), content, authorName, "
        "tcrmCreatedAt, tcrmLastModifiedAt",
        alternatives=(
            "more interactionType values",
            "other names for the content, author and timestamp fields",
        ),
    ),
    Pick(
        subject="sourceCategory values past LINKEDIN, EMAIL, SOCIAL_MEDIA, "
        "EVENT and CAREER_SITE",
        value="REFERRAL, AGENCY, JOB_BOARD, OTHER",
        alternatives=("other names for referral, agency and job board sources",),
    ),
    Pick(
        subject="simpleJobPostingTasks status values",
        value="IN_PROGRESS, SUCCEEDED, FAILED",
        alternatives=("other names for pending, done and failed tasks",),
    ),
    Pick(
        subject="Daily rate limit detection",
        value='a 429 whose message contains "DAY limit"',
        alternatives=("another message or a header marking the daily limit",),
    ),
    Pick(
        subject="candidate pipeline stage history resource",
        value="/v2/tcrmCandidatePipelineStages keyed by tcrmCandidateId, "
        "tcrmPipelineId, tcrmStageTransitionId, integrationContext and "
        "dataProvider, with tcrmStageId, previousStageId and enteredAt (epoch ms)",
        alternatives=(
            "a versioned /rest/ resource added after 2025",
            "a key of candidate, pipeline, stage and the time of the change",
        ),
    ),
    Pick(
        subject="Stages of atsApplications",
        value="a stages array inside the application entity: {stage: the stage "
        "name, atsCreatedAt: epoch ms of entering it}, oldest first, the last "
        "entry the current stage",
        alternatives=(
            (
                "the /atsApplications/{key}/stages sub-resource keyed by "
                "atsCreatedAt and stage"
            ),
            "a separate current stage field",
            "stage ids in place of stage names",
        ),
    ),
    Pick(
        subject="atsApplications resource and fields",
        value="/v2/atsApplications keyed by atsJobApplicationId (the applicant "
        "id), integrationContext and dataProvider ATS; source is the source "
        "name sent as sourceDetails on the candidate pipeline",
        alternatives=(
            "a versioned /rest/ resource",
            "a sourceCategory value in source",
        ),
    ),
    Pick(
        subject="Onboarding plugin callback argument",
        value="an array of {integrationType, integrationContext, tenantType, "
        "requestId}, one per granted integration",
        alternatives=(
            (
                "an object wrapping the array; linkedin/onboarding.parse_callback "
                "accepts the variants it lists"
            ),
        ),
    ),
    Pick(
        subject="Members of the CANDIDATE_RELATIONSHIP_MANAGEMENT bundle",
        value="CRM_ONE_CLICK_EXPORT, CRM_CSA_API (contract context), "
        "CRM_PROFILE_PLUGIN, CRM_RECOMMENDED_MATCHES, CRM_IN_CRM_INDICATOR",
        alternatives=("other CRM_* names further down LinkedIn's type list",),
    ),
    Pick(
        subject="Child application credentials in provisionedApplications answers",
        value="credentials.clientId and credentials.clientSecret",
        alternatives=("top-level clientId and clientSecret (also read)",),
    ),
    Pick(
        subject="Configurations of CRM_ONE_CLICK_EXPORT",
        value="CALLBACK_URL and JOB_POSTING_VIEWERS = ALL_PRODUCT_USERS, as for "
        "RSC's ONE_CLICK_EXPORT",
        alternatives=("CRM-specific configuration names",),
    ),
)
