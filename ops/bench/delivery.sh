#!/usr/bin/env bash
# Delivery benchmark (not a test): how fast `herald serve` delivers to a local HTTP sink, how long a message
# takes from ingest to receipt, and how much memory a dead endpoint's backlog costs. See ops/bench/README.md.
#
# Phases (PHASES, default all four):
#   ceiling     nginx sink alone: wrk POSTs a 1 KiB body -> the sink's requests/s
#   throughput  a backlog of MESSAGES messages, held back with throttleRate=1 while ingested, released with
#               PATCH throttleRate=null -> deliveries/s until the sink has logged every one; ratio to ceiling
#   latency     RATE msgs/s for LATENCY_SECONDS s (paced Python loader) -> p50/p99 from the 202 (and from
#               the request) to the sink's arrival time, matched by webhook-id
#   memory      MEMORY_MESSAGES messages (wrk, as fast as it goes) to an endpoint on a dead port (connection
#               refused, circuit opens) -> the herald process's peak RSS (VmHWM)
#
# Env: HERALD_BIN  server binary (default: build release with `swift build -c release`)
#      MESSAGES (50000)  RATE (1000)  LATENCY_SECONDS (20)  MEMORY_MESSAGES (1000000)
#      CONNECTIONS (64) / THREADS (2): wrk -c / -t for ingest;  LOADER_THREADS (16): paced loader connections
#      ENDPOINT_CONCURRENCY (64): HERALD_ENDPOINT_CONCURRENCY;  POLL_INTERVAL: HERALD_POLL_INTERVAL (unset: default)
#      KEEP_DATA=1 keep the temp dir (databases, herald and nginx logs)
set -euo pipefail
cd "$(dirname "$0")/../.."
bench_dir="$PWD/ops/bench"

PHASES="${PHASES:-ceiling throughput latency memory}"
MESSAGES="${MESSAGES:-50000}"
RATE="${RATE:-1000}"
LATENCY_SECONDS="${LATENCY_SECONDS:-20}"
MEMORY_MESSAGES="${MEMORY_MESSAGES:-1000000}"
CONNECTIONS="${CONNECTIONS:-64}"
THREADS="${THREADS:-2}"
LOADER_THREADS="${LOADER_THREADS:-16}"
ENDPOINT_CONCURRENCY="${ENDPOINT_CONCURRENCY:-64}"
has_phase() { [[ " $PHASES " == *" $1 "* ]]; }

# --- tools ---------------------------------------------------------------------------------------
source "$bench_dir/common.sh"
bench_require_tools
bench_herald_binary
echo "machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')), shared by load generator, sink and herald"

# --- state and cleanup -------------------------------------------------------------------------
work="$(mktemp -d -t herald-delivery-bench.XXXXXX)"
token="bench_$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
server_pid=""
nginx_pid=""
sampler_pid=""
declare -a results=()
declare -a commands=()
result() { results+=("$(printf '%-44s %s' "$1" "$2")"); }
note_cmd() { commands+=("$*"); }

