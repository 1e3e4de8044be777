#!/usr/bin/env bash
# The whole test suite, from a fresh machine: installs what is missing, builds, starts a private
# local stack (PostgreSQL 15, moto_server, rclone serve s3) on its own ports, runs every test
# (unit and integration), and stops the stack again.
#
# A watchdog bounds the whole run (S3MOVER_TEST_TIMEOUT seconds, default 2400: well under CI's
# 90 minutes). When it fires, it prints the tests still running and a backtrace of every
# thread of the test process, stops the stack and exits 124: a hang costs minutes and names its cause.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
limit="${S3MOVER_TEST_TIMEOUT:-2400}"
deadline=$(( $(date +%s) + limit ))
"$root/deploy/local/install.sh"

logs="$(mktemp -d /tmp/s3-mover-test-logs.XXXXXX)"

# Passing tests are not listed; a failure keeps its ↳ lines (the expectation's comment).
# --line-buffered: a hung run's log must not stop mid-line.
quiet() { grep --line-buffered -vE '^(◇ |✔ Suite )|^✔ Test [A-Za-z0-9_]+\(.*passed after'; }

# The tests that started and have not finished, from Swift Testing's own lines in a raw log.
still_running() {
  python3 - "$1" <<'PY'
import collections, re, sys
started, finished = collections.Counter(), collections.Counter()
for line in open(sys.argv[1], encoding="utf-8", errors="replace"):
    # Parameterised tests also print a line per case started; they end as one test.
    if m := re.match(r"^◇ Test (?!case passing |run started)(.+) started\.$", line):
        started[m[1]] += 1
    elif m := re.match(r"^\S+ Test (.+?)(?: with \d+ test cases?)? (?:passed|failed) after ", line) or re.match(r"^\S+ Test (.+?) skipped", line):
        finished[m[1]] += 1
for name in sorted(started):
    if started[name] > finished[name]:
        print("  " + name)
PY
}

# Every thread of every process of the tests (the test bundle and the s3-mover binaries it runs).
backtraces() {
  local pids
  pids="$(pgrep -f 's3-moverPackageTests.xctest' || true) $(pgrep -f "$root/.build/debug/s3-mover " || true)"
  for pid in $pids; do
    echo "--- backtrace of pid $pid: $(tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | cut -c1-200)"
    if command -v gdb >/dev/null 2>&1; then
      timeout 120 gdb -p "$pid" -batch -ex "set pagination off" -ex "set complaints 0" -ex "thread apply all bt" 2>&1 \
        | grep -vE '^\[New LWP|^\[Thread debugging|^Using host libthread_db|^During symbol reading|^warning: Section' || true
    else
      echo "(gdb is not installed: deploy/local/install.sh installs it)"
    fi
  done
}

# Runs "$@" with its output filtered to the terminal and kept raw in $logs/$name.log, until it
# ends or the run's deadline passes. Sets $phase_status.
run_phase() {  # name command...
  local name="$1"; shift
  local raw="$logs/$name.log" status_file="$logs/$name.status"
  : > "$raw"
  ( set +e; "$@" 2>&1 | tee -a "$raw" | quiet; echo "${PIPESTATUS[0]}" > "$status_file" ) &
  local runner=$!
  while kill -0 "$runner" 2>/dev/null; do
    if [ "$(date +%s)" -ge "$deadline" ]; then
      echo
      echo "error: the test run passed its limit of ${limit} s (S3MOVER_TEST_TIMEOUT) during '$name'"
      echo "tests still running:"
      still_running "$raw" || true
      echo "backtraces:"
      backtraces
      pkill -KILL -f 's3-moverPackageTests.xctest' 2>/dev/null || true
      pkill -KILL -f "$root/.build/debug/s3-mover " 2>/dev/null || true
      kill "$runner" 2>/dev/null || true
      exit 124
    fi
    sleep 1
  done
  wait "$runner" || true
  phase_status="$(cat "$status_file" 2>/dev/null || echo 1)"
}

echo "==> swift build --build-tests"
build() { swift build --build-tests 2>&1 | grep --line-buffered -vE '^\[[0-9]+/[0-9]+\] (Compiling|Emitting|Write|Linking|Wrapping|Applying)'; return "${PIPESTATUS[0]}"; }
run_phase build build
[ "$phase_status" -eq 0 ] || { echo "error: build failed" >&2; exit "$phase_status"; }

# A private stack, so a running demo stack is left alone.
export S3MOVER_STACK_DIR="/tmp/s3-mover-test-stack-$$"
export S3MOVER_PG_PORT="${S3MOVER_TEST_PG_PORT:-25433}"
export S3MOVER_MOTO_PORT="${S3MOVER_TEST_MOTO_PORT:-5155}"
export S3MOVER_RCLONE_PORT="${S3MOVER_TEST_RCLONE_PORT:-5156}"
source "$root/deploy/local/stack.env"
trap '"$root/deploy/local/stop.sh" --clean >/dev/null 2>&1 || true' EXIT
"$root/deploy/local/start.sh"
export S3MOVER_BIN="$root/.build/debug/s3-mover"

echo "==> swift test (unit and integration)"
started=$(date +%s)
run_phase main swift test --skip-build
status="$phase_status"
echo "(main suite: $(( $(date +%s) - started )) s)"

# The fault suite stops and starts the shared PostgreSQL, so it runs alone, afterwards.
echo "==> swift test --filter FaultTests (S3 faults, PostgreSQL restart, SIGTERM, SIGKILL)"
started=$(date +%s)
export S3MOVER_FAULT_TESTS=1
run_phase faults swift test --skip-build --filter FaultTests
fault_status="$phase_status"
echo "(fault suite: $(( $(date +%s) - started )) s)"
# Every helper a test starts (fault proxies, credential endpoints, IAM moto) is the test's to stop:
# one still running after the suites is a test bug, reported and failed here.
leftover() { pgrep -f "$root/Tests/IntegrationTests/Support/" | tr '\n' ' ' || true; }
for _ in $(seq 1 50); do [ -z "$(leftover)" ] && break; sleep 0.2; done
if [ -n "$(leftover)" ]; then
  echo "error: test helpers still running after the suites (a test did not stop what it started):" >&2
  ps -o pid,lstart,args -p "$(leftover | tr ' ' ',' | sed 's/,$//')" >&2 || true
  pkill -9 -f "$root/Tests/IntegrationTests/Support/" || true
  [ "$status" -ne 0 ] || status=1
fi
[ "$status" -eq 0 ] && [ "$fault_status" -eq 0 ] && echo "all test suites passed"
[ "$status" -eq 0 ] || exit "$status"
exit "$fault_status"
