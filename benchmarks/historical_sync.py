"""Benchmark the historical sync of generated applicants against the sandbox.

``benchmarks/historical_sync.sh`` creates the database, starts the sandbox and
runs these steps, each in its own process, with one results file (JSON)
passed from step to step:

    historical_sync.py load --config FILE --database DB --results FILE --count N
    historical_sync.py measure --config FILE --database DB --results FILE \\
        --sandbox-url URL [--runs 3] [--latency-ms 150] [--naive-sample 300]
    historical_sync.py report --results FILE --page docs/benchmarks.md

``measure`` runs the ORM in its own process, so that process's peak resident
memory is the memory the sync needs on top of a loaded Odoo registry.
``report`` writes the figures between the markers of the page and prints them.
It stores its options in the results file, so running it again on that file
renders the same figures.
"""

import argparse
import cProfile
import datetime as dt
import io
import json
import math
import pstats
import statistics
import sys
import threading
import time
from pathlib import Path

import psutil

REPOSITORY = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPOSITORY / "tools"))

import datagen
import load_applicants
import odoo_env
from bench_common import SandboxControl, machine_facts

CLIENT_ID = "bench-client"
CLIENT_SECRET = "bench-secret"
CONTRACT_URN = "urn:li:contract:2001"
#: Each measured sync writes into its own integrationContext, numbered from here.
FIRST_ORGANIZATION_ID = 5001

#: Entity types the exporter sends with BATCH_UPDATE, 100 per request.
BATCHED = ("pipeline", "stage", "candidate", "candidate_pipeline", "interaction")
#: The sandbox resource of each batched entity type, as in ``linkedin_binding``.
BATCHED_RESOURCES = {
    "pipeline": "tcrmPipelines",
    "stage": "tcrmPipelineStages",
    "candidate": "atsCandidates",
    "candidate_pipeline": "tcrmCandidatePipelines",
    "interaction": "tcrmInteractions",
}
#: Entity types sent otherwise, with the sandbox resources their requests hit.
UNBATCHED_RESOURCES = {
    "job": ("simpleJobPostings", "simpleJobPostingTasks"),
    "resume": ("hireMediaUrl", "upload"),
}
#: The resource whose ``/sandbox/counts`` entry counts each entity type.
HELD_RESOURCES = dict(BATCHED_RESOURCES, job="simpleJobPostings", resume="resumes")
ENTITY_LABELS = {
    "job": "jobs",
    "pipeline": "pipelines",
    "stage": "pipeline stages",
    "candidate": "candidates",
    "candidate_pipeline": "candidate pipelines",
    "interaction": "interactions",
    "resume": "resumes",
}
ENTITY_ORDER = ("job", *BATCHED, "resume")

BATCH_SIZE = 100
TARGET_RECORDS_PER_SECOND = 2000
TARGET_REQUEST_FACTOR = 1.05
TARGET_PEAK_MB = 500
TARGET_SPEEDUP = 50

PAGE_BEGIN = "<!-- historical-sync figures: begin (written by benchmarks) -->"
PAGE_END = "<!-- historical-sync figures: end -->"

MB = 1_000_000


# -- results file --------------------------------------------------------------


def read_results(path):
    path = Path(path)
    return json.loads(path.read_text()) if path.exists() else {}


def write_results(path, results):
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")


# -- load ----------------------------------------------------------------------


def command_load(args):
    """Generate ``--count`` applicants and load them through the ORM."""
    started = time.perf_counter()
    dataset = datagen.generate(args.count, seed=args.seed)
    generate_seconds = time.perf_counter() - started

    def progress(done, total):
        if done % 5000 == 0:
            print("  loaded %d of %d applicants" % (done, total), flush=True)

    with odoo_env.environment(args.database) as env:
        company = env.ref("base.main_company")
        started = time.perf_counter()
        ids = load_applicants.load(env, dataset, company, progress=progress)
        env.cr.commit()
        load_seconds = time.perf_counter() - started

    results = read_results(args.results)
    results["setup"] = dict(
        results.get("setup", {}),
        applicants=len(ids),
        persons=len({a.person_index for a in dataset.applications}),
        messages=sum(len(a.messages) for a in dataset.applications),
        resumes=sum(1 for a in dataset.applications if a.resume),
        seed=args.seed,
        generate_seconds=generate_seconds,
        load_seconds=load_seconds,
    )
    write_results(args.results, results)
    print(
        "generated %d applicants in %.1f s, loaded them in %.1f s"
        % (len(ids), generate_seconds, load_seconds)
    )
    return 0


