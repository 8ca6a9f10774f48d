#!/usr/bin/env bash
# The progress line as an admin sees it: a 400-row import at 100 creates per 5-s window with
# 150 ms per call, in a real terminal (tmux) 80 and 120 columns wide; the pane is captured every
# second, and each distinct progress line is printed. Checks that no line is wider than its
# terminal and that a reset wait counts down. Needs tmux, curl and jq.
#
#   bench/terminal.sh
set -euo pipefail
cd "$(dirname "$0")/.."
command -v tmux >/dev/null || { echo "tmux is required" >&2; exit 1; }
TARGET=${CARGO_TARGET_DIR:-target}
cargo build --release -q -p okta-emulator -p oktabulk
OKTABULK=${OKTABULK:-$TARGET/release/oktabulk}
BIN="$(dirname "$OKTABULK")"
source bench/lib.sh

awk 'BEGIN { print "login,email,firstName,lastName";
  for (i = 0; i < 400; i++) { l = sprintf("tty%05d@example.com", i); printf "%s,%s,F%d,L%d\n", l, l, i, i } }' \
  > "$work/tty.csv"
status=0
for width in 120 80; do
  start_emulator --rate-limits workforce --window-ms 5000 --limit users=100 --principal-share 100
  curl -sf -X PUT "$URL/__emulator/faults" -H 'Content-Type: application/json' \
    -d '{"rules":[{"path":"/api/*","action":{"kind":"latency","ms":150}}]}'
  session="oktabulk-tty-$$-$width"
  tmux new-session -d -s "$session" -x "$width" -y 10 \
    "OKTA_CLIENT_ORGURL=$URL OKTA_CLIENT_TOKEN=bench-token OKTABULK_HOME=$work/home-$width \
     $OKTABULK users import $work/tty.csv -o $work/out-$width.csv --max-capacity 100; sleep 3"
  : > "$work/lines-$width"
  for _ in $(seq 60); do
    tmux has-session -t "$session" 2>/dev/null || break
    tmux capture-pane -p -t "$session" | grep -E 'rows' | grep -v '^[0-9]* rows' >> "$work/lines-$width" || true
    sleep 1
  done
  tmux kill-session -t "$session" 2>/dev/null || true
  echo "== $width columns: distinct progress lines"
  awk '!seen[$0]++' "$work/lines-$width"
  widest=$(awk '{ print length($0) }' "$work/lines-$width" | sort -n | tail -1)
  echo "   widest: ${widest:-0} columns"
  if [ "${widest:-0}" -gt "$width" ]; then echo "   FAIL: wider than the terminal"; status=1; fi
  if ! grep -q 'waiting [0-9]*s' "$work/lines-$width"; then echo "   FAIL: no reset wait shown"; status=1; fi
  waits=$(grep -o 'waiting [0-9]*s' "$work/lines-$width" | sort -u | wc -l)
  echo "   distinct countdown values seen: $waits"
done
exit $status
