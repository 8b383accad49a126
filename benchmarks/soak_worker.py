"""One Odoo process of the fault soak: apply planned edits and flush the outbox.

``benchmarks/soak.py`` starts two of these (and a third one to replace the
one it kills). Each opens its own Odoo environment through
``tools/odoo_env.py``. The main thread applies its share of the plan, one
committed transaction per operation. A second thread, on a cursor of its
own, calls ``linkedin.flusher.flush(backend, commit=True)`` in a loop as the
scheduled action would, so the flushes of both processes compete for the
same outbox rows.

    soak_worker.py --config FILE --database DB --plan PLAN.json --worker 1 \\
        --work-dir DIR [--start-at N]

Files written to DIR, so that the coordinator can follow a process that it
may kill with SIGKILL:

- ``progress-<worker>.txt``: the index of the last committed operation;
- ``claims-<pid>.txt``: one line of outbox row ids per claim, written as
  soon as the claim statement returns, before its commit;
- ``result-<pid>.json``: counts of operations and flushes, written at exit.
"""

import argparse
import collections
import json
import logging
import os
import random
import sys
import threading
import time
import traceback
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPOSITORY / "tools"))

import odoo_env

_logger = logging.getLogger("soak.worker")

#: PostgreSQL error codes after which an operation is retried, as Odoo's
#: HTTP layer retries a request: serialization failure and deadlock.
RETRYABLE_PGCODES = ("40001", "40P01")
MAX_TRIES = 5
#: Pause between two flushes of one process, in seconds.
FLUSH_PAUSE_SECONDS = 0.2


def _open_environment(registry):
    """Return ``(manager, cursor, env)`` of a superuser environment."""
    from odoo import SUPERUSER_ID, api

    manager = api.Environment.manage()
    manager.__enter__()
    cr = registry.cursor()
    return manager, cr, api.Environment(cr, SUPERUSER_ID, {})


def _close_environment(manager, cr):
    cr.rollback()
    cr.close()
    manager.__exit__(None, None, None)


def record_claims(registry, claims_path):
    """Wrap ``linkedin.outbox.claim`` so that each claim's row ids reach a file.

    The ids are written before the caller commits the claim, so after a
    SIGKILL the file lists every row the process may have left claimed.
    """
    from odoo import api

    model_class = registry["linkedin.outbox"]
    original = model_class.claim
    # The file stays open for the life of the process, which a SIGKILL may end.
    handle = open(claims_path, "a", buffering=1)  # noqa: SIM115
    lock = threading.Lock()

    @api.model
    def claim(self, backend, entity_type, operation, limit):
        rows = original(self, backend, entity_type, operation, limit)
        if rows:
            with lock:
                handle.write(",".join(str(row["id"]) for row in rows) + "\n")
                handle.flush()
        return rows

    model_class.claim = claim


class Counter:
    """Thread-safe counts of outcomes, with the first traceback of each error."""

    def __init__(self):
        self.lock = threading.Lock()
        self.counts = collections.Counter()
        self.first_errors = {}

    def add(self, name, count=1):
        with self.lock:
            self.counts[name] += count

    def error(self, name, exc):
        with self.lock:
            self.counts[name] += 1
            key = "%s: %s" % (name, type(exc).__name__)
            if key not in self.first_errors:
                self.first_errors[key] = traceback.format_exc()[-3000:]


def _is_retryable(exc):
    import psycopg2

    return (
        isinstance(exc, psycopg2.OperationalError)
        and getattr(exc, "pgcode", None) in RETRYABLE_PGCODES
    )


def apply_operation(env, operation):
    """Apply one planned operation in the current transaction."""
    kind = operation["kind"]
    if kind == "source_rename":
        env["utm.source"].browse(operation["source_id"]).write(
            {"name": operation["value"]}
        )
        return
    applicant = env["hr.applicant"].browse(operation["applicant_id"]).exists()
    if not applicant:
        raise LookupError("applicant %d was deleted" % operation["applicant_id"])
    if kind == "delete":
        applicant.unlink()
    elif kind == "stage":
        applicant.write({"stage_id": operation["stage_id"]})
    elif kind == "source":
        applicant.write({"source_id": operation["source_id"]})
    elif kind == "note":
        applicant.message_post(
            body=operation["value"], subtype="mail.mt_note", message_type="comment"
        )
    elif kind in ("partner_name", "email_from", "partner_phone", "partner_mobile"):
        applicant.write({kind: operation["value"] or False})
    else:
        raise ValueError("unknown operation kind %r" % kind)


