#!/usr/bin/env bash
# Drives the emulator (the debug build `cargo test` leaves, or EMULATOR=path) with Okta's
# official SDKs: Python (`okta` 3.x, python_sdk.py) and Node (`@okta/okta-sdk-nodejs` 8.x,
# node_sdk.mjs), each installed from the package registries into a throwaway directory under the
# target directory. A fresh emulator for each. Exits non-zero when a check fails or when python3,
# node or npm is missing. `.ci/run` runs it.
set -euo pipefail
cd "$(dirname "$0")/../../.."
TARGET="${CARGO_TARGET_DIR:-target}"
BIN="${EMULATOR:-$TARGET/debug/okta-emulator}"
for tool in python3 node npm; do
  command -v "$tool" >/dev/null || { echo "sdk-check: $tool is required (Okta's official SDKs)" >&2; exit 2; }
done
[ -x "$BIN" ] || cargo build -q -p okta-emulator

venv="$TARGET/sdk-venv"
[ -x "$venv/bin/python" ] || { python3 -m venv "$venv" && "$venv/bin/pip" install -q 'okta>=3,<4'; }
node_dir="$TARGET/sdk-node"
[ -d "$node_dir/node_modules/@okta/okta-sdk-nodejs" ] ||
  npm install --silent --no-audit --no-fund --prefix "$node_dir" '@okta/okta-sdk-nodejs@8'
cp crates/okta-emulator/sdk-check/node_sdk.mjs "$node_dir/"

out=$(mktemp)
pid=""
trap '[ -n "$pid" ] && kill $pid 2>/dev/null; rm -f "$out"' EXIT
start() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
  : > "$out"
  "$BIN" --token sdk-token --rate-limits workforce > "$out" &
  pid=$!
  url=""
  for _ in $(seq 100); do url=$(head -n 1 "$out"); [ -n "$url" ] && break; sleep 0.05; done
}
start
# The Python SDK refuses plain http unless its HTTPS check is turned off (loopback only).
OKTA_TESTING_TESTINGDISABLEHTTPSCHECK=true "$venv/bin/python" crates/okta-emulator/sdk-check/python_sdk.py "$url"
start
(cd "$node_dir" && node node_sdk.mjs "$url")
