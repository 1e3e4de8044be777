#!/usr/bin/env bash
# The whole test suite, from a fresh machine: installs what is missing, builds, starts a private
# local stack (PostgreSQL 15, moto_server, rclone serve s3) on its own ports, runs every test
# (unit and integration), and stops the stack again.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
"$root/deploy/local/install.sh"

echo "==> swift build --build-tests"
set +e
swift build --build-tests 2>&1 | grep -vE '^\[[0-9]+/[0-9]+\] (Compiling|Emitting|Write|Linking|Wrapping|Applying)'
build_status=${PIPESTATUS[0]}
set -e
[ "$build_status" -eq 0 ] || { echo "error: build failed" >&2; exit "$build_status"; }

# A private stack, so a running demo stack is left alone.
export S3MOVER_STACK_DIR="/tmp/s3-mover-test-stack-$$"
export S3MOVER_PG_PORT="${S3MOVER_TEST_PG_PORT:-25433}"
export S3MOVER_MOTO_PORT="${S3MOVER_TEST_MOTO_PORT:-5155}"
export S3MOVER_RCLONE_PORT="${S3MOVER_TEST_RCLONE_PORT:-5156}"
source "$root/deploy/local/stack.env"
trap '"$root/deploy/local/stop.sh" --clean >/dev/null 2>&1 || true' EXIT
"$root/deploy/local/start.sh"
export S3MOVER_BIN="$root/.build/debug/s3-mover"

# Passing tests are not listed; a failure keeps its ↳ lines (the expectation's comment).
quiet() { grep -vE '^(◇ |✔ Suite )|^✔ Test [A-Za-z_]+\(.*passed after'; }

echo "==> swift test (unit and integration)"
set +e
swift test --skip-build 2>&1 | quiet
status=${PIPESTATUS[0]}
set -e

# The fault suite stops and starts the shared PostgreSQL, so it runs alone, afterwards.
echo "==> swift test --filter FaultTests (S3 faults, PostgreSQL restart, SIGTERM, SIGKILL)"
set +e
S3MOVER_FAULT_TESTS=1 swift test --skip-build --filter FaultTests 2>&1 | quiet
fault_status=${PIPESTATUS[0]}
set -e
[ "$status" -eq 0 ] && [ "$fault_status" -eq 0 ] && echo "all test suites passed"
[ "$status" -eq 0 ] || exit "$status"
exit "$fault_status"
