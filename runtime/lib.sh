# shellcheck shell=bash
# Runtime of the linkedin_crm_connect add-on: a Python 3.11 virtualenv with
# Odoo 11.0, a private PostgreSQL cluster, lessc, Odoo configuration files
# and databases. Sourced by bin/test and the demo command; the caller sets
# `set -euo pipefail`.
#
# Every lcc_ensure_* function is idempotent and skips work already done, so a
# second run only checks stamps and starts the cluster.
#
# Settings, read from the environment:
#   LCC_PYTHON      interpreter for the virtualenv (default python3.11)
#   LCC_PG_PORT     port of the private cluster on 127.0.0.1 (default 55432)
#   LCC_PG_BIN      PostgreSQL server binaries (default Debian's postgresql-15)
#   LCC_LOG_LEVEL   Odoo log level in generated configs (default info)
#   PGHOST, PGPORT  when either is set, use that existing server (with PGUSER
#                   and PGPASSWORD) and start no cluster

LCC_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LCC_VENV="$LCC_ROOT/.venv"
LCC_RUN="$LCC_ROOT/.run"
LCC_LOGS="$LCC_RUN/logs"
LCC_PYTHON="${LCC_PYTHON:-python3.11}"
LCC_PG_PORT="${LCC_PG_PORT:-55432}"
LCC_PG_BIN="${LCC_PG_BIN:-/usr/lib/postgresql/15/bin}"
LCC_PG_DIR="$LCC_RUN/postgres"
LCC_PG_DATA="$LCC_PG_DIR/data"
LCC_PG_OS_USER="lcc-postgres"
LCC_PG_SUPERUSER="postgres"
LCC_DB_ROLE="odoo"
LESSC_VERSION="3.13.1"

# Connection settings that lcc_ensure_postgres fills in for Odoo.
LCC_DB_HOST=""
LCC_DB_PORT=""
LCC_DB_USER=""
LCC_DB_PASSWORD=""
# 1 once lcc_ensure_postgres has started the private cluster in this shell.
LCC_PG_STARTED=0

lcc_log() {
    printf '%s\n' "$*"
}

lcc_die() {
    printf 'error: %s\n' "$*" >&2
    exit 1
}

# Run "$@" with its output in the log file $1, and print the end of that log
# when the command fails.
lcc_run_logged() {
    local log_file="$1"
    shift
    mkdir -p "$(dirname "$log_file")"
    if ! "$@" >"$log_file" 2>&1; then
        printf 'error: command failed: %s\n' "$*" >&2
        printf -- '--- last lines of %s ---\n' "${log_file#"$LCC_ROOT"/}" >&2
        tail -n 40 "$log_file" >&2
        return 1
    fi
}

lcc_site_packages() {
    "$LCC_VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_path("purelib"))'
}

lcc_requirements_hash() {
    cat "$LCC_ROOT/runtime/requirements.txt" "$LCC_ROOT/runtime/odoo-wheels.txt" \
        | sha256sum | cut -d' ' -f1
}

# Create .venv with the pinned packages and the Odoo wheels, load the
# compatibility module at interpreter start, and remove the Odoo addons whose
# dependencies are not installed. A stamp file keyed on the hash of the two
# requirement files skips the install until one of them changes.
lcc_ensure_venv() {
    local stamp="$LCC_VENV/.lcc-requirements.sha256"
    local wanted_hash
    wanted_hash="$(lcc_requirements_hash)"

    if [[ ! -x "$LCC_VENV/bin/python" ]]; then
        command -v "$LCC_PYTHON" >/dev/null \
            || lcc_die "$LCC_PYTHON not found. Install CPython 3.11 or set LCC_PYTHON."
        lcc_log "venv: creating .venv with $LCC_PYTHON"
        "$LCC_PYTHON" -m venv "$LCC_VENV"
        rm -f "$stamp"
    fi

    if [[ -f "$stamp" && "$(cat "$stamp")" == "$wanted_hash" ]]; then
        lcc_log "venv: up to date"
    else
        lcc_install_packages
        printf '%s\n' "$wanted_hash" >"$stamp"
    fi

    lcc_install_compat_pth
}

