#!/usr/bin/env bash
# The size of the binary admins download: oktabulk built with the release workflow's `dist`
# profile (stripped, thin LTO), beside the plain release build.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/oktabulk/target}"
cargo build --quiet --profile dist -p oktabulk
dist="$CARGO_TARGET_DIR/dist/oktabulk"
echo "dist build: $(stat -c %s "$dist") bytes ($(( $(stat -c %s "$dist") / 1048576 )) MiB) at $dist"
if [ -x "$CARGO_TARGET_DIR/release/oktabulk" ]; then
  release="$CARGO_TARGET_DIR/release/oktabulk"
  echo "release build (line tables, not stripped): $(stat -c %s "$release") bytes"
fi