# -- sandbox -------------------------------------------------------------------


class Sandbox(SandboxControl):
    """The sandbox's control endpoints, with the historical benchmark's counts."""

    def requests_per_resource(self):
        """Return ``{resource: requests}`` served so far, all methods summed."""
        counted = self.stats()["requests"]
        return {name: sum(by_method.values()) for name, by_method in counted.items()}


def request_delta(before, after):
    return {
        name: count - before.get(name, 0)
        for name, count in after.items()
        if count != before.get(name, 0)
    }


# -- memory --------------------------------------------------------------------


class RssSampler:
    """Sample this process's resident memory in a thread while a block runs."""

    def __init__(self, interval_seconds=0.05):
        self.interval_seconds = interval_seconds
        self.process = psutil.Process()
        self.start_rss = 0
        self.peak_rss = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample_until_stopped)

    def _sample(self):
        self.peak_rss = max(self.peak_rss, self.process.memory_info().rss)

    def _sample_until_stopped(self):
        while not self._stop.wait(self.interval_seconds):
            self._sample()

    def __enter__(self):
        self.start_rss = self.peak_rss = self.process.memory_info().rss
        self._thread.start()
        return self

    def __exit__(self, *exc_info):
        self._stop.set()
        self._thread.join()
        self._sample()


def peak_rss_bytes():
    """Return the peak resident memory of this process (Linux reports KiB)."""
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


# -- measure -------------------------------------------------------------------


def configure_backend(env, sandbox, sandbox_url):
    """Create or update the company's backend on the sandbox and connect it."""
    sandbox.register_client(CLIENT_ID, CLIENT_SECRET)
    company = env.ref("base.main_company")
    values = {
        "name": "LinkedIn sandbox (benchmark)",
        "company_id": company.id,
        "api_base": sandbox_url,
        "oauth_base": sandbox_url + "/oauth/v2",
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "organization_urn": "urn:li:organization:%d" % FIRST_ORGANIZATION_ID,
        "contract_urn": CONTRACT_URN,
        # The sandbox runs without rate limits here; pacing to LinkedIn's
        # 10,000 records a minute would measure the pacer, not the sync.
        "pace_requests": False,
    }
    Backend = env["linkedin.backend"]
    backend = Backend.search([("company_id", "=", company.id)])
    if backend:
        backend.write(values)
    else:
        backend = Backend.create(values)
    backend.action_test_connection()
    env.cr.commit()
    if backend.state != "connected":
        raise RuntimeError(
            "backend %d failed to connect to the sandbox: %s"
            % (backend.id, backend.connection_message)
        )
    return backend


def start_fresh_context(env, backend, organization_id, keep_synced_resumes=False):
    """Point ``backend`` at a new integrationContext and forget what it sent.

    With ``keep_synced_resumes`` the bindings of uploaded resumes stay, and
    the exporter skips a resume whose binding is synced.
    """
    context = "urn:li:organization:%d" % organization_id
    backend.write({"organization_urn": context})
    sql = "DELETE FROM linkedin_binding WHERE backend_id = %s"
    if keep_synced_resumes:
        sql += " AND NOT (entity_type = 'resume' AND state = 'done')"
    env.cr.execute(sql, (backend.id,))
    env["linkedin.binding"].invalidate_cache()
    env.cr.commit()
    return context


