#!/usr/bin/env bash
# Chaos: `users import` of seed-format rows (passwords and none, one group by id, several by
# name, logins that already exist) while the emulator injects 429s, 503s, 502s and 504s, drops
# connections before and after writes and adds latency; oktabulk is killed with SIGKILL at
# random moments KILLS times, and the same command is run again after each kill until it exits.
# The emulator itself is killed with SIGKILL EMULATOR_KILLS times while an import runs, and
# restarted on its SQLite file and port (what it answered is on disk; what it did not, may be).
# Then the org is read through the API and checked against the file: each user exactly once with
# exactly its groups, no create applied twice, and the results file has every row once, in input
# order, with the status the org shows.
#
#   bench/chaos.sh                            # ROWS=5000 KILLS=20 EMULATOR_KILLS=4 LATENCY_MS=150
#   ROWS=1000 KILLS=5 LATENCY_MS=20 bench/chaos.sh  # the short run .ci/run makes
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS=${ROWS:-5000}
KILLS=${KILLS:-20}
EMULATOR_KILLS=${EMULATOR_KILLS:-$(( KILLS / 5 > 0 ? KILLS / 5 : 1 ))}
LATENCY_MS=${LATENCY_MS:-150}
SEED=${SEED:-$RANDOM}
TARGET=${CARGO_TARGET_DIR:-target}
PROFILE=${PROFILE:-release}
if [ "$PROFILE" = release ]; then cargo build --release -q -p okta-emulator -p oktabulk; else cargo build -q -p okta-emulator -p oktabulk; fi
BIN="$TARGET/$PROFILE"
BENCH_TOKEN=chaos-token
source bench/lib.sh
emulator_flags=(--rate-limits workforce --window-ms 2000 --principal-share 100 --db "$work/org.db")
start_emulator "${emulator_flags[@]}"
port=${URL##*:}
api() { curl -sf -X "$1" "$URL$2" -H "Authorization: SSWS chaos-token" -H 'Content-Type: application/json' ${3:+-d "$3"}; }
ctl() { curl -sf -X "$1" "$URL$2" -H 'Content-Type: application/json' ${3:+-d "$3"}; }

# The org before: three groups, and every 50th login already there.
g1=$(api POST /api/v1/groups '{"profile":{"name":"Chaos One"}}' | jq -r .id)
api POST /api/v1/groups '{"profile":{"name":"Chaos Two"}}' > /dev/null
api POST /api/v1/groups '{"profile":{"name":"Chaos Three"}}' > /dev/null
awk -v n="$ROWS" -v g1="$g1" 'BEGIN {
  print "login,email,firstName,lastName,password,groupId,groups";
  for (i = 0; i < n; i++) {
    l = sprintf("chaos%06d@example.com", i);
    pw = (i % 2) ? "" : "Correct-Horse-42";
    gid = (i % 3 == 0) ? g1 : "";
    gs = (i % 4 == 0) ? "Chaos Two;Chaos Three" : "";
    printf "%s,%s,First%d,Last%d,%s,%s,%s\n", l, l, i, i, pw, gid, gs;
  }
}' > "$work/chaos.csv"
for i in $(seq 0 50 $((ROWS - 1))); do
  l=$(printf "chaos%06d@example.com" "$i")
  api POST "/api/v1/users?activate=false" "{\"profile\":{\"login\":\"$l\",\"email\":\"$l\",\"firstName\":\"Pre\",\"lastName\":\"Existing\"}}" > /dev/null
done
ctl DELETE /__emulator/stats
# A row whose outcome was lost is settled by comparing the user's creation with the row's send
# on the server's clock, known to the second from `Date`: a user made by someone else within
# that second would be taken for the row's own. Let the pre-existing users be older than that.
sleep 2

