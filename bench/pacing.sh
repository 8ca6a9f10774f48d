#!/usr/bin/env bash
# Pacing as users live it, beside the peers, in one run: the emulator with Okta's windows, 150 ms
# added to every API call (a real org across the internet), seed-format rows, and what the
# emulator counted (429s, the busiest window). Prints a line per tool and case; BENCHMARKS.md
# has the numbers.
#
#   bench/pacing.sh                       # cases A B C
#   CASES="A" bench/pacing.sh             # only the 250-row case
#   OKTABULK=/path/to/oktabulk bench/pacing.sh   # another oktabulk build (before/after)
#   REPEAT=3 CLASSIC=0 CASES=B bench/pacing.sh   # each case three times, without the classic
#
# The peers are installed from PyPI into throwaway virtual environments under the target
# directory (never into the repository): `okta-cli` (users bulk-add, 25 threads, sleeps until
# X-Rate-Limit-Reset on a 429) and Okta's Python SDK 3.x for the classic script's algorithm
# (bench/classic.py). PEERS=0 skips them.
#
# A. 250 users, Workforce limits (600 creates per 60-s window, 50 % per token), default options.
# B. 600 users in one group, 200 creates per 5-s window (50 % per token), default options.
# C. 10,000 users, 500 creates per 1-s window, the token may use the whole bucket, no added
#    latency, --max-capacity 100 (okta-cli beside it; the classic algorithm would take minutes).
set -euo pipefail
cd "$(dirname "$0")/.."
CASES=${CASES:-"A B C"}
PEERS=${PEERS:-1}
wants() { [[ " $CASES " == *" $1 "* ]]; }
TARGET=${CARGO_TARGET_DIR:-target}
cargo build --release -q -p okta-emulator -p oktabulk
EMULATOR=${EMULATOR:-$TARGET/release/okta-emulator}
OKTABULK=${OKTABULK:-$TARGET/release/oktabulk}
BIN="$(dirname "$OKTABULK")"
source bench/lib.sh

# Absolute: okta-cli runs from the scratch directory.
VENVS="$(cd "$TARGET" && pwd)/bench-venv"
OKTA_CLI=""
CLASSIC_PY=""
if [ "$PEERS" = 1 ]; then
  if [ ! -x "$VENVS/okta-cli/bin/okta-cli" ]; then
    python3 -m venv "$VENVS/okta-cli" && "$VENVS/okta-cli/bin/pip" install -q okta-cli
  fi
  if [ ! -x "$VENVS/classic/bin/python" ] || ! "$VENVS/classic/bin/python" -c "import okta" 2>/dev/null; then
    python3 -m venv "$VENVS/classic" && "$VENVS/classic/bin/pip" install -q okta
  fi
  OKTA_CLI="$VENVS/okta-cli/bin/okta-cli"
  CLASSIC_PY="$VENVS/classic/bin/python"
  echo "peers: $("$VENVS/okta-cli/bin/pip" list 2>/dev/null | awk '$1=="okta-cli"{print "okta-cli " $2}'), classic on $("$VENVS/classic/bin/pip" list 2>/dev/null | awk '$1=="okta"{print "okta " $2}')"
fi

# A seed-format file of $1 rows into $2, each with a password (okta-cli sends an empty cell as an
# empty password, which Okta refuses, so every tool gets the same rows with one), group $3 (may
# be empty).
generate() {
  awk -v n="$1" -v g="${3:-}" 'BEGIN {
    print "login,email,firstName,lastName,password,groupId";
    for (i = 0; i < n; i++) {
      l = sprintf("pace%07d@example.com", i);
      printf "%s,%s,First%d,Last%d,%s,%s\n", l, l, i, i, "Correct-Horse-42", g;
    }
  }' > "$2"
}