def measure_sync(env, backend, sandbox, context, profile_path=None):
    """Run one historical sync with commits and return its figures."""
    before = sandbox.requests_per_resource()
    profiler = cProfile.Profile() if profile_path else None
    with RssSampler() as rss:
        started = time.perf_counter()
        if profiler:
            profiler.enable()
        summary = backend.run_historical_sync(commit=True)
        env.cr.commit()
        if profiler:
            profiler.disable()
        wall_seconds = time.perf_counter() - started
    requests_sent = request_delta(before, sandbox.requests_per_resource())
    if profiler:
        profiler.dump_stats(str(profile_path))
    return {
        "context": context,
        "wall_seconds": wall_seconds,
        "totals": summary["totals"],
        "seconds": summary["seconds"],
        "counts": summary["counts"],
        "requests": requests_sent,
        "held": sandbox.counts(context),
        "rss_before_bytes": rss.start_rss,
        "rss_peak_bytes": rss.peak_rss,
    }


def evenly_spaced(rows, count):
    if len(rows) <= count:
        return list(rows)
    step = len(rows) / count
    return [rows[int(i * step)] for i in range(count)]


def measure_naive(env, backend, sandbox, sample_size):
    """Send a sample of each batched resource one record per request.

    The rows come from the exporter's own extraction and mapping, restricted
    to records the batched sync into the same integrationContext synced, so
    every parent exists and each request replaces an entity LinkedIn holds.
    Only mapping and sending are timed. The naive path books no bindings,
    which favours it in the comparison.
    """
    from odoo.addons.linkedin_crm_connect.models.linkedin_binding import RESOURCE_OF
    from odoo.addons.linkedin_crm_connect.models.linkedin_exporter import _Run

    run = _Run(env, backend, False)
    bindings = env["linkedin.binding"]
    figures = {}
    for code in BATCHED:
        synced = bindings.refs_in_state(backend, code, ("done",))
        rows = [row for row in run._extract(code) if row["local_ref"] in synced]
        sample = evenly_spaced(rows, sample_size)
        resource = RESOURCE_OF[code]
        before = sandbox.requests_per_resource()
        failed = 0
        started = time.perf_counter()
        for row in sample:
            key, entity = run._key_and_entity(code, row)
            outcome = run.client.batch_upsert(resource, [(key, entity)])
            failed += sum(1 for result in outcome.values() if not result.ok)
        seconds = time.perf_counter() - started
        sent = request_delta(before, sandbox.requests_per_resource())
        figures[code] = {
            "records": len(sample),
            "synced_records": len(rows),
            "seconds": seconds,
            "failed": failed,
            "requests": sent.get(resource, 0),
        }
        print(
            "  naive %s: %d records one per request in %.1f s"
            % (code, len(sample), seconds),
            flush=True,
        )
    return figures


def print_run(label, figures):
    batched_records = sum(figures["totals"].get(code, 0) for code in BATCHED)
    batched_seconds = sum(figures["seconds"].get(code, 0.0) for code in BATCHED)
    print(
        "  %s: %d batched records in %.1f s of sending (%.0f records/s),"
        " whole sync %.1f s"
        % (
            label,
            batched_records,
            batched_seconds,
            batched_records / batched_seconds if batched_seconds else 0.0,
            figures["wall_seconds"],
        ),
        flush=True,
    )


