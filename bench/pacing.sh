#!/usr/bin/env bash
# Pacing as users live it: the emulator with Okta's windows scaled or real, 150 ms added to every
# API call (a real org across the internet), seed-format rows, and what the emulator counted
# (429s, the busiest window). Prints a line per case; BENCHMARKS.md has the numbers.
#
#   bench/pacing.sh                       # cases 1 2 3
#   CASES="1" bench/pacing.sh             # only the 250-row case (with the classic algorithm)
#   OKTABULK=/path/to/oktabulk bench/pacing.sh   # another oktabulk build (before/after)
#
# 1. 250 rows, Workforce limits (600 creates per 60-s window, 50 % per token), 150 ms, default
#    options; and the classic script's algorithm on Okta's official Python SDK beside it (needs
#    `pip install okta`; skipped when it is missing).
# 2. 600 rows in one group, 100 creates per 5-s window, the token may use the whole bucket,
#    150 ms, --max-capacity 100.
# 3. 10,000 rows, 500 creates per 1-s window, the token may use the whole bucket, no added
#    latency, --max-capacity 100.
set -euo pipefail
cd "$(dirname "$0")/.."
CASES=${CASES:-"1 2 3"}
wants() { [[ " $CASES " == *" $1 "* ]]; }
TARGET=${CARGO_TARGET_DIR:-target}
cargo build --release -q -p okta-emulator -p oktabulk
EMULATOR=${EMULATOR:-$TARGET/release/okta-emulator}
OKTABULK=${OKTABULK:-$TARGET/release/oktabulk}
BIN="$(dirname "$OKTABULK")"
source bench/lib.sh

# A seed-format file of $1 rows into $2, every other row with a password, group $3 (may be empty).
generate() {
  awk -v n="$1" -v g="${3:-}" 'BEGIN {
    print "login,email,firstName,lastName,password,groupId";
    for (i = 0; i < n; i++) {
      l = sprintf("pace%07d@example.com", i);
      printf "%s,%s,First%d,Last%d,%s,%s\n", l, l, i, i, (i % 2 ? "" : "Correct-Horse-42"), g;
    }
  }' > "$2"
}

# 150 ms on every API call.
latency() {
  curl -sf -X PUT "$URL/__emulator/faults" -H 'Content-Type: application/json' \
    -d '{"rules":[{"path":"/api/*","action":{"kind":"latency","ms":150}}]}'
}

group() {
  curl -sf -X POST "$URL/api/v1/groups" -H "Authorization: SSWS bench-token" \
    -H 'Content-Type: application/json' -d '{"profile":{"name":"Bench"}}' | jq -r .id
}

# Times "$@"; prints seconds.
timed() {
  local s e
  s=$(date +%s.%N)
  "$@" > "$work/run.out" 2>&1 || true
  e=$(date +%s.%N)
  awk -v s="$s" -v e="$e" 'BEGIN { printf "%.2f", e - s }'
}

oktabulk() {
  OKTA_CLIENT_ORGURL="$URL" OKTA_CLIENT_TOKEN=bench-token OKTABULK_HOME="$work/home" \
    "$OKTABULK" --quiet "$@"
}

report() {
  local stats
  stats=$(curl -s "$URL/__emulator/stats")
  echo "$stats" | jq -r --arg t "$1" --arg what "$2" '
    "   \($what): \($t) s; creates \(.requests["/api/v1/users"]["200"] // 0); 429s \(.rateLimited + .concurrencyLimited); busiest users window \(.busiestWindow["/api/v1/users"] // 0)"'
}

if wants 1; then
  echo "== 1. 250 rows, Workforce limits (60-s windows, 50 % per token), 150 ms per call"
  generate 250 "$work/250.csv"
  start_emulator --rate-limits workforce
  latency
  t=$(timed oktabulk users import "$work/250.csv" -o "$work/out.csv")
  report "$t" "oktabulk (default options)"
  if python3 -c "import okta" 2>/dev/null; then
    start_emulator --rate-limits workforce
    latency
    t=$(timed env OKTA_TESTING_TESTINGDISABLEHTTPSCHECK=true python3 bench/classic.py "$URL" bench-token "$work/250.csv")
    report "$t" "classic algorithm, official Python SDK"
  else
    echo "   classic algorithm skipped: pip install okta"
  fi
fi

if wants 2; then
  echo "== 2. 600 rows in one group, 100 creates per 5-s window, 150 ms per call, --max-capacity 100"
  start_emulator --rate-limits workforce --window-ms 5000 --limit users=100 --principal-share 100
  g=$(group)
  generate 600 "$work/600.csv" "$g"
  latency
  t=$(timed oktabulk users import "$work/600.csv" -o "$work/out.csv" --max-capacity 100)
  report "$t" "oktabulk"
fi

if wants 3; then
  echo "== 3. 10,000 rows, 500 creates per 1-s window, --max-capacity 100"
  generate 10000 "$work/10k.csv"
  start_emulator --rate-limits workforce --window-ms 1000 --limit users=500 --principal-share 100
  t=$(timed oktabulk users import "$work/10k.csv" -o "$work/out.csv" --max-capacity 100)
  report "$t" "oktabulk"
  # Windows end on whole seconds, so the first is short: judge the share by the busiest window.
  awk -v t="$t" 'BEGIN { printf "   %.0f creates/s over the run\n", 10000 / t }'
fi
