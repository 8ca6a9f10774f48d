# Shared by the bench scripts (sourced): a scratch directory removed on exit, the emulator
# binary started on a free port (its URL in $URL), and the binaries built once.
# Expects $BIN (the directory of the okta-emulator and oktabulk binaries).

work=$(mktemp -d)
emulator_pid=""
cleanup() {
  [ -n "$emulator_pid" ] && kill "$emulator_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# Starts (or restarts) the emulator with the given flags; sets URL. Fails (under `set -e`, ends
# the script) when the emulator does not start.
start_emulator() {
  [ -n "$emulator_pid" ] && kill "$emulator_pid" 2>/dev/null && wait "$emulator_pid" 2>/dev/null || true
  "${EMULATOR:-$BIN/okta-emulator}" --port "${EMULATOR_PORT:-0}" --token "${BENCH_TOKEN:-bench-token}" "$@" > "$work/emulator.out" &
  emulator_pid=$!
  for _ in $(seq 100); do
    URL=$(head -n 1 "$work/emulator.out" 2>/dev/null || true)
    [ -n "$URL" ] && return 0
    kill -0 "$emulator_pid" 2>/dev/null || break
    sleep 0.05
  done
  echo "the emulator did not start" >&2
  return 1
}
