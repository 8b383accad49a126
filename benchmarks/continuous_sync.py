"""Benchmark the continuous sync: hook cost, flush throughput, pacing, latency.

``benchmarks/continuous_sync.sh`` creates the databases, starts the sandbox
and Odoo, and runs these steps, each in its own process, with one results
file (JSON) passed from step to step:

    continuous_sync.py clone --source DB --target DB --filestore DIR
    continuous_sync.py drop --database DB --filestore DIR
    continuous_sync.py prepare --config FILE --database DB
    continuous_sync.py configure --config FILE --database DB --sandbox-url URL
    continuous_sync.py hooks --config FILE --database DB --plain-database DB \\
        --sandbox-url URL --run N
    continuous_sync.py pacing --config FILE --database DB --sandbox-url URL
    continuous_sync.py latency-setup --config FILE --database DB
    continuous_sync.py latency --config FILE --database DB --sandbox-url URL \\
        --odoo-log FILE
    continuous_sync.py report --page docs/benchmarks.md

``clone`` and ``drop`` connect with the PG* environment variables. The other
steps open the ORM with ``tools/odoo_env.py``. ``report`` lives in
``continuous_report.py`` and writes the figures between the markers of the
page.
"""

import argparse
import datetime as dt
import json
import os
import random
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import psycopg2
import requests
from psycopg2 import sql

REPOSITORY = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPOSITORY / "tools"))
sys.path.insert(0, str(REPOSITORY / "benchmarks"))

import continuous_report
import datagen
import load_applicants
import odoo_env
from bench_common import SandboxControl, machine_facts

CLIENT_ID = "continuous-bench"
CLIENT_SECRET = "continuous-secret"
LATENCY_CLIENT_ID = "continuous-latency"
ORGANIZATION_URN = "urn:li:organization:6001"
#: The latency step sends to its own integrationContext, so the sandbox's
#: entity list that it polls contains only the probed candidates.
LATENCY_ORGANIZATION_URN = "urn:li:organization:6002"
CONTRACT_URN = "urn:li:contract:2001"
#: ``end`` of tools/datagen.py, fixed so that every run loads the same data.
DATASET_END = dt.datetime(2026, 1, 1)
#: Records per minute that LinkedIn documents for the sync resources, which
#: the sandbox uses by default.
DOCUMENTED_RECORDS_PER_MINUTE = 10_000
#: The add-on's scheduled action that sends the outbox.
FLUSH_CRON = "linkedin_crm_connect.ir_cron_flush"
#: Scheduled actions left active on the Odoo server of the latency step. The
#: others are switched off, among them mail's weekly update notification,
#: which calls a server outside this machine.
LATENCY_CRONS = (
    FLUSH_CRON,
    "linkedin_crm_connect.ir_cron_check_tokens",
    "linkedin_crm_connect.ir_cron_historical_sync",
)


# -- results file --------------------------------------------------------------


def read_results(path):
    path = Path(path)
    return json.loads(path.read_text()) if path.exists() else {}


def update_results(path, **sections):
    """Store ``sections`` in the results file, keeping the other sections."""
    path = Path(path)
    results = read_results(path)
    results.update(sections)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")


def nested_delta(before, after):
    """Return ``{resource: {key: count}}`` of what ``after`` adds to ``before``."""
    delta = {}
    for resource, counts in after.items():
        old = before.get(resource, {})
        changed = {
            key: count - old.get(key, 0)
            for key, count in counts.items()
            if count != old.get(key, 0)
        }
        if changed:
            delta[resource] = changed
    return delta


# -- databases -----------------------------------------------------------------


def _postgres():
    connection = psycopg2.connect(dbname="postgres")
    connection.autocommit = True
    return connection


def _drop(cursor, filestore, name):
    cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
    shutil.rmtree(Path(filestore) / name, ignore_errors=True)


def command_clone(args):
    """Copy a database with CREATE DATABASE ... TEMPLATE, and its filestore."""
    started = time.perf_counter()
    connection = _postgres()
    with connection.cursor() as cursor:
        _drop(cursor, args.filestore, args.target)
        cursor.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                sql.Identifier(args.target), sql.Identifier(args.source)
            )
        )
    connection.close()
    source_files = Path(args.filestore) / args.source
    if source_files.is_dir():
        shutil.copytree(source_files, Path(args.filestore) / args.target)
    print(
        "db: copied %s to %s in %.1f s"
        % (args.source, args.target, time.perf_counter() - started)
    )
    return 0