cleanup() {
    stop_pid "$sampler_pid"
    stop_pid "$server_pid"
    stop_pid "$nginx_pid"
    if [[ "${KEEP_DATA:-0}" == 1 ]]; then echo "data kept in $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

# --- sink: nginx on loopback, 204 for everything, one log line per request -----------------------
# One unbuffered line per request: arrival time (ms resolution) and the delivery's webhook-id.
bench_start_sink "$work" '$msec $http_webhook_id' "
        location /ceiling { access_log $work/nginx/ceiling.log bench; return 204; }
        location /deliver { access_log $work/nginx/deliver.log bench; return 204; }
        location /latency { access_log $work/nginx/latency.log bench; return 204; }
        location / { access_log $work/nginx/other.log bench; return 204; }"

# --- herald ------------------------------------------------------------------------------------
base=""
start_herald() {  # start_herald NAME [VAR=value ...]: a fresh server on its own data dir
    local name="$1"; shift
    local port; port="$(free_port)"
    mkdir -p "$work/$name"
    base="http://127.0.0.1:$port"
    local -a env_vars=(HERALD_ADMIN_TOKEN="$token" HERALD_ALLOWED_NETWORKS=127.0.0.0/8
        HERALD_ENDPOINT_CONCURRENCY="$ENDPOINT_CONCURRENCY")
    [[ -n "${POLL_INTERVAL:-}" ]] && env_vars+=(HERALD_POLL_INTERVAL="$POLL_INTERVAL")
    env_vars+=("$@")
    note_cmd "env ${env_vars[*]/#HERALD_ADMIN_TOKEN=*/HERALD_ADMIN_TOKEN=…} $HERALD_BIN serve --host 127.0.0.1 --port $port --data-dir $work/$name"
    env "${env_vars[@]}" "$HERALD_BIN" serve --host 127.0.0.1 --port "$port" --data-dir "$work/$name" \
        >"$work/$name/herald.log" 2>&1 &
    server_pid=$!
    for _ in $(seq 300); do
        curl -sf "$base/api/v1/health" >/dev/null && return 0
        kill -0 "$server_pid" 2>/dev/null || { echo "herald exited:"; tail -n 30 "$work/$name/herald.log"; exit 1; }
        sleep 0.1
    done
    echo "herald not healthy:"; tail -n 30 "$work/$name/herald.log"; exit 1
}
api() {  # api METHOD PATH [JSON]: authenticated request; prints the body, fails on non-2xx
    curl -sS --fail-with-body -X "$1" "$base$2" -H "Authorization: Bearer $token" \
        -H "Content-Type: application/json" ${3:+--data "$3"}
}
json_field() { python3 -c "import json,sys; print(json.load(sys.stdin)[\"$1\"])"; }
stats_total() {  # stats_total APP EP: every delivery row of the endpoint, whatever its status
    api GET "/api/v1/app/$1/endpoint/$2/stats" | python3 -c 'import json,sys; print(sum(json.load(sys.stdin).values()))'
}
ingest() {  # ingest APP QUOTA OUT: wrk until QUOTA messages were accepted; wrk's output goes to OUT
    local cmd=(wrk -t"$THREADS" -c"$CONNECTIONS" -d3600s --timeout 30s -s "$bench_dir/msg.lua" "$base")
    note_cmd "HERALD_QUOTA=$2 HERALD_THREADS=$THREADS ${cmd[*]}   # SIGINT once every thread reached its share"
    local done_dir="$work/wrk-done.$RANDOM"
    mkdir -p "$done_dir"
    HERALD_TOKEN="$token" HERALD_APP_ID="$1" HERALD_QUOTA="$2" HERALD_THREADS="$THREADS" HERALD_DONE_DIR="$done_dir" \
        "${cmd[@]}" >"$3" 2>&1 &
    local wrk_pid=$!
    while kill -0 "$wrk_pid" 2>/dev/null; do
        if (( $(find "$done_dir" -type f | wc -l) >= THREADS )); then kill -INT "$wrk_pid"; break; fi
        sleep 0.05
    done
    wait "$wrk_pid" || true
}
wrk_value() { sed -n "s/^$1=//p" <<<"$2"; }

# --- (a) ceiling -------------------------------------------------------------------------------
ceiling=""
if has_phase ceiling; then
    echo; echo "==== (a) sink ceiling: wrk -t2 -c64 -d10s POST 1 KiB ===="
    cmd=(wrk -t2 -c64 -d10s --latency -s "$bench_dir/sink-post.lua" "$sink/ceiling")
    note_cmd "${cmd[*]}"
    out="$("${cmd[@]}")"
    echo "$out"
    ceiling="$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")"
    result "sink ceiling (nginx, 1 KiB POST, 204)" "$(printf '%.0f req/s' "$ceiling")"
