#!/usr/bin/env bash
# PostgreSQL benchmark (not a test): ingest and delivery throughput of `herald serve` on PostgreSQL with one and
# with two instances, in one run, on a throwaway local server. See ops/bench/README.md.
#
# Phases, each on a database of its own:
#   ingest   delivery off; two wrk processes (CONNECTIONS/2 connections each) POST 1 KiB messages for DURATION,
#            both to the one instance, or one to each of the two -> msgs/s (sum of 2xx / run time)
#   delivery a backlog of BACKLOG deliveries (BACKLOG/ENDPOINTS messages to ENDPOINTS endpoints on a local nginx
#            sink) written by an API-only instance once, copied per run (CREATE DATABASE ... TEMPLATE); then one,
#            or two, delivering instances -> deliveries/s until no delivery is pending or sending
#
# Env: HERALD_BIN  server binary (default: build release with `swift build -c release`)
#      DURATION (20s)  CONNECTIONS (64)  BACKLOG (60000)  ENDPOINTS (4)  ENDPOINT_CONCURRENCY (64)
#      POOL_MAX (20): pool_max of each instance's database URL
#      PG_DURABLE (1): 1 turns fsync, synchronous_commit and full_page_writes back on (the throwaway server
#                      starts without them); 0 keeps the test server's non-durable settings
#      KEEP_DATA=1 keep the temp dir (herald and nginx logs, wrk output)
set -euo pipefail
cd "$(dirname "$0")/../.."
repo="$PWD"
bench_dir="$repo/ops/bench"

DURATION="${DURATION:-20s}"
CONNECTIONS="${CONNECTIONS:-64}"
BACKLOG="${BACKLOG:-60000}"
ENDPOINTS="${ENDPOINTS:-4}"
ENDPOINT_CONCURRENCY="${ENDPOINT_CONCURRENCY:-64}"
POOL_MAX="${POOL_MAX:-20}"
PG_DURABLE="${PG_DURABLE:-1}"
run_command="$(printf '%q ' env HERALD_BIN="${HERALD_BIN:-}" DURATION="$DURATION" CONNECTIONS="$CONNECTIONS" \
    BACKLOG="$BACKLOG" ENDPOINTS="$ENDPOINTS" ENDPOINT_CONCURRENCY="$ENDPOINT_CONCURRENCY" POOL_MAX="$POOL_MAX" \
    PG_DURABLE="$PG_DURABLE" ops/bench/postgres.sh)"

# --- tools ---------------------------------------------------------------------------------------
source "$bench_dir/common.sh"
bench_require_tools
for tool in psql openssl; do command -v "$tool" >/dev/null || { echo "$tool is required" >&2; exit 1; }; done
bench_herald_binary
echo "machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')), shared by" \
    "PostgreSQL, herald, the nginx sink and wrk; load average $(cut -d" " -f1-3 /proc/loadavg)"