def command_measure(args):
    sandbox = Sandbox(args.sandbox_url)
    sandbox.configure(latency_ms=0, rate_limits=False)
    results = read_results(args.results)
    organization_id = FIRST_ORGANIZATION_ID
    with odoo_env.environment(args.database) as env:
        results["machine"] = machine_facts(env)
        results["started_at"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        backend = configure_backend(env, sandbox, args.sandbox_url.rstrip("/"))

        runs = []
        for number in range(1, args.runs + 1):
            organization_id += 1
            context = start_fresh_context(env, backend, organization_id)
            figures = measure_sync(env, backend, sandbox, context)
            print_run("batched run %d of %d" % (number, args.runs), figures)
            runs.append(figures)
        results["runs"] = runs

        if args.profile:
            organization_id += 1
            context = start_fresh_context(env, backend, organization_id)
            figures = measure_sync(env, backend, sandbox, context, args.profile)
            print_run("profiled run (not counted)", figures)
            results["profile"] = profile_summary(args.profile)

        # A resume takes two requests, so at 150 ms each the 8,000 resumes of
        # 20,000 applicants would add about 40 minutes. Their bindings stay,
        # and the exporter skips the resumes it already uploaded.
        sandbox.configure(latency_ms=args.latency_ms)
        try:
            organization_id += 1
            context = start_fresh_context(
                env, backend, organization_id, keep_synced_resumes=True
            )
            latency_run = measure_sync(env, backend, sandbox, context)
            print_run("batched run with %d ms latency" % args.latency_ms, latency_run)
            naive = measure_naive(env, backend, sandbox, args.naive_sample)
        finally:
            sandbox.configure(latency_ms=0)
        results["latency"] = {
            "latency_ms": args.latency_ms,
            "sample_size": args.naive_sample,
            "batched": latency_run,
            "naive": naive,
        }
        results["peak_rss_bytes"] = peak_rss_bytes()
    write_results(args.results, results)
    return 0


def profile_summary(path, limit=25):
    """Return the functions with the most cumulative and own time, as text."""
    text = io.StringIO()
    stats = pstats.Stats(str(path), stream=text).strip_dirs()
    stats.sort_stats("cumulative").print_stats(limit)
    stats.sort_stats("tottime").print_stats(limit)
    return text.getvalue()


# -- report --------------------------------------------------------------------


def median(values):
    return statistics.median(values) if values else 0.0


def request_limit(records):
    return TARGET_REQUEST_FACTOR * math.ceil(records / BATCH_SIZE)


def requests_of(figures, code):
    from_resources = UNBATCHED_RESOURCES.get(code)
    if from_resources is None:
        from_resources = (BATCHED_RESOURCES[code],)
    return sum(figures["requests"].get(name, 0) for name in from_resources)


def summarize(results):
    """Compute the figures of the page from the raw results."""
    runs = results["runs"]
    totals = runs[0]["totals"]
    batched_records = sum(totals[code] for code in BATCHED)
    all_records = sum(totals.values())

    def batched_seconds(run):
        return sum(run["seconds"][code] for code in BATCHED)

    per_entity = {}
    for code in ENTITY_ORDER:
        counts = runs[0]["counts"].get(code, {})
        seconds = median([run["seconds"].get(code, 0.0) for run in runs])
        sent = [requests_of(run, code) for run in runs]
        per_entity[code] = {
            "records": totals.get(code, 0),
            "done": counts.get("done", 0),
            "failed": counts.get("failed", 0),
            "held": runs[0]["held"].get(HELD_RESOURCES[code], 0),
            "seconds": seconds,
            "rate": totals.get(code, 0) / seconds if seconds else 0.0,
            "requests_median": median(sent),
            "requests_max": max(sent),
        }

    latency = results["latency"]
    latency_run = latency["batched"]
    naive = latency["naive"]
    batched_latency_seconds = batched_seconds(latency_run)
    naive_estimate_seconds = sum(
        naive[code]["seconds"] / naive[code]["records"] * latency_run["totals"][code]
        for code in BATCHED
        if naive[code]["records"]
    )
    latency_records = sum(latency_run["totals"][code] for code in BATCHED)
    growth = [run["rss_peak_bytes"] - run["rss_before_bytes"] for run in runs]
    return {
        "batched_records": batched_records,
        "all_records": all_records,
        "batched_rate": median(
            [batched_records / batched_seconds(run) for run in runs]
        ),
        "batched_seconds": median([batched_seconds(run) for run in runs]),
        "wall_seconds": median([run["wall_seconds"] for run in runs]),
        "overall_batched_rate": median(
            [batched_records / run["wall_seconds"] for run in runs]
        ),
        "overall_rate": median([all_records / run["wall_seconds"] for run in runs]),
        "per_entity": per_entity,
        "peak_rss": results["peak_rss_bytes"],
        "growth_median": median(growth),
        "growth_max": max(growth),
        "naive_sample_records": sum(naive[code]["records"] for code in BATCHED),
        "naive_per_record": naive_estimate_seconds / latency_records,
        "batched_per_record": batched_latency_seconds / latency_records,
        "naive_estimate_seconds": naive_estimate_seconds,
        "batched_latency_seconds": batched_latency_seconds,
        "speedup": naive_estimate_seconds / batched_latency_seconds,
    }


def number(value):
    """Format a count with thousands separators: 20,009."""
    return f"{value:,.0f}"


def verdict(ok):
    return "pass" if ok else "**FAIL**"


def render(results, summary, setup_seconds):
    """Return the marked section of the page as Markdown."""
    machine = results["machine"]
    setup = results["setup"]
    per_entity = summary["per_entity"]
    runs = results["runs"]
    latency = results["latency"]
    naive = latency["naive"]
    latency_run = latency["batched"]
    lines = []
    add = lines.append

    add(
        "Measured on %s UTC at commit %s by `benchmarks/historical_sync.sh"
        " --applicants %d` (%s, medians quoted). Machine: %d cores (%s), %.0f GB"
        " of memory; Python %s, PostgreSQL %s, Odoo %s. The whole command took"
        " %.1f minutes."
        % (
            results["started_at"].replace("T", " ").split("+")[0],
            results.get("revision", "unknown"),
            setup["applicants"],
            "1 latency-free run"
            if len(runs) == 1
            else "%d latency-free runs" % len(runs),
            machine["cores"],
            machine["cpu_model"] or "unknown CPU",
            machine["memory_bytes"] / 1e9,
            machine["python"],
            machine["postgres"],
            machine["odoo"],
            setup_seconds["total"] / 60,
        )
    )
    add("")
    add("#### Targets")
    add("")
    add("| target | measured | limit | result |")
    add("|---|---:|---:|---|")
    add(
        "| batched resources: records / sum of their sending seconds | %s records/s"
        " | at least %s records/s | %s |"
        % (
            number(summary["batched_rate"]),
            number(TARGET_RECORDS_PER_SECOND),
            verdict(summary["batched_rate"] >= TARGET_RECORDS_PER_SECOND),
        )
    )
    for code in BATCHED:
        entity = per_entity[code]
        limit = request_limit(entity["records"])
        add(
            "| HTTP requests, %s (%s records) | %d | at most %.2f | %s |"
            % (
                ENTITY_LABELS[code],
                number(entity["records"]),
                entity["requests_max"],
                limit,
                verdict(entity["requests_max"] <= limit),
            )
        )
    peak_mb = summary["peak_rss"] / MB
    add(
        "| peak memory of the Odoo process (ru_maxrss) | %.0f MB | at most %d MB"
        " | %s |" % (peak_mb, TARGET_PEAK_MB, verdict(peak_mb <= TARGET_PEAK_MB))
    )
    add(
        "| batched vs. one record per request, %d ms latency | %.0f× | at least"
        " %d× | %s |"
        % (
            latency["latency_ms"],
            summary["speedup"],
            TARGET_SPEEDUP,
            verdict(summary["speedup"] >= TARGET_SPEEDUP),
        )
    )
    add("")
    add(
        "The request counts are the largest of the %d runs. 1 MB is 10^6 bytes."
        % len(runs)
    )
    add("")

    add("#### Throughput per entity type, no latency")
    add("")
    add(
        "| entity type | records | synced | failed | held by sandbox | sending s"
        " | records/s | HTTP requests |"
    )
    add("|---|---:|---:|---:|---:|---:|---:|---:|")
    for code in ENTITY_ORDER:
        entity = per_entity[code]
        add(
            "| %s | %s | %s | %s | %s | %.2f | %.0f | %s |"
            % (
                ENTITY_LABELS[code],
                number(entity["records"]),
                number(entity["done"]),
                number(entity["failed"]),
                number(entity["held"]),
                entity["seconds"],
                entity["rate"],
                number(entity["requests_median"]),
            )
        )
    add(
        "| **batched resources** | %s | | | | %.2f | **%.0f** | |"
        % (
            number(summary["batched_records"]),
            summary["batched_seconds"],
            summary["batched_rate"],
        )
    )
    add(
        "| **whole sync (wall time)** | %s | | | | %.2f | %.0f | |"
        % (
            number(summary["all_records"]),
            summary["wall_seconds"],
            summary["overall_rate"],
        )
    )
    add("")
    add(
        "Whole sync: all records, jobs and resumes included, divided by the wall"
        " time of `run_historical_sync(commit=True)`, which also covers candidate"
        " assignment and extraction. Batched records over that wall time: %.0f"
        " records/s. Jobs count BATCH_CREATE and task polls, and resumes count"
        " `hireMediaUrl` and the upload. Wall time per run: %s s."
        % (
            summary["overall_batched_rate"],
            ", ".join("%.1f" % run["wall_seconds"] for run in runs),
        )
    )
    add("")

    add("#### Memory")
    add("")
    add("| figure | value |")
    add("|---|---:|")
    add("| peak resident memory of the process (ru_maxrss) | %.0f MB |" % peak_mb)
    add(
        "| resident memory before each sync | %s MB |"
        % ", ".join("%.0f" % (run["rss_before_bytes"] / MB) for run in runs)
    )
    add(
        "| peak resident memory during each sync (psutil) | %s MB |"
        % ", ".join("%.0f" % (run["rss_peak_bytes"] / MB) for run in runs)
    )
    add(
        "| growth during one sync, median (largest) | %.0f MB (%.0f MB) |"
        % (summary["growth_median"] / MB, summary["growth_max"] / MB)
    )
    add("")
    add(
        "Growth is the peak during a sync minus the value just before it. Memory"
        " that the process keeps after a sync raises the next sync's starting"
        " value, so the first sync shows the largest growth."
    )
    add("")

    add(
        "#### Batched vs. one record per request, %d ms latency" % latency["latency_ms"]
    )
    add("")
    add(
        "| entity type | records | batched ms/record | naive sample | naive"
        " ms/record | ratio |"
    )
    add("|---|---:|---:|---:|---:|---:|")
    for code in BATCHED:
        records = latency_run["totals"][code]
        batched_ms = 1000 * latency_run["seconds"][code] / records if records else 0
        sample = naive[code]
        naive_ms = 1000 * sample["seconds"] / sample["records"]
        add(
            "| %s | %s | %.2f | %s | %.1f | %.0f× |"
            % (
                ENTITY_LABELS[code],
                number(records),
                batched_ms,
                number(sample["records"]),
                naive_ms,
                naive_ms / batched_ms if batched_ms else 0,
            )
        )
    add(
        "| **batched resources** | %s | %.2f | %s | %.1f | **%.0f×** |"
        % (
            number(sum(latency_run["totals"][code] for code in BATCHED)),
            1000 * summary["batched_per_record"],
            number(summary["naive_sample_records"]),
            1000 * summary["naive_per_record"],
            summary["speedup"],
        )
    )
    add("")
    add(
        "The naive figure is extrapolated from a sample of %s records (up to %d"
        " per entity type): its time per record of each type, times that type's"
        " records, gives %.0f minutes for the whole data. The batched sync sent"
        " all of it in %.1f s of sending (%.1f s whole sync)."
        % (
            number(summary["naive_sample_records"]),
            latency["sample_size"],
            summary["naive_estimate_seconds"] / 60,
            summary["batched_latency_seconds"],
            latency_run["wall_seconds"],
        )
    )
    add("")

    add("#### Setup, not part of the targets")
    add("")
    add("| step | seconds |")
    add("|---|---:|")
    add(
        "| generate %s applicants, %s persons, %s messages, %s resumes (datagen)"
        " | %.1f |"
        % (
            number(setup["applicants"]),
            number(setup["persons"]),
            number(setup["messages"]),
            number(setup["resumes"]),
            setup["generate_seconds"],
        )
    )
    add("| load them through the ORM | %.1f |" % setup["load_seconds"])
    add(
        "| create the database with hr_recruitment and its demo data | %d |"
        % setup_seconds["create_db"]
    )
    add("| install linkedin_crm_connect | %d |" % setup_seconds["install"])
    return "\n".join(lines) + "\n"


def replace_section(page_path, section):
    page = Path(page_path)
    text = page.read_text()
    if PAGE_BEGIN not in text or PAGE_END not in text:
        raise SystemExit(
            "error: %s has no figures section; add the lines %r and %r where the"
            " figures go" % (page_path, PAGE_BEGIN, PAGE_END)
        )
    head, rest = text.split(PAGE_BEGIN, 1)
    _old, tail = rest.split(PAGE_END, 1)
    page.write_text(head + PAGE_BEGIN + "\n" + section + PAGE_END + tail)


def command_report(args):
    results = read_results(args.results)
    missing = [name for name in ("setup", "runs", "latency") if name not in results]
    if missing:
        raise SystemExit(
            "error: %s lacks %s; run the load and measure steps first"
            % (args.results, ", ".join(missing))
        )
    # Options given now are stored, so a later report of the same results
    # (without them) renders the same page.
    recorded = results.setdefault("report_options", {})
    for name in ("revision", "create_db_seconds", "install_seconds", "total_seconds"):
        if getattr(args, name) is not None:
            recorded[name] = getattr(args, name)
    write_results(args.results, results)
    results["revision"] = recorded.get("revision", "unknown")
    setup_seconds = {
        "create_db": recorded.get("create_db_seconds", 0.0),
        "install": recorded.get("install_seconds", 0.0),
        "total": recorded.get("total_seconds", 0.0),
    }
    section = render(results, summarize(results), setup_seconds)
    if args.page:
        replace_section(args.page, section)
    print(section)
    if "profile" in results:
        print("cProfile of the profiled run:\n" + results["profile"])
    return 0


# -- command line --------------------------------------------------------------


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", required=True, help="results file (JSON)")
    commands = parser.add_subparsers(dest="command", required=True)

    load = commands.add_parser("load", help="generate and load applicants")
    measure = commands.add_parser("measure", help="run and measure the syncs")
    for sub in (load, measure):
        sub.add_argument("--config", required=True, help="Odoo configuration file")
        sub.add_argument("--database", required=True, help="Odoo database name")
        sub.add_argument("--logfile", help="file for Odoo's log (default stderr)")
    load.add_argument("--count", type=int, default=20000, help="applicants to generate")
    load.add_argument("--seed", type=int, default=7, help="seed of tools/datagen.py")
    measure.add_argument("--sandbox-url", required=True)
    measure.add_argument(
        "--runs", type=int, default=3, help="latency-free syncs to take the median of"
    )
    measure.add_argument(
        "--latency-ms", type=int, default=150, help="added latency per request, ms"
    )
    measure.add_argument(
        "--naive-sample",
        type=int,
        default=300,
        help="records per batched entity type sent one per request",
    )
    measure.add_argument(
        "--profile", help="also run one uncounted sync under cProfile, stats to FILE"
    )

    report = commands.add_parser("report", help="write the figures to the page")
    report.add_argument("--page", help="Markdown page with the figures section")
    report.add_argument("--revision", help="commit measured")
    report.add_argument(
        "--create-db-seconds", type=float, help="seconds to create the database"
    )
    report.add_argument(
        "--install-seconds", type=float, help="seconds to install the add-on"
    )
    report.add_argument(
        "--total-seconds", type=float, help="seconds of the whole command so far"
    )
    args = parser.parse_args(argv)

    if args.command == "report":
        return command_report(args)
    extra = ["--logfile", args.logfile] if args.logfile else []
    odoo_env.init(args.config, extra)
    if args.command == "load":
        return command_load(args)
    return command_measure(args)


if __name__ == "__main__":
    sys.exit(main())
