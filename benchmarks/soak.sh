#!/usr/bin/env bash
# Soak the continuous sync under injected LinkedIn faults, on real Odoo 11,
# PostgreSQL and the LinkedIn sandbox. The script creates database
# lcc_soak_base with hr_recruitment and its demo data, adds generated
# applicants and installs linkedin_crm_connect. On a copy of it, lcc_soak,
# it connects a backend to the sandbox and runs the historical sync, as
# bin/demo does. Then benchmarks/soak.py runs concurrent edits, deletes and
# stage moves from two Odoo processes that flush the outbox at the same
# time, under 5xx errors, connection resets, timeouts, 429s, an error storm,
# a token revocation and a SIGKILL of one process. It
# drains the outbox and compares what the sandbox stores with Odoo's
# data. The summary is printed and replaces the soak section of
# docs/benchmarks.md.
#
# Usage: benchmarks/soak.sh [options]
#   --applicants N       generated applicants (default 5000)
#   --edits N            edits of names, emails, phones, sources and notes
#                        (default 2000)
#   --deletes N          applicants deleted (default 300)
#   --moves N            stage moves (default 200)
#   --seed N             seed of the plan and of the sandbox's faults (default 11)
#   --page FILE          page to write the summary to (default docs/benchmarks.md);
#                        --page '' writes no page
#   --sandbox-port PORT  the sandbox's port (default 8970)
#   --reuse-base         reuse database lcc_soak_base (applicants loaded, add-on
#                        installed) from an earlier run instead of building it;
#                        it is rebuilt when missing, and its applicant count
#                        is not checked
#
# Exit status 0 means the comparison is clean: nothing missing, extra, stale
# or duplicated on LinkedIn, no outbox row left pending or claimed, and no
# capture journal row left. Set PGHOST and PGPORT to use a PostgreSQL server of your own, as for bin/demo.
# Logs and the summary (JSON) are in .run/soak/ and .run/logs/.
set -euo pipefail

cd "$(dirname "$0")/.."
source runtime/lib.sh

SOAK_DB=lcc_soak
BASE_DB=lcc_soak_base
applicants=5000
edits=2000
deletes=300
moves=200
seed=11
page=docs/benchmarks.md
sandbox_port=8970
reuse_base=0
while (($# > 0)); do
    case "$1" in
        --applicants) applicants="${2:?--applicants needs a number}"; shift ;;
        --edits) edits="${2:?--edits needs a number}"; shift ;;
        --deletes) deletes="${2:?--deletes needs a number}"; shift ;;
        --moves) moves="${2:?--moves needs a number}"; shift ;;
        --seed) seed="${2:?--seed needs a number}"; shift ;;
        --page) page="${2?--page needs a file name}"; shift ;;
        --sandbox-port) sandbox_port="${2:?--sandbox-port needs a port}"; shift ;;
        --reuse-base) reuse_base=1 ;;
        -h | --help)
            sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'
            exit 0
            ;;
        *) lcc_die "unknown option '$1' (see benchmarks/soak.sh --help)" ;;
    esac
    shift
done
for option in applicants edits deletes moves seed sandbox_port; do
    [[ "${!option}" =~ ^[0-9]+$ ]] \
        || lcc_die "--${option//_/-} must be a whole number, got '${!option}'"
done

started=$SECONDS
sandbox_pid=""
cleanup() {
    if [[ -n "$sandbox_pid" ]]; then
        kill "$sandbox_pid" 2>/dev/null || true
        wait "$sandbox_pid" 2>/dev/null || true
    fi
    lcc_stop_postgres
}
trap cleanup EXIT

lcc_ensure_venv
lcc_ensure_postgres

soak_dir="$LCC_RUN/soak"
mkdir -p "$LCC_LOGS" "$soak_dir"

# Rate limits are off so that every 429 is an injected one. soak.py turns
# the faults on after the historical sync.
sandbox_out="$soak_dir/sandbox-$$.out"
"$LCC_VENV/bin/python" -m linkedin_sandbox --port "$sandbox_port" --no-rate-limits \
    >"$sandbox_out" 2>"$LCC_LOGS/soak-sandbox.log" &
sandbox_pid=$!
for _ in $(seq 1 50); do
    grep -q "listening on" "$sandbox_out" 2>/dev/null && break
    kill -0 "$sandbox_pid" 2>/dev/null \
        || lcc_die "sandbox failed to start (see .run/logs/soak-sandbox.log)"
    sleep 0.1
