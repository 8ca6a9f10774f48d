#!/usr/bin/env bash
# Starts the release emulator and runs python_sdk.py against it with Okta's Python SDK.
set -euo pipefail
cd "$(dirname "$0")/../../.."
BIN="${CARGO_TARGET_DIR:-target}/release/okta-emulator"
python3 -c "import okta" 2>/dev/null || { echo "install the SDK first: pip install okta" >&2; exit 2; }
out=$(mktemp)
"$BIN" --token sdk-token --rate-limits workforce > "$out" &
pid=$!
trap 'kill $pid 2>/dev/null; rm -f "$out"' EXIT
for _ in $(seq 100); do url=$(head -n 1 "$out"); [ -n "$url" ] && break; sleep 0.05; done
# The SDK refuses plain http unless its HTTPS check is turned off (loopback only).
OKTA_TESTING_TESTINGDISABLEHTTPSCHECK=true python3 crates/okta-emulator/sdk-check/python_sdk.py "$url"