lcc_install_packages() {
    local pip=("$LCC_VENV/bin/python" -m pip --disable-pip-version-check)
    local start=$SECONDS
    lcc_log "venv: installing packages (log in .run/logs/pip.log)"
    lcc_run_logged "$LCC_LOGS/pip.log" \
        "${pip[@]}" install -r "$LCC_ROOT/runtime/requirements.txt"
    # --force-reinstall brings back addon folders that an earlier run pruned,
    # so that the pruning below is computed again from the new set of wheels.
    lcc_run_logged "$LCC_LOGS/pip-odoo.log" \
        "${pip[@]}" install --no-deps --force-reinstall \
        -r "$LCC_ROOT/runtime/odoo-wheels.txt"

    local addons_dir pruned
    addons_dir="$(lcc_site_packages)/odoo/addons"
    pruned="$("$LCC_VENV/bin/python" "$LCC_ROOT/runtime/prune_unmet_addons.py" \
        "$addons_dir" | wc -l)"
    lcc_log "venv: removed $pruned Odoo addons with unmet dependencies"
    lcc_log "venv: installed in $((SECONDS - start)) s"
}

# The .pth file adds runtime/ to sys.path and imports the compatibility
# module, so edits to runtime/odoo_py311_compat.py apply without a reinstall.
lcc_install_compat_pth() {
    local pth content
    pth="$(lcc_site_packages)/odoo_py311_compat.pth"
    content="$(printf '%s\nimport odoo_py311_compat' "$LCC_ROOT/runtime")"
    if [[ ! -f "$pth" || "$(cat "$pth")" != "$content" ]]; then
        printf '%s\n' "$content" >"$pth"
        lcc_log "venv: installed odoo_py311_compat.pth"
    fi
}

# Use the server named by PGHOST/PGPORT, or start the private cluster in
# .run/postgres on 127.0.0.1:$LCC_PG_PORT, creating it on the first run.
# Sets LCC_DB_HOST, LCC_DB_PORT, LCC_DB_USER and LCC_DB_PASSWORD. Requires
# lcc_ensure_venv, whose psycopg2 checks an external server.
lcc_ensure_postgres() {
    if [[ -n "${PGHOST:-}" || -n "${PGPORT:-}" ]]; then
        lcc_use_external_postgres
        return
    fi

    lcc_install_postgres_binaries
    lcc_init_cluster
    lcc_start_cluster
    lcc_create_db_role

    LCC_DB_HOST="127.0.0.1"
    LCC_DB_PORT="$LCC_PG_PORT"
    LCC_DB_USER="$LCC_DB_ROLE"
    LCC_DB_PASSWORD=""
}

lcc_use_external_postgres() {
    LCC_DB_HOST="${PGHOST:-}"
    LCC_DB_PORT="${PGPORT:-5432}"
    LCC_DB_USER="${PGUSER:-$(id -un)}"
    LCC_DB_PASSWORD="${PGPASSWORD:-}"
    # psycopg2 reads the same PG* variables as psql.
    if ! "$LCC_VENV/bin/python" -c 'import psycopg2; psycopg2.connect(dbname="postgres").close()'; then
        lcc_die "connecting to PostgreSQL at ${LCC_DB_HOST:-local socket}:$LCC_DB_PORT as $LCC_DB_USER failed. Check PGHOST, PGPORT, PGUSER and PGPASSWORD, or unset PGHOST and PGPORT to use a private cluster."
    fi
    lcc_log "postgres: using existing server at ${LCC_DB_HOST:-local socket}:$LCC_DB_PORT as $LCC_DB_USER"
}

lcc_install_postgres_binaries() {
    if [[ -x "$LCC_PG_BIN/initdb" && -x "$LCC_PG_BIN/pg_ctl" && -x "$LCC_PG_BIN/psql" ]]; then
        return
    fi
    [[ "$(id -u)" -eq 0 ]] \
        || lcc_die "PostgreSQL 15 not found in $LCC_PG_BIN. Run 'sudo apt-get install postgresql-15', set LCC_PG_BIN, or set PGHOST/PGPORT to use an existing server."
    lcc_log "postgres: installing postgresql-15 with apt-get (log in .run/logs/apt.log)"
    lcc_run_logged "$LCC_LOGS/apt.log" apt-get update
    # NOTE: Debian's package also creates the system's own "main" cluster on
    # port 5432 and starts it where the init system allows. This runtime does
    # not use that cluster.
    lcc_run_logged "$LCC_LOGS/apt.log" env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y --no-install-recommends postgresql-15
}