fi

# --- (b) throughput from a backlog -------------------------------------------------------------
# The backlog is ingested by an API-only process (serve --no-delivery) and drained by a delivering one on the
# same data dir. A binary without --no-delivery gets it held back with throttleRate=1 instead (a disabled
# endpoint would get no delivery rows at all).
# (The help is read whole first: `grep -q` quitting early would fail the pipeline under pipefail, now and then.)
serve_help="$("$HERALD_BIN" serve --help 2>&1)"
if grep -q -- '--no-delivery' <<<"$serve_help"; then preload=api-only; else preload=throttle; fi
if has_phase throughput; then
    echo; echo "==== (b) throughput: backlog of $MESSAGES messages to one endpoint (preload: $preload) ===="
    if [[ "$preload" == api-only ]]; then start_herald throughput HERALD_DELIVERY=off; else start_herald throughput; fi
    app="$(api POST /api/v1/app '{"name":"bench-throughput"}' | json_field id)"
    if [[ "$preload" == api-only ]]; then
        ep="$(api POST "/api/v1/app/$app/endpoint" "{\"url\":\"$sink/deliver\"}" | json_field id)"
    else
        ep="$(api POST "/api/v1/app/$app/endpoint" "{\"url\":\"$sink/deliver\",\"throttleRate\":1}" | json_field id)"
    fi
    t_ingest=$(date +%s.%N)
    ingest "$app" "$MESSAGES" "$work/wrk-throughput.txt"
    t_ingested=$(date +%s.%N)
    grep -E '^HERALD_|Requests/sec' "$work/wrk-throughput.txt"
    total="$(stats_total "$app" "$ep")"
    before="$(lines "$work/nginx/deliver.log")"
    echo "backlog: $total deliveries ($before already sent while ingesting, $(python3 -c "print(f'{$t_ingested-$t_ingest:.1f}')") s to ingest)"
    if [[ "$preload" == api-only ]]; then
        stop_pid "$server_pid"; server_pid=""
        t0=$(date +%s.%N)
        start_herald throughput  # the same data dir, now delivering
        echo "delivering herald: $base (pid $server_pid), healthy $(python3 -c "print(f'{$(date +%s.%N)-$t0:.2f}')") s after launch"
    else
        t0=$(date +%s.%N)
        api PATCH "/api/v1/app/$app/endpoint/$ep" '{"throttleRate":null}' >/dev/null
        note_cmd "curl -X PATCH $base/api/v1/app/$app/endpoint/$ep -d '{\"throttleRate\":null}'"
    fi
    # The server's CPU time (clock ticks) over the drain: steadier from run to run than the rate.
    ticks0="$(awk '{print $14 + $15}' "/proc/$server_pid/stat")"
    deadline=$(( $(date +%s) + 1800 ))
    last=-1; last_change=$(date +%s)
    while (( $(lines "$work/nginx/deliver.log") < total )); do
        now_lines="$(lines "$work/nginx/deliver.log")"
        if (( now_lines != last )); then last=$now_lines; last_change=$(date +%s); fi
        if (( $(date +%s) > deadline || $(date +%s) - last_change > 120 )); then
            echo "throughput: stuck at $now_lines of $total deliveries"; break
        fi
        sleep 0.1
    done
    t1=$(date +%s.%N)
    ticks1="$(awk '{print $14 + $15}' "/proc/$server_pid/stat")"
    read -r tp_rate tp_log_rate tp_dups tp_delivered <<<"$(python3 - "$work/nginx/deliver.log" "$before" "$t0" "$t1" <<'EOF'