# The same rows as okta-cli reads them: dotted columns (the group goes on its command line).
generate_dotted() {
  awk -v n="$1" 'BEGIN {
    print "profile.login,profile.email,profile.firstName,profile.lastName,credentials.password.value";
    for (i = 0; i < n; i++) {
      l = sprintf("pace%07d@example.com", i);
      printf "%s,%s,First%d,Last%d,%s\n", l, l, i, i, "Correct-Horse-42";
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

# Times "$@"; prints seconds. Each tool starts on a whole second (ALIGN=0: whenever it comes):
# the emulator's windows open on the whole second of their first request, so a tool that
# happened to start late in a second would get a shorter first window, a luck of up to a
# second that would weigh more than the tools' differences in case B.
timed() {
  local s e
  if [ "${ALIGN:-1}" = 1 ]; then
    sleep "$(date +%s.%N | awk '{ printf "%.3f", 1 - ($1 - int($1)) }')"
  fi
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

# okta-cli refuses an org URL without https:// (the emulator serves http on 127.0.0.1), so it
# runs through a launcher that skips only that check of its get_manager; requests, threads and
# its 429 handling are its own.
okta_cli() {
  cat > "$work/okta_cli_http.py" <<'PY'
import sys
import oktacli.api as api
import oktacli.cli as cli

def get_manager():
    config = api.load_config()
    return api.Okta(**config["profiles"][config["default"]])

cli.get_manager = get_manager
sys.argv[0] = "okta-cli"
cli.cli_main()
PY
  mkdir -p "$work/xdg/okta-cli"
  echo "{\"profiles\": {\"bench\": {\"url\": \"$URL\", \"token\": \"bench-token\"}}, \"default\": \"bench\"}" \
    > "$work/xdg/okta-cli/config.json"
  (cd "$work" && XDG_CONFIG_HOME="$work/xdg" "$(dirname "$OKTA_CLI")/python" "$work/okta_cli_http.py" "$@")
}

# The three tools on one case: $1 the case's emulator flags (quoted), $2 rows, $3 "group" or "",
# then oktabulk's extra options. Each tool gets a fresh emulator with the same limits.
three() {
  local flags=$1 n=$2 with_group=$3 t g
  shift 3
  start_emulator $flags
  g=""; [ "$with_group" = group ] && g=$(group)
  generate "$n" "$work/rows.csv" "$g"
  [ "${LATENCY:-150}" -gt 0 ] && latency
  t=$(timed oktabulk users import "$work/rows.csv" -o "$work/out.csv" "$@")
  report "$t" "oktabulk"
  [ "$PEERS" = 1 ] || return 0
  start_emulator $flags
  g=""; [ "$with_group" = group ] && g=$(group)
  generate_dotted "$n" "$work/dotted.csv"
  [ "${LATENCY:-150}" -gt 0 ] && latency
  if [ -n "$g" ]; then
    t=$(timed okta_cli users bulk-add "$work/dotted.csv" -g "$g")
  else
    t=$(timed okta_cli users bulk-add "$work/dotted.csv")
  fi
  report "$t" "okta-cli users bulk-add (25 threads)"
  [ "${CLASSIC:-1}" = 1 ] || return 0
  start_emulator $flags
  g=""; [ "$with_group" = group ] && g=$(group)
  generate "$n" "$work/rows.csv" "$g"
  [ "${LATENCY:-150}" -gt 0 ] && latency
  t=$(timed env OKTA_TESTING_TESTINGDISABLEHTTPSCHECK=true "$CLASSIC_PY" bench/classic.py "$URL" bench-token "$work/rows.csv")
  report "$t" "classic algorithm, Okta's Python SDK"
}

REPEAT=${REPEAT:-1}
for round in $(seq "$REPEAT"); do
[ "$REPEAT" -gt 1 ] && echo "== round $round of $REPEAT"
if wants A; then
  echo "== A. 250 users, Workforce limits (60-s windows, 50 % per token), 150 ms per call, default options"
  echo "   physical limit: 250 creates fit the token's 300 of one window; at 75 in flight (the org's concurrency) 4 rounds of 150 ms = 0.6 s"
  three "--rate-limits workforce" 250 ""
fi

if wants B; then
  echo "== B. 600 users in one group, 200 creates per 5-s window (50 % per token), 150 ms per call, default options"
  echo "   physical limit: 100 creates per window for the token: 5 whole windows and the last burst, about 25 s (the first window is shorter)"
  three "--rate-limits workforce --window-ms 5000 --limit users=200" 600 group
fi

if wants C; then
  echo "== C. 10,000 users, 500 creates per 1-s window, whole bucket, no added latency, --max-capacity 100"
  echo "   physical limit: 20 windows of 500: about 20 s"
  LATENCY=0 CLASSIC=0 three "--rate-limits workforce --window-ms 1000 --limit users=500 --principal-share 100" 10000 "" --max-capacity 100
fi
done
