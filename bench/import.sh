#!/usr/bin/env bash
# Whole-process benchmarks of `oktabulk users import` against the okta-emulator binary, both
# release builds on this machine (they share its cores). Prints what it measures; see
# BENCHMARKS.md for the numbers and how to read them.
#
#   bench/import.sh               # all scenarios
#   ROWS=10000 BIG=1000000 SCENARIOS="1 2 3" bench/import.sh
#   SCENARIOS=3 MEMORY_ROWS="1000000 2000000" bench/import.sh   # memory only, chosen sizes
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS=${ROWS:-10000}
BIG=${BIG:-1000000}
SCENARIOS=${SCENARIOS:-"1 2 3"}
wants() { [[ " $SCENARIOS " == *" $1 "* ]]; }
TARGET=${CARGO_TARGET_DIR:-target}
cargo build --release -q -p okta-emulator -p oktabulk
BIN="$TARGET/release"
source bench/lib.sh

# A seed-format file of $1 rows, every other row with a password.
generate() {
  awk -v n="$1" 'BEGIN {
    print "login,email,firstName,lastName,password,groupId";
    for (i = 0; i < n; i++) {
      l = sprintf("bench%07d@example.com", i);
      printf "%s,%s,First%d,Last%d,%s,\n", l, l, i, i, (i % 2 ? "" : "Correct-Horse-42");
    }
  }' > "$2"
}

# Runs oktabulk with the environment pointing at the emulator; extra flags follow.
oktabulk() {
  OKTA_CLIENT_ORGURL="$URL" OKTA_CLIENT_TOKEN=bench-token OKTABULK_HOME="$work/home" \
    "$BIN/oktabulk" --quiet "$@"
}

peak_rss_mb() {
  awk -F: '/Maximum resident set size/ { printf "%.1f", $2 / 1024 }' "$1"
}

generate "$ROWS" "$work/rows.csv"

if wants 1; then
echo "== 1. throughput: $ROWS rows, rate limits off"
for c in 8 32; do
  start_emulator --rate-limits off
  s=$(date +%s.%N)
  oktabulk users import "$work/rows.csv" -o "$work/out.csv" --max-capacity 100 --concurrency "$c" --restart
  e=$(date +%s.%N)
  awk -v n="$ROWS" -v s="$s" -v e="$e" -v c="$c" 'BEGIN { printf "   concurrency %2d: %.2f s, %.0f users/s\n", c, e - s, n / (e - s) }'
done
fi

if wants 2; then
echo "== 2. pacing: $ROWS rows, users bucket limited to 500 per 1-second window, --max-capacity 100"
start_emulator --rate-limits workforce --window-ms 1000 --limit users=500 --principal-share 100
s=$(date +%s.%N)
oktabulk users import "$work/rows.csv" -o "$work/out.csv" --max-capacity 100 --restart
e=$(date +%s.%N)
stats=$(curl -s "$URL/__emulator/stats")
ok=$(echo "$stats" | jq '.requests["/api/v1/users"]["200"] // 0')
limited=$(echo "$stats" | jq '[.requests[]["429"] // 0] | add')
awk -v n="$ok" -v s="$s" -v e="$e" -v l="$limited" 'BEGIN {
  printf "   %d creates in %.2f s = %.0f/s: %.1f%% of the 500/s bucket; 429s: %d\n", n, e - s, n / (e - s), 100 * n / (e - s) / 500, l }'
fi

if wants 3; then
echo "== 3. memory: peak RSS of validate and import (limits off)"
for n in ${MEMORY_ROWS:-10000 100000 $BIG}; do
  generate "$n" "$work/big.csv"
  start_emulator --rate-limits off
  /usr/bin/time -v "$BIN/oktabulk" validate "$work/big.csv" 2> "$work/time.txt" > /dev/null || true
  echo "   validate $n rows: peak RSS $(peak_rss_mb "$work/time.txt") MB"
  s=$(date +%s.%N)
  OKTA_CLIENT_ORGURL="$URL" OKTA_CLIENT_TOKEN=bench-token OKTABULK_HOME="$work/home" \
    /usr/bin/time -v "$BIN/oktabulk" --quiet users import "$work/big.csv" -o "$work/out.csv" \
    --max-capacity 100 --concurrency 32 --restart 2> "$work/time.txt" || true
  e=$(date +%s.%N)
  awk -v n="$n" -v s="$s" -v e="$e" -v rss="$(peak_rss_mb "$work/time.txt")" 'BEGIN {
    printf "   import   %d rows: peak RSS %s MB, %.1f s (%.0f users/s)\n", n, rss, e - s, n / (e - s) }'
done
fi