def command_vacuum(args):
    """Vacuum and analyse a database, so that autovacuum has nothing due."""
    connection = psycopg2.connect(dbname=args.database)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")
    connection.close()
    return 0


def command_drop(args):
    connection = _postgres()
    with connection.cursor() as cursor:
        for name in args.database:
            _drop(cursor, args.filestore, name)
    connection.close()
    return 0


# -- data ----------------------------------------------------------------------


def generate_dataset(args):
    return datagen.generate(args.count, seed=args.seed, end=DATASET_END)


class References:
    """Ids of the jobs, stages, sources and mediums that the applicants use."""

    def __init__(self, env, dataset):
        company = env.ref("base.main_company")
        self.company_id = company.id
        self.jobs = load_applicants._job_ids(env, dataset, company)
        self.stages = load_applicants._by_name(
            env, "hr.recruitment.stage", datagen.ODOO_STAGES
        )
        self.sources = load_applicants._by_name(
            env, "utm.source", {a.source_name for a in dataset.applications}
        )
        self.mediums = load_applicants._by_name(
            env, "utm.medium", {a.medium_name for a in dataset.applications}
        )

    def applicant_values(self, application):
        return {
            "name": application.name,
            "partner_name": application.partner_name or False,
            "email_from": application.email_from or False,
            "partner_phone": application.partner_phone or False,
            "partner_mobile": application.partner_mobile or False,
            "job_id": self.jobs[application.job_index],
            "stage_id": self.stages[application.stage_name],
            "source_id": self.sources.get(application.source_name) or False,
            "medium_id": self.mediums.get(application.medium_name) or False,
            "company_id": self.company_id,
            "active": not application.refused,
        }

    def next_stage(self, stage_id):
        """Return the stage after ``stage_id`` in pipeline order; the last wraps."""
        order = [self.stages[name] for name in datagen.ODOO_STAGES]
        return order[(order.index(stage_id) + 1) % len(order)]


def command_prepare(args):
    """Create the jobs, stages, sources and mediums of the generated data."""
    dataset = generate_dataset(args)
    with odoo_env.environment(args.database) as env:
        References(env, dataset)
        env.cr.commit()
        machine = machine_facts(env)
    update_results(
        args.results,
        machine=machine,
        dataset={
            "applicants": len(dataset.applications),
            "persons": len({a.person_index for a in dataset.applications}),
            "jobs": len(dataset.jobs),
            "seed": args.seed,
        },
    )
    print(
        "prepared %d jobs for %d generated applicants"
        % (len(dataset.jobs), len(dataset.applications))
    )
    return 0


def command_configure(args):
    """Connect a backend to the sandbox and send the existing data once."""
    sandbox = SandboxControl(args.sandbox_url)
    sandbox.register_client(CLIENT_ID, CLIENT_SECRET)
    with odoo_env.environment(args.database) as env:
        company = env.ref("base.main_company")
        backend = env["linkedin.backend"].create(
            {
                "name": "LinkedIn sandbox",
                "company_id": company.id,
                "api_base": sandbox.url,
                "oauth_base": sandbox.url + "/oauth/v2",
                "client_id": CLIENT_ID,
                "client_secret": CLIENT_SECRET,
                "organization_urn": ORGANIZATION_URN,
                "contract_urn": CONTRACT_URN,
                "pace_requests": False,
            }
        )
        backend.action_test_connection()
        if backend.state != "connected":
            raise SystemExit(
                "error: backend connection to %s failed: %s"
                % (sandbox.url, backend.connection_message)
            )
        env.cr.commit()
        # The jobs, pipelines and stages that the new applicants refer to
        # must be on LinkedIn before their candidate pipelines are sent.
        started = time.perf_counter()
        backend.run_historical_sync(commit=True)
        seconds = time.perf_counter() - started
        print("historical sync: %s" % backend.sync_message)
        update_results(args.results, historical_sync_seconds=seconds)
    return 0


# -- hook cost and flush throughput --------------------------------------------


def batches(items, size):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def create_applicants(database, values, batch):
    """Create one applicant per dict, ``batch`` per transaction; return ids.

    Each transaction has its own cursor and environment, so its own ORM
    cache and prefetch set, as each HTTP request of the web client has.
    One environment for all of them would let the cache state of earlier
    transactions change the cost of later ones, and the flush clears that
    cache on the installed side only.
    """
    ids = []
    for chunk in batches(values, batch):
        with odoo_env.environment(database) as env:
            applicants = env["hr.applicant"].with_context(**load_applicants.QUIET)
            for vals in chunk:
                ids.append(applicants.create(vals).id)
    return ids