done
sandbox_url="$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$sandbox_out" | head -n 1)"
rm -f "$sandbox_out"
[[ -n "$sandbox_url" ]] || lcc_die "sandbox did not report its URL (see .run/logs/soak-sandbox.log)"
lcc_log "sandbox: listening on $sandbox_url, rate limits off"

# soak_psql SQL: run one statement on the maintenance database and print the
# first value of its result.
soak_psql() {
    PGHOST="$LCC_DB_HOST" PGPORT="$LCC_DB_PORT" PGUSER="$LCC_DB_USER" \
        PGPASSWORD="$LCC_DB_PASSWORD" "$LCC_VENV/bin/python" - "$1" <<'EOF'
import sys

import psycopg2

connection = psycopg2.connect(dbname="postgres")
connection.autocommit = True
with connection.cursor() as cursor:
    cursor.execute(sys.argv[1])
    print(cursor.fetchone()[0] if cursor.description else "")
connection.close()
EOF
}

base_config="$LCC_RUN/odoo-soak-base.conf"
base_ready=0
if ((reuse_base)) \
    && [[ "$(soak_psql "SELECT count(*) FROM pg_database WHERE datname = '$BASE_DB'")" == 1 ]]; then
    base_ready=1
    lcc_log "soak: reusing database $BASE_DB"
fi
if ((!base_ready)); then
    lcc_create_db "$BASE_DB" hr_recruitment demo
    lcc_write_odoo_config "$base_config" "$BASE_DB" 0
    lcc_log "soak: adding $applicants generated applicants"
    "$LCC_VENV/bin/python" tools/demo.py --config "$base_config" --database "$BASE_DB" \
        load --count "$applicants"
    lcc_log "soak: installing linkedin_crm_connect"
    lcc_run_logged "$LCC_LOGS/odoo-install-soak.log" lcc_odoo --config="$base_config" \
        --database="$BASE_DB" --init=linkedin_crm_connect --stop-after-init
fi

# The soak runs on a copy, so that --reuse-base starts from the same data.
# Attachments live in Odoo's filestore, which the copy needs as well.
lcc_drop_db "$SOAK_DB"
soak_psql "CREATE DATABASE $SOAK_DB TEMPLATE $BASE_DB" >/dev/null
filestore="$LCC_RUN/odoo-data/filestore"
rm -rf "${filestore:?}/$SOAK_DB"
if [[ -d "$filestore/$BASE_DB" ]]; then
    cp -a "$filestore/$BASE_DB" "$filestore/$SOAK_DB"
fi
config="$LCC_RUN/odoo-soak.conf"
lcc_write_odoo_config "$config" "$SOAK_DB" 0
if ((base_ready)); then
    # The reused base may predate the add-on's current models.
    lcc_log "soak: updating linkedin_crm_connect in the copy"
    lcc_run_logged "$LCC_LOGS/odoo-update-soak.log" lcc_odoo --config="$config" \
        --database="$SOAK_DB" --update=linkedin_crm_connect --stop-after-init
fi
demo() {
    "$LCC_VENV/bin/python" tools/demo.py --config "$config" --database "$SOAK_DB" "$@"
}
demo configure --sandbox-url "$sandbox_url" --no-pacing 2>"$LCC_LOGS/soak-configure.log" \
    || lcc_die "configuring the backend failed (see .run/logs/soak-configure.log)"
demo sync --sandbox-url "$sandbox_url" >"$soak_dir/historical-sync.txt" \
    2>"$LCC_LOGS/soak-historical-sync.log" \
    || lcc_die "historical sync failed (see .run/soak/historical-sync.txt and .run/logs/soak-historical-sync.log)"
lcc_log "soak: $(head -n 1 "$soak_dir/historical-sync.txt")"

revision="$(git rev-parse --short HEAD 2>/dev/null || printf 'unknown')"
if [[ -n "$(git status --porcelain -- linkedin_crm_connect linkedin_sandbox tools runtime 2>/dev/null)" ]]; then
    revision="$revision with uncommitted changes"
fi
"$LCC_VENV/bin/python" benchmarks/soak.py run --config "$config" --database "$SOAK_DB" \
    --sandbox-url "$sandbox_url" --work-dir "$soak_dir" --log-dir "$LCC_LOGS" \
    --edits "$edits" --deletes "$deletes" --moves "$moves" --seed "$seed" \
    --page "$page" --revision "$revision" --setup-seconds "$((SECONDS - started))"