# Run a PostgreSQL program as the cluster's owner. initdb, pg_ctl and postgres
# exit with an error when run as root, so root runs them as $LCC_PG_OS_USER.
lcc_as_pg_owner() {
    if [[ "$(id -u)" -eq 0 ]]; then
        runuser -u "$LCC_PG_OS_USER" -- "$@"
    else
        "$@"
    fi
}

lcc_init_cluster() {
    if [[ "$(id -u)" -eq 0 ]] && ! id -u "$LCC_PG_OS_USER" >/dev/null 2>&1; then
        lcc_log "postgres: creating system user $LCC_PG_OS_USER"
        useradd --system --no-create-home --home-dir /nonexistent \
            --shell /usr/sbin/nologin "$LCC_PG_OS_USER"
    fi

    mkdir -p "$LCC_PG_DIR"
    if [[ "$(id -u)" -eq 0 ]]; then
        chown "$LCC_PG_OS_USER:" "$LCC_PG_DIR"
        lcc_as_pg_owner test -w "$LCC_PG_DIR" \
            || lcc_die "system user $LCC_PG_OS_USER cannot write to ${LCC_PG_DIR}. Make every parent folder of the repository searchable by other users (chmod o+x), or set PGHOST/PGPORT to use an existing server."
    fi

    if [[ -f "$LCC_PG_DATA/PG_VERSION" ]]; then
        return
    fi
    lcc_log "postgres: creating cluster in .run/postgres/data"
    lcc_run_logged "$LCC_LOGS/initdb.log" lcc_as_pg_owner "$LCC_PG_BIN/initdb" \
        --pgdata="$LCC_PG_DATA" --auth=trust --username="$LCC_PG_SUPERUSER" \
        --encoding=UTF8 --locale=C
    # lcc_start_cluster rewrites this file on every start, so a changed port
    # or a moved repository takes effect.
    printf "\ninclude_if_exists = 'lcc-runtime.conf'\n" >>"$LCC_PG_DATA/postgresql.conf"
}

