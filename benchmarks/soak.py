"""Fault soak of the continuous sync: concurrent edits and flushes under faults.

``benchmarks/soak.sh`` builds the database and the sandbox, runs the
historical sync, then runs this script's coordinator in its own Odoo
process:

    soak.py run --config FILE --database DB --sandbox-url URL --work-dir DIR \\
        [--edits 2000] [--deletes 300] [--moves 200] [--seed 11] \\
        [--page docs/benchmarks.md]

The coordinator:

1. sets the backend's read timeout below the sandbox's slow responses and
   writes a seeded plan of edits, deletes and stage moves, split between
   two workers (``soak_worker.py``, each its own Odoo process);
2. turns the sandbox's faults on and starts both workers, which apply their
   operations and flush the outbox in a loop at the same time;
3. revokes the client's tokens once, about halfway through, and sends
   SIGKILL to worker 1 once while rows that it claimed are in flight, then
   starts a replacement process for worker 1's remaining operations;
4. turns the faults off and drains the outbox (see ``drain``);
5. compares the sandbox with Odoo (``soak_compare.py``), prints the summary
   and writes it to the soak section of the page.

The exit status is 0 only when the comparison is clean, no outbox row is
left pending or claimed, and no capture journal row is left.
"""

import argparse
import datetime as dt
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPOSITORY / "tools"))
sys.path.insert(0, str(REPOSITORY / "benchmarks"))

import odoo_env
from bench_common import SandboxControl, machine_facts

PAGE_START = "<!-- soak:start -->"
PAGE_END = "<!-- soak:end -->"
VICTIM = "1"
#: Share of the victim's operations done before it is killed.
KILL_AT_SHARE = 0.4
#: Share of all operations done before the tokens are revoked.
REVOKE_AT_SHARE = 0.55
#: Share of all operations done before the error storm, and its length: a
#: few seconds in which most requests get a 5xx, so that batches exhaust
#: their retries and the flush sends their rows back to the outbox.
STORM_AT_SHARE = 0.6
STORM_SECONDS = 15
STORM_ERROR_RATE = 0.5
#: Seconds to wait for a claim in flight before killing the victim anyway.
KILL_WAIT_SECONDS = 60
#: Seconds the workers may take before the soak gives up on them.
WORKER_TIMEOUT_SECONDS = 900
DRAIN_TIMEOUT_SECONDS = 300
#: Sibling applicants (same candidate) deleted at the same step by both workers.
SIBLING_DELETE_PAIRS = 15
SOURCE_RENAMES = 3
#: Share of each worker's operations among which all its deletes fall.
DELETES_WITHIN_SHARE = 0.5
#: Applicants that get a share of all edits and stage moves.
HOT_APPLICANTS = 20
HOT_SHARE = 0.15
#: Edit kinds with their relative frequency.
EDIT_WEIGHTS = {
    "partner_name": 22,
    "email_from": 14,
    "partner_phone": 12,
    "partner_mobile": 8,
    "source": 16,
    "note": 28,
}
FIRST_NAMES = ("Ada", "Bram", "Chloé", "Dario", "Elif", "Finn", "Greta", "Hugo")
LAST_NAMES = ("Achterberg", "Bianchi", "Costa", "de Wit", "Evans", "Fournier")


def fault_settings(args):
    return {
        "error_rate": args.error_rate,
        "reset_rate": args.reset_rate,
        "slow_rate": args.slow_rate,
        "slow_seconds": args.slow_seconds,
        "slow_applies": True,
        "burst_429": {"resource": "*", "count": args.burst_429},
        "seed": args.seed,
    }


class Sandbox(SandboxControl):
    """The sandbox's control endpoints, with the soak's faults and revocation."""

    def set_faults(self, faults):
        return self.configure(faults=faults)

    def revoke(self, client_id):
        return self.call("POST", "/sandbox/revoke", json={"client_id": client_id})


def total_requests(stats):
    return sum(
        count for methods in stats["requests"].values() for count in methods.values()
    )


# -- plan ---------------------------------------------------------------------


