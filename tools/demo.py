"""Steps of the demo: load data, onboard a company, sync, print the parity table.

Run with the project's virtualenv Python, from ``bin/demo``:

    demo.py --config FILE --database DB load --count 1000
    demo.py --config FILE --database DB configure --sandbox-url URL [--base-url URL]
    demo.py --config FILE --database DB sync --sandbox-url URL

``sync`` exits 0 only when every Odoo record is either held by LinkedIn (the
sandbox's own count) or failed with a stated reason.
"""

import argparse
import collections
import sys
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))

import datagen
import load_applicants
import odoo_env

ORGANIZATION_URN = "urn:li:organization:1001"
CONTRACT_URN = "urn:li:contract:2001"
SECOND_CONTRACT_URN = "urn:li:contract:2002"
OTHER_ORGANIZATION_URN = "urn:li:organization:9009"
PARTNER_CLIENT_ID = "demo-partner"
PARTNER_CLIENT_SECRET = "demo-partner-secret/+="

#: Rows of the parity table: label, sandbox resource, binding entity type.
ROWS = [
    ("jobs", "simpleJobPostings", "job"),
    ("pipelines", "tcrmPipelines", "pipeline"),
    ("pipeline stages (job x stage)", "tcrmPipelineStages", "stage"),
    ("candidates (persons)", "atsCandidates", "candidate"),
    ("candidate pipelines", "tcrmCandidatePipelines", "candidate_pipeline"),
    ("stage history", "tcrmCandidatePipelineStages", "stage_history"),
    ("interactions", "tcrmInteractions", "interaction"),
    ("resumes", "resumes", "resume"),
]


def command_load(env, args):
    dataset = datagen.generate(args.count, seed=args.seed)
    company = env.ref("base.main_company")
    started = time.time()

    def progress(done, total):
        print("  loaded %d of %d applicants" % (done, total), flush=True)

    ids = load_applicants.load(env, dataset, company, progress=progress)
    print(
        "loaded %d generated applicants (%d persons) in %.1f s"
        % (
            len(ids),
            len({a.person_index for a in dataset.applications}),
            time.time() - started,
        )
    )
    return 0


def command_configure(env, args):
    """Onboard the main company as an admin does, against the sandbox.

    The partner application provisions the company's application. The
    sandbox's grant endpoint replaces a Recruiter admin's approval in the
    onboarding plugin, and its response goes through the same handler as
    the plugin's callback in the browser. The historical sync is then queued
    by the add-on itself.
    """
    url = args.sandbox_url.rstrip("/")
    response = requests.post(
        url + "/sandbox/clients",
        json={"client_id": PARTNER_CLIENT_ID, "client_secret": PARTNER_CLIENT_SECRET},
        timeout=(5, 30),
    )
    response.raise_for_status()
    env["ir.config_parameter"].sudo().set_param("web.base.url", args.base_url)
    company = env.ref("base.main_company")
    Backend = env["linkedin.backend"]
    values = {
        "name": "LinkedIn sandbox",
        "company_id": company.id,
        "api_base": url,
        "oauth_base": url + "/oauth/v2",
        "plugin_script_url": url + "/sandbox/plugins/in.js",
        "onboarding_widget_url": url + "/sandbox/plugins/onboarding-widget.js",
        "partner_client_id": PARTNER_CLIENT_ID,
        "partner_client_secret": PARTNER_CLIENT_SECRET,
        "pace_requests": not args.no_pacing,
    }
    backend = Backend.search([("company_id", "=", company.id)])
    if backend:
        backend.write(values)
    else:
        backend = Backend.create(values)

    backend.action_provision_application()
    print(
        "provisioned application %s (%s): %s"
        % (
            backend.provisioned_key,
            backend.application_name,
            backend.provisioning_message,
        )
    )
    backend.action_provision_application()
    print("provisioning again: %s" % backend.provisioning_message)

    service = env["linkedin.onboarding"]
    result = service.handle_callback(
        backend, _grant(url, backend, ORGANIZATION_URN, CONTRACT_URN)
    )
    print("onboarding plugin approved: %s" % result["message"])
    second = service.handle_callback(
        backend, _grant(url, backend, ORGANIZATION_URN, SECOND_CONTRACT_URN)
    )
    print("second contract, same organization: %s" % second["message"])
    other = service.handle_callback(
        backend, _grant(url, backend, OTHER_ORGANIZATION_URN, "urn:li:contract:9009")
    )
    print("contract of another organization: %s" % other["message"])
    for integration in backend.integration_ids:
        print(
            "  %-24s %-28s %s"
            % (
                integration.integration_type,
                integration.integration_context,
                integration.status,
            )
        )
    env.cr.commit()
    ready = (
        result["ok"]
        and second["ok"]
        and not other["ok"]
        and backend.state == "connected"
        and backend.sync_state == "queued"
    )
    return 0 if ready else 1


