"""Summarize the continuous sync benchmark and write its section of the page.

``continuous_sync.py report`` calls ``command_report``. It reads the results
file that the other steps wrote, computes the figures and verdicts, and
prints the section. It also replaces the text between ``PAGE_BEGIN`` and
``PAGE_END`` of the page. Without the markers it appends the section, and
without the page it creates one.
"""

import datetime as dt
import itertools
import json
import statistics
import textwrap
from pathlib import Path

PAGE_BEGIN = "<!-- continuous:start -->"
PAGE_END = "<!-- continuous:end -->"

TARGET_HOOK_RATIO = 1.10
TARGET_FLUSH_ROWS_PER_SECOND = 1000
TARGET_LATENCY_P95_SECONDS = 90
TARGET_ALLOWANCE_SHARE = 0.95
TARGET_RESPONSES_429 = 0
#: Seconds a record stays in the rolling window of LinkedIn's per-minute limit.
WINDOW_SECONDS = 60.0


def verdict(passed):
    return "pass" if passed else "**FAIL**"


def paragraph(text):
    """Wrap one paragraph of the page at the width of the hand-written text."""
    return textwrap.fill(text, width=76, break_long_words=False, break_on_hyphens=False)


def reason_kind(message):
    """Fold rejection messages that differ only by the record they name."""
    if message.startswith("Not sent: its candidate"):
        return "not sent because its candidate failed"
    if "firstName" in message:
        return "no first name"
    if "not a valid email" in message:
        return "malformed email address"
    return message[:60]


def quantile(values, share):
    """Return the ``share`` quantile of ``values``, interpolating linearly.

    It matches ``statistics.quantiles(method="inclusive")`` and also takes one
    value and infinite values (commits never seen).
    """
    ordered = sorted(values)
    position = share * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    if position == low:
        return ordered[low]
    if ordered[high] == float("inf"):
        return float("inf")
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


# -- summaries -----------------------------------------------------------------


def summarize_hooks(runs):
    """Return the medians per label and the installed / plain ratios."""
    summary = {}
    for label in ("plain", "installed"):
        mine = [run for run in runs if run["label"] == label]
        summary[label] = {
            "runs": len(mine),
            "create": statistics.median(run["create_seconds"] for run in mine),
            "move": statistics.median(run["move_seconds"] for run in mine),
            "create_all": [run["create_seconds"] for run in mine],
            "move_all": [run["move_seconds"] for run in mine],
            "creates": mine[0]["creates"],
            "moves": mine[0]["moves"],
        }
    plain, installed = summary["plain"], summary["installed"]
    summary["create_ratio"] = installed["create"] / plain["create"]
    summary["move_ratio"] = installed["move"] / plain["move"]
    summary["total_ratio"] = (installed["create"] + installed["move"]) / (
        plain["create"] + plain["move"]
    )
    return summary


def _flush_figures(flush):
    stats = flush["stats"]
    processed = stats["done"] + stats["failed"]
    return {
        "rows": flush["rows"],
        "processed": processed,
        "done": stats["done"],
        "failed": stats["failed"],
        "unfinished": stats.get("retry", 0) + stats.get("held", 0),
        "stopped": stats.get("stopped"),
        "seconds": flush["seconds"],
        "rate": processed / flush["seconds"] if flush["seconds"] else 0.0,
        "requests": sum(sum(m.values()) for m in flush["requests"].values()),
        "pending": flush["pending"],
        "requests_by_resource": {
            resource: sum(methods.values())
            for resource, methods in flush["requests"].items()
        },
        "failure_reasons": flush["failure_reasons"],
        "journal_rows": flush.get("journal_rows", 0),
        "ingest_seconds": flush.get("ingest_seconds", 0.0),
    }


def failure_kinds(phases):
    """Return ``{(entity type, kind): rows}`` of the failed rows of some flushes."""
    kinds = {}
    for phase in phases:
        for code, message, count in phase["failure_reasons"]:
            key = (code, reason_kind(message or "no message"))
            kinds[key] = kinds.get(key, 0) + count
    return kinds