def move_applicants(database, moves, batch):
    """Write each ``(applicant id, stage id)`` with its own write call.

    Transactions are as in ``create_applicants``.
    """
    for chunk in batches(moves, batch):
        with odoo_env.environment(database) as env:
            applicants = env["hr.applicant"].with_context(**load_applicants.QUIET)
            for applicant_id, stage_id in chunk:
                applicants.browse(applicant_id).write({"stage_id": stage_id})


def outbox_states(env, backend):
    """Return ``{state: {entity_type: rows}}`` of the backend's outbox."""
    states = {}
    for code, by_state in env["linkedin.outbox"].sudo().counts(backend).items():
        for state, count in by_state.items():
            states.setdefault(state, {})[code] = count
    return states


def failure_reasons(env, backend, since_id):
    """Return ``[entity type, message, rows]`` of failed outbox rows after ``since_id``."""
    env.cr.execute(
        "SELECT entity_type, error_message, count(*) FROM linkedin_outbox"
        " WHERE backend_id = %s AND state = 'failed' AND id > %s"
        " GROUP BY 1, 2 ORDER BY 3 DESC",
        (backend.id, since_id),
    )
    return [list(row) for row in env.cr.fetchall()]


def measure_flush(database, sandbox, label):
    """Flush the backend's outbox once, in its own cursor as the cron does."""
    with odoo_env.environment(database) as env:
        return _measure_flush(env, env["linkedin.backend"].search([]), sandbox, label)


def _measure_flush(env, backend, sandbox, label):
    # The capture journal becomes outbox rows at the start of a flush. It is
    # ingested here first, timed, so the pending rows can be counted. Its
    # seconds count as flush time.
    started = time.perf_counter()
    journal_rows = env["linkedin.capture.journal"].ingest()
    env.cr.commit()
    ingest_seconds = time.perf_counter() - started
    # Rows that fail in this flush are the pending rows, numbered from here.
    env.cr.execute(
        "SELECT COALESCE(min(id), 0) FROM linkedin_outbox"
        " WHERE backend_id = %s AND state = 'pending'",
        (backend.id,),
    )
    first_pending_id = env.cr.fetchone()[0]
    pending = outbox_states(env, backend).get("pending", {})

    before = sandbox.stats()
    started = time.perf_counter()
    stats = env["linkedin.flusher"].flush(backend, commit=True)
    seconds = time.perf_counter() - started + ingest_seconds
    after = sandbox.stats()

    figures = {
        "label": label,
        "pending": pending,
        "rows": sum(pending.values()),
        "stats": stats,
        "seconds": seconds,
        "journal_rows": journal_rows,
        "ingest_seconds": ingest_seconds,
        "requests": nested_delta(before["requests"], after["requests"]),
        "statuses": nested_delta(before["statuses"], after["statuses"]),
        "failure_reasons": failure_reasons(env, backend, first_pending_id - 1),
        "left_pending": sum(outbox_states(env, backend).get("pending", {}).values()),
    }
    processed = stats["done"] + stats["failed"]
    print(
        "  flush after %s: %d journal rows ingested in %.2f s, %d rows pending,"
        " %d done, %d failed in %.2f s (%.0f rows/s), %d requests"
        % (
            label,
            journal_rows,
            ingest_seconds,
            figures["rows"],
            stats["done"],
            stats["failed"],
            seconds,
            processed / seconds if seconds else 0.0,
            sum(sum(m.values()) for m in figures["requests"].values()),
        ),
        flush=True,
    )
    return figures


def _hooks_figures(results_path, run, label):
    """Return the stored hook runs and the index of one run's figures, or None."""
    runs = read_results(results_path).get("hooks", [])
    for index, figures in enumerate(runs):
        if (figures["run"], figures["label"]) == (run, label):
            return runs, index
    return runs, None


def _store_hook_figures(results_path, figures):
    runs, index = _hooks_figures(results_path, figures["run"], figures["label"])
    if index is None:
        runs.append(figures)
    else:
        runs[index] = figures
    update_results(results_path, hooks=runs)


