#!/usr/bin/env bash
# What a preview costs: `users import --dry-run` beside `validate` of the same file, its time and
# the calls it made by bucket (the emulator's counts), against an org that is small (listed) and
# one that is large (looked up in batches); then at Workforce limits, where the number of calls
# decides the time. Prints a line per case; BENCHMARKS.md has the numbers.
#
#   bench/preview.sh                          # ROWS="20000 500000" ORGS="1000 25000"
#   ROWS=20000 ORGS=25000 bench/preview.sh
#   WORKFORCE=0 bench/preview.sh              # limits off only
#   BEFORE=/path/to/older/oktabulk REPEAT=3 bench/preview.sh
#                                             # side by side: each case run REPEAT times, the
#                                             # builds alternating (validate too), same org
#
# The org holds the file's first ORG logins (so those rows are `Exists`), imported with limits
# off before the cases; the files are seed-format, every other row with a password.
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS=${ROWS:-"20000 500000"}
ORGS=${ORGS:-"1000 25000"}
WORKFORCE=${WORKFORCE:-1}
REPEAT=${REPEAT:-1}
TARGET=${CARGO_TARGET_DIR:-target}
cargo build --release -q -p okta-emulator -p oktabulk
EMULATOR=${EMULATOR:-$TARGET/release/okta-emulator}
OKTABULK=${OKTABULK:-$TARGET/release/oktabulk}
BIN="$(dirname "$OKTABULK")"
# The builds measured: "after" (this tree's, or $OKTABULK) and, with BEFORE, the other one.
BUILDS="after"
[ -n "${BEFORE:-}" ] && BUILDS="before after"
build() { if [ "$1" = before ]; then echo "$BEFORE"; else echo "$OKTABULK"; fi; }
source bench/lib.sh
# The plan's sentences unwrapped, so that a line of it is grepped whole.
export COLUMNS=1000

generate() {
  awk -v n="$1" 'BEGIN {
    print "login,email,firstName,lastName,password";
    for (i = 0; i < n; i++) {
      l = sprintf("pace%07d@example.com", i);
      printf "%s,%s,First%d,Last%d,%s\n", l, l, i, i, (i % 2 ? "" : "Correct-Horse-42");
    }
  }' > "$2"
}

oktabulk() {
  OKTA_CLIENT_ORGURL="$URL" OKTA_CLIENT_TOKEN=bench-token OKTABULK_HOME="$work/home" \
    "$OKTABULK" "$@"
}

# Runs "$@" (output to $work/run.out, errors to $work/run.err); prints its wall time, and its
# CPU time (user + system) in parentheses: the machine's two cores may be shared.
# $1 the build ("before" or "after"), then oktabulk's arguments.
timed() {
  local bin
  bin=$(build "$1")
  shift
  /usr/bin/time -o "$work/time.out" -f "%e %U %S" env OKTA_CLIENT_ORGURL="$URL" \
    OKTA_CLIENT_TOKEN=bench-token OKTABULK_HOME="$work/home" "$bin" "$@" \
    > "$work/run.out" 2> "$work/run.err" || true
  tail -n 1 "$work/time.out" | awk '{ printf "%.2f s (CPU %.2f s)", $1, $2 + $3 }'
}

limits() {
  curl -sf -X PUT "$URL/__emulator/rate-limits" -H 'Content-Type: application/json' -d "$1"
}
OFF='{"limits":null,"windowMs":60000,"concurrency":null,"principalShare":100,"principalShares":{}}'
# Workforce's buckets and its 50 % per token; $1 the window in ms.
workforce() {
  echo "{\"limits\":{\"users\":600,\"userMutation\":600,\"userGet\":2000,\"groups\":500,\"groupById\":1000,\"other\":1200},\"windowMs\":$1,\"concurrency\":75,\"principalShare\":50,\"principalShares\":{}}"
}

calls() {
  curl -s "$URL/__emulator/stats" | jq -r '
    ([.requests | to_entries[] | "\(.key) \([.value[]] | add)"] | join(", "))
    + "; total \(.total), 429s \(.rateLimited + .concurrencyLimited)"'
}

# The preview's own reading line, from its plan.
reading() {
  grep -m1 "this preview's own reading" "$work/run.out" | sed 's/^/     /' || true
}

for org in $ORGS; do
  start_emulator --rate-limits off
  generate "$org" "$work/org.csv"
  oktabulk --quiet users import "$work/org.csv" -o "$work/org.results.csv" --max-capacity 100 > /dev/null 2>&1 || true
  echo "== org of $(curl -s "$URL/__emulator/stats" | jq '.requests["/api/v1/users"]["200"] // 0') users created"
  for n in $ROWS; do
    generate "$n" "$work/rows.csv"
    echo "== $n rows, org of $org users (the first $org rows exist)"
    for round in $(seq "$REPEAT"); do
      for b in $BUILDS; do
        [ "$BUILDS" = after ] && tag="" || tag=" [$b]"
        t=$(timed "$b" validate "$work/rows.csv")
        echo "   validate$tag: $t"
        limits "$OFF"
        curl -sf -X DELETE "$URL/__emulator/stats"
        t=$(timed "$b" users import "$work/rows.csv" --dry-run)
        echo "   dry-run, limits off$tag: $t; calls: $(calls)"
        if [ "$round" = 1 ]; then reading; fi
      done
    done
    if [ "$WORKFORCE" = 1 ]; then
      for b in $BUILDS; do
        [ "$BUILDS" = after ] && tag="" || tag=" [$b]"
        # 20,000 rows at real windows; more at Workforce limits in 1-s windows (the same calls,
        # a second for each minute).
        window=60000
        [ "$n" -gt 20000 ] && window=1000
        limits "$(workforce $window)"
        curl -sf -X DELETE "$URL/__emulator/stats"
        t=$(timed "$b" users import "$work/rows.csv" --dry-run)
        echo "   dry-run, Workforce limits (windows of $((window / 1000)) s)$tag: $t; calls: $(calls)"
        reading
        grep -m1 "^note: this preview reads" "$work/run.err" | sed 's/^/     /' || true
        limits "$OFF"
      done
    fi
  done
done