def build_plan(env, company, args):
    """Return ``{"workers": {"1": [op, ...], "2": [...]}}``, seeded by ``args.seed``."""
    rng = random.Random(args.seed)
    cr = env.cr
    cr.execute(
        "SELECT a.id, a.linkedin_candidate_id FROM hr_applicant a"
        " JOIN hr_job j ON j.id = a.job_id WHERE j.company_id = %s"
        " AND a.linkedin_candidate_id IS NOT NULL ORDER BY a.id",
        (company.id,),
    )
    applicants = cr.fetchall()
    cr.execute("SELECT id FROM hr_recruitment_stage WHERE job_id IS NULL ORDER BY id")
    stage_ids = [row[0] for row in cr.fetchall()]
    cr.execute("SELECT id, name FROM utm_source ORDER BY id")
    sources = cr.fetchall()

    by_candidate = {}
    for applicant_id, candidate_id in applicants:
        by_candidate.setdefault(candidate_id, []).append(applicant_id)
    siblings = [ids for ids in by_candidate.values() if len(ids) >= 2]
    pairs = [
        rng.sample(ids, 2)
        for ids in rng.sample(siblings, min(SIBLING_DELETE_PAIRS, len(siblings)))
    ]
    deleted = {applicant_id for pair in pairs for applicant_id in pair}
    others = [row[0] for row in applicants if row[0] not in deleted]
    single_deletes = rng.sample(others, max(args.deletes - len(deleted), 0))
    deleted.update(single_deletes)
    survivors = [
        applicant_id for applicant_id, _c in applicants if applicant_id not in deleted
    ]
    all_ids = [applicant_id for applicant_id, _c in applicants]

    hot = rng.sample(survivors, min(HOT_APPLICANTS, len(survivors)))

    def target():
        # Some operations aim at a few hot applicants, whose outbox rows are
        # then often in flight when the next change comes. One in twenty
        # aims at any applicant, so some meet a delete of the same applicant
        # in the other worker.
        draw = rng.random()
        if draw < HOT_SHARE:
            return rng.choice(hot)
        return rng.choice(all_ids if draw < HOT_SHARE + 0.05 else survivors)

    operations = [{"kind": "delete", "applicant_id": a} for a in single_deletes]
    operations += [
        {"kind": "stage", "applicant_id": target(), "stage_id": rng.choice(stage_ids)}
        for _ in range(args.moves)
    ]
    kinds = list(EDIT_WEIGHTS)
    weights = [EDIT_WEIGHTS[kind] for kind in kinds]
    renames = min(SOURCE_RENAMES, args.edits)
    for number in range(args.edits - renames):
        operations.append(
            edit_operation(rng, rng.choices(kinds, weights)[0], number, target, sources)
        )
    for number, (source_id, name) in enumerate(rng.sample(sources, renames)):
        operations.append(
            {
                "kind": "source_rename",
                "source_id": source_id,
                "value": "%s (soak %d)" % (name, number + 1),
            }
        )
    rng.shuffle(operations)
    workers = {"1": [], "2": []}
    for operation in operations:
        workers[rng.choice("12")].append(operation)
    for worker, ops in workers.items():
        workers[worker] = deletes_first(rng, ops)
    # Each worker deletes one applicant of a pair at the same step.
    for number, (first, second) in enumerate(pairs):
        for worker, applicant_id in (("1", first), ("2", second)):
            ops = workers[worker]
            position = int(
                (number + 1) * len(ops) * DELETES_WITHIN_SHARE // (len(pairs) + 1)
            )
            ops.insert(position, {"kind": "delete", "applicant_id": applicant_id})
    return {"workers": workers, "sibling_delete_pairs": len(pairs)}


def deletes_first(rng, ops):
    """Return ``ops`` with its deletes moved among the first operations.

    The flush sends deletes before upserts and stops at the first batch that
    exhausts its retries, so an error storm reaches upsert batches only once
    no delete is left to send.
    """
    deletes = [op for op in ops if op["kind"] == "delete"]
    others = [op for op in ops if op["kind"] != "delete"]
    head_size = int(len(ops) * DELETES_WITHIN_SHARE) - len(deletes)
    head = others[:head_size] + deletes
    rng.shuffle(head)
    return head + others[head_size:]


def edit_operation(rng, kind, number, target, sources):
    operation = {"kind": kind, "applicant_id": target()}
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    if kind == "partner_name":
        # A few names are cleared, which LinkedIn rejects (no first name).
        operation["value"] = "" if rng.random() < 0.02 else "%s %s" % (first, last)
    elif kind == "email_from":
        local = "%s.%s.%d" % (first.lower(), last.lower().replace(" ", ""), number)
        # A few are malformed, which LinkedIn rejects.
        operation["value"] = (
            local + "@" if rng.random() < 0.04 else local + "@example.org"
        )
    elif kind in ("partner_phone", "partner_mobile"):
        operation["value"] = "+44 20 7946 0%03d" % rng.randrange(1000)
    elif kind == "source":
        operation["source_id"] = rng.choice(sources)[0]
    elif kind == "note":
        operation["value"] = "<p>Soak note %d: call with %s %s.</p>" % (
            number,
            first,
            last,
        )
    return operation


