#!/usr/bin/env bash
# Benchmark the continuous sync on real Odoo 11, PostgreSQL and the LinkedIn
# sandbox, in one run:
#   1. cost of the capture hooks: applicant creates and stage moves through
#      the ORM, with the add-on installed and a connected backend, and in an
#      identical database without the add-on;
#   2. flush throughput against the sandbox without rate limits, pacing off;
#   3. latency from commit to LinkedIn, with an Odoo server whose cron
#      thread runs the flush every minute;
#   4. pacing under a limit of records per minute set on the sandbox.
# The figures replace the continuous sync section of docs/benchmarks.md and
# are printed.
#
# Usage: benchmarks/continuous_sync.sh [options]
#   --count N            applicants created, then moved, per run (default 5000)
#   --runs N             runs of the hook and flush measurements; the page
#                        quotes medians (default 3)
#   --batch N            creates or moves per commit (default 100)
#   --latency-commits N  changes committed in the latency step (default 30)
#   --latency-seconds S  seconds over which they are spread (default 240)
#   --pacing-changes N   candidate changes flushed under the limit (default 3000)
#   --pacing-limit N     records per minute per resource (default 1000)
#   --pacing-processes N Odoo processes that flush them at once (default 2)
#   --http-port PORT     Odoo's HTTP port in the latency step (default 8980)
#   --sandbox-port PORT  the sandbox's port (default 0: a free port)
#   --page FILE          page to write the figures to (default docs/benchmarks.md);
#                        --page '' writes no page
#   --keep-databases     leave the lcc_cont_* databases in place at the end
#
# Results and logs are in .run/bench/ and .run/logs/.
set -euo pipefail

cd "$(dirname "$0")/.."
source runtime/lib.sh

count=5000
runs=3
batch=100
latency_commits=30
latency_seconds=240
pacing_changes=3000
pacing_limit=1000
pacing_processes=2
http_port=8980
sandbox_port=0
page=docs/benchmarks.md
keep_databases=0
while (($# > 0)); do
    case "$1" in
        --count) count="${2:?--count needs a number}"; shift ;;
        --runs) runs="${2:?--runs needs a number}"; shift ;;
        --batch) batch="${2:?--batch needs a number}"; shift ;;
        --latency-commits) latency_commits="${2:?--latency-commits needs a number}"; shift ;;
        --latency-seconds) latency_seconds="${2:?--latency-seconds needs a number}"; shift ;;
        --pacing-changes) pacing_changes="${2:?--pacing-changes needs a number}"; shift ;;
        --pacing-limit) pacing_limit="${2:?--pacing-limit needs a number}"; shift ;;
        --pacing-processes) pacing_processes="${2:?--pacing-processes needs a number}"; shift ;;
        --http-port) http_port="${2:?--http-port needs a port}"; shift ;;
        --sandbox-port) sandbox_port="${2:?--sandbox-port needs a port}"; shift ;;
        --page) page="${2?--page needs a file name}"; shift ;;
        --keep-databases) keep_databases=1 ;;
        -h | --help)
            sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'
            exit 0
            ;;
        *) lcc_die "unknown option '$1' (see benchmarks/continuous_sync.sh --help)" ;;
    esac
    shift
done
for option in count runs batch latency_commits latency_seconds pacing_changes \
    pacing_limit pacing_processes http_port sandbox_port; do
    [[ "${!option}" =~ ^[0-9]+$ ]] \
        || lcc_die "--${option//_/-} must be a whole number, got '${!option}'"
done
((runs >= 1)) || lcc_die "--runs must be at least 1"
((count >= pacing_changes)) \
    || lcc_die "--count ($count) must be at least --pacing-changes ($pacing_changes)"

BASE_DB=lcc_cont_base
ADDON_DB=lcc_cont_addon
LATENCY_DB=lcc_cont_latency
started=$SECONDS
sandbox_pid=""
databases=("$BASE_DB" "$ADDON_DB" "$LATENCY_DB")
filestore="$LCC_RUN/odoo-data/filestore"

bench_dir="$LCC_RUN/bench"
mkdir -p "$LCC_LOGS" "$bench_dir"
results="$bench_dir/continuous_sync.json"
bench() {
    "$LCC_VENV/bin/python" benchmarks/continuous_sync.py --results "$results" "$@"
}
# Database steps connect with the PG* variables of the server in use.
bench_db() {
    PGHOST="$LCC_DB_HOST" PGPORT="$LCC_DB_PORT" PGUSER="$LCC_DB_USER" \
        PGPASSWORD="$LCC_DB_PASSWORD" bench "$@" --filestore "$filestore"
}

cleanup() {
    lcc_stop_odoo 2>/dev/null || true
    if [[ -n "$sandbox_pid" ]]; then
        kill "$sandbox_pid" 2>/dev/null || true
        wait "$sandbox_pid" 2>/dev/null || true
    fi
    if ((!keep_databases)) && [[ -n "$LCC_DB_PORT" ]]; then
        bench_db drop --database "${databases[@]}" || true
    fi
    lcc_stop_postgres
}
trap cleanup EXIT

lcc_ensure_venv
lcc_ensure_postgres
rm -f "$results"

