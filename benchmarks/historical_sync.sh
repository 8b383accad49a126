#!/usr/bin/env bash
# Benchmark the historical sync on real Odoo 11, PostgreSQL and the LinkedIn
# sandbox with its rate limits off. The script creates database lcc_bench
# with hr_recruitment and its demo data, adds generated applicants and
# installs linkedin_crm_connect. Then it measures the throughput, HTTP
# requests and memory of repeated syncs, and compares batched sending with
# one record per request under added latency. The figures replace the
# marked section of docs/benchmarks.md and are printed.
#
# Usage: benchmarks/historical_sync.sh [options]
#   --applicants N       generated applicants (default 20000)
#   --runs N             latency-free syncs, each into a fresh
#                        integrationContext; the page quotes medians (default 3)
#   --latency-ms MS      latency the sandbox adds to each request for the
#                        batched vs. one-per-request comparison (default 150)
#   --naive-sample N     records per batched entity type sent one per request
#                        (default 300)
#   --profile            also run one uncounted sync under cProfile and print
#                        where its time goes
#   --page FILE          page to write the figures to (default docs/benchmarks.md);
#                        --page '' writes no page
#   --sandbox-port PORT  the sandbox's port (default 0: a free port)
#
# Loading 20,000 applicants through the ORM takes several minutes and is
# reported as setup. Results, logs and the cProfile file are in .run/bench/
# and .run/logs/.
set -euo pipefail

cd "$(dirname "$0")/.."
source runtime/lib.sh

BENCH_DB=lcc_bench
applicants=20000
runs=3
latency_ms=150
naive_sample=300
profile=0
page=docs/benchmarks.md
sandbox_port=0
while (($# > 0)); do
    case "$1" in
        --applicants) applicants="${2:?--applicants needs a number}"; shift ;;
        --runs) runs="${2:?--runs needs a number}"; shift ;;
        --latency-ms) latency_ms="${2:?--latency-ms needs a number}"; shift ;;
        --naive-sample) naive_sample="${2:?--naive-sample needs a number}"; shift ;;
        --profile) profile=1 ;;
        --page) page="${2?--page needs a file name}"; shift ;;
        --sandbox-port) sandbox_port="${2:?--sandbox-port needs a port}"; shift ;;
        -h | --help)
            sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'
            exit 0
            ;;
        *) lcc_die "unknown option '$1' (see benchmarks/historical_sync.sh --help)" ;;
    esac
    shift
done
for option in applicants runs latency_ms naive_sample sandbox_port; do
    [[ "${!option}" =~ ^[0-9]+$ ]] \
        || lcc_die "--${option//_/-} must be a whole number, got '${!option}'"
done
((runs >= 1)) || lcc_die "--runs must be at least 1"
((naive_sample >= 1)) || lcc_die "--naive-sample must be at least 1"

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

bench_dir="$LCC_RUN/bench"
mkdir -p "$LCC_LOGS" "$bench_dir"
results="$bench_dir/historical_sync.json"
rm -f "$results"

# The sandbox prints its URL on its first line once it listens.
sandbox_out="$bench_dir/sandbox-$$.out"
"$LCC_VENV/bin/python" -m linkedin_sandbox --port "$sandbox_port" --no-rate-limits \
    >"$sandbox_out" 2>"$LCC_LOGS/bench-sandbox.log" &
sandbox_pid=$!
for _ in $(seq 1 50); do
    grep -q "listening on" "$sandbox_out" 2>/dev/null && break
    kill -0 "$sandbox_pid" 2>/dev/null \
        || lcc_die "sandbox failed to start (see .run/logs/bench-sandbox.log)"
    sleep 0.1
done
sandbox_url="$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$sandbox_out" | head -n 1)"
rm -f "$sandbox_out"
[[ -n "$sandbox_url" ]] || lcc_die "sandbox did not report its URL (see .run/logs/bench-sandbox.log)"
lcc_log "sandbox: listening on $sandbox_url, rate limits off"

bench() {
    "$LCC_VENV/bin/python" benchmarks/historical_sync.py --results "$results" "$@"
}

step_started=$SECONDS
lcc_create_db "$BENCH_DB" hr_recruitment demo
create_db_seconds=$((SECONDS - step_started))

config="$LCC_RUN/odoo-bench.conf"
lcc_write_odoo_config "$config" "$BENCH_DB" 0
lcc_log "bench: generating and loading $applicants applicants (log in .run/logs/bench-load.log)"
bench load --config "$config" --database "$BENCH_DB" --count "$applicants" \
    --logfile "$LCC_LOGS/bench-load.log"

lcc_log "bench: installing linkedin_crm_connect"
step_started=$SECONDS
lcc_run_logged "$LCC_LOGS/odoo-install-bench.log" lcc_odoo --config="$config" \
    --database="$BENCH_DB" --init=linkedin_crm_connect --stop-after-init
install_seconds=$((SECONDS - step_started))

lcc_log "bench: measuring (log in .run/logs/bench-measure.log)"
measure_options=(--runs "$runs" --latency-ms "$latency_ms" --naive-sample "$naive_sample")
if ((profile)); then
    measure_options+=(--profile "$bench_dir/historical_sync.prof")
fi
bench measure --config "$config" --database "$BENCH_DB" --sandbox-url "$sandbox_url" \
    --logfile "$LCC_LOGS/bench-measure.log" "${measure_options[@]}"

# The page names the measured commit, marked when the add-on, sandbox,
# tools or runtime in the working tree differ from it.
revision="$(git rev-parse --short HEAD 2>/dev/null || printf 'unknown')"
if [[ -n "$(git status --porcelain -- linkedin_crm_connect linkedin_sandbox tools runtime 2>/dev/null)" ]]; then
    revision="$revision with uncommitted changes"
fi
report_options=(--revision "$revision")
if [[ -n "$page" ]]; then
    report_options+=(--page "$page")
fi
bench report "${report_options[@]}" --create-db-seconds "$create_db_seconds" \
    --install-seconds "$install_seconds" --total-seconds "$((SECONDS - started))"
if [[ -n "$page" ]]; then
    lcc_log "bench: figures written to $page"
fi