# -- workers ------------------------------------------------------------------


class Workers:
    """The worker processes of the soak and their status files."""

    def __init__(self, args, plan_path):
        self.args = args
        self.plan_path = plan_path
        self.work_dir = Path(args.work_dir)
        self.processes = {}
        self.all_pids = []

    def start(self, worker, start_at=0):
        log_dir = Path(self.args.log_dir)
        command = [
            sys.executable,
            str(REPOSITORY / "benchmarks" / "soak_worker.py"),
            "--config",
            self.args.config,
            "--database",
            self.args.database,
            "--plan",
            str(self.plan_path),
            "--worker",
            worker,
            "--work-dir",
            str(self.work_dir),
            "--start-at",
            str(start_at),
            "--logfile",
            str(log_dir / ("soak-worker-%s-%d.log" % (worker, len(self.all_pids) + 1))),
        ]
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
        self.processes[worker] = process
        self.all_pids.append(process.pid)
        print(
            "soak: worker %s started, PID %d, from operation %d"
            % (worker, process.pid, start_at),
            flush=True,
        )
        return process

    def progress(self, worker):
        """Return the number of committed operations of a worker's share."""
        path = self.work_dir / ("progress-%s.txt" % worker)
        try:
            return int(path.read_text() or -1) + 1
        except (FileNotFoundError, ValueError):
            return 0

    def last_claim(self, pid):
        path = self.work_dir / ("claims-%d.txt" % pid)
        try:
            lines = path.read_text().splitlines()
        except FileNotFoundError:
            return []
        complete = [line for line in lines if line.strip()]
        return [int(value) for value in complete[-1].split(",")] if complete else []

    def claimed_ids(self, pid):
        path = self.work_dir / ("claims-%d.txt" % pid)
        ids = set()
        if path.exists():
            for line in path.read_text().splitlines():
                ids.update(int(value) for value in line.split(",") if value.strip())
        return ids

    def running(self):
        return [w for w, p in self.processes.items() if p.poll() is None]

    def results(self):
        results = []
        for pid in self.all_pids:
            path = self.work_dir / ("result-%d.json" % pid)
            if path.exists():
                results.append(json.loads(path.read_text()))
        return results


def storm_settings(args):
    return {"error_rate": STORM_ERROR_RATE, "seed": args.seed + 1}


def run_workers(env, args, plan, plan_path, sandbox, client_id):
    """Run both workers with a token revocation, an error storm and a SIGKILL.

    Returns the workers and the events with the step at which each happened.
    """
    workers = Workers(args, plan_path)
    sizes = {worker: len(ops) for worker, ops in plan["workers"].items()}
    total = sum(sizes.values())
    events = {"revoked_at": None, "killed": None, "storm": None}
    storm_ends = None
    started = time.time()
    for worker in sorted(sizes):
        workers.start(worker)
    victim = workers.processes[VICTIM]
    kill_ready_since = None
    while workers.running():
        if time.time() - started > WORKER_TIMEOUT_SECONDS:
            for worker in workers.running():
                workers.processes[worker].kill()
            raise SystemExit(
                "error: workers did not finish in %d s" % WORKER_TIMEOUT_SECONDS
            )
        done = {worker: workers.progress(worker) for worker in sizes}
        if (
            events["revoked_at"] is None
            and sum(done.values()) >= REVOKE_AT_SHARE * total
        ):
            sandbox.revoke(client_id)
            events["revoked_at"] = {
                "operations_done": sum(done.values()),
                "seconds": round(time.time() - started, 1),
            }
            print(
                "soak: tokens of %s revoked after %d operations"
                % (client_id, sum(done.values())),
                flush=True,
            )
        if events["storm"] is None and sum(done.values()) >= STORM_AT_SHARE * total:
            sandbox.set_faults(storm_settings(args))
            storm_ends = time.time() + STORM_SECONDS
            events["storm"] = {"operations_done": sum(done.values())}
            print(
                "soak: error storm for %d s after %d operations"
                % (STORM_SECONDS, sum(done.values())),
                flush=True,
            )
        if storm_ends is not None and time.time() >= storm_ends:
            # Setting the faults again also arms a new burst of 429s.
            sandbox.set_faults(fault_settings(args))
            storm_ends = None
        if events["killed"] is None and done[VICTIM] >= KILL_AT_SHARE * sizes[VICTIM]:
            kill_ready_since = kill_ready_since or time.time()
            in_flight = claimed_in_flight(env, workers.last_claim(victim.pid))
            waited = time.time() - kill_ready_since
            if in_flight or waited > KILL_WAIT_SECONDS:
                os.kill(victim.pid, signal.SIGKILL)
                victim.wait()
                progress = workers.progress(VICTIM)
                events["killed"] = {
                    "pid": victim.pid,
                    "operations_done": progress,
                    "rows_claimed_in_flight": in_flight,
                    "seconds": round(time.time() - started, 1),
                }
                print(
                    "soak: worker %s (PID %d) killed with %d claimed rows in flight"
                    " after %d operations" % (VICTIM, victim.pid, in_flight, progress),
                    flush=True,
                )
                workers.start(VICTIM, start_at=progress)
        time.sleep(0.02)
    events["seconds"] = round(time.time() - started, 1)
    return workers, events