def run_paired(sides, work, count, batch):
    """Run ``work(database, start, stop)`` for both sides, alternating per batch.

    ``sides`` maps a label to its database. Batch ``i`` runs on one side and
    then on the other, and the order flips from one batch to the next, so
    both sides see the same drift in the machine's speed. Returns the
    seconds spent per side.
    """
    labels = list(sides)
    seconds = dict.fromkeys(labels, 0.0)
    for number, start in enumerate(range(0, count, batch)):
        for label in labels if number % 2 == 0 else labels[::-1]:
            started = time.perf_counter()
            work(label, start, min(start + batch, count))
            seconds[label] += time.perf_counter() - started
    return seconds


def _check_installed(database, expected):
    with odoo_env.environment(database) as env:
        installed = "linkedin.outbox" in env.registry
    if installed != expected:
        raise SystemExit(
            "error: database %s %s linkedin_crm_connect"
            % (database, "has" if installed else "lacks")
        )


def command_hooks(args):
    """Run one phase of the hook measurement.

    ``create`` times the creates and ``move`` moves each applicant that the
    create phase made to its next stage, on the database without the
    add-on (``--plain-database``) and the one with it (``--database``) in
    the same process, alternating batches (see ``run_paired``).
    ``flush-creates`` and ``flush-moves`` flush the installed database's
    outbox once. The shell script runs each phase in its own process, as
    Odoo runs a user's requests in a web worker and the flush in its cron
    worker. So the flush leaves neither objects nor caches in the process
    that times the hooks.
    """
    if args.phase.startswith("flush-"):
        _check_installed(args.database, True)
        runs, index = _hooks_figures(args.results, args.run, "installed")
        if index is None:
            raise SystemExit(
                "error: no create phase of run %d in %s" % (args.run, args.results)
            )
        sandbox = SandboxControl(args.sandbox_url)
        label = args.phase.split("-", 1)[1]
        runs[index]["flushes"].append(measure_flush(args.database, sandbox, label))
        update_results(args.results, hooks=runs)
        return 0

    if not args.plain_database:
        raise SystemExit("error: --phase %s needs --plain-database" % args.phase)
    sides = {"plain": args.plain_database, "installed": args.database}
    _check_installed(args.plain_database, False)
    _check_installed(args.database, True)
    dataset = generate_dataset(args)
    references = {}
    for label, database in sides.items():
        with odoo_env.environment(database) as env:
            references[label] = References(env, dataset)
    load = os.getloadavg()[0]

    if args.phase == "create":
        values = {
            label: [refs.applicant_values(a) for a in dataset.applications]
            for label, refs in references.items()
        }
        ids = {label: [] for label in sides}

        def work(label, start, stop):
            ids[label] += create_applicants(
                sides[label], values[label][start:stop], args.batch
            )

        seconds = run_paired(sides, work, len(dataset.applications), args.batch)
        for label in sides:
            _store_hook_figures(
                args.results,
                {
                    "run": args.run,
                    "label": label,
                    "batch": args.batch,
                    "load_before": load,
                    "create_seconds": seconds[label],
                    "creates": len(ids[label]),
                    "created_ids": [min(ids[label]), max(ids[label])],
                    "flushes": [],
                },
            )
            print(
                "  run %d, %s: %d creates in %.1f s"
                % (args.run, label, len(ids[label]), seconds[label]),
                flush=True,
            )
        return 0

    moves = {}
    stored = {}
    for label, database in sides.items():
        runs, index = _hooks_figures(args.results, args.run, label)
        if index is None:
            raise SystemExit(
                "error: no create phase of run %d, %s in %s"
                % (args.run, label, args.results)
            )
        stored[label] = runs[index]
        with odoo_env.environment(database) as env:
            env.cr.execute(
                "SELECT id, stage_id FROM hr_applicant"
                " WHERE id BETWEEN %s AND %s ORDER BY id",
                tuple(stored[label]["created_ids"]),
            )
            moves[label] = [
                (applicant_id, references[label].next_stage(stage_id))
                for applicant_id, stage_id in env.cr.fetchall()
            ]
    if len(moves["plain"]) != len(moves["installed"]):
        raise SystemExit(
            "error: %d applicants to move without the add-on, %d with it"
            % (len(moves["plain"]), len(moves["installed"]))
        )

    def work(label, start, stop):
        move_applicants(sides[label], moves[label][start:stop], args.batch)

    seconds = run_paired(sides, work, len(moves["plain"]), args.batch)
    for label in sides:
        figures = stored[label]
        figures["load_before_moves"] = load
        figures["move_seconds"] = seconds[label]
        figures["moves"] = len(moves[label])
        _store_hook_figures(args.results, figures)
        print(
            "  run %d, %s: %d moves in %.1f s"
            % (args.run, label, len(moves[label]), seconds[label]),
            flush=True,
        )
    return 0


