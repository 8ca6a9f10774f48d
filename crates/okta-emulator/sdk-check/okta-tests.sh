#!/usr/bin/env bash
# Runs Okta's own Python SDK integration tests (../shared/okta-sdk-python-tests/run.sh, beside the
# clone) against the release emulator. Fails when a test fails that is not in
# okta-tests-sdk-defects.txt, when a listed test passes, or when sdk_defects.py finds a listed
# defect gone. `.ci/run` runs it.
set -uo pipefail
cd "$(dirname "$0")/../../.."
TARGET="${CARGO_TARGET_DIR:-target}"
suite="$PWD/../shared/okta-sdk-python-tests/run.sh"
[ -f "$suite" ] || { echo "okta-tests: $suite not found" >&2; exit 2; }
cargo build -q --release -p okta-emulator || exit 2
work="$TARGET/okta-sdk-tests"
rm -f "$work"/test_*.log
bash "$suite" "$TARGET/release/okta-emulator" "$work" test_users_it test_groups_it \
  test_user_schema_it test_user_types_it test_group_schema_it test_applications_it
known=crates/okta-emulator/sdk-check/okta-tests-sdk-defects.txt
failed=$(grep -h -E '^(FAILED|ERROR) ' "$work"/test_*.log | awk '{print $2}' | sort -u)
expected=$(grep -v '^#' "$known" | sed '/^$/d' | sort -u)
rc=0
unexpected=$(comm -23 <(printf '%s\n' "$failed" | sed '/^$/d') <(printf '%s\n' "$expected"))
passing=$(comm -13 <(printf '%s\n' "$failed" | sed '/^$/d') <(printf '%s\n' "$expected"))
if [ -n "$unexpected" ]; then
  echo "okta-tests: failed, and not a listed defect:"; printf '  %s\n' $unexpected; rc=1
fi
if [ -n "$passing" ]; then
  echo "okta-tests: listed as defects but did not fail (update $known):"; printf '  %s\n' $passing; rc=1
fi
"$work/venv/bin/python" crates/okta-emulator/sdk-check/sdk_defects.py || rc=1
[ $rc -eq 0 ] && echo "okta-tests: every failure is one of the $(printf '%s\n' "$expected" | wc -l) tests listed as SDK or test defects"
exit $rc