# The sandbox prints its URL on its first line once it listens.
sandbox_out="$bench_dir/continuous-sandbox-$$.out"
"$LCC_VENV/bin/python" -m linkedin_sandbox --port "$sandbox_port" --no-rate-limits \
    >"$sandbox_out" 2>"$LCC_LOGS/continuous-sandbox.log" &
sandbox_pid=$!
for _ in $(seq 1 50); do
    grep -q "listening on" "$sandbox_out" 2>/dev/null && break
    kill -0 "$sandbox_pid" 2>/dev/null \
        || lcc_die "sandbox failed to start (see .run/logs/continuous-sandbox.log)"
    sleep 0.1
done
sandbox_url="$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$sandbox_out" | head -n 1)"
rm -f "$sandbox_out"
[[ -n "$sandbox_url" ]] \
    || lcc_die "sandbox did not report its URL (see .run/logs/continuous-sandbox.log)"
lcc_log "sandbox: listening on $sandbox_url, rate limits off"

config="$LCC_RUN/odoo-continuous.conf"
lcc_create_db "$BASE_DB" hr_recruitment demo
lcc_write_odoo_config "$config" "$BASE_DB" 0
orm() {
    local step="$1"
    shift
    bench "$step" --config "$config" --logfile "$LCC_LOGS/continuous-$step.log" "$@"
}
orm prepare --database "$BASE_DB" --count "$count"

lcc_log "bench: installing linkedin_crm_connect in a copy"
bench_db clone --source "$BASE_DB" --target "$ADDON_DB"
lcc_run_logged "$LCC_LOGS/odoo-install-continuous.log" lcc_odoo --config="$config" \
    --database="$ADDON_DB" --init=linkedin_crm_connect --stop-after-init
orm configure --database "$ADDON_DB" --sandbox-url "$sandbox_url"

lcc_log "bench: $runs runs of $count creates and $count stage moves per database"
last_installed=""
for run in $(seq 1 "$runs"); do
    plain_db="lcc_cont_plain_$run"
    installed_db="lcc_cont_installed_$run"
    databases+=("$plain_db" "$installed_db")
    bench_db clone --source "$BASE_DB" --target "$plain_db"
    bench_db clone --source "$ADDON_DB" --target "$installed_db"
    # Each phase runs in its own process. The create and move phases time
    # both databases in one process, alternating batches, so a drift in the
    # machine's speed reaches both sides alike. Vacuuming before a timed
    # phase leaves autovacuum nothing due, so it does not run during one
    # side's batches only.
    for phase in create flush-creates move flush-moves; do
        if [[ "$phase" != flush-* ]]; then
            bench_db vacuum --database "$plain_db"
            bench_db vacuum --database "$installed_db"
        fi
        orm hooks --phase "$phase" --database "$installed_db" \
            --plain-database "$plain_db" --run "$run" --count "$count" \
            --batch "$batch" --sandbox-url "$sandbox_url"
    done
    bench_db drop --database "$plain_db"
    [[ -z "$last_installed" ]] || bench_db drop --database "$last_installed"
    last_installed="$installed_db"
done

# The Odoo server starts before the pacing step, so that its cron thread
# has passed its first 60 s sleep when the latency step begins.
lcc_log "bench: starting Odoo with one cron thread on port $http_port"
bench_db clone --source "$last_installed" --target "$LATENCY_DB"
orm latency-setup --database "$LATENCY_DB" --sandbox-url "$sandbox_url"
server_config="$LCC_RUN/odoo-continuous-server.conf"
server_log="$LCC_LOGS/continuous-odoo-server.log"
lcc_write_odoo_config "$server_config" "$LATENCY_DB" "$http_port"
lcc_start_odoo "$server_log" --config="$server_config" --database="$LATENCY_DB" \
    --max-cron-threads=1
lcc_wait_for_http "http://127.0.0.1:$http_port/web/login" 120

lcc_log "bench: pacing $pacing_changes candidate changes at $pacing_limit records a minute from $pacing_processes processes"
orm pacing --database "$last_installed" --sandbox-url "$sandbox_url" \
    --changes "$pacing_changes" --limit "$pacing_limit" \
    --processes "$pacing_processes"

lcc_log "bench: latency of $latency_commits commits over $latency_seconds s"
orm latency --database "$LATENCY_DB" --sandbox-url "$sandbox_url" \
    --odoo-log "$server_log" --commits "$latency_commits" \
    --duration "$latency_seconds"
lcc_stop_odoo

# The page names the measured commit, marked when the add-on, sandbox,
# tools or runtime in the working tree differ from it.
revision="$(git rev-parse --short HEAD 2>/dev/null || printf 'unknown')"
if [[ -n "$(git status --porcelain -- linkedin_crm_connect linkedin_sandbox tools runtime 2>/dev/null)" ]]; then
    revision="$revision with uncommitted changes"
fi
report_options=(--revision "$revision" --total-seconds "$((SECONDS - started))")
if [[ -n "$page" ]]; then
    report_options+=(--page "$page")
fi
bench report "${report_options[@]}"
if [[ -n "$page" ]]; then
    lcc_log "bench: figures written to $page"
fi