def claimed_in_flight(env, row_ids):
    """Count the rows among ``row_ids`` that are committed as claimed now."""
    if not row_ids:
        return 0
    env.cr.rollback()
    env.cr.execute(
        "SELECT count(*) FROM linkedin_outbox WHERE id IN %s AND state = 'claimed'",
        (tuple(row_ids),),
    )
    count = env.cr.fetchone()[0]
    env.cr.rollback()
    return count


# -- drain --------------------------------------------------------------------


def outbox_states(env, backend):
    """Return ``{state: rows}`` of the backend's outbox.

    Rows of the capture journal that no flush has ingested yet count under
    ``journal``, because they are changes not yet in the outbox.
    """
    env.cr.execute(
        "SELECT state, count(*) FROM linkedin_outbox WHERE backend_id = %s"
        " GROUP BY state",
        (backend.id,),
    )
    states = dict(env.cr.fetchall())
    env.cr.execute("SELECT count(*) FROM linkedin_capture_event")
    journal = env.cr.fetchone()[0]
    if journal:
        states["journal"] = journal
    return states


def release_dead_claims(env, backend, victim_ids):
    """Age the claims of the killed process past the claim timeout.

    Waiting ``CLAIM_TIMEOUT`` (10 minutes) would let ``release_stale_claims``
    free them by itself, and moving ``claimed_at`` back has the same effect
    at once. Every worker has exited by now, so any other claimed row was
    left by a process that did not die. Such rows are counted apart and aged
    too, so that the drain can finish, and they make the soak fail.
    """
    from odoo.addons.linkedin_crm_connect.models.linkedin_outbox import CLAIM_TIMEOUT

    env.cr.execute(
        "SELECT id FROM linkedin_outbox WHERE backend_id = %s AND state = 'claimed'",
        (backend.id,),
    )
    claimed = {row[0] for row in env.cr.fetchall()}
    of_victim = claimed & victim_ids
    if claimed:
        env.cr.execute(
            "UPDATE linkedin_outbox SET claimed_at = claimed_at - %s WHERE id IN %s",
            (CLAIM_TIMEOUT + dt.timedelta(minutes=1), tuple(claimed)),
        )
    env.cr.commit()
    return {
        "of_killed_process": len(of_victim),
        "of_live_processes": len(claimed - of_victim),
    }


def drain(env, backend):
    """Flush until no row is pending or claimed, and return the drain's figures.

    A row that a flush sent back to pending with a back-off (up to several
    minutes after repeated 5xx) is made due at once, which is the same as
    waiting for its ``next_attempt_at``.
    """
    started = time.time()
    flushes = 0
    backoffs_skipped = 0
    while True:
        env.clear()
        env["linkedin.flusher"].flush(backend, commit=True)
        flushes += 1
        env.cr.commit()
        states = outbox_states(env, backend)
        if not any(states.get(state) for state in ("pending", "claimed", "journal")):
            break
        if time.time() - started > DRAIN_TIMEOUT_SECONDS:
            print("soak: drain timed out with %s" % states, flush=True)
            break
        env.cr.execute(
            "UPDATE linkedin_outbox SET next_attempt_at = NULL"
            " WHERE backend_id = %s AND state = 'pending'"
            " AND next_attempt_at > now() AT TIME ZONE 'UTC'",
            (backend.id,),
        )
        backoffs_skipped += env.cr.rowcount
        env.cr.commit()
        time.sleep(0.2)
    return {
        "seconds": round(time.time() - started, 1),
        "flushes": flushes,
        "backoffs_skipped": backoffs_skipped,
        "outbox": outbox_states(env, backend),
    }


