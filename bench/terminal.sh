#!/usr/bin/env bash
# The progress line as an admin sees it: a 400-row import at 100 creates per 5-s window with
# 150 ms per call (so the run waits for resets), in a real terminal (tmux) 80 and 120 columns
# wide. The pane is captured every second with wrapped lines joined, and each distinct progress
# line is printed. Fails loudly (exit 1, FAIL lines) unless at each width:
#   - no line is wider than the terminal: the progress line, and the summary the run ends with;
#   - the progress line changes over time (rows counted up: the run is not hung);
#   - a reset wait is shown counting down;
#   - the run ends by itself, exit 0, with its 400 rows created.
# Needs curl and jq; tmux is installed with apt-get when missing.
#
#   bench/terminal.sh                  # release binaries
#   PROFILE=debug bench/terminal.sh    # the debug binaries (no release build)
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v tmux >/dev/null; then
  echo "tmux is missing: installing it with apt-get" >&2
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo=sudo
  { $sudo apt-get update -qq && $sudo apt-get install -y -qq tmux; } >&2 \
    || { echo "FAIL: tmux is required and could not be installed" >&2; exit 1; }
fi
PROFILE=${PROFILE:-release}
TARGET=${CARGO_TARGET_DIR:-target}
if [ "$PROFILE" = release ]; then
  cargo build --release -q -p okta-emulator -p oktabulk
else
  cargo build -q -p okta-emulator -p oktabulk
fi
OKTABULK=${OKTABULK:-$TARGET/$PROFILE/oktabulk}
BIN="$(dirname "$OKTABULK")"
source bench/lib.sh

ROWS=400
awk -v n="$ROWS" 'BEGIN { print "login,email,firstName,lastName";
  for (i = 0; i < n; i++) { l = sprintf("tty%05d@example.com", i); printf "%s,%s,F%d,L%d\n", l, l, i, i } }' \
  > "$work/tty.csv"
status=0
fail() { echo "   FAIL ($width columns): $*"; status=1; }
for width in 120 80; do
  start_emulator --rate-limits workforce --window-ms 5000 --limit users=100 --principal-share 100
  curl -sf -X PUT "$URL/__emulator/faults" -H 'Content-Type: application/json' \
    -d '{"rules":[{"path":"/api/*","action":{"kind":"latency","ms":150}}]}'
  session="oktabulk-tty-$$-$width"
  rc="$work/rc-$width"
  # The pane stays after the run (the sleep) so that its summary can be read; it is killed then.
  tmux new-session -d -s "$session" -x "$width" -y 10 \
    "OKTA_CLIENT_ORGURL=$URL OKTA_CLIENT_TOKEN=bench-token OKTABULK_HOME=$work/home-$width \
     $OKTABULK users import $work/tty.csv -o $work/out-$width.csv --max-capacity 100; \
     echo \$? > $rc; sleep 60"
  : > "$work/lines-$width"
  : > "$work/pane-$width"
  for _ in $(seq 120); do
    [ -s "$rc" ] && break
    tmux capture-pane -p -J -t "$session" | sed 's/[[:space:]]*$//' > "$work/capture" || true
    cat "$work/capture" >> "$work/pane-$width"
    grep -E "[0-9]+/$ROWS rows" "$work/capture" >> "$work/lines-$width" || true
    sleep 1
  done
  # The whole pane, its history too, as the run left it.
  tmux capture-pane -p -J -S - -t "$session" | sed 's/[[:space:]]*$//' > "$work/final-$width" || true
  cat "$work/final-$width" >> "$work/pane-$width"
  tmux kill-session -t "$session" 2>/dev/null || true

  echo "== $width columns: distinct progress lines"
  awk '!seen[$0]++' "$work/lines-$width"
  echo "== $width columns: the end of the run"
  grep -v '^$' "$work/final-$width" | tail -n 6
  widest=$(awk '{ print length($0) }' "$work/pane-$width" | sort -n | tail -1)
  echo "   widest line: ${widest:-0} columns"
  if [ "${widest:-0}" -gt "$width" ]; then
    fail "lines wider than the terminal:"
    awk -v w="$width" 'length($0) > w' "$work/pane-$width" | sort -u | sed 's/^/     /'
  fi
  counts=$(grep -oE "[0-9]+/$ROWS rows" "$work/lines-$width" | sort -u | wc -l)
  echo "   distinct row counts seen: $counts"
  [ "$counts" -ge 3 ] || fail "the progress line did not move (hung?): $counts distinct counts"
  waits=$(grep -oE 'waiting [0-9]+s' "$work/lines-$width" | sort -u | wc -l)
  echo "   distinct countdown values seen: $waits"
  [ "$waits" -ge 1 ] || fail "no reset wait shown"
  if [ ! -s "$rc" ]; then
    fail "the run did not end within 120 s"
  elif [ "$(cat "$rc")" != 0 ]; then
    fail "the run exited $(cat "$rc")"
  fi
  grep -q "^$ROWS rows: $ROWS created" "$work/final-$width" || fail "no summary of $ROWS created rows"
done
if [ "$status" -ne 0 ]; then echo "FAIL: bench/terminal.sh" >&2; fi
exit $status