# -- pacing --------------------------------------------------------------------


def set_records_per_minute(env, backend, limit):
    """Give every resource of ``backend`` a pacing limit of ``limit`` records a minute."""
    from odoo.addons.linkedin_crm_connect.linkedin import resources

    settings = {setting.resource: setting for setting in backend.resource_setting_ids}
    for name in resources.RESOURCES:
        if name in settings:
            settings[name].write({"records_per_minute": limit})
        else:
            env["linkedin.resource.setting"].create(
                {
                    "backend_id": backend.id,
                    "resource": name,
                    "records_per_minute": limit,
                }
            )


def record_batch_upserts(log):
    """Append ``(start time, records, outcome)`` of every batch upsert to ``log``."""
    from odoo.addons.linkedin_crm_connect.linkedin import client, errors

    original = client.LinkedInClient.batch_upsert

    def recorded(self, resource_name, items):
        started = time.time()
        try:
            result = original(self, resource_name, items)
        except errors.RateLimited:
            log.append((started, len(items), "429"))
            raise
        except errors.LinkedInError as exc:
            log.append((started, len(items), "error %s" % exc.status))
            raise
        log.append((started, len(items), "ok"))
        return result

    client.LinkedInClient.batch_upsert = recorded


def latest_applicants(env, backend, count):
    """Return ``[(applicant id, name)]``: the latest applicant of synced candidates.

    A candidate's name on LinkedIn comes from its latest applicant, so an
    edit of that applicant changes what is sent.
    """
    env.cr.execute(
        "SELECT DISTINCT ON (a.linkedin_candidate_id) a.id,"
        " COALESCE(NULLIF(trim(a.partner_name), ''), a.name)"
        " FROM hr_applicant a JOIN linkedin_binding b"
        "   ON b.backend_id = %s AND b.entity_type = 'candidate'"
        "   AND b.local_ref = 'candidate:' || a.linkedin_candidate_id"
        "   AND b.state = 'done'"
        " ORDER BY a.linkedin_candidate_id, a.id DESC",
        (backend.id,),
    )
    rows = env.cr.fetchall()
    if len(rows) < count:
        raise SystemExit(
            "error: %d synced candidates found, %d needed; load more applicants"
            % (len(rows), count)
        )
    return rows[:count]


def command_pacing(args):
    """Flush candidate changes with pacing on, under the sandbox's limit."""
    sandbox = SandboxControl(args.sandbox_url)
    with odoo_env.environment(args.database) as env:
        backend = env["linkedin.backend"].search([])
        applicants = env["hr.applicant"].with_context(**load_applicants.QUIET)
        for number, (applicant_id, name) in enumerate(
            latest_applicants(env, backend, args.changes), 1
        ):
            applicants.browse(applicant_id).write({"partner_name": name + " Paced"})
            if number % 100 == 0:
                env.cr.commit()
        backend.write({"pace_requests": True})
        set_records_per_minute(env, backend, args.limit)
        env.cr.commit()
        pending = outbox_states(env, backend).get("pending", {})

    sandbox.configure(rate_limits=True, records_per_minute=args.limit)
    try:
        before = sandbox.stats()
        flushes = run_pacing_flushes(args)
        after = sandbox.stats()
    finally:
        sandbox.configure(
            rate_limits=False, records_per_minute=DOCUMENTED_RECORDS_PER_MINUTE
        )
    stats = {}
    for flush in flushes:
        for key, value in flush["stats"].items():
            if isinstance(value, int):
                stats[key] = stats.get(key, 0) + value
    figures = {
        "limit": args.limit,
        "changes": args.changes,
        "processes": args.processes,
        "pending": pending,
        "stats": stats,
        "seconds": max(flush["ended"] for flush in flushes)
        - min(flush["started"] for flush in flushes),
        "requests": nested_delta(before["requests"], after["requests"]),
        "statuses": nested_delta(before["statuses"], after["statuses"]),
        "upserts": sorted(entry for flush in flushes for entry in flush["upserts"]),
        "upserts_per_process": [len(flush["upserts"]) for flush in flushes],
    }
    seconds = figures["seconds"]
    summary = continuous_report.summarize_pacing(figures)
    print(
        "pacing: %d records in %.1f s, %.1f %% of the allowance, %d responses 429"
        % (
            summary["records"],
            seconds,
            100 * summary["share"],
            summary["responses_429"],
        )
    )
    update_results(args.results, pacing=figures)
    return 0


