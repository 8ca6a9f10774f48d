#!/usr/bin/env bash
# Soak: one `users import` of ROWS seed-format rows (default 1,000,000) into the release emulator
# keeping its org in SQLite, with Workforce limits scaled to 1-s windows (the token may use the
# whole bucket), 0.5 % 503s and 0.5 % connections dropped after a create. Every 10 s it prints the
# users created so far and oktabulk's resident memory; at the end every row is accounted for
# (results, users) and the peak memory is printed.
#
#   bench/soak.sh                 # ROWS=1000000
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS=${ROWS:-1000000}
TARGET=${CARGO_TARGET_DIR:-target}
cargo build --release -q -p okta-emulator -p oktabulk
BIN="$TARGET/release"
source bench/lib.sh
start_emulator --rate-limits workforce --window-ms 1000 --principal-share 100 --db "$work/org.db"
awk -v n="$ROWS" 'BEGIN {
  print "login,email,firstName,lastName,password,groupId";
  for (i = 0; i < n; i++) { l = sprintf("soak%07d@example.com", i); printf "%s,%s,First%d,Last%d,%s,\n", l, l, i, i, (i % 2 ? "" : "Correct-Horse-42") }
}' > "$work/soak.csv"
curl -sf -X PUT "$URL/__emulator/faults" -H 'Content-Type: application/json' -d '{"seed": 7, "rules": [
  {"method": "POST", "path": "/api/v1/users", "action": {"kind": "status", "status": 503}, "probability": 0.005},
  {"method": "POST", "path": "/api/v1/users", "action": {"kind": "dropAfter"}, "probability": 0.005}]}'
OKTA_CLIENT_ORGURL="$URL" OKTA_CLIENT_TOKEN=bench-token OKTABULK_HOME="$work/home" \
  /usr/bin/time -v "$BIN/oktabulk" --quiet users import "$work/soak.csv" -o "$work/results.csv" \
  --max-capacity 100 2> "$work/time.txt" &
pid=$!
started=$(date +%s)
while kill -0 "$pid" 2>/dev/null; do
  sleep 10
  child=$(pgrep -P "$pid" oktabulk || true)
  rss=$(awk '/VmRSS/ { printf "%.1f", $2 / 1024 }' "/proc/${child:-0}/status" 2>/dev/null || echo "?")
  users=$(curl -s "$URL/__emulator/stats" | jq '.requests["/api/v1/users"]["200"] // 0')
  echo "   $(( $(date +%s) - started )) s: $users users created, oktabulk RSS ${rss} MB"
done
set +e; wait "$pid"; status=$?; set -e
elapsed=$(( $(date +%s) - started ))
rows=$(( $(wc -l < "$work/results.csv") - 1 ))
ok=$(awk -F, 'NR > 1 && $5 == "Success"' "$work/results.csv" | wc -l)
peak=$(awk -F: '/Maximum resident set size/ { printf "%.1f", $2 / 1024 }' "$work/time.txt")
stats=$(curl -s "$URL/__emulator/stats")
echo "== soak: $ROWS rows in $elapsed s ($(( ROWS / (elapsed > 0 ? elapsed : 1) )) rows/s), exit $status"
echo "   results $rows rows, $ok Success; faults fired $(echo "$stats" | jq .faultsFired); 429s $(echo "$stats" | jq '.rateLimited + .concurrencyLimited'); peak RSS $peak MB"