def outbox_failures(env, backend, limit=6):
    env.cr.execute(
        "SELECT entity_type, left(COALESCE(error_message, ''), 110), count(*)"
        " FROM linkedin_outbox WHERE backend_id = %s AND state = 'failed'"
        " GROUP BY 1, 2 ORDER BY 3 DESC LIMIT %s",
        (backend.id, limit),
    )
    return [
        {"entity_type": code, "message": message, "count": count}
        for code, message, count in env.cr.fetchall()
    ]


# -- report -------------------------------------------------------------------


def merge_counts(results, key):
    merged = {}
    for result in results:
        for name, count in result.get(key, {}).items():
            merged[name] = merged.get(name, 0) + count
    return dict(sorted(merged.items()))


def render(summary):
    """Return the Markdown of the last run: settings, figures and comparison."""
    lines = []
    add = lines.append
    machine = summary["machine"]
    add(
        "Run of %s, commit %s, %s."
        % (summary["date"], summary["revision"], summary["verdict"])
    )
    add("")
    add(
        "Machine: %d cores (%s), %d GiB of memory, Python %s, PostgreSQL %s,"
        " Odoo %s."
        % (
            machine["cores"],
            machine["cpu_model"] or "unknown CPU",
            round(machine["memory_bytes"] / 2**30),
            machine["python"],
            machine["postgres"],
            machine["odoo"],
        )
    )
    add("")
    faults = summary["faults"]
    add(
        "Faults: `%s`, backend read timeout %d s. Error storm: `%s` for %d s."
        % (
            json.dumps(faults, sort_keys=True),
            summary["request_timeout"],
            json.dumps(summary["storm"], sort_keys=True),
            STORM_SECONDS,
        )
    )
    add("")
    add("| figure | value |")
    add("|---|---|")
    for label, value in summary["figures"]:
        add("| %s | %s |" % (label, value))
    add("")
    add(
        "| resource | in Odoo | held | missing | extra | stale | duplicates | rejected (bad input) |"
    )
    add("|---|---:|---:|---:|---:|---:|---:|---:|")
    for row in summary["comparison"]:
        add(
            "| %s | %d | %d | %d | %d | %d | %d | %d |"
            % (
                row["label"],
                row["in_odoo"],
                row["held"],
                row["missing"],
                row["extra"],
                row["stale"],
                row["duplicates"],
                row["rejected"],
            )
        )
    add("")
    return "\n".join(lines) + "\n"


def write_page(page_path, figures):
    """Write the soak section of the page between its markers.

    The section (heading, method and ``figures``) replaces what the markers
    enclose, or is appended when the page has no markers yet. A missing
    page is created with the section alone.
    """
    page = Path(page_path)
    block = PAGE_START + "\n" + SECTION_TEXT + "\n### Last run\n\n" + figures + PAGE_END
    text = page.read_text() if page.exists() else ""
    if PAGE_START in text and PAGE_END in text:
        head, rest = text.split(PAGE_START, 1)
        _old, tail = rest.split(PAGE_END, 1)
        text = head + block + tail
    else:
        text = (text.rstrip() + "\n\n" if text else "") + block + "\n"
    page.write_text(text)