def run_pacing_flushes(args):
    """Flush the backend from ``args.processes`` Odoo processes at once.

    Each process is ``continuous_sync.py pacing-flush``, which writes its
    requests to a JSON file of its own. Returns what each process wrote.
    """
    folder = Path(args.results).parent
    outputs = [folder / ("pacing-flush-%d.json" % n) for n in range(args.processes)]
    processes = []
    for number, output in enumerate(outputs):
        output.unlink(missing_ok=True)
        command = [
            sys.executable,
            str(Path(__file__).resolve()),
            "--results",
            str(args.results),
            "pacing-flush",
            "--config",
            str(args.config),
            "--database",
            args.database,
            "--output",
            str(output),
        ]
        if args.logfile:
            command += ["--logfile", "%s.%d" % (args.logfile, number)]
        processes.append(subprocess.Popen(command))
    failed = [process.args for process in processes if process.wait() != 0]
    if failed:
        raise SystemExit(
            "error: pacing flush process failed: %s. See its Odoo log in"
            " .run/logs/continuous-pacing.log.N." % " ".join(failed[0])
        )
    return [json.loads(output.read_text()) for output in outputs]


def command_pacing_flush(args):
    """Flush the backend once, recording each batch upsert; one of several."""
    log = []
    record_batch_upserts(log)
    with odoo_env.environment(args.database) as env:
        backend = env["linkedin.backend"].search([])
        started = time.time()
        stats = env["linkedin.flusher"].flush(backend, commit=True)
        ended = time.time()
    Path(args.output).write_text(
        json.dumps({"stats": stats, "started": started, "ended": ended, "upserts": log})
    )
    return 0


# -- latency -------------------------------------------------------------------


def command_latency_setup(args):
    """Give the backend its own context and client; keep only the sync's crons.

    Its own OAuth client keeps the server's requests out of the rate-limit
    counts of the pacing step, which the sandbox keeps per client.
    """
    sandbox = SandboxControl(args.sandbox_url)
    sandbox.register_client(LATENCY_CLIENT_ID, CLIENT_SECRET)
    with odoo_env.environment(args.database) as env:
        backend = env["linkedin.backend"].search([])
        backend.write(
            {
                "organization_urn": LATENCY_ORGANIZATION_URN,
                "client_id": LATENCY_CLIENT_ID,
                "pace_requests": True,
            }
        )
        backend.action_test_connection()
        if backend.state != "connected":
            raise SystemExit(
                "error: backend connection to %s failed: %s"
                % (sandbox.url, backend.connection_message)
            )
        kept_ids = [env.ref(xml_id).id for xml_id in LATENCY_CRONS]
        crons = env["ir.cron"].search([("id", "not in", kept_ids)])
        crons.write({"active": False})
        print("latency: switched off %d other scheduled actions" % len(crons))
    return 0


class EntityWatcher:
    """Poll the sandbox's candidates and note when each expected last name shows.

    ``seen`` maps a last name to the time (``time.time()``) of the response
    of the first poll that contained it.
    """

    def __init__(self, sandbox, context, interval_seconds):
        self.sandbox = sandbox
        self.context = context
        self.interval_seconds = interval_seconds
        self.expected = set()
        self.seen = {}
        self.polls = 0
        self.errors = 0
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll_until_stopped, daemon=True)

    def expect(self, last_name):
        with self._lock:
            self.expected.add(last_name)

    def start(self):
        self._thread.start()

    def stop(self):
        self._stop.set()
        self._thread.join()

    def all_seen(self):
        with self._lock:
            return self.expected <= set(self.seen)

    def _poll_until_stopped(self):
        while not self._stop.is_set():
            started = time.time()
            try:
                elements = self.sandbox.entities("atsCandidates", self.context)
            except requests.RequestException as exc:
                self.errors += 1
                print("latency: polling the sandbox failed: %s" % exc, flush=True)
            else:
                now = time.time()
                self.polls += 1
                with self._lock:
                    for element in elements:
                        name = element["entity"].get("lastName")
                        if name in self.expected and name not in self.seen:
                            self.seen[name] = now
            self._stop.wait(max(0.0, self.interval_seconds - (time.time() - started)))


