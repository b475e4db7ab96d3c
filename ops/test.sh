#!/usr/bin/env bash
# Herald's one test command: builds once, runs every Swift test, then the Python interop tests
# (official Svix SDK, crash durability) against the freshly built `herald` binary.
#
# Env: INTEROP_VENV  virtualenv for the interop tools (default .venv-interop; .ci/run passes .venv-ci)
#      HERALD_TEST_DATABASE_URL  a PostgreSQL server (allowed to CREATE DATABASE) for the store conformance suite;
#                                without it those tests are skipped and say why. `.ci/run` starts a throwaway one
#                                with ops/postgres/test-server.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

header() { printf '\n==== %s ====\n' "$*"; }
failed=()

header "swift build --build-tests"
swift build --build-tests

header "swift test (all Swift tests)"
if [[ -n "${HERALD_TEST_DATABASE_URL:-}" ]]; then
    # Only the host part: a URL may carry a password.
    echo "PostgreSQL store tests: against ${HERALD_TEST_DATABASE_URL#*@}"
else
    echo "PostgreSQL store tests: skipped (HERALD_TEST_DATABASE_URL is not set; see ops/postgres/test-server.sh)"
fi
swift test --skip-build || failed+=("swift test")

header "interop: Python tools"
venv="${INTEROP_VENV:-.venv-interop}"
req="Tests/Interop/requirements.txt"
stamp_want="$(sha256sum "$req" | cut -d' ' -f1)"
venv_ok() { [[ -x "$venv/bin/python" ]] && "$venv/bin/python" -m pip --version >/dev/null 2>&1; }
if venv_ok || { rm -rf "$venv"; python3 -m venv "$venv" && venv_ok; }; then
    py="$venv/bin/python"
    pip_install=("$py" -m pip install --quiet)
    stamp="$venv/.requirements.sha256"
else
    # No usable venv module here: fall back to the user site.
    rm -rf "$venv"
    py="python3"
    pip_install=(python3 -m pip install --quiet --user)
    stamp="${HOME}/.cache/herald-interop-requirements.sha256"
    mkdir -p "$(dirname "$stamp")"
fi
# Install only when requirements.txt changed since the last install (fast when present).
if [[ "$(cat "$stamp" 2>/dev/null)" != "$stamp_want" ]]; then
    "${pip_install[@]}" -r "$req" || "${pip_install[@]}" --break-system-packages -r "$req"
    echo "$stamp_want" >"$stamp"
else
    echo "requirements up to date ($py)"
fi

header "interop: pytest Tests/Interop"
HERALD_BIN="$(swift build --show-bin-path)/herald"
export HERALD_BIN
echo "HERALD_BIN=$HERALD_BIN"
"$py" -m pytest -q -p no:cacheprovider Tests/Interop || failed+=("interop pytest")

header "summary"
if ((${#failed[@]})); then
    echo "FAILED: ${failed[*]}"
    exit 1
fi
echo "all test phases passed"