SECTION_TEXT = """\
## Soak

`benchmarks/soak.sh` runs the continuous sync under injected LinkedIn
faults, from two Odoo processes at once, and checks that LinkedIn ends up
storing what Odoo stores. It exits 0 only when that comparison is clean.

### Run it

```
benchmarks/soak.sh [--applicants N] [--edits N] [--deletes N] [--moves N] [--seed N]
```

It needs what `bin/demo` needs, because it builds the runtime with
`runtime/lib.sh`, and `PGHOST`/`PGPORT` select a PostgreSQL server of your
own. It builds database `lcc_soak_base` (Recruitment demo data, 5,000
generated applicants, the add-on), copies it to `lcc_soak`, connects a
backend to the sandbox (port 8970, rate limits off, pacing off) and runs
the historical sync. `--reuse-base` skips building the base when it exists
and updates the add-on in the copy instead. `--help` lists the options.

### Method

- **Plan.** `benchmarks/soak.py` writes a seeded plan of 2,000 edits
  (applicant name, email, phone, mobile, source, notes posted as
  `message_type="comment"`, three renames of a source), 300 applicant
  deletes and 200 stage moves, split at random between two workers. About
  2 % of the names are cleared and 4 % of the emails are malformed, which
  LinkedIn rejects. 15 % of the edits and moves go to 20 hot applicants, so
  that their rows are often in flight when the next change comes. Fifteen
  pairs of applicants of one candidate are deleted at the same step, one by
  each worker. All deletes fall in the first half of each worker's plan.
- **Workers.** Each worker (`benchmarks/soak_worker.py`) is its own Python
  process with its own Odoo environment from `tools/odoo_env.py`. Its main
  thread commits one transaction per operation and retries serialization
  failures and deadlocks up to 5 times. A second thread flushes the outbox
  with `env["linkedin.flusher"].flush(backend, commit=True)` every 0.2 s on
  a cursor of its own, so the flushes of both workers overlap.
- **Faults.** The backend's read timeout is set to 2 s, below the
  sandbox's 3 s slow responses, which the sandbox still applies. About
  halfway through, `POST /sandbox/revoke` revokes the client's tokens. At 60
  % of the operations an error storm replaces the faults for 15 s. Once
  worker 1 has done 40 % of its share, the coordinator waits until rows
  that worker 1 claimed are committed as claimed and sends it SIGKILL. A
  replacement process then applies worker 1's remaining operations.
- **Drain.** With the faults off, the rows claimed by the killed process
  get their `claimed_at` moved back past `CLAIM_TIMEOUT` (10 minutes). Its
  claim wrapper wrote their ids to a file before each claim's commit. The
  next flush's `release_stale_claims()` then frees them at once, as it
  would after waiting. Every worker has exited by then, so any other claimed row
  was left by a live process: it is aged too, and it makes the soak fail.
  Pending rows that wait for a back-off after 5xx errors are made due at
  once. Flushes run until no row is pending or claimed and the capture
  journal is empty.
- **Comparison.** `benchmarks/soak_compare.py` reads what LinkedIn must
  hold from Odoo's tables with its own SQL and maps it with the add-on's
  `linkedin/entities.py`. It then compares that with
  `GET /sandbox/entities` for pipelines (title), pipeline stages (name),
  candidates (first and last name, email, phones), candidate pipelines
  (stage, source, refusal), stage history (stage, previous stage) and
  interactions (content, type, candidate, pipeline). *Missing* is in Odoo
  but not held, *extra* is held but not in Odoo (deleted records that
  LinkedIn still holds), *stale* is held with other data, *duplicates* are
  keys listed twice. *Rejected* counts records that are missing or stale
  because their current data, or their candidate's, is invalid for LinkedIn
  and whose `linkedin.binding` is failed with a message. Those do not make
  the run unclean. Timestamps are not compared, because Odoo changes
  `write_date` on edits that LinkedIn never receives.
- **Clean** means no missing, extra, stale or duplicate record, no outbox
  row pending or claimed and no capture journal row after the drain, no
  claim left by a live process and no orphan other than resumes. LinkedIn documents no endpoint that
  deletes a resume, so the resumes of deleted candidates stay, and their
  outbox rows fail with a message to delete them in Recruiter by hand.
"""


def print_summary(summary):
    print()
    for label, value in summary["figures"]:
        print("%-44s %s" % (label, value))
    print()
    header = "%-22s %8s %8s %8s %6s %6s %6s %9s" % (
        "resource",
        "in Odoo",
        "held",
        "missing",
        "extra",
        "stale",
        "dupes",
        "rejected",
    )
    print(header)
    print("-" * len(header))
    for row in summary["comparison"]:
        print(
            "%-22s %8d %8d %8d %6d %6d %6d %9d%s"
            % (
                row["label"],
                row["in_odoo"],
                row["held"],
                row["missing"],
                row["extra"],
                row["stale"],
                row["duplicates"],
                row["rejected"],
                "" if row["clean"] else "  <-- NOT CLEAN",
            )
        )
        for example in row["examples"]:
            print("    %s" % json.dumps(example, ensure_ascii=False, default=str))
    print()
    print("soak: %s" % summary["verdict"])