# A Unix socket path ("DIR/.s.PGSQL.PORT") is limited to 107 bytes on Linux.
# A repository too deep for that gets no socket, which is fine because Odoo
# and this script connect over TCP.
lcc_socket_dir() {
    local socket_dir="$LCC_PG_DIR/socket"
    if ((${#socket_dir} + ${#LCC_PG_PORT} + 10 > 107)); then
        printf ''
    else
        printf '%s' "$socket_dir"
    fi
}

lcc_start_cluster() {
    if lcc_as_pg_owner "$LCC_PG_BIN/pg_ctl" status --pgdata="$LCC_PG_DATA" >/dev/null 2>&1; then
        lcc_log "postgres: already running on 127.0.0.1:$LCC_PG_PORT (left running at exit)"
        return
    fi

    local socket_dir
    socket_dir="$(lcc_socket_dir)"
    if [[ -n "$socket_dir" ]]; then
        lcc_as_pg_owner mkdir -p "$socket_dir"
    fi
    # fsync, synchronous_commit and full_page_writes are off because the
    # cluster contains only test and demo databases, which a crash may lose.
    lcc_as_pg_owner tee "$LCC_PG_DATA/lcc-runtime.conf" >/dev/null <<EOF
# Written by runtime/lib.sh at every start.
listen_addresses = '127.0.0.1'
port = $LCC_PG_PORT
unix_socket_directories = '$socket_dir'
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
    lcc_run_logged "$LCC_LOGS/pg_ctl.log" lcc_as_pg_owner "$LCC_PG_BIN/pg_ctl" start \
        --pgdata="$LCC_PG_DATA" --log="$LCC_PG_DIR/postgres.log" --wait --timeout=60 \
        || lcc_die "PostgreSQL failed to start, see .run/postgres/postgres.log. If port $LCC_PG_PORT is in use, set LCC_PG_PORT to a free port."
    LCC_PG_STARTED=1
    lcc_log "postgres: started on 127.0.0.1:$LCC_PG_PORT"
}

lcc_psql_superuser() {
    "$LCC_PG_BIN/psql" --host=127.0.0.1 --port="$LCC_PG_PORT" \
        --username="$LCC_PG_SUPERUSER" --dbname=postgres \
        --no-psqlrc --quiet --tuples-only --no-align "$@"
}

lcc_create_db_role() {
    local exists
    exists="$(lcc_psql_superuser --command="SELECT 1 FROM pg_roles WHERE rolname = '$LCC_DB_ROLE'")"
    if [[ "$exists" != "1" ]]; then
        lcc_psql_superuser --command="CREATE ROLE \"$LCC_DB_ROLE\" LOGIN CREATEDB NOSUPERUSER"
        lcc_log "postgres: created role $LCC_DB_ROLE"
    fi
}

# Stop the private cluster if lcc_ensure_postgres started it in this shell.
# A cluster that was already running, or an external server, is left alone.
lcc_stop_postgres() {
    if [[ "$LCC_PG_STARTED" -ne 1 ]]; then
        return 0
    fi
    if lcc_as_pg_owner "$LCC_PG_BIN/pg_ctl" stop --pgdata="$LCC_PG_DATA" \
        --mode=fast --wait >/dev/null; then
        lcc_log "postgres: stopped"
    else
        printf 'error: pg_ctl stop failed for .run/postgres/data\n' >&2
    fi
    LCC_PG_STARTED=0
}

# Install lessc $LESSC_VERSION into .venv/bin with npm: Odoo 11 compiles the
# web client's LESS files with it and serves unstyled pages without it. Odoo
# finds lessc on PATH, which lcc_odoo extends with .venv/bin. A missing npm is
# only a warning because tests do not need styles.
lcc_ensure_lessc() {
    local lessc="$LCC_VENV/bin/lessc"
    if [[ -x "$lessc" ]] && [[ "$("$lessc" --version 2>/dev/null)" == *" $LESSC_VERSION "* ]]; then
        lcc_log "lessc: up to date"
        return
    fi
    if ! command -v npm >/dev/null; then
        printf 'warning: npm not found, so lessc is not installed and the web client renders unstyled\n' >&2
        return
    fi
    lcc_log "lessc: installing less@$LESSC_VERSION into .venv (log in .run/logs/npm.log)"
    lcc_run_logged "$LCC_LOGS/npm.log" npm install --global --prefix "$LCC_VENV" \
        --no-audit --no-fund "less@$LESSC_VERSION"
}

# lcc_write_odoo_config FILE DB HTTP_PORT
# Write an Odoo configuration for database DB, served on 127.0.0.1:HTTP_PORT.
# Requires lcc_ensure_venv and lcc_ensure_postgres.
lcc_write_odoo_config() {
    local file="$1" db="$2" http_port="$3"
    [[ -n "$LCC_DB_PORT" ]] || lcc_die "lcc_write_odoo_config: call lcc_ensure_postgres first"
    local odoo_addons
    odoo_addons="$(lcc_site_packages)/odoo/addons"
    mkdir -p "$(dirname "$file")" "$LCC_RUN/odoo-data"
    cat >"$file" <<EOF
; Written by runtime/lib.sh; rewritten on every run.
[options]
addons_path = $odoo_addons,$LCC_ROOT
data_dir = $LCC_RUN/odoo-data
db_host = ${LCC_DB_HOST:-False}
db_port = $LCC_DB_PORT
db_user = $LCC_DB_USER
db_password = ${LCC_DB_PASSWORD:-False}
db_name = $db
dbfilter = ^$db\$
list_db = False
http_interface = 127.0.0.1
http_port = $http_port
log_level = ${LCC_LOG_LEVEL:-info}
EOF
}

# Drop database NAME if it exists, using the connection that
# lcc_ensure_postgres set up.
lcc_drop_db() {
    local name="$1"
    PGHOST="$LCC_DB_HOST" PGPORT="$LCC_DB_PORT" PGUSER="$LCC_DB_USER" \
        PGPASSWORD="$LCC_DB_PASSWORD" "$LCC_VENV/bin/python" - "$name" <<'EOF'
import sys

import psycopg2
from psycopg2 import sql

connection = psycopg2.connect(dbname="postgres")
connection.autocommit = True
with connection.cursor() as cursor:
    cursor.execute(
        sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(sys.argv[1]))
    )
connection.close()
EOF
}

# lcc_create_db NAME MODULES [demo|nodemo]
# Create database NAME with the comma-separated Odoo MODULES installed, with
# demo data unless "nodemo" is given. An existing database NAME is dropped
# first. Odoo 11 runs at_install tests and creates recruitment stages only
# with demo data. Returns 1 on failure, after printing the end of Odoo's log.
lcc_create_db() {
    local name="$1" modules="$2" demo="${3:-demo}"
    local config="$LCC_RUN/odoo-create-$name.conf"
    local log_file="$LCC_LOGS/odoo-create-$name.log"
    local demo_option=()
    case "$demo" in
        demo) ;;
        nodemo) demo_option=(--without-demo=all) ;;
        *) lcc_die "lcc_create_db: third argument must be demo or nodemo, got '$demo'" ;;
    esac

    local start=$SECONDS
    lcc_drop_db "$name" || return 1
    # HTTP port 0 because --stop-after-init starts no HTTP server.
    lcc_write_odoo_config "$config" "$name" 0
    lcc_log "db: creating $name with $modules ($demo; log in ${log_file#"$LCC_ROOT"/})"
    if ! lcc_run_logged "$log_file" lcc_odoo --config="$config" --database="$name" \
        --init="$modules" "${demo_option[@]}" --stop-after-init; then
        printf 'error: creating database %s failed\n' "$name" >&2
        return 1
    fi
    lcc_log "db: created $name in $((SECONDS - start)) s"
}