def _grant(url, backend, organization, contract):
    """Approve the CRM bundle in the sandbox, as the onboarding plugin does."""
    response = requests.post(
        url + "/sandbox/onboarding/grant",
        json={
            "client_id": backend.client_id,
            "organization_urn": organization,
            "contract_urn": contract,
            "integration_types": ["CANDIDATE_RELATIONSHIP_MANAGEMENT"],
        },
        timeout=(5, 30),
    )
    response.raise_for_status()
    return response.json()


def failure_reasons(env, backend, code, limit=3):
    """Return the most frequent failure messages of one entity type."""
    env.cr.execute(
        "SELECT error_message, count(*) FROM linkedin_binding"
        " WHERE backend_id = %s AND entity_type = %s AND state = 'failed'"
        " GROUP BY error_message ORDER BY count(*) DESC",
        (backend.id, code),
    )
    rows = env.cr.fetchall()
    grouped = collections.Counter()
    for message, count in rows:
        grouped[_reason_kind(message or "no message")] += count
    return grouped.most_common(limit)


def _reason_kind(message):
    """Fold messages that differ only by the record they name."""
    if message.startswith("Not sent:"):
        parent = message.split(" is not synced", 1)[0]
        return "Not sent: its %s failed" % " ".join(parent.split()[3:-1])
    for marker in ("' is not", "Resume '", "Resume "):
        if marker in message:
            if "PDF, DOC or TXT" in message:
                return "Resume type not accepted (PDF, DOC or TXT only)"
            if "10 MB" in message:
                return "Resume over 10 MB"
            if "email" in message:
                return "Email address not valid (x@x.x)"
    if "firstName" in message:
        return "Missing first name"
    return message[:70]


def command_sync(env, args):
    company = env.ref("base.main_company")
    backend = env["linkedin.backend"].search([("company_id", "=", company.id)])
    if not backend:
        print("no backend: run the configure step first", file=sys.stderr)
        return 2
    started = time.time()
    backend.run_historical_sync(commit=True)
    env.cr.commit()
    elapsed = time.time() - started
    print("historical sync: %s (%.1f s)" % (backend.sync_message, elapsed))

    held = requests.get(
        args.sandbox_url.rstrip("/") + "/sandbox/counts",
        params={"integrationContext": backend.organization_urn},
        timeout=(5, 30),
    ).json()
    in_odoo = env["linkedin.binding"].odoo_counts(company)
    states = env["linkedin.binding"].counts(backend)
    return print_parity(env, backend, in_odoo, held, states)


def print_parity(env, backend, in_odoo, held, states):
    header = "%-30s %9s %9s %7s  %s" % (
        "entity",
        "in Odoo",
        "LinkedIn",
        "failed",
        "reasons for the failures",
    )
    print()
    print(header)
    print("-" * len(header))
    balanced = True
    for label, resource, code in ROWS:
        failed = states.get(code, {}).get("failed", 0)
        held_count = held.get(resource, 0)
        reasons = failure_reasons(env, backend, code)
        reason_text = "; ".join("%s (%d)" % item for item in reasons)
        ok = in_odoo[code] == held_count + failed and (not failed or reasons)
        balanced = balanced and ok
        print(
            "%-30s %9d %9d %7d  %s%s"
            % (
                label,
                in_odoo[code],
                held_count,
                failed,
                reason_text,
                "" if ok else "  <-- MISMATCH",
            )
        )
    orphans = {name: n for name, n in held.get("orphans", {}).items() if n}
    if orphans:
        balanced = False
        print("orphans held by LinkedIn: %s" % orphans)
    print()
    if balanced:
        print("parity: every Odoo record is held by LinkedIn or failed with a reason")
        return 0
    print("parity: MISMATCH between Odoo and LinkedIn", file=sys.stderr)
    return 1


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", required=True, help="Odoo configuration file")
    parser.add_argument("--database", required=True, help="Odoo database name")
    commands = parser.add_subparsers(dest="command", required=True)
    load = commands.add_parser("load", help="add generated applicants")
    load.add_argument("--count", type=int, default=1000)
    load.add_argument("--seed", type=int, default=7)
    for name in ("configure", "sync"):
        sub = commands.add_parser(name)
        sub.add_argument("--sandbox-url", required=True)
        if name == "configure":
            sub.add_argument(
                "--base-url",
                default="http://127.0.0.1:8069",
                help="Odoo's web.base.url: the plugins' domain and the callbacks",
            )
            sub.add_argument(
                "--no-pacing",
                action="store_true",
                help="send without pacing (for benchmarks "
                "against a sandbox without rate limits)",
            )
    args = parser.parse_args(argv)

    odoo_env.init(args.config)
    handler = {
        "load": command_load,
        "configure": command_configure,
        "sync": command_sync,
    }[args.command]
    with odoo_env.environment(args.database) as env:
        return handler(env, args)


if __name__ == "__main__":
    sys.exit(main())
