from . import (
    hr_applicant,
    hr_recruitment_stage,
    linkedin_backend,
    linkedin_binding,
    linkedin_candidate,
    linkedin_exporter,
    linkedin_request_log,
    linkedin_resource_setting,
    linkedin_token,
    utm_source,
)