faults="{\"seed\": $SEED, \"rules\": [
  {\"path\": \"/api/*\", \"action\": {\"kind\": \"latency\", \"ms\": $LATENCY_MS}},
  {\"method\": \"POST\", \"path\": \"/api/v1/users\", \"action\": {\"kind\": \"status\", \"status\": 429}, \"probability\": 0.02},
  {\"path\": \"/api/*\", \"action\": {\"kind\": \"status\", \"status\": 503}, \"probability\": 0.02},
  {\"path\": \"/api/*\", \"action\": {\"kind\": \"status\", \"status\": 502}, \"probability\": 0.01},
  {\"method\": \"POST\", \"path\": \"/api/v1/users\", \"action\": {\"kind\": \"status\", \"status\": 504}, \"probability\": 0.01},
  {\"method\": \"POST\", \"path\": \"/api/v1/users\", \"action\": {\"kind\": \"dropBefore\"}, \"probability\": 0.02},
  {\"method\": \"POST\", \"path\": \"/api/v1/users\", \"action\": {\"kind\": \"dropAfter\"}, \"probability\": 0.02},
  {\"method\": \"PUT\", \"path\": \"/api/v1/groups/*\", \"action\": {\"kind\": \"dropAfter\"}, \"probability\": 0.02}
]}"
ctl PUT /__emulator/faults "$faults" > /dev/null

# Kills the emulator mid-run and starts it again on the same file and port; faults are not kept
# in the store, so they are set again. Stats are summed over the emulator's lives.
faults_fired=0 retries_seen=0
add_stats() {
  local s; s=$(ctl GET /__emulator/stats) || return 0
  faults_fired=$((faults_fired + $(jq .faultsFired <<<"$s")))
  retries_seen=$((retries_seen + $(jq .retriesSeen <<<"$s")))
}
emulator_kills=0
kill_emulator() {
  add_stats
  kill -9 "$emulator_pid" 2>/dev/null || true
  wait "$emulator_pid" 2>/dev/null || true
  emulator_pid=""
  sleep "$(awk -v r="$RANDOM" 'BEGIN { printf "%.2f", 0.2 + (r % 100) / 100 }')"
  for _ in $(seq 50); do
    EMULATOR_PORT=$port start_emulator "${emulator_flags[@]}" && [ "$URL" = "http://127.0.0.1:$port" ] && break
    sleep 0.2
  done
  ctl PUT /__emulator/faults "$faults" > /dev/null
  emulator_kills=$((emulator_kills + 1))
}

export OKTA_CLIENT_ORGURL="$URL" OKTA_CLIENT_TOKEN=chaos-token OKTABULK_HOME="$work/home"
command=("$BIN/oktabulk" --quiet users import "$work/chaos.csv" -o "$work/results.csv" --max-capacity 100)
run() { "${command[@]}"; }
kills=0
started=$(date +%s)
while [ "$kills" -lt "$KILLS" ]; do
  "${command[@]}" > /dev/null 2>&1 &
  pid=$!
  # In the second round and every KILLS/EMULATOR_KILLS-th after it, the emulator dies under the
  # running import first.
  if [ "$emulator_kills" -lt "$EMULATOR_KILLS" ] && [ $(( kills % (KILLS / EMULATOR_KILLS > 0 ? KILLS / EMULATOR_KILLS : 1) )) -eq 1 ]; then
    sleep "$(awk -v r="$RANDOM" 'BEGIN { printf "%.2f", 0.3 + (r % 100) / 100 }')"
    kill_emulator
  fi
  sleep "$(awk -v r="$RANDOM" 'BEGIN { printf "%.2f", 0.5 + (r % 300) / 100 }')"
  if kill -0 "$pid" 2>/dev/null; then
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    kills=$((kills + 1))
  else
    wait "$pid" 2>/dev/null || true
    break
  fi
done
# Then the same command until it ends (rows that failed for a reason that may pass go again).
status=1
for attempt in $(seq 1 10); do
  set +e; run; status=$?; set -e
  [ "$status" -eq 0 ] && break
done
add_stats
stats="{\"faultsFired\": $faults_fired, \"retriesSeen\": $retries_seen}"
ctl DELETE /__emulator/faults > /dev/null
ctl PUT /__emulator/rate-limits '{"limits": null, "windowMs": 60000, "concurrency": null, "principalShare": 100}' > /dev/null
echo "== chaos: $ROWS rows, $kills SIGKILLs of oktabulk, $emulator_kills of the emulator, seed $SEED, $(( $(date +%s) - started )) s, last exit $status"
python3 bench/chaos_check.py "$URL" chaos-token "$work/chaos.csv" "$work/results.csv" "$stats"