# --- state and cleanup -------------------------------------------------------------------------
work="$(mktemp -d -t herald-pg-bench.XXXXXX)"
token="bench_$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
main_key="$(openssl rand -base64 32)"
declare -a herald_pids=() herald_bases=() results=() cpu_lines=() commands=()
nginx_pid=""
pg_dir=""
note_cmd() { commands+=("$*"); }
stop_heralds() {
    local pid
    for pid in "${herald_pids[@]}"; do stop_pid "$pid"; done
    herald_pids=(); herald_bases=()
}
cleanup() {
    stop_heralds
    stop_pid "$nginx_pid"
    [[ -z "$pg_dir" ]] || ops/postgres/test-server.sh stop "$pg_dir" || true
    if [[ "${KEEP_DATA:-0}" == 1 ]]; then echo "data kept in $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

# --- PostgreSQL: a throwaway server on loopback ---------------------------------------------------
eval "$(ops/postgres/test-server.sh start)"
pg_dir="$HERALD_TEST_POSTGRES_DIR"
server_url="$HERALD_TEST_DATABASE_URL"
pg_pid="$(head -n 1 "$pg_dir/data/postmaster.pid")"
sql() { psql "$1" -v ON_ERROR_STOP=1 -qAtc "$2"; }
db_url() { sed "s#/postgres?#/$1?#" <<<"$server_url"; }  # psql URL of database $1
if [[ "$PG_DURABLE" == 1 ]]; then
    for setting in fsync synchronous_commit full_page_writes; do sql "$server_url" "ALTER SYSTEM SET $setting = on"; done
    sql "$server_url" "SELECT pg_reload_conf()" >/dev/null
    sleep 0.5
fi
pg_settings="$(sql "$server_url" "SELECT string_agg(name || '=' || setting, ', ' ORDER BY name) FROM pg_settings
    WHERE name IN ('fsync', 'synchronous_commit', 'full_page_writes', 'shared_buffers', 'max_connections')")"
echo "postgres: $(sql "$server_url" "SHOW server_version") on $server_url ($pg_settings)"

# --- sink: nginx on loopback, 204 for everything, one log line per request -----------------------
# One unbuffered line per request: arrival time (ms resolution), path and the delivery's webhook-id.
bench_start_sink "$work" '$msec $uri $http_webhook_id' "
        access_log $work/nginx/deliver.log bench;
        location / { return 204; }"
: >"$work/nginx/deliver.log"

# --- herald ------------------------------------------------------------------------------------
start_herald() {  # start_herald NAME DATABASE [VAR=value ...]: one more instance on its own data dir
    local name="$1" database="$2"; shift 2
    local port; port="$(free_port)"
    mkdir -p "$work/$name"
    local url; url="$(db_url "$database")&pool_max=$POOL_MAX"
    local -a env_vars=(HERALD_ADMIN_TOKEN="$token" HERALD_MAIN_KEY="$main_key" HERALD_DATABASE_URL="$url"
        HERALD_ALLOWED_NETWORKS=127.0.0.0/8 HERALD_ENDPOINT_CONCURRENCY="$ENDPOINT_CONCURRENCY" "$@")
    note_cmd "env HERALD_ADMIN_TOKEN=… HERALD_MAIN_KEY=… ${env_vars[*]:2} $HERALD_BIN serve --host 127.0.0.1 --port $port --data-dir $work/$name"
    env "${env_vars[@]}" "$HERALD_BIN" serve --host 127.0.0.1 --port "$port" --data-dir "$work/$name" \
        >"$work/$name/herald.log" 2>&1 &
    herald_pids+=("$!")
    herald_bases+=("http://127.0.0.1:$port")
}
wait_healthy() {  # every started instance answers /api/v1/health
    local i
    for i in "${!herald_pids[@]}"; do
        for _ in $(seq 600); do
            curl -sf "${herald_bases[$i]}/api/v1/health" >/dev/null && continue 2
            kill -0 "${herald_pids[$i]}" 2>/dev/null || { echo "herald exited:"; tail -n 30 "$work"/*/herald.log; exit 1; }
            sleep 0.05
        done
        echo "herald not healthy: ${herald_bases[$i]}"; exit 1
    done
}
api() {  # api METHOD PATH [JSON]: authenticated request to the first instance; prints the body
    curl -sS --fail-with-body -X "$1" "${herald_bases[0]}$2" -H "Authorization: Bearer $token" \
        -H "Content-Type: application/json" ${3:+--data "$3"}
}
json_field() { python3 -c "import json,sys; print(json.load(sys.stdin)[\"$1\"])"; }
setup_app() {  # setup_app ENDPOINT_COUNT: event type, app and endpoints on the sink; prints the app id
    api POST /api/v1/event-type '{"name":"user.created","description":"benchmark event"}' >/dev/null
    local app i
    app="$(api POST /api/v1/app '{"name":"bench"}' | json_field id)"
    for i in $(seq "$1"); do
        api POST "/api/v1/app/$app/endpoint" "{\"url\":\"$sink/e$i\",\"eventTypes\":[\"user.created\"]}" >/dev/null
    done
    echo "$app"
}
cpu_snapshot() {
    local IFS=,
    python3 "$bench_dir/proc_cpu.py" snapshot "postgres=$pg_pid" "herald=${herald_pids[*]}" "nginx=$nginx_pid"
}
wrk_value() { sed -n "s/^$1=//p" "$2"; }
fmt() { python3 -c "print(f'{$1:,.0f}')"; }

# end_phase LABEL RESULT: reports the phase's CPU use (from $before/$after) and result, stops its instances and
# drops its database ($db).
end_phase() {
    local cpu; cpu="$(python3 "$bench_dir/proc_cpu.py" report "$before" "$after")"
    echo "$cpu"
    cpu_lines+=("$1: $cpu")
    results+=("$2")
    stop_heralds
    sql "$server_url" "DROP DATABASE $db WITH (FORCE)"
}

# --- (a) ingest with 1 and 2 instances ------------------------------------------------------------
declare -A ingest_rate=()
for n in 1 2; do
    echo; echo "==== ingest, $n instance(s): 2 x wrk -t1 -c$((CONNECTIONS / 2)) -d$DURATION, delivery off ===="
    db="bench_ingest_$n"
    sql "$server_url" "CREATE DATABASE $db"
    for i in $(seq "$n"); do start_herald "ingest$n-$i" "$db" HERALD_DELIVERY=off; done
    wait_healthy
    app="$(setup_app 1)"
    before="$(cpu_snapshot)"
    wrk_pids=()
    for w in 0 1; do
        target="${herald_bases[$((w % n))]}"
        cmd=(wrk -t1 -c"$((CONNECTIONS / 2))" -d"$DURATION" --timeout 30s -s "$bench_dir/msg.lua" "$target")
        note_cmd "HERALD_TOKEN=… HERALD_APP_ID=$app ${cmd[*]}   # ingest, $n instance(s), wrk $((w + 1)) of 2"
        HERALD_TOKEN="$token" HERALD_APP_ID="$app" "${cmd[@]}" >"$work/wrk-ingest$n-$w.txt" 2>&1 &
        wrk_pids+=("$!")
    done
    for pid in "${wrk_pids[@]}"; do wait "$pid" || true; done
    after="$(cpu_snapshot)"
    ok=0; non2xx=0; sock=0; dur_us=0
    for w in 0 1; do
        f="$work/wrk-ingest$n-$w.txt"
        grep -q '^HERALD_2XX=' "$f" || { echo "wrk failed:"; cat "$f"; exit 1; }
        ok=$((ok + $(wrk_value HERALD_2XX "$f")))
        non2xx=$((non2xx + $(wrk_value HERALD_NON2XX "$f")))
        sock=$((sock + $(wrk_value HERALD_SOCKET_ERRORS "$f")))
        d="$(wrk_value HERALD_DURATION_US "$f")"; (( d > dur_us )) && dur_us=$d
        echo "wrk $((w + 1)) -> $(grep -E '^Requests/sec' "$f") ($(wrk_value HERALD_2XX "$f") x 2xx)"
    done
    stored="$(sql "$(db_url "$db")" "SELECT count(*) FROM message")"
    rate="$(python3 -c "print(round($ok / ($dur_us / 1e6)))")"
    ingest_rate[$n]="$rate"
    verify="OK"
    (( stored >= ok && stored - ok <= CONNECTIONS )) || verify="FAILED: $stored stored for $ok acknowledged"
    echo "msgs/s: $(fmt "$rate"); 2xx $ok, non-2xx $non2xx, socket errors $sock; stored $stored ($verify)"
    end_phase "ingest, $n instance(s)" \
        "ingest $n: $ok acknowledged, $stored stored, non-2xx $non2xx, socket errors $sock, verify $verify"
    [[ "$verify" == OK ]] || exit 1
done

# --- (b) delivery throughput from a backlog, with 1 and 2 instances --------------------------------
messages=$(( (BACKLOG + ENDPOINTS - 1) / ENDPOINTS ))
echo; echo "==== delivery: preload $messages messages x $ENDPOINTS endpoints with an API-only instance ===="
sql "$server_url" "CREATE DATABASE bench_backlog"
start_herald preload bench_backlog HERALD_DELIVERY=off
wait_healthy
app="$(setup_app "$ENDPOINTS")"
done_dir="$work/wrk-done"
mkdir -p "$done_dir"
cmd=(wrk -t2 -c"$CONNECTIONS" -d3600s --timeout 30s -s "$bench_dir/msg.lua" "${herald_bases[0]}")
note_cmd "HERALD_TOKEN=… HERALD_APP_ID=$app HERALD_QUOTA=$messages HERALD_THREADS=2 HERALD_DONE_DIR=… ${cmd[*]}   # preload; SIGINT once both threads reached their share"
t_pre=$(date +%s.%N)
HERALD_TOKEN="$token" HERALD_APP_ID="$app" HERALD_QUOTA="$messages" HERALD_THREADS=2 HERALD_DONE_DIR="$done_dir" \
    "${cmd[@]}" >"$work/wrk-preload.txt" 2>&1 &
wrk_pid=$!
while kill -0 "$wrk_pid" 2>/dev/null; do
    if (( $(find "$done_dir" -type f | wc -l) >= 2 )); then kill -INT "$wrk_pid"; break; fi
    sleep 0.05
done
wait "$wrk_pid" || true
stop_heralds
backlog="$(sql "$(db_url bench_backlog)" "SELECT count(*) FROM delivery WHERE status IN (1, 3)")"
echo "backlog: $backlog pending deliveries ($(wrk_value HERALD_2XX "$work/wrk-preload.txt") messages acknowledged," \
    "$(python3 -c "print(f'{$(date +%s.%N) - $t_pre:.1f}')") s)"

declare -A drain_rate=() sink_rate=()
for n in 1 2; do
    echo; echo "==== delivery, $n instance(s): drain $backlog deliveries ===="
    db="bench_deliver_$n"
    sql "$server_url" "CREATE DATABASE $db TEMPLATE bench_backlog"
    log_before="$(lines "$work/nginx/deliver.log")"
    before="$(cpu_snapshot)"
    t0=$(date +%s.%N); t0_ms=$(date +%s%3N)
    for i in $(seq "$n"); do start_herald "deliver$n-$i" "$db"; done
    wait_healthy
    echo "healthy $(python3 -c "print(f'{$(date +%s.%N) - $t0:.2f}')") s after launch"
    last=-1; last_change=$(date +%s); next_print=5
    while :; do
        read -r pending sending < <(sql "$(db_url "$db")" "SELECT count(*) FILTER (WHERE status = 1),
            count(*) FILTER (WHERE status = 3) FROM delivery WHERE status IN (1, 3)" | tr '|' ' ')
        left=$((pending + sending))
        elapsed_ms=$(( $(date +%s%3N) - t0_ms ))
        received=$(( $(lines "$work/nginx/deliver.log") - log_before ))
        echo "$elapsed_ms $pending $sending $received" >>"$work/drain-$n.txt"
        if (( left == 0 || elapsed_ms >= next_print * 1000 )); then
            echo "  +$((elapsed_ms / 1000)).$((elapsed_ms % 1000 / 100)) s: pending $pending, sending $sending, received by the sink $received"
            next_print=$((next_print + 5))
        fi
        (( left == 0 )) && break
        if (( left != last )); then last=$left; last_change=$(date +%s); fi
        (( $(date +%s) - last_change > 60 )) && { echo "stuck at $left deliveries left"; break; }
        sleep 0.25
    done
    t1=$(date +%s.%N)
    after="$(cpu_snapshot)"
    counts="$(sql "$(db_url "$db")" "SELECT string_agg(status || ':' || c, ' ' ORDER BY status) FROM
        (SELECT status, count(*) c FROM delivery GROUP BY status) s")"
    sleep 0.5  # the sink's last lines
    read -r wall_rate span_rate received dups first_after last_before <<<"$(python3 - "$work/nginx/deliver.log" "$log_before" "$t0" "$t1" "$backlog" <<'EOF'
import sys
path, before, t0, t1, backlog = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5])
drain = [l.split() for l in open(path)][before:]
keys = [(l[1], l[2]) for l in drain if len(l) > 2]
stamps = [float(l[0]) for l in drain]
span = (max(stamps) - min(stamps)) if len(stamps) > 1 else 0.0
first, last = (min(stamps) - t0, t1 - max(stamps)) if stamps else (0.0, 0.0)
print(f"{backlog / (t1 - t0):.0f} {len(drain) / span if span > 0 else 0:.0f} {len(drain)} {len(keys) - len(set(keys))}"
      f" {first:.2f} {last:.2f}")
EOF
)"
    drain_rate[$n]="$wall_rate"; sink_rate[$n]="$span_rate"
    echo "drained in $(python3 -c "print(f'{$t1 - $t0:.2f}')") s: $(fmt "$wall_rate") deliveries/s from launch," \
        "$(fmt "$span_rate")/s first to last sink arrival; sink received $received, duplicates $dups; statuses $counts"
    echo "first arrival $first_after s after launch, last arrival $last_before s before the poll saw none left"
    end_phase "delivery, $n instance(s)" \
        "delivery $n: backlog $backlog, sink received $received, duplicate (path, webhook-id) $dups, statuses (0 success, 2 fail) $counts; first arrival +$first_after s after launch, last $last_before s before empty"
done
sql "$server_url" "DROP DATABASE bench_backlog WITH (FORCE)"

# --- report ------------------------------------------------------------------------------------
ratio() { python3 -c "print(f'{$2 / $1:.2f}' if $1 else '-')"; }
echo; echo "==== results ===="
echo "binary: $HERALD_BIN"
echo "postgres: $pg_settings; pool_max=$POOL_MAX per instance"
echo "machine: $(nproc) cores shared by PostgreSQL, herald instance(s), nginx and wrk; loopback only"
echo
printf '| %-46s | %12s | %12s | %6s |\n' "" "1 instance" "2 instances" "2 : 1"
printf '| %-46s | %12s | %12s | %6s |\n' "----" "---:" "---:" "---:"
printf '| %-46s | %12s | %12s | %6s |\n' "ingest, msgs/s (1 KiB, delivery off)" \
    "$(fmt "${ingest_rate[1]}")" "$(fmt "${ingest_rate[2]}")" "$(ratio "${ingest_rate[1]}" "${ingest_rate[2]}")"
printf '| %-46s | %12s | %12s | %6s |\n' "delivery, deliveries/s (launch to empty)" \
    "$(fmt "${drain_rate[1]}")" "$(fmt "${drain_rate[2]}")" "$(ratio "${drain_rate[1]}" "${drain_rate[2]}")"
printf '| %-46s | %12s | %12s | %6s |\n' "delivery, deliveries/s (first to last arrival)" \
    "$(fmt "${sink_rate[1]}")" "$(fmt "${sink_rate[2]}")" "$(ratio "${sink_rate[1]}" "${sink_rate[2]}")"
echo
printf '%s\n' "${results[@]}"
echo
printf '%s\n' "${cpu_lines[@]}"
echo; echo "==== command ===="
echo "$run_command"
echo; echo "==== commands it ran ===="
printf '%s\n' "${commands[@]}"