def run_operations(registry, operations, start_at, progress_path, counter):
    """Apply ``operations[start_at:]``, one committed transaction each."""
    manager, cr, env = _open_environment(registry)
    try:
        for index in range(start_at, len(operations)):
            operation = operations[index]
            for attempt in range(1, MAX_TRIES + 1):
                try:
                    apply_operation(env, operation)
                    cr.commit()
                    counter.add("applied:" + operation["kind"])
                    break
                except LookupError:
                    cr.rollback()
                    env.clear()
                    counter.add("skipped: applicant already deleted")
                    _logger.info("operation %d skipped: %s", index, operation)
                    break
                except Exception as exc:
                    cr.rollback()
                    env.clear()
                    if _is_retryable(exc) and attempt < MAX_TRIES:
                        counter.add("retried: %s" % exc.pgcode)
                        time.sleep(random.uniform(0.01, 0.1) * attempt)
                        continue
                    counter.error("operation failed: " + operation["kind"], exc)
                    _logger.exception("operation %d (%s) failed", index, operation)
                    break
            Path(progress_path).write_text(str(index))
    finally:
        _close_environment(manager, cr)


def flush_loop(registry, done, counter, stats):
    """Flush the backend's outbox until ``done`` is set, then once more."""
    manager, cr, env = _open_environment(registry)
    try:
        backend = env["linkedin.backend"].search([], limit=1)
        while True:
            finishing = done.is_set()
            # Each flush starts from an empty cache, as a scheduled action does.
            env.clear()
            try:
                outcome = env["linkedin.flusher"].flush(backend, commit=True)
                counter.add("flushes")
                for name in ("done", "failed", "retry", "held"):
                    stats[name] += outcome.get(name, 0)
                if "stopped" in outcome:
                    counter.add("flushes stopped by LinkedIn errors")
            except Exception as exc:
                cr.rollback()
                env.clear()
                name = (
                    "flush failed: retryable %s" % exc.pgcode
                    if _is_retryable(exc)
                    else "flush failed"
                )
                counter.error(name, exc)
                if _is_retryable(exc):
                    _logger.info("flush failed with %s; the next flush goes on", exc)
                else:
                    _logger.exception("flush failed")
            if finishing:
                return
            time.sleep(FLUSH_PAUSE_SECONDS)
    finally:
        _close_environment(manager, cr)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", required=True, help="Odoo configuration file")
    parser.add_argument("--database", required=True, help="Odoo database name")
    parser.add_argument("--plan", required=True, help="plan file written by soak.py")
    parser.add_argument(
        "--worker", required=True, help="share of the plan to apply: 1 or 2"
    )
    parser.add_argument("--work-dir", required=True, help="folder of status files")
    parser.add_argument(
        "--start-at", type=int, default=0, help="index of the first operation"
    )
    parser.add_argument("--logfile", help="Odoo log file (default: stderr)")
    args = parser.parse_args(argv)

    extra = ["--logfile", args.logfile] if args.logfile else []
    odoo_env.init(args.config, extra)
    import odoo

    operations = json.loads(Path(args.plan).read_text())["workers"][args.worker]
    work_dir = Path(args.work_dir)
    pid = os.getpid()
    registry = odoo.registry(args.database)
    record_claims(registry, work_dir / ("claims-%d.txt" % pid))

    counter = Counter()
    flush_stats = collections.Counter()
    done = threading.Event()
    flusher = threading.Thread(
        target=flush_loop, args=(registry, done, counter, flush_stats), daemon=True
    )
    started = time.time()
    flusher.start()
    try:
        run_operations(
            registry,
            operations,
            args.start_at,
            work_dir / ("progress-%s.txt" % args.worker),
            counter,
        )
    finally:
        done.set()
        flusher.join()
    result = {
        "worker": args.worker,
        "pid": pid,
        "start_at": args.start_at,
        "seconds": round(time.time() - started, 1),
        "counts": dict(counter.counts),
        "flushed": dict(flush_stats),
        "first_errors": counter.first_errors,
    }
    (work_dir / ("result-%d.json" % pid)).write_text(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
