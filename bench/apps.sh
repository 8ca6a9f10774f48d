#!/usr/bin/env bash
# `apps assign` at Workforce limits: ROWS users assigned to one bookmark app from a file naming
# them by login (with an app userName), 150 ms added to every API call, the apps bucket at
# Okta's Workforce 100 requests per window, this token's 50 % share (Okta's default). Prints the
# time, the apps bucket's requests and busiest window (the emulator's counts), the 429s, and the
# physical limit: the fewest windows the bucket's requests need at the whole bucket and at the
# token's share. BENCHMARKS.md has the numbers.
#
#   bench/apps.sh                         # ROWS=2000 WINDOW_MS=60000 (Okta's minute)
#   ROWS=2000 WINDOW_MS=2000 bench/apps.sh   # Okta's windows scaled 30 times shorter
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS=${ROWS:-2000}
WINDOW_MS=${WINDOW_MS:-60000}
LATENCY_MS=${LATENCY_MS:-150}
TARGET=${CARGO_TARGET_DIR:-target}
cargo build --release -q -p okta-emulator -p oktabulk
EMULATOR=${EMULATOR:-$TARGET/release/okta-emulator}
OKTABULK=${OKTABULK:-$TARGET/release/oktabulk}
BIN="$(dirname "$OKTABULK")"
source bench/lib.sh

ctl() {
  curl -sf -X "$1" "$URL$2" -H 'Content-Type: application/json' ${3:+-d "$3"}
}

start_emulator --rate-limits workforce --window-ms "$WINDOW_MS"
awk -v n="$ROWS" 'BEGIN {
  printf "{\"users\": [";
  for (i = 0; i < n; i++) {
    l = sprintf("app%06d@example.com", i);
    printf "%s{\"profile\": {\"login\": \"%s\", \"email\": \"%s\", \"firstName\": \"A\", \"lastName\": \"B\"}}", (i ? "," : ""), l, l;
  }
  print "]}";
}' > "$work/seed.json"
curl -sf -X POST "$URL/__emulator/seed" -H 'Content-Type: application/json' \
  --data-binary @"$work/seed.json" > /dev/null
curl -sf -X POST "$URL/api/v1/apps" -H "Authorization: SSWS ${BENCH_TOKEN:-bench-token}" \
  -H 'Content-Type: application/json' \
  -d '{"label": "Bench Wiki", "signOnMode": "BOOKMARK", "settings": {"app": {"url": "https://example.com/"}}}' > /dev/null
awk -v n="$ROWS" 'BEGIN {
  print "app,user,userName";
  for (i = 0; i < n; i++) printf "Bench Wiki,app%06d@example.com,bench-%d\n", i, i;
}' > "$work/assign.csv"
# New windows and counts for the run alone; then 150 ms on every call.
ctl PUT /__emulator/rate-limits "$(ctl GET /__emulator/rate-limits)" > /dev/null
ctl DELETE /__emulator/stats > /dev/null
ctl PUT /__emulator/faults "{\"rules\":[{\"path\":\"/api/*\",\"action\":{\"kind\":\"latency\",\"ms\":$LATENCY_MS}}]}" > /dev/null

echo "== apps assign: $ROWS rows, apps bucket 100 per ${WINDOW_MS}-ms window, 50 % per token, $LATENCY_MS ms per call"
start=$(date +%s.%N)
status=0
OKTA_CLIENT_ORGURL="$URL" OKTA_CLIENT_TOKEN="${BENCH_TOKEN:-bench-token}" OKTABULK_HOME="$work/home" \
  "$OKTABULK" --quiet apps assign "$work/assign.csv" -o "$work/out.csv" || status=$?
end=$(date +%s.%N)
outcomes=$(tail -n +2 "$work/out.csv" | awk -F, '{ print $0 }' | grep -o ',Success,\|,Unchanged,\|,Failed,' | tr -d , | sort | uniq -c | awk '{ printf " %s %s", $1, $2 }')
ctl GET /__emulator/stats | jq -r --arg s "$start" --arg e "$end" --argjson w "$WINDOW_MS" \
  --arg code "$status" --arg outcomes "$outcomes" '
  (.requests["/api/v1/apps"] // {}) as $apps
  | ([$apps[]] | add // 0) as $calls
  | (($e | tonumber) - ($s | tonumber)) as $t
  | "   exit \($code); results:\($outcomes)\n"
  + "   time \($t * 100 | round / 100) s; apps bucket: \($calls) requests (\($apps["200"] // 0) x 200), busiest window \(.busiestWindow["/api/v1/apps"] // 0) of 50 (the token share of 100)\n"
  + "   429s: \(.rateLimited + .concurrencyLimited) (rate \(.rateLimited), concurrency \(.concurrencyLimited)); other buckets: \([.requests | to_entries[] | select(.key != "/api/v1/apps") | "\(.key) \([.value[]] | add)"] | join(", "))\n"
  + "   physical limit for \($calls) apps requests: whole bucket (100 per window) \((($calls / 100) | ceil) - 1) full windows = \(((($calls / 100) | ceil) - 1) * $w / 1000) s; token share (50 per window) \((($calls / 50) | ceil) - 1) full windows = \(((($calls / 50) | ceil) - 1) * $w / 1000) s; the run took \($t / (((($calls / 50) | ceil) - 1) * $w / 1000) * 100 | round) % of the share limit"'