import sys
path, before, t0, t1 = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
lines = [l.split() for l in open(path)]
drain = lines[before:]
ids = [l[1] for l in lines if len(l) > 1]
stamps = [float(l[0]) for l in drain]
wall = len(drain) / (t1 - t0)
span = (max(stamps) - min(stamps)) if len(stamps) > 1 else 0.0
print(f"{wall:.0f} {len(drain) / span if span > 0 else float('nan'):.0f} {len(ids) - len(set(ids))} {len(drain)}")
EOF
)"
    elapsed="$(python3 -c "print(f'{$t1-$t0:.2f}')")"
    echo "drained $tp_delivered deliveries in $elapsed s: $tp_rate/s (wall clock from the release), $tp_log_rate/s (first to last sink log line); duplicates: $tp_dups"
    result "backlog (deliveries; preload: $preload)" "$total ($before sent before the release)"
    result "throughput, release to last delivery" "$tp_rate deliveries/s ($elapsed s)"
    result "throughput, first to last sink arrival" "$tp_log_rate deliveries/s"
    result "server CPU per delivery (drain)" "$(python3 -c "print(f'{($ticks1 - $ticks0) / $(getconf CLK_TCK) / max($tp_delivered, 1) * 1e6:.1f} µs')")"
    [[ -n "$ceiling" ]] && result "throughput : sink ceiling" "$(python3 -c "print(f'{$tp_log_rate/$ceiling:.3f}')") (first-to-last rate / ceiling)"
    result "duplicate deliveries (throughput)" "$tp_dups"
    result "endpoint stats after (throughput)" "$(api GET "/api/v1/app/$app/endpoint/$ep/stats")"
fi

# --- (c) latency -------------------------------------------------------------------------------
if has_phase latency; then
    echo; echo "==== (c) latency: $RATE msgs/s for $LATENCY_SECONDS s ===="
    [[ -n "$server_pid" ]] || start_herald latency
    app="$(api POST /api/v1/app '{"name":"bench-latency"}' | json_field id)"
    ep="$(api POST "/api/v1/app/$app/endpoint" "{\"url\":\"$sink/latency\"}" | json_field id)"
    cmd=(python3 "$bench_dir/paced_loader.py" "$base" TOKEN "$app" "$RATE" "$LATENCY_SECONDS" "$LOADER_THREADS" "$work/latency.csv")
    note_cmd "${cmd[*]}"
    cmd[3]="$token"
    "${cmd[@]}" 2>"$work/loader.txt" || true
    cat "$work/loader.txt"
    acked="$(lines "$work/latency.csv")"
    for _ in $(seq 600); do (( $(lines "$work/nginx/latency.log") >= acked )) && break; sleep 0.1; done
    summary="$(python3 - "$work/latency.csv" "$work/nginx/latency.log" <<'EOF'
import sys
acks = {}
for line in open(sys.argv[1]):
    msg, scheduled, sent, acked = line.strip().split(",")
    acks[msg] = (float(sent), float(acked))
first = {}
for line in open(sys.argv[2]):
    parts = line.split()
    if len(parts) == 2 and parts[1] not in first:
        first[parts[1]] = float(parts[0])
def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]
from_ack = [(first[m] - a) * 1000 for m, (s, a) in acks.items() if m in first]
from_sent = [(first[m] - s) * 1000 for m, (s, a) in acks.items() if m in first]
missing = len(acks) - len(from_ack)
fmt = lambda xs: " ".join(f"{pct(xs, p):.1f}" for p in (50, 90, 99)) + f" {max(xs):.1f}"
print(f"{len(acks)} {missing} {fmt(from_ack)} {fmt(from_sent)}")
EOF
)"
    read -r l_acked l_missing a50 a90 a99 amax s50 s90 s99 smax <<<"$summary"
    echo "acknowledged $l_acked, not received $l_missing"
    echo "202 -> sink arrival (ms):     p50 $a50  p90 $a90  p99 $a99  max $amax"
    echo "request -> sink arrival (ms): p50 $s50  p90 $s90  p99 $s99  max $smax"
    result "latency load" "$(sed 's/^loader: //' "$work/loader.txt")"
    result "latency 202 -> sink (ms)" "p50 $a50, p90 $a90, p99 $a99, max $amax (sink clock: ms resolution)"
    result "latency request -> sink (ms)" "p50 $s50, p90 $s90, p99 $s99, max $smax"
    result "latency: acknowledged but not received" "$l_missing"