# lcc_odoo ARGS...
# Run the Odoo server command with the virtualenv's Python and .venv/bin
# (for lessc) first on PATH. Use lcc_start_odoo to run it in the background:
# after `lcc_odoo ... &`, $! is the PID of a subshell, not of Odoo.
lcc_odoo() {
    PATH="$LCC_VENV/bin:$PATH" "$LCC_VENV/bin/python" "$LCC_ROOT/runtime/odoo-bin" "$@"
}

# lcc_start_odoo LOG_FILE ARGS...
# Start the Odoo server in the background with its output in LOG_FILE, and set
# LCC_ODOO_PID to the PID of the Odoo process itself.
LCC_ODOO_PID=""
lcc_start_odoo() {
    local log_file="$1"
    shift
    mkdir -p "$(dirname "$log_file")"
    PATH="$LCC_VENV/bin:$PATH" "$LCC_VENV/bin/python" "$LCC_ROOT/runtime/odoo-bin" \
        "$@" >"$log_file" 2>&1 &
    LCC_ODOO_PID=$!
}

# lcc_wait_for_http URL [TIMEOUT_SECONDS]
# Wait until URL returns an HTTP response, by default for at most 120 s.
lcc_wait_for_http() {
    local url="$1" timeout="${2:-120}"
    local deadline=$((SECONDS + timeout))
    until curl --silent --output /dev/null --max-time 5 "$url"; do
        if ((SECONDS >= deadline)); then
            printf 'error: %s timed out: no HTTP response within %d s\n' "$url" "$timeout" >&2
            return 1
        fi
        if [[ -n "$LCC_ODOO_PID" ]] && ! kill -0 "$LCC_ODOO_PID" 2>/dev/null; then
            printf 'error: Odoo (PID %s) exited before %s responded\n' "$LCC_ODOO_PID" "$url" >&2
            return 1
        fi
        sleep 1
    done
}

# Stop the Odoo server that lcc_start_odoo started, and wait for it to exit.
lcc_stop_odoo() {
    if [[ -z "$LCC_ODOO_PID" ]]; then
        return 0
    fi
    # Odoo 11 shuts down gracefully on the first SIGTERM.
    kill "$LCC_ODOO_PID" 2>/dev/null || true
    wait "$LCC_ODOO_PID" 2>/dev/null || true
    LCC_ODOO_PID=""
}
