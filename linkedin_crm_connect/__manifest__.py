{
    "name": "LinkedIn Talent CRM Connect",
    "summary": "Sync Odoo Recruitment with LinkedIn Recruiter through CRM Connect",
    "description": """
LinkedIn Talent CRM Connect for Odoo Recruitment
================================================

Keeps LinkedIn Recruiter's copy of the recruitment data (candidates, resumes,
pipelines, pipeline stages, candidate pipelines, interactions and jobs) equal
to Odoo's: a historical sync pushes everything once, in dependency order and
in batches of at most 100 records, and every record ends as synced or failed
with LinkedIn's message.

Authentication uses OAuth 2.0 client credentials with token reuse until
shortly before expiry, a new token on a 401, and a scheduled validity check
through token introspection.
""",
    "category": "Human Resources",
    "version": "11.0.1.0.0",
    "author": "linkedin_crm_connect contributors",
    "license": "LGPL-3",
    "depends": ["hr_recruitment"],
    "external_dependencies": {"python": ["requests"]},
    "data": [
        "security/linkedin_security.xml",
        "security/ir.model.access.csv",
        "data/ir_cron_data.xml",
        "views/linkedin_binding_views.xml",
        "views/linkedin_request_log_views.xml",
        "views/linkedin_backend_views.xml",
        "views/linkedin_outbox_views.xml",
        "views/linkedin_candidate_views.xml",
        "views/hr_applicant_views.xml",
        "views/hr_job_views.xml",
        "views/hr_recruitment_stage_views.xml",
        "views/hr_recruitment_source_views.xml",
        "views/linkedin_menus.xml",
        "views/linkedin_assets.xml",
    ],
    "uninstall_hook": "uninstall_hook",
    "installable": True,
    "application": False,
}