fi
if has_phase throughput || has_phase latency; then
    stop_pid "$server_pid"; server_pid=""
fi

# --- (d) memory with a dead endpoint -----------------------------------------------------------
if has_phase memory; then
    echo; echo "==== (d) memory: $MEMORY_MESSAGES messages to an endpoint on a dead port ===="
    start_herald memory
    dead_port="$(free_port)"  # nothing listens there: connection refused
    app="$(api POST /api/v1/app '{"name":"bench-memory"}' | json_field id)"
    ep="$(api POST "/api/v1/app/$app/endpoint" "{\"url\":\"http://127.0.0.1:$dead_port/dead\"}" | json_field id)"
    rss_before="$(awk '/^VmRSS:/ {print $2}' "/proc/$server_pid/status")"
    ( while kill -0 "$server_pid" 2>/dev/null; do
          echo "$(date +%s) $(awk '/^VmRSS:|^VmHWM:/ {printf "%s ", $2}' "/proc/$server_pid/status" 2>/dev/null)"
          sleep 1
      done ) >"$work/rss.txt" &
    sampler_pid=$!
    t_mem=$(date +%s.%N)
    ingest "$app" "$MEMORY_MESSAGES" "$work/wrk-memory.txt"
    t_mem_end=$(date +%s.%N)
    out="$(cat "$work/wrk-memory.txt")"
    echo "$out" | grep -E '^HERALD_|Requests/sec|Latency'
    sleep 5  # let outstanding releases and attempts be written
    hwm="$(awk '/^VmHWM:/ {print $2}' "/proc/$server_pid/status")"
    rss_after="$(awk '/^VmRSS:/ {print $2}' "/proc/$server_pid/status")"
    ok="$(wrk_value HERALD_2XX "$out")"
    ep_json="$(api GET "/api/v1/app/$app/endpoint/$ep")"
    circuit="$(json_field circuitState <<<"$ep_json")"
    mstats="$(api GET "/api/v1/app/$app/endpoint/$ep/stats")"
    db_mb="$(du -sm "$work/memory" | cut -f1)"
    rate="$(python3 -c "print(f'{$ok/($t_mem_end-$t_mem):.0f}')")"
    echo "peak RSS (VmHWM) $((hwm / 1024)) MB; RSS before $((rss_before / 1024)) MB, after $((rss_after / 1024)) MB; circuit $circuit"
    result "memory: messages accepted" "$ok in $(python3 -c "print(f'{$t_mem_end-$t_mem:.0f}')") s ($rate msgs/s), non-2xx $(wrk_value HERALD_NON2XX "$out")"
    result "memory: peak RSS (VmHWM)" "$((hwm / 1024)) MB (RSS $((rss_before / 1024)) MB idle before, $((rss_after / 1024)) MB after)"
    result "memory: endpoint circuitState / stats" "$circuit / $mstats"
    result "memory: data dir size" "$db_mb MB"
    stop_pid "$sampler_pid"; sampler_pid=""
    t_stop=$(date +%s.%N)
    stop_pid "$server_pid"; server_pid=""
    if (( stop_pid_killed )); then stopped="not within 10 s (killed)"; else
        stopped="$(python3 -c "print(f'{$(date +%s.%N)-$t_stop:.1f}')") s"; fi
    result "memory: graceful stop (SIGTERM to exit)" "$stopped"
fi

echo; echo "==== results ===="
echo "binary: $HERALD_BIN"
echo "machine: $(nproc) cores shared by the load generator, nginx and herald; loopback only"
printf '%s\n' "${results[@]}"
echo; echo "==== commands ===="
printf '%s\n' "${commands[@]}"
