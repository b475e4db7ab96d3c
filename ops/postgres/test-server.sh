#!/usr/bin/env bash
# A throwaway PostgreSQL server for Herald's tests: a fresh cluster in a temporary directory, listening on
# 127.0.0.1 at a free port, trust authentication on loopback only, no durability settings (it is thrown away).
#
#   eval "$(ops/postgres/test-server.sh start)"   # exports HERALD_TEST_DATABASE_URL and HERALD_TEST_POSTGRES_DIR
#   swift test --filter HeraldStoreTests
#   ops/postgres/test-server.sh stop              # stops it and removes the directory ($HERALD_TEST_POSTGRES_DIR,
#                                                 # or the directory given as the second argument)
#
# `start` prints only the export lines on stdout (progress goes to stderr) and also writes the URL to
# "$HERALD_TEST_POSTGRES_DIR/url". PostgreSQL refuses to run as root: run as root, the server runs as the
# `postgres` system user (created if missing). Needs Debian's postgresql package (initdb, pg_ctl).
set -euo pipefail

log() { printf 'test-server: %s\n' "$*" >&2; }

find_bin() {
    local dir
    for dir in ${PG_BINDIR:-} $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
        if [[ -x "$dir/initdb" && -x "$dir/pg_ctl" ]]; then
            echo "$dir"
            return 0
        fi
    done
    if command -v initdb >/dev/null && command -v pg_ctl >/dev/null; then
        dirname "$(command -v initdb)"
        return 0
    fi
    return 1
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# Runs a command as the user that owns the server: ourselves, or `postgres` when we are root.
as_server_user() {
    if [[ "$(id -u)" -eq 0 ]]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

# Shows the log that explains a failed start, then removes what the start left behind.
fail_start() {
    cat "$1/$2" >&2 || true
    stop "$1"
    exit 1
}

start() {
    local bin port dir url
    bin="$(find_bin)" || { log "initdb/pg_ctl not found (apt-get install postgresql)"; exit 1; }
    if [[ "$(id -u)" -eq 0 ]] && ! id postgres >/dev/null 2>&1; then
        log "creating the postgres system user"
        useradd --system --user-group --home-dir /nonexistent --shell /usr/sbin/nologin postgres
    fi
    dir="$(mktemp -d "${TMPDIR:-/tmp}/herald-test-postgres.XXXXXX")"
    chmod 0755 "$dir"
    mkdir -p "$dir/data"
    [[ "$(id -u)" -ne 0 ]] || chown -R postgres: "$dir"
    port="$(free_port)"
    log "initdb in $dir/data ($bin)"
    as_server_user "$bin/initdb" --pgdata="$dir/data" --username=postgres --auth=trust --encoding=UTF8 \
        --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 || fail_start "$dir" initdb.log
    # Loopback TCP only; the socket lives in the data directory so nothing else on the machine is touched.
    cat >>"$dir/data/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir/data'
max_connections = 400
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
    log "starting on 127.0.0.1:$port"
    as_server_user "$bin/pg_ctl" --pgdata="$dir/data" --log="$dir/server.log" --wait --timeout=60 start >&2 ||
        fail_start "$dir" server.log
    url="postgres://postgres@127.0.0.1:$port/postgres?sslmode=disable"
    echo "$url" >"$dir/url"
    echo "$bin" >"$dir/bindir"
    log "ready: $url"
    printf 'export HERALD_TEST_DATABASE_URL=%q\n' "$url"
    printf 'export HERALD_TEST_POSTGRES_DIR=%q\n' "$dir"
}

stop() {
    local dir="${1:-${HERALD_TEST_POSTGRES_DIR:-}}"
    if [[ -z "$dir" ]]; then
        log "stop: no directory given and HERALD_TEST_POSTGRES_DIR is not set"
        exit 1
    fi
    # Refuse anything that is not one of our own directories.
    if [[ "$(basename "$dir")" != herald-test-postgres.* || ! -d "$dir" ]]; then
        log "stop: $dir is not a test server directory"
        exit 1
    fi
    if [[ -f "$dir/data/postmaster.pid" ]]; then
        local bin
        bin="$(cat "$dir/bindir" 2>/dev/null || find_bin)"
        log "stopping the server in $dir"
        as_server_user "$bin/pg_ctl" --pgdata="$dir/data" --mode=fast --wait --timeout=60 stop >&2 || true
    fi
    rm -rf "$dir"
    log "removed $dir"
}

case "${1:-}" in
start) start ;;
stop) stop "${2:-}" ;;
*)
    echo "usage: $0 start | stop [DIR]" >&2
    exit 2
    ;;
esac
