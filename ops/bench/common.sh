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