# -- main ---------------------------------------------------------------------


def command_run(args):
    odoo_env.init(
        args.config, ["--logfile", str(Path(args.log_dir) / "soak-coordinator.log")]
    )
    # Imported once the configuration has put the add-on on the addons path.
    import soak_compare

    work_dir = Path(args.work_dir)
    work_dir.mkdir(parents=True, exist_ok=True)
    for stale_file in work_dir.glob("*.txt"):
        stale_file.unlink()
    for stale_file in work_dir.glob("result-*.json"):
        stale_file.unlink()
    sandbox = Sandbox(args.sandbox_url)
    faults = fault_settings(args)

    with odoo_env.environment(args.database) as env:
        company = env.ref("base.main_company")
        backend = env["linkedin.backend"].search([("company_id", "=", company.id)])
        backend.write({"request_timeout": args.request_timeout})
        client_id = backend.sudo().client_id
        context = backend.organization_urn
        plan = build_plan(env, company, args)
        env.cr.commit()
        plan_path = work_dir / "plan.json"
        plan_path.write_text(json.dumps(plan))
        print(
            "soak: plan of %s operations, %d sibling delete pairs"
            % (
                "+".join(str(len(ops)) for ops in plan["workers"].values()),
                plan["sibling_delete_pairs"],
            ),
            flush=True,
        )

        requests_before = total_requests(sandbox.stats())
        sandbox.set_faults(faults)
        print("soak: faults on: %s" % json.dumps(faults), flush=True)
        workers, events = run_workers(env, args, plan, plan_path, sandbox, client_id)
        stats_faulted = sandbox.stats()
        sandbox.set_faults({})
        print(
            "soak: workers done in %.1f s, faults off" % events["seconds"], flush=True
        )

        env.cr.rollback()
        env.clear()
        victim_ids = (
            workers.claimed_ids(events["killed"]["pid"]) if events["killed"] else set()
        )
        aged = release_dead_claims(env, backend, victim_ids)
        drained = drain(env, backend)
        print(
            "soak: drained in %.1f s, outbox %s"
            % (drained["seconds"], drained["outbox"]),
            flush=True,
        )
        stats_end = sandbox.stats()

        env.cr.rollback()
        held = {
            resource: sandbox.entities(resource, context)
            for _label, resource, _code in soak_compare.RESOURCES
        }
        comparison = soak_compare.compare(env.cr, backend.id, company.id, held)
        orphans = {
            name: count
            for name, count in sandbox.counts(context).get("orphans", {}).items()
            if count
        }
        failures = outbox_failures(env, backend)
        worker_results = workers.results()
        machine = machine_facts(env)
        backend.invalidate_cache()
        backend_state = backend.state

    outbox = drained["outbox"]
    # LinkedIn documents no endpoint that deletes a resume, so the resumes of
    # deleted candidates stay as orphans. The outbox fails their rows with a
    # message to delete them by hand.
    unexpected_orphans = {k: v for k, v in orphans.items() if k != "resumes"}
    clean = (
        all(row["clean"] for row in comparison)
        and not outbox.get("pending")
        and not outbox.get("claimed")
        and not outbox.get("journal")
        and not unexpected_orphans
        and not aged["of_live_processes"]
    )
    operations = merge_counts(worker_results, "counts")
    flushed = merge_counts(worker_results, "flushed")
    applied = sum(
        count for name, count in operations.items() if name.startswith("applied:")
    )
    failed_ops = {
        name: count
        for name, count in operations.items()
        if name.startswith("operation failed")
    }
    flush_errors = {
        name: count
        for name, count in operations.items()
        if name.startswith("flush failed")
    }
    killed = events["killed"] or {}
    figures = [
        ("operations planned", sum(len(ops) for ops in plan["workers"].values())),
        ("operations committed by the processes not killed", applied),
        (
            "operations done by the killed process",
            (events["killed"] or {}).get("operations_done", 0),
        ),
        (
            "operations skipped (applicant already deleted)",
            operations.get("skipped: applicant already deleted", 0),
        ),
        (
            "operations retried (serialization, deadlock)",
            sum(c for n, c in operations.items() if n.startswith("retried")),
        ),
        ("operations failed", json.dumps(failed_ops) if failed_ops else 0),
        ("flushes during the run", operations.get("flushes", 0)),
        ("flushes that raised", json.dumps(flush_errors) if flush_errors else 0),
        (
            "outbox rows sent during the run (done, failed, retried)",
            "%d, %d, %d"
            % (
                flushed.get("done", 0),
                flushed.get("failed", 0),
                flushed.get("retry", 0),
            ),
        ),
        (
            "faults injected",
            json.dumps(stats_faulted.get("faults", {}), sort_keys=True),
        ),
        (
            "requests handled under faults",
            total_requests(stats_faulted) - requests_before,
        ),
        (
            "requests handled in the drain",
            total_requests(stats_end) - total_requests(stats_faulted),
        ),
        ("run time of the workers (s)", events["seconds"]),
        (
            "tokens revoked after operations",
            (events["revoked_at"] or {}).get("operations_done", "not revoked"),
        ),
        (
            "error storm (%d s) after operations" % STORM_SECONDS,
            (events["storm"] or {}).get("operations_done", "no storm"),
        ),
        ("worker killed after operations", killed.get("operations_done", "not killed")),
        ("claimed rows in flight at the kill", killed.get("rows_claimed_in_flight", 0)),
        (
            "claims aged past the timeout (killed, live)",
            "%d, %d" % (aged["of_killed_process"], aged["of_live_processes"]),
        ),
        ("drain time (s)", drained["seconds"]),
        (
            "drain flushes, back-offs skipped",
            "%d, %d" % (drained["flushes"], drained["backoffs_skipped"]),
        ),
        ("outbox after the drain", json.dumps(outbox, sort_keys=True)),
        (
            "outbox failures (top reasons)",
            "; ".join(
                "%s: %s (%d)" % (f["entity_type"], f["message"], f["count"])
                for f in failures
            )
            or "none",
        ),
        (
            "orphans held by LinkedIn (resumes expected)",
            json.dumps(orphans) if orphans else 0,
        ),
        ("backend state", backend_state),
    ]
    if args.setup_seconds is not None:
        figures.insert(0, ("setup and historical sync (s)", args.setup_seconds))
    summary = {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "revision": args.revision,
        "verdict": "clean" if clean else "NOT CLEAN",
        "machine": machine,
        "faults": faults,
        "storm": storm_settings(args),
        "request_timeout": args.request_timeout,
        "figures": figures,
        "comparison": comparison,
        "worker_errors": {
            k: v for r in worker_results for k, v in r["first_errors"].items()
        },
    }
    (work_dir / "summary.json").write_text(json.dumps(summary, indent=1, default=str))
    print_summary(summary)
    for name, text in summary["worker_errors"].items():
        print("\nfirst %s:\n%s" % (name, text))
    if args.page:
        write_page(args.page, render(summary))
        print("soak: summary written to %s" % args.page)
    return 0 if clean else 1


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="run the soak on a synced database")
    run.add_argument("--config", required=True, help="Odoo configuration file")
    run.add_argument("--database", required=True, help="Odoo database name")
    run.add_argument("--sandbox-url", required=True)
    run.add_argument(
        "--work-dir", required=True, help="folder of plan and status files"
    )
    run.add_argument("--log-dir", required=True, help="folder of the Odoo logs")
    run.add_argument("--edits", type=int, default=2000, help="edits of applicants")
    run.add_argument("--deletes", type=int, default=300, help="applicants deleted")
    run.add_argument("--moves", type=int, default=200, help="stage moves")
    run.add_argument("--seed", type=int, default=11, help="seed of the plan and faults")
    run.add_argument("--error-rate", type=float, default=0.05)
    run.add_argument("--reset-rate", type=float, default=0.02)
    run.add_argument("--slow-rate", type=float, default=0.02)
    run.add_argument(
        "--slow-seconds", type=float, default=3, help="delay of a slow response (s)"
    )
    run.add_argument(
        "--burst-429", type=int, default=3, help="requests that get a 429 at the start"
    )
    run.add_argument(
        "--request-timeout", type=int, default=2, help="backend read timeout (s)"
    )
    run.add_argument("--page", help="page whose soak section gets the summary")
    run.add_argument("--revision", default="unknown", help="commit named on the page")
    run.add_argument("--setup-seconds", type=int, help="setup time to report")
    args = parser.parse_args(argv)
    return command_run(args)


if __name__ == "__main__":
    sys.exit(main())