def wait_for_first_cron_pass(env, timeout_seconds):
    """Wait until the flush cron has run once, so commits meet its steady state.

    Odoo moves ``nextcall`` past the current time when it runs the job, and
    the copied database's ``nextcall`` is in the past until then. Returns
    the seconds waited.
    """
    cron = env.ref(FLUSH_CRON)
    started = time.time()
    while True:
        env.cr.rollback()  # a new snapshot: Odoo's cursors are REPEATABLE READ
        env.cr.execute(
            "SELECT nextcall > now() AT TIME ZONE 'UTC' FROM ir_cron WHERE id = %s",
            (cron.id,),
        )
        if env.cr.fetchone()[0]:
            return time.time() - started
        if time.time() - started > timeout_seconds:
            raise SystemExit(
                "error: the flush cron did not run within %d s of waiting; check"
                " the Odoo server's log" % timeout_seconds
            )
        time.sleep(1)


def flush_times(log_path, since):
    """Return the epoch times of the flushes logged by Odoo after ``since``.

    Odoo 11 logs in UTC (it sets TZ=UTC at start). Only flushes that sent
    something log "flush done".
    """
    times = []
    for line in Path(log_path).read_text(errors="replace").splitlines():
        if "flush done in" not in line:
            continue
        stamp = dt.datetime.strptime(line[:19], "%Y-%m-%d %H:%M:%S")
        moment = stamp.replace(tzinfo=dt.UTC).timestamp()
        if moment >= since:
            times.append(moment)
    return times


def command_latency(args):
    """Commit candidate edits at random moments; time each until LinkedIn has it."""
    sandbox = SandboxControl(args.sandbox_url)
    rng = random.Random(args.seed)
    with odoo_env.environment(args.database) as env:
        backend = env["linkedin.backend"].search([])
        waited = wait_for_first_cron_pass(env, args.cron_wait_seconds)
        probes = latest_applicants(env, backend, args.commits)
        offsets = sorted(rng.uniform(0, args.duration) for _ in probes)
        watcher = EntityWatcher(sandbox, LATENCY_ORGANIZATION_URN, args.poll_seconds)
        watcher.start()
        applicants = env["hr.applicant"].with_context(**load_applicants.QUIET)
        commits = []
        started = time.time()
        for number, ((applicant_id, _name), offset) in enumerate(zip(probes, offsets)):
            time.sleep(max(0.0, started + offset - time.time()))
            last_name = "Probe%03d%s" % (number, rng.randrange(16**6))
            watcher.expect(last_name)
            applicants.browse(applicant_id).write(
                {"partner_name": "Latency " + last_name}
            )
            env.cr.commit()
            commits.append((last_name, time.time()))
        deadline = time.time() + args.timeout
        while not watcher.all_seen() and time.time() < deadline:
            time.sleep(0.5)
        watcher.stop()
    figures = {
        "commits": [
            {"name": name, "committed": at, "seen": watcher.seen.get(name)}
            for name, at in commits
        ],
        "organization": LATENCY_ORGANIZATION_URN,
        "seed": args.seed,
        "started": started,
        "duration": args.duration,
        "poll_seconds": args.poll_seconds,
        "polls": watcher.polls,
        "poll_errors": watcher.errors,
        "cron_wait_seconds": waited,
        "timeout": args.timeout,
        "flush_times": flush_times(args.odoo_log, started - 120),
    }
    summary = continuous_report.summarize_latency(figures)
    print(
        "latency: %d of %d commits seen, p50 %.1f s, p95 %.1f s, max %.1f s"
        % (
            summary["seen"],
            summary["commits"],
            summary["p50"],
            summary["p95"],
            summary["max"],
        )
    )
    update_results(args.results, latency=figures)
    return 0


# -- command line --------------------------------------------------------------


