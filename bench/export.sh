#!/usr/bin/env bash
# `oktabulk export users` against the okta-emulator binary (release builds, in memory): peak
# memory at two org sizes (rate limits off), and the time of the large one at Okta's Workforce
# limits, where the list bucket (600 requests a minute, half of it per token, 200 users a page)
# sets the pace. BENCHMARKS.md has the numbers.
#
#   bench/export.sh                   # SIZES="10000 100000"
set -euo pipefail
cd "$(dirname "$0")/.."
SIZES=${SIZES:-"10000 100000"}
TARGET=${CARGO_TARGET_DIR:-target}
cargo build --release -q -p okta-emulator -p oktabulk
BIN="$TARGET/release"
source bench/lib.sh

oktabulk() {
  OKTA_CLIENT_ORGURL="$URL" OKTA_CLIENT_TOKEN=bench-token OKTABULK_HOME="$work/home" "$@"
}

for n in $SIZES; do
  awk -v n="$n" 'BEGIN {
    print "login,email,firstName,lastName,department";
    for (i = 0; i < n; i++) { l = sprintf("exp%07d@example.com", i); printf "%s,%s,First%d,Last%d,Dept%d\n", l, l, i, i, i % 17 }
  }' > "$work/users.csv"
  start_emulator --rate-limits off
  oktabulk "$BIN/oktabulk" --quiet users import "$work/users.csv" -o "$work/import.csv" \
    --max-capacity 100 --concurrency 32 --restart
  for limits in off workforce; do
    if [ "$limits" = workforce ]; then
      [ "$n" = "${SIZES##* }" ] || continue
      curl -sf -X PUT "$URL/__emulator/rate-limits" -H 'Content-Type: application/json' \
        -d '{"limits":{"users":600,"userMutation":600,"userGet":2000,"groups":500,"groupById":1000,"other":1200},"windowMs":60000,"concurrency":75,"principalShare":50}'
    fi
    s=$(date +%s.%N)
    oktabulk /usr/bin/time -v "$BIN/oktabulk" --quiet export users -o "$work/export.csv" 2> "$work/time.txt"
    e=$(date +%s.%N)
    rows=$(($(wc -l < "$work/export.csv") - 1))
    rss=$(awk -F: '/Maximum resident set size/ { printf "%.1f", $2 / 1024 }' "$work/time.txt")
    awk -v n="$rows" -v s="$s" -v e="$e" -v rss="$rss" -v l="$limits" 'BEGIN {
      printf "   export users, %d users, limits %s: %.1f s, peak RSS %s MB\n", n, l, e - s, rss }'
  done
done
