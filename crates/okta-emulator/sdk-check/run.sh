#!/usr/bin/env bash
# Starts the emulator (the debug build `cargo test` leaves, or EMULATOR=path) and drives it with
# Okta's official Python SDK (python_sdk.py),
# installed into a throwaway virtual environment from the package registry (major version 3).
# Exits non-zero when a check fails or python3 is missing. `.ci/run` runs it.
set -euo pipefail
cd "$(dirname "$0")/../../.."
TARGET="${CARGO_TARGET_DIR:-target}"
BIN="${EMULATOR:-$TARGET/debug/okta-emulator}"
command -v python3 >/dev/null || { echo "sdk-check: python3 is required (Okta's Python SDK)" >&2; exit 2; }
[ -x "$BIN" ] || cargo build -q -p okta-emulator
venv="${SDK_VENV:-$TARGET/sdk-venv}"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q 'okta>=3,<4'
fi
out=$(mktemp)
"$BIN" --token sdk-token --rate-limits workforce > "$out" &
pid=$!
trap 'kill $pid 2>/dev/null; rm -f "$out"' EXIT
for _ in $(seq 100); do url=$(head -n 1 "$out"); [ -n "$url" ] && break; sleep 0.05; done
# The SDK refuses plain http unless its HTTPS check is turned off (loopback only).
OKTA_TESTING_TESTINGDISABLEHTTPSCHECK=true "$venv/bin/python" crates/okta-emulator/sdk-check/python_sdk.py "$url"