def summarize_flushes(runs):
    """Return per-run figures of the two flushes and medians over the runs."""
    per_run = []
    for run in sorted(runs, key=lambda run: run["run"]):
        if run["label"] != "installed":
            continue
        phases = {flush["label"]: _flush_figures(flush) for flush in run["flushes"]}
        processed = sum(phase["processed"] for phase in phases.values())
        seconds = sum(phase["seconds"] for phase in phases.values())
        per_run.append(
            {
                "run": run["run"],
                "phases": phases,
                "processed": processed,
                "seconds": seconds,
                "rate": processed / seconds if seconds else 0.0,
                "requests": sum(phase["requests"] for phase in phases.values()),
            }
        )
    return {
        "runs": per_run,
        "rate": statistics.median(run["rate"] for run in per_run),
        "processed": statistics.median(run["processed"] for run in per_run),
        "requests": statistics.median(run["requests"] for run in per_run),
    }


def summarize_pacing(figures):
    """Return records sent, the share of the allowance used and the 429s.

    Each record sent stays in LinkedIn's rolling one-minute window for 60 s,
    so a flush whose first request starts at ``t_first`` and whose last
    starts at ``t_last`` occupies the window from ``t_first`` to
    ``t_last + 60`` s. The share divides the records sent by the allowance of that span:
    ``limit * (t_last - t_first + 60) / 60``.
    """
    limit = figures["limit"]
    sent = [
        (at, records) for at, records, outcome in figures["upserts"] if outcome == "ok"
    ]
    rejected = [entry for entry in figures["upserts"] if entry[2] == "429"]
    records = sum(count for _at, count in sent)
    first, last = sent[0][0], sent[-1][0]
    span = last - first + WINDOW_SECONDS
    busiest = max(
        sum(count for at, count in sent if start <= at < start + WINDOW_SECONDS)
        for start, _count in sent
    )
    minutes = {}
    for at, count in sent:
        index = int((at - first) // WINDOW_SECONDS)
        minutes[index] = minutes.get(index, 0) + count
    statuses = figures["statuses"].get("atsCandidates", {})
    return {
        "records": records,
        "requests": len(sent),
        "share": records / (limit * span / WINDOW_SECONDS),
        "per_minute": records * WINDOW_SECONDS / span,
        "span_seconds": span,
        "first_to_last": last - first,
        "busiest_window": busiest,
        "minutes": [minutes.get(index, 0) for index in range(max(minutes) + 1)],
        "responses_429": len(rejected),
        "sandbox_429": statuses.get("429", 0),
    }


def summarize_latency(figures):
    """Return the latency quantiles; a commit never seen counts as timed out."""
    commits = figures["commits"]
    latencies = [c["seen"] - c["committed"] for c in commits if c["seen"] is not None]
    missing = len(commits) - len(latencies)
    # A commit that never arrived is later than the timeout, so it sorts last.
    ranked = latencies + [float("inf")] * missing
    flushes = sorted(figures["flush_times"])
    gaps = [later - earlier for earlier, later in itertools.pairwise(flushes)]
    return {
        "commits": len(commits),
        "seen": len(latencies),
        "missing": missing,
        "p50": quantile(ranked, 0.50) if ranked else float("nan"),
        "p95": quantile(ranked, 0.95) if ranked else float("nan"),
        "max": max(ranked) if ranked else float("nan"),
        "min": min(latencies) if latencies else float("nan"),
        "mean": statistics.mean(latencies) if latencies else float("nan"),
        "flush_gaps": gaps,
    }


# -- page ----------------------------------------------------------------------


def _seconds_list(values):
    return ", ".join("%.1f" % value for value in values)


def _plural(count, word, plural=None):
    if count == 1:
        return "%d %s" % (count, word)
    return "%d %s" % (count, plural or word + "s")


def render(results):
    """Return the Markdown of the whole section, heading included."""
    summaries = {
        "hooks": summarize_hooks(results["hooks"]),
        "flushes": summarize_flushes(results["hooks"]),
        "pacing": summarize_pacing(results["pacing"]),
        "latency": summarize_latency(results["latency"]),
    }
    lines = []
    for part in (
        intro_lines,
        target_lines,
        hook_lines,
        flush_lines,
        latency_lines,
        pacing_lines,
    ):
        lines.extend(part(results, summaries))
        lines.append("")
    lines.extend(method_lines(results, results["dataset"]))
    return "\n".join(lines) + "\n"


def intro_lines(results, summaries):
    options = results["report_options"]
    return [
        "## Continuous sync",
        "",
        paragraph(
            "`benchmarks/continuous_sync.sh` measures four parts of the"
            " continuous sync. The capture hooks write `linkedin.outbox` rows in"
            " the user's transaction, and the flush (`linkedin.flusher`) sends"
            " them. It also measures the time from a commit until LinkedIn"
            " stores the change while the scheduled action runs every minute,"
            " and the pacing under LinkedIn's per-minute limit. It runs on real"
            " Odoo 11 and PostgreSQL against the LinkedIn sandbox."
        ),
        "",
        "### Run it",
        "",
        "```",
        "benchmarks/continuous_sync.sh [--runs N] [--count N] [--http-port PORT]",
        "```",
        "",
        paragraph(
            "The command needs what `bin/demo` needs, because it builds the"
            " runtime with `runtime/lib.sh`. Set `PGHOST` and `PGPORT` to use a"
            " PostgreSQL server of your own. It creates databases named"
            " `lcc_cont_*` and drops them at the end, starts the sandbox on a"
            " free port with `--no-rate-limits` and, for the latency step, an"
            " Odoo server on `--http-port` (default 8980). `--help` lists the"
            " other options. The run below took %.0f minutes on %d cores."
            % (options["total_seconds"] / 60, results["machine"]["cores"])
        ),
    ]


def target_lines(results, summaries):
    machine = results["machine"]
    options = results["report_options"]
    hooks, flushes = summaries["hooks"], summaries["flushes"]
    pacing, latency = summaries["pacing"], summaries["latency"]
    installed = hooks["installed"]
    lines = [
        "### Figures",
        "",
        paragraph(
            "Measured on %s at revision %s: %d cores (%s), %.0f GB of memory,"
            " Python %s, PostgreSQL %s, Odoo %s. The hook and flush figures are"
            " medians of %s. The 1-minute load average just before each run's"
            " creates was %s. The benchmark runs one ORM process at a time, so"
            " a load well above 1 means that other work shared the machine."
            % (
                options["date"],
                options["revision"],
                machine["cores"],
                machine["cpu_model"] or "unknown CPU",
                machine["memory_bytes"] / 1e9,
                machine["python"],
                machine["postgres"],
                machine["odoo"],
                _plural(hooks["plain"]["runs"], "run"),
                _seconds_list(
                    run["load_before"]
                    for run in results["hooks"]
                    if run["label"] == "installed"
                ),
            )
        ),
        "",
        "| target | measured | limit | result |",
        "|---|---:|---:|---|",
    ]
    rows = (
        (
            "hook cost, %d creates: installed / without the add-on"
            % installed["creates"],
            "%.3f" % hooks["create_ratio"],
            "at most %.2f" % TARGET_HOOK_RATIO,
            hooks["create_ratio"] <= TARGET_HOOK_RATIO,
        ),
        (
            "hook cost, %d stage moves: installed / without the add-on"
            % installed["moves"],
            "%.3f" % hooks["move_ratio"],
            "at most %.2f" % TARGET_HOOK_RATIO,
            hooks["move_ratio"] <= TARGET_HOOK_RATIO,
        ),
        (
            "flush throughput, sandbox without rate limits, pacing off",
            "%.0f rows/s" % flushes["rate"],
            "at least %d rows/s" % TARGET_FLUSH_ROWS_PER_SECOND,
            flushes["rate"] >= TARGET_FLUSH_ROWS_PER_SECOND,
        ),
        (
            "latency from commit to LinkedIn, p95 (p50 %.1f s), cron every"
            " minute" % latency["p50"],
            "%.1f s" % latency["p95"],
            "at most %d s" % TARGET_LATENCY_P95_SECONDS,
            latency["p95"] <= TARGET_LATENCY_P95_SECONDS,
        ),
        (
            "pacing: share of the allowance of %d records a minute used"
            % results["pacing"]["limit"],
            "%.1f %%" % (100 * pacing["share"]),
            "at least %.0f %%" % (100 * TARGET_ALLOWANCE_SHARE),
            pacing["share"] >= TARGET_ALLOWANCE_SHARE,
        ),
        (
            "pacing: responses 429",
            "%d" % pacing["responses_429"],
            "%d" % TARGET_RESPONSES_429,
            pacing["responses_429"] <= TARGET_RESPONSES_429,
        ),
    )
    for label, measured, limit, passed in rows:
        lines.append(
            "| %s | %s | %s | %s |" % (label, measured, limit, verdict(passed))
        )
    return lines


def hook_lines(results, summaries):
    hooks = summaries["hooks"]
    plain, installed = hooks["plain"], hooks["installed"]
    lines = [
        "#### Cost of the hooks",
        "",
        "| operation | without the add-on, s | installed, s | ratio |",
        "|---|---:|---:|---:|",
    ]
    for key, label in (("create", "creates"), ("move", "stage moves")):
        lines.append(
            "| %d %s, median | %.2f | %.2f | %.3f |"
            % (
                installed[key + "s"],
                label,
                plain[key],
                installed[key],
                hooks[key + "_ratio"],
            )
        )
    lines.append(
        "| both | %.2f | %.2f | %.3f |"
        % (
            plain["create"] + plain["move"],
            installed["create"] + installed["move"],
            hooks["total_ratio"],
        )
    )
    lines.append("")
    lines.append(
        paragraph(
            "Seconds of each run: creates %s without the add-on and %s"
            " installed, moves %s and %s. Per call, medians: %.2f ms per create"
            " and %.2f ms per move without the add-on, %.2f ms and %.2f ms"
            " installed."
            % (
                _seconds_list(plain["create_all"]),
                _seconds_list(installed["create_all"]),
                _seconds_list(plain["move_all"]),
                _seconds_list(installed["move_all"]),
                1000 * plain["create"] / plain["creates"],
                1000 * plain["move"] / plain["moves"],
                1000 * installed["create"] / installed["creates"],
                1000 * installed["move"] / installed["moves"],
            )
        )
    )
    return lines


def flush_lines(results, summaries):
    flushes = summaries["flushes"]
    lines = [
        "#### Flush throughput",
        "",
        (
            "| run | flush after | rows pending | done | failed | seconds | rows/s"
            " | HTTP requests |"
        ),
        "|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    for run in flushes["runs"]:
        for label, phase in run["phases"].items():
            lines.append(
                "| %d | %s | %d | %d | %d | %.2f | %.0f | %d |"
                % (
                    run["run"],
                    label,
                    phase["rows"],
                    phase["done"],
                    phase["failed"],
                    phase["seconds"],
                    phase["rate"],
                    phase["requests"],
                )
            )
        lines.append(
            "| %d | **both** | | %d | | %.2f | **%.0f** | %d |"
            % (
                run["run"],
                run["processed"],
                run["seconds"],
                run["rate"],
                run["requests"],
            )
        )
    lines.append("")
    lines.append(paragraph(flush_details(flushes["runs"][-1])))
    for run in flushes["runs"]:
        for label, phase in run["phases"].items():
            if phase["unfinished"] or phase["stopped"]:
                lines.append("")
                lines.append(
                    paragraph(
                        "NOTE: in run %d the flush after the %s left %d rows to"
                        " retry or held (%s)."
                        % (run["run"], label, phase["unfinished"], phase["stopped"])
                    )
                )
    return lines


def flush_details(run):
    """Return the sentences on one run's rows, requests and failures."""
    details = []
    for label, phase in run["phases"].items():
        pending = ", ".join("%s %d" % item for item in sorted(phase["pending"].items()))
        requests = ", ".join(
            "%s %d" % item for item in sorted(phase["requests_by_resource"].items())
        )
        details.append(
            "In run %d, the flush after the %s ingested %d journal rows in %.2f s."
            " Its pending rows by entity type were %s, and its requests by"
            " resource %s."
            % (
                run["run"],
                label,
                phase["journal_rows"],
                phase["ingest_seconds"],
                pending,
                requests,
            )
        )
    text = " ".join(details)
    kinds = failure_kinds(run["phases"].values())
    if kinds:
        ranked = sorted(kinds.items(), key=lambda item: -item[1])
        text += (
            " The failed rows come from the generated data's awkward cases,"
            " which LinkedIn rejects: %s."
            % ", ".join(
                "%s %s (%d)" % (code, kind, count) for (code, kind), count in ranked
            )
        )
    return text


def latency_lines(results, summaries):
    latency = summaries["latency"]
    figures = results["latency"]
    text = (
        "%d candidate edits were committed one at a time at random moments over"
        " %.0f s, and %d of them reached the sandbox within %.0f s of the last"
        " commit. Latency: min %.1f s, p50 %.1f s, mean %.1f s, p95 %.1f s,"
        " max %.1f s. The sandbox was polled every %.1f s (%d polls), so each"
        " figure may be up to %.1f s late."
        % (
            latency["commits"],
            figures["duration"],
            latency["seen"],
            figures["timeout"],
            latency["min"],
            latency["p50"],
            latency["mean"],
            latency["p95"],
            latency["max"],
            figures["poll_seconds"],
            figures["polls"],
            figures["poll_seconds"],
        )
    )
    if latency["flush_gaps"]:
        text += (
            " Odoo's log shows the flushes that sent something %s s apart."
            % _seconds_list(latency["flush_gaps"])
        )
    return ["#### Latency from commit to LinkedIn", "", paragraph(text)]


def pacing_lines(results, summaries):
    pacing = summaries["pacing"]
    figures = results["pacing"]
    text = (
        "%d candidate changes were flushed by %s at once with `pace_requests`"
        " on. The sandbox was limited to %d records a minute per resource."
        " Requests per process: %s. In all, %d records went in %d"
        " requests, %.1f s from the first request to the last. Records per"
        " one-minute window from the first request: %s. The busiest rolling"
        " 60 s contained %d. Over the span the flush occupied the window (%.1f s),"
        " that is %.0f records a minute, %.1f %% of the allowance. Responses 429:"
        " %d seen by the add-on, %d counted by the sandbox."
        % (
            figures["changes"],
            _plural(figures.get("processes", 1), "Odoo process", "Odoo processes"),
            figures["limit"],
            ", ".join(str(n) for n in figures.get("upserts_per_process", [])),
            pacing["records"],
            pacing["requests"],
            pacing["first_to_last"],
            ", ".join(str(count) for count in pacing["minutes"]),
            pacing["busiest_window"],
            pacing["span_seconds"],
            pacing["per_minute"],
            100 * pacing["share"],
            pacing["responses_429"],
            pacing["sandbox_429"],
        )
    )
    return ["#### Pacing", "", paragraph(text)]


def method_lines(results, dataset):
    """Return the static description of the method, with the run's settings."""
    hooks = results["hooks"]
    batch = hooks[0]["batch"]
    pacing = results["pacing"]
    latency = results["latency"]
    text = """### Method

**Databases.** One database gets `hr_recruitment` with its demo data and
the jobs, stages, sources and mediums of %(applicants)d applicants that
`tools/datagen.py` generates (seed %(seed)d, %(persons)d persons). A copy of it
(`CREATE DATABASE ... TEMPLATE`, with its filestore) gets
`linkedin_crm_connect` and a backend connected to the sandbox, whose
historical sync sends the existing jobs, pipelines and stages. Every run
starts from fresh copies of these two databases, so both sides do the same
work on the same data.

**Cost of the hooks.** `continuous_sync.py hooks` opens the ORM in its own
process, as `tools/demo.py` does, with both databases. One process creates
the applicants one `create` call each; another moves each to the next stage
(the last stage back to the first) with one `write` call each. Every
%(batch)d calls form one transaction with its own cursor and environment, so
its own ORM cache, as a request of the web client has. A first version of
this benchmark used one environment for all of them. There the cache filled
by earlier calls made later ones cheaper, and the flush, which clears it,
ran on the installed side only, so the moves showed a ratio of 3.3. The
process runs a
batch on one database and then the same batch on the other, and flips that
order from one batch to the next. The machine's speed drifts by 10 %% and
more over the 20 to 30 s that one side's phase takes. An earlier version
timed the sides one after the other, and its ratios moved by more than the
difference measured. Before each timed phase
both databases are vacuumed and analysed (`VACUUM (ANALYZE)`), so that
autovacuum, which starts at moments of its own, has nothing due. Both loops
use the context of `tools/load_applicants.py`, which switches off mail
tracking and followers. With tracking on, a trial of 1,000 creates without
the add-on took 14 times as long, which would hide the hooks' cost. With
the add-on installed, each create and each move appends one row to the
capture journal (`linkedin_capture_event`, through the `AFTER INSERT` and
`AFTER UPDATE OF stage_id` triggers on `hr_applicant`). The flush turns
these into candidates, stage history and outbox rows. The rows per entity
type are listed under the flush figures. The timed loops include the
commits.

**Flush throughput.** In the installed run, the outbox is flushed after the
creates and again after the moves, each time in a process of its own, as
Odoo's cron worker is, with
`linkedin.flusher.flush(backend, commit=True)`, as the scheduled action
does, with `pace_requests` off and the sandbox started with
`--no-rate-limits`. The flush ingests the capture journal first; the
benchmark runs that step itself just before, so that it can count the
pending rows, and adds its seconds to the flush's. Flushing between the two phases is what the one-minute
scheduled action does, so the moves queue new rows rather than update
pending ones. Rows/s divides the rows finished (done or failed) by the
seconds of the flush calls. HTTP requests are the difference of the
sandbox's `GET /sandbox/stats` before and after. The figure is the median
over the runs of both flushes together.

**Latency.** A copy of the last installed database gets its own
`integrationContext` (`%(latency_org)s`), so the sandbox's entity list
contains only the probed candidates. Only the add-on's scheduled actions
stay active on it, because the others include mail's update notification,
which calls a server outside the machine. An Odoo server runs on it with
`--max-cron-threads=1`, so Odoo's cron thread runs `_cron_flush`. It wakes
every 60 s and runs the job when its `nextcall` is due. Once the flush
cron has run once, `continuous_sync.py latency`, a separate process,
commits %(commits)d edits of a candidate's name, one at a time, at moments
drawn uniformly over %(duration).0f s (seed %(latency_seed)d), and
records the time after each commit. A thread polls `GET
/sandbox/entities?resource=atsCandidates` every %(poll).1f s and records when
each new last name first appears. The latency is the difference. Quantiles
interpolate linearly between the ranked latencies, and a change not seen
within %(timeout).0f s of the last commit ranks last.

**Pacing.** On the last installed database, after its flushes,
%(changes)d applicants of distinct synced candidates get a new name, which
queues %(changes)d candidate rows. The sandbox is set to `{"rate_limits": true,
"records_per_minute": %(limit)d}` and the backend to `pace_requests` on, with
a resource setting of `records_per_minute` %(limit)d for every resource,
which the pacer takes in place of LinkedIn's documented limit. Then
%(processes)s, started together, each run one flush as the scheduled action
does. They claim rows with `FOR UPDATE SKIP LOCKED`, so they share the
rows, and they share the pacing window in PostgreSQL
(`linkedin_pacing_slot`). A wrapper around `LinkedInClient.batch_upsert` in
each process records the start and outcome of each request. Each record sent stays in
the rolling window of the limit for 60 s, so a flush occupies the window
from its first request until 60 s after the start of its last. The share of
the allowance is the records sent divided by the allowance of that span:
%(limit)d × (last start − first start + 60 s) / 60 s. With %(changes)d
records, a whole number of minutes of allowance, a pacer that sends each
batch the moment the window has room would score about 99 %%.

**Limits of the method.** The sandbox, PostgreSQL, Odoo and the benchmark
process share the same cores, and other benchmarks may have run at the same
time (see the load average above). The hook figures use the ORM without
an HTTP request around it. A change made in the web client adds the same
request handling to both sides, so its ratio should be closer to 1; that
is an estimate, not measured here.
""" % {
        "applicants": dataset["applicants"],
        "seed": dataset["seed"],
        "persons": dataset["persons"],
        "batch": batch,
        "latency_org": latency.get("organization", "its own organization URN"),
        "commits": len(latency["commits"]),
        "duration": latency["duration"],
        "latency_seed": latency.get("seed", 0),
        "poll": latency["poll_seconds"],
        "timeout": latency["timeout"],
        "changes": pacing["changes"],
        "limit": pacing["limit"],
        "processes": _plural(
            pacing.get("processes", 1), "Odoo process", "Odoo processes"
        ),
    }
    lines = []
    for block in text.split("\n\n"):
        lines.append(
            block if block.startswith("###") else paragraph(" ".join(block.split()))
        )
        lines.append("")
    return lines[:-1]


def replace_section(page_path, section):
    """Put ``section`` between the markers, appending it when they are missing."""
    page = Path(page_path)
    block = PAGE_BEGIN + "\n" + section + PAGE_END + "\n"
    if not page.exists():
        page.write_text("# Benchmarks\n\n" + block)
        return
    text = page.read_text()
    if PAGE_BEGIN in text and PAGE_END in text:
        head, rest = text.split(PAGE_BEGIN, 1)
        _old, tail = rest.split(PAGE_END, 1)
        # One blank line separates the section from what follows it.
        tail = tail.lstrip("\n")
        page.write_text(head + block + ("\n" + tail if tail else ""))
        return
    page.write_text(text.rstrip("\n") + "\n\n" + block)


def add_report_parser(commands):
    report = commands.add_parser("report", help="write the figures to the page")
    report.add_argument("--page", help="Markdown page to write the section to")
    report.add_argument("--revision", help="commit measured")
    report.add_argument(
        "--total-seconds", type=float, help="seconds of the whole command"
    )


def command_report(args):
    results_path = Path(args.results)
    results = json.loads(results_path.read_text())
    missing = [
        name
        for name in ("machine", "dataset", "hooks", "pacing", "latency")
        if name not in results
    ]
    if missing:
        raise SystemExit(
            "error: %s lacks %s; run the other steps first"
            % (args.results, ", ".join(missing))
        )
    # Options given now are stored, so a later report of the same results
    # (without them) renders the same page.
    recorded = results.setdefault("report_options", {})
    recorded.setdefault("date", dt.date.today().isoformat())
    for name in ("revision", "total_seconds"):
        if getattr(args, name) is not None:
            recorded[name] = getattr(args, name)
    recorded.setdefault("revision", "unknown")
    recorded.setdefault("total_seconds", 0.0)
    results_path.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")
    section = render(results)
    if args.page:
        replace_section(args.page, section)
    print(section)
    return 0
