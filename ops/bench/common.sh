# Shared by the benchmark scripts (sourced, not run): tools they need and the server binary they measure.

# Installs Debian packages, refreshing the package lists only when the first try fails.
apt_install() {
    local sudo_cmd=()
    [[ "$(id -u)" -eq 0 ]] || sudo_cmd=(sudo)
    DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y "$@" ||
        { "${sudo_cmd[@]}" apt-get update && DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y "$@"; }
}

# wrk (installed from Debian when missing), curl and python3.
bench_require_tools() {
    command -v wrk >/dev/null || { echo "wrk not found: installing Debian's wrk"; apt_install wrk; }
    local tool
    for tool in curl python3; do
        command -v "$tool" >/dev/null || { echo "$tool is required" >&2; exit 1; }
    done
}

# Sets HERALD_BIN to a release build unless the caller gave one.
bench_herald_binary() {
    if [[ -z "${HERALD_BIN:-}" ]]; then
        echo "==== swift build -c release ===="
        swift build -c release --product herald
        HERALD_BIN="$(swift build -c release --show-bin-path)/herald"
    fi
    echo "binary: $HERALD_BIN"
}

# A free TCP port on 127.0.0.1.
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# Lines in a file, 0 when it does not exist (yet).
lines() { if [[ -f "$1" ]]; then wc -l <"$1"; else echo 0; fi; }

# stop_pid PID: TERM, wait up to 10 s, then KILL; sets stop_pid_killed to 1 when it had to.
stop_pid() {
    local pid="$1"
    stop_pid_killed=0
    [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 0
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    stop_pid_killed=1
}

# bench_start_sink DIR LOG_FORMAT LOCATIONS: nginx (installed from Debian when missing) on a free loopback port,
# one worker, keep-alive, answering 204; its config, logs and temp files under DIR/nginx. LOG_FORMAT is the
# `bench` access-log format, LOCATIONS the server block's body. Sets nginx_bin, nginx_pid and sink (its base URL).
bench_start_sink() {
    local dir="$1/nginx" format="$2" locations="$3"
    nginx_bin="$(command -v nginx || echo /usr/sbin/nginx)"
    [[ -x "$nginx_bin" ]] || { echo "nginx not found: installing Debian's nginx"; apt_install nginx; nginx_bin=/usr/sbin/nginx; }
    local port; port="$(free_port)"
    mkdir -p "$dir/tmp"
    chmod 777 "$dir/tmp"
    cat >"$dir/nginx.conf" <<CONF
worker_processes 1;
daemon off;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
$( [[ "$(id -u)" -eq 0 ]] && echo "user root root;" )
events { worker_connections 4096; }
http {
    log_format bench '$format';
    access_log off;
    client_body_temp_path $dir/tmp/body;
    proxy_temp_path $dir/tmp/proxy;
    fastcgi_temp_path $dir/tmp/fastcgi;
    uwsgi_temp_path $dir/tmp/uwsgi;
    scgi_temp_path $dir/tmp/scgi;
    keepalive_requests 1000000;
    keepalive_timeout 120s;
    client_body_buffer_size 64k;
    client_max_body_size 2m;
    server {
        listen 127.0.0.1:$port;
$locations
    }
}
CONF
    "$nginx_bin" -c "$dir/nginx.conf" -p "$dir" >"$dir/stdout.log" 2>&1 &
    nginx_pid=$!
    for _ in $(seq 50); do
        curl -s -o /dev/null -X POST "http://127.0.0.1:$port/" && break
        kill -0 "$nginx_pid" 2>/dev/null || { echo "nginx exited:"; cat "$dir/stdout.log" "$dir/error.log"; exit 1; }
        sleep 0.1
    done
    sink="http://127.0.0.1:$port"
    echo "sink: nginx $("$nginx_bin" -v 2>&1 | sed 's/.*nginx\///') on $sink (worker_processes 1), logs in $dir"
}