def build_parser():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", required=True, help="results file (JSON)")
    commands = parser.add_subparsers(dest="command", required=True)

    clone = commands.add_parser("clone", help="copy a database and its filestore")
    clone.add_argument("--source", required=True, help="database to copy")
    clone.add_argument("--target", required=True, help="new database, replaced")
    drop = commands.add_parser("drop", help="drop databases and their filestores")
    drop.add_argument("--database", required=True, nargs="+")
    vacuum = commands.add_parser(
        "vacuum", help="vacuum and analyse a database before a timed phase"
    )
    vacuum.add_argument("--database", required=True)
    for sub in (clone, drop, vacuum):
        sub.add_argument(
            "--filestore", required=True, help="Odoo's filestore folder (data_dir)"
        )

    orm_steps = {
        "prepare": "create the jobs, stages, sources and mediums",
        "configure": "connect a backend and run the historical sync",
        "hooks": "time creates or stage moves, or flush the installed outbox",
        "pacing": "flush candidate changes under the sandbox's rate limit",
        "latency-setup": "prepare the database of the latency step",
        "latency": "time commits until the sandbox holds them",
    }
    subs = {}
    for name, help_text in orm_steps.items():
        sub = commands.add_parser(name, help=help_text)
        sub.add_argument("--config", required=True, help="Odoo configuration file")
        sub.add_argument(
            "--database",
            required=True,
            help="Odoo database name; for hooks, the one with the add-on",
        )
        sub.add_argument("--logfile", help="file for Odoo's log (default stderr)")
        subs[name] = sub
    for name in ("prepare", "hooks"):
        subs[name].add_argument(
            "--count", type=int, default=5000, help="applicants to create"
        )
        subs[name].add_argument(
            "--seed", type=int, default=11, help="seed of tools/datagen.py"
        )
    for name in ("configure", "hooks", "pacing", "latency-setup", "latency"):
        subs[name].add_argument(
            "--sandbox-url", required=name != "hooks", help="sandbox base URL"
        )
    hooks = subs["hooks"]
    hooks.add_argument(
        "--phase",
        choices=("create", "flush-creates", "move", "flush-moves"),
        required=True,
        help="the part of the run to do; move needs the create phase's ids",
    )
    hooks.add_argument("--run", type=int, required=True, help="run number")
    hooks.add_argument(
        "--plain-database",
        help="database without the add-on, timed beside --database in the"
        " create and move phases",
    )
    hooks.add_argument(
        "--batch", type=int, default=100, help="creates or moves per commit"
    )
    pacing = subs["pacing"]
    pacing.add_argument(
        "--processes",
        type=int,
        default=2,
        help="Odoo processes that flush the changes at the same time",
    )
    pacing_flush = commands.add_parser(
        "pacing-flush", help="flush once and record the requests (for pacing)"
    )
    pacing_flush.add_argument("--config", required=True, help="Odoo configuration")
    pacing_flush.add_argument("--database", required=True, help="Odoo database")
    pacing_flush.add_argument("--logfile", help="file for Odoo's log")
    pacing_flush.add_argument("--output", required=True, help="JSON file to write")
    pacing.add_argument(
        "--changes", type=int, default=3000, help="candidate changes to flush"
    )
    pacing.add_argument(
        "--limit", type=int, default=1000, help="records per minute per resource"
    )
    latency = subs["latency"]
    latency.add_argument("--odoo-log", required=True, help="log file of the server")
    latency.add_argument("--commits", type=int, default=30, help="changes to commit")
    latency.add_argument(
        "--duration",
        type=float,
        default=240.0,
        help="seconds over which the commits are spread at random",
    )
    latency.add_argument(
        "--timeout",
        type=float,
        default=240.0,
        help="seconds to wait after the last commit for the sandbox to hold it",
    )
    latency.add_argument(
        "--poll-seconds", type=float, default=0.5, help="interval of sandbox polls"
    )
    latency.add_argument(
        "--cron-wait-seconds",
        type=float,
        default=150.0,
        help="maximum seconds to wait for the first pass of the flush cron",
    )
    latency.add_argument("--seed", type=int, default=5, help="seed of the schedule")

    continuous_report.add_report_parser(commands)
    return parser


def main(argv=None):
    args = build_parser().parse_args(argv)
    if args.command == "report":
        return continuous_report.command_report(args)
    if args.command == "clone":
        return command_clone(args)
    if args.command == "drop":
        return command_drop(args)
    if args.command == "vacuum":
        return command_vacuum(args)
    extra = ["--logfile", args.logfile] if args.logfile else []
    odoo_env.init(args.config, extra)
    handler = {
        "prepare": command_prepare,
        "configure": command_configure,
        "hooks": command_hooks,
        "pacing": command_pacing,
        "pacing-flush": command_pacing_flush,
        "latency-setup": command_latency_setup,
        "latency": command_latency,
    }[args.command]
    return handler(args)


if __name__ == "__main__":
    sys.exit(main())
