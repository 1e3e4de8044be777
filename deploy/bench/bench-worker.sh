#!/usr/bin/env bash
# Worker benchmark on a fast local SQS (LocalStack 4.13.1 in host mode; moto's SQS slows down as
# the queue grows), in one run:
#   1. the SQS server's ceiling: a do-nothing consumer draining N messages;
#   2. s3-mover worker --drain on N synthetic S3 events (copies on rclone, rows in PostgreSQL);
#   3. upload-to-row latency with a shallow queue: uploads to LocalStack S3 at a steady rate,
#      real S3 → SQS notifications, p50/p99 from a trigger that stamps each row's update.
# Usage: [S3MOVER_BIN=path] [ROUNDS=3] [WORKER_CONCURRENCY=128] [WORKER_ARGS="--receivers 8"] deploy/bench/bench-worker.sh [N=10000] [LATENCY_COUNT=300] [RATE=20]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
N="${1:-10000}"; LAT_N="${2:-300}"; RATE="${3:-20}"; ROUNDS="${ROUNDS:-3}"
cd "$root"
source "$root/deploy/bench/common.sh"
bench_setup  # installs the stack; bin: $S3MOVER_BIN (to measure another revision), else a fresh release build
source "$root/deploy/bench/localstack.sh"

export S3MOVER_STACK_DIR=/tmp/s3-mover-benchw-stack S3MOVER_PG_PORT=25445 S3MOVER_MOTO_PORT=5265 S3MOVER_RCLONE_PORT=5266
source "$root/deploy/local/stack.env"
ls_dir="$S3MOVER_STACK_DIR/localstack"; mkdir -p "$ls_dir"
ls_port=4566; L="http://127.0.0.1:$ls_port"
cleanup() {
  [ -n "${ls_pid:-}" ] && kill "$ls_pid" 2>/dev/null
  "$root/deploy/local/stop.sh" --clean >/dev/null 2>&1 || true
}
trap cleanup EXIT
"$root/deploy/local/start.sh" >/dev/null
localstack_start "$ls_port" "$ls_dir"
ls_pid=$localstack_pid

lsaws() { AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=us-east-1 aws --endpoint-url "$L" --output text "$@"; }
queue=$(lsaws sqs create-queue --queue-name bench --query QueueUrl)

# Source objects on rclone; the queue on LocalStack (which accepts any credentials).
export AWS_ACCESS_KEY_ID="$S3MOVER_RCLONE_KEY" AWS_SECRET_ACCESS_KEY="$S3MOVER_RCLONE_SECRET" AWS_REGION=us-east-1
export AWS_ENDPOINT_URL="$S3MOVER_TEST_RCLONE" AWS_ENDPOINT_URL_SQS="$L" DB_CONN_STRING="$S3MOVER_TEST_DB" LOG_LEVEL=error
export S3_SOURCE_BUCKET_NAME=benchw-src S3_DEST_BUCKET_NAME=benchw-dst DB_TABLE=benchw SQS_QUEUE_URL="$queue"
aws --endpoint-url "$AWS_ENDPOINT_URL" s3api create-bucket --bucket benchw-src >/dev/null
"$bin" seed "$N" --concurrency 128 >/dev/null 2>&1

# CPU seconds (user+sys, including reaped children) of a process, and of the servers together.
ticks=$(getconf CLK_TCK)
cpu_of() { awk -v t="$ticks" '{printf "%.2f", ($14+$15+$16+$17)/t}' "/proc/$1/stat" 2>/dev/null || echo 0; }
rclone_pid=$(pgrep -f "rclone serve s3.*127.0.0.1:$S3MOVER_RCLONE_PORT" | head -1)
postmaster=$(head -1 "$S3MOVER_STACK_DIR/pg/postmaster.pid")
pg_cpu() {
  local total; total=$(cpu_of "$postmaster")
  for child in $(ps -o pid= --ppid "$postmaster"); do total=$(python3 -c "print($total + $(cpu_of "$child"))"); done
  echo "$total"
}
servers_cpu() { echo "$(cpu_of "$ls_pid") $(cpu_of "$rclone_pid") $(pg_cpu)"; }

# Rounds alternate the ceiling and the worker, because LocalStack's speed drifts over its life and
# this machine varies from run to run; the table reports medians and ranges.
psql "$DB_CONN_STRING" -qc "CREATE INDEX ON benchw (path)"
rounds_file="$S3MOVER_STACK_DIR/rounds"; : > "$rounds_file"
for round in $(seq 1 "$ROUNDS"); do
  echo "==> round $round/$ROUNDS: ceiling (do-nothing consumer), then s3-mover worker --drain, $N messages each"
  "$bin" backfill --enqueue --concurrency 128 >/dev/null
  read -r ls0 _ _ < <(servers_cpu)
  read -r consumed ceiling_s < <(python3 "$root/deploy/bench/null_consumer.py" "$L" "$queue" "$N" 8 0)
  read -r ls1 _ _ < <(servers_cpu)

  "$bin" backfill --enqueue --concurrency 128 >/dev/null
  psql "$DB_CONN_STRING" -qc "UPDATE benchw SET path = replace(path, 'avatar/', 'image/')" -c "VACUUM benchw"
  # A fresh destination bucket each round: new objects, as in a real migration (rclone's memory
  # backend spends more on a new key than on overwriting one).
  aws --endpoint-url "$AWS_ENDPOINT_URL" s3api create-bucket --bucket "benchw-dst-$round" >/dev/null
  read -r lsa rca pga < <(servers_cpu)
  S3_DEST_BUCKET_NAME="benchw-dst-$round" /usr/bin/time -f "%e %U %S %M" -o "$S3MOVER_STACK_DIR/worker.time" "$bin" worker --drain --concurrency "${WORKER_CONCURRENCY:-128}" ${WORKER_ARGS:-} >"$S3MOVER_STACK_DIR/worker.out" 2>&1
  read -r worker_s worker_user worker_sys worker_rss < "$S3MOVER_STACK_DIR/worker.time"
  read -r lsb rcb pgb < <(servers_cpu)
  migrated=$(grep -E "^migrated" "$S3MOVER_STACK_DIR/worker.out" | awk '{print $2}')
  receiving=$(grep -E "^receiving" "$S3MOVER_STACK_DIR/worker.out" | awk '{print $2}')
  echo "$consumed $ceiling_s $ls0 $ls1 ${migrated:-0} $worker_s $worker_user $worker_sys $worker_rss $lsa $lsb $rca $rcb $pga $pgb ${receiving:-$worker_s}" >> "$rounds_file"
  python3 -c "import sys; c, cs, l0, l1, m, w, u, s, _, la, lb, ra, rb, pa, pb, busy = map(float, sys.argv[1:]); print(
    f'    ceiling {c / cs:,.0f}/s (LocalStack {(l1 - l0) / cs:.2f} cores); worker {m / busy:,.0f}/s = {m / busy / (c / cs):.0%}'
    f' ({m / w:,.0f}/s over the whole process)'
    f' (LocalStack {(lb - la) / w:.2f}, rclone {(rb - ra) / w:.2f}, PostgreSQL {(pb - pa) / w:.2f}, s3-mover {(u + s) / w:.2f} cores)')" \
    $(tail -1 "$rounds_file")
done

echo "==> the worker's SQS path alone: $N events for another bucket (received, parsed, skipped, deleted; no copy, no update)"
"$bin" backfill --enqueue --concurrency 128 >/dev/null
/usr/bin/time -f "%e" -o "$S3MOVER_STACK_DIR/skip.time" env S3_SOURCE_BUCKET_NAME=benchw-elsewhere \
  "$bin" worker --drain --concurrency "${WORKER_CONCURRENCY:-128}" ${WORKER_ARGS:-} >"$S3MOVER_STACK_DIR/skip.out" 2>&1
skipped=$(grep -E "^skipped" "$S3MOVER_STACK_DIR/skip.out" | awk '{print $2}')
skip_s=$(grep -E "^receiving" "$S3MOVER_STACK_DIR/skip.out" | awk '{print $2}')
[ -n "$skip_s" ] || read -r skip_s < "$S3MOVER_STACK_DIR/skip.time"

echo "==> the S3 server's copy ceiling: the same copies and updates without SQS (backfill of the same $N objects into a fresh bucket)"
aws --endpoint-url "$AWS_ENDPOINT_URL" s3api create-bucket --bucket benchw-dst2 >/dev/null
psql "$DB_CONN_STRING" -qc "CREATE TABLE benchw2 AS SELECT id, replace(path, 'avatar/', 'image/') AS path FROM benchw; CREATE INDEX ON benchw2 (path);"
/usr/bin/time -f "%e" -o "$S3MOVER_STACK_DIR/backfill.time" env DB_TABLE=benchw2 S3_DEST_BUCKET_NAME=benchw-dst2 \
  "$bin" backfill --concurrency "${WORKER_CONCURRENCY:-128}" >/dev/null 2>&1
read -r backfill_s < "$S3MOVER_STACK_DIR/backfill.time"

echo "==> latency: $LAT_N uploads at $RATE/s through LocalStack S3 notifications"
lsaws s3api create-bucket --bucket lat-src >/dev/null
lsaws s3api create-bucket --bucket lat-dst >/dev/null
lq=$(lsaws sqs create-queue --queue-name lat --query QueueUrl)
arn=$(lsaws sqs get-queue-attributes --queue-url "$lq" --attribute-names QueueArn --query Attributes.QueueArn)
lsaws s3api put-bucket-notification-configuration --bucket lat-src --notification-configuration \
  "{\"QueueConfigurations\":[{\"QueueArn\":\"$arn\",\"Events\":[\"s3:ObjectCreated:*\"],\"Filter\":{\"Key\":{\"FilterRules\":[{\"Name\":\"prefix\",\"Value\":\"image/\"},{\"Name\":\"suffix\",\"Value\":\".png\"}]}}}]}"
psql "$DB_CONN_STRING" -qc "CREATE TABLE lat (id serial PRIMARY KEY, path varchar, migrated_at timestamptz); CREATE INDEX ON lat (path);
  CREATE FUNCTION lat_stamp() RETURNS trigger AS \$\$ BEGIN NEW.migrated_at := clock_timestamp(); RETURN NEW; END \$\$ LANGUAGE plpgsql;
  CREATE TRIGGER lat_stamp BEFORE UPDATE ON lat FOR EACH ROW EXECUTE FUNCTION lat_stamp();"
AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_ENDPOINT_URL="$L" DB_TABLE=lat S3_SOURCE_BUCKET_NAME=lat-src \
  S3_DEST_BUCKET_NAME=lat-dst SQS_QUEUE_URL="$lq" "$bin" worker >"$S3MOVER_STACK_DIR/lat-worker.out" 2>&1 &
lat_worker=$!
sleep 1
read -r p50 p99 pmax measured < <(python3 "$root/deploy/bench/latency.py" "$L" lat-src "$DB_CONN_STRING" lat "$LAT_N" "$RATE")
kill -TERM "$lat_worker"; wait "$lat_worker" || true

echo
python3 - "$N" "$rounds_file" "$p50" "$p99" "$pmax" "$measured" "$RATE" "$(nproc)" "$backfill_s" "$skipped" "$skip_s" <<'PY'
import statistics
import sys
n, rounds_file, p50, p99, pmax, measured, rate, cores, backfill_s, skipped, skip_s = sys.argv[1:]
n = int(n)
rounds = [list(map(float, line.split())) for line in open(rounds_file) if line.strip()]
ceilings = [r[0] / r[1] for r in rounds]
# The worker's pace is read from its summary: first message received to last deleted, like the
# do-nothing consumer's clock (start-up and the final long poll that confirms the queue is empty
# are left out; the whole-process rate is shown too).
workers = [r[4] / r[15] for r in rounds]
whole = [r[4] / r[5] for r in rounds]
def spread(values): return f"{statistics.median(values):,.0f} ({min(values):,.0f}–{max(values):,.0f})"
ceiling, worker = statistics.median(ceilings), statistics.median(workers)
print("| measurement | result |")
print("|---|---|")
print(f"| SQS ceiling: do-nothing consumer, 8 keep-alive threads, {n:,} messages, median of {len(rounds)} (range) | {spread(ceilings)} messages/s |")
print(f"| s3-mover worker --drain, {n:,} events (copy on rclone + row update), median of {len(rounds)} (range) | {spread(workers)} events/s (first received → last deleted); {spread(whole)} over the whole process |")
print(f"| worker / ceiling | {worker / ceiling:.0%} of the medians; per round " + ", ".join(f"{w / c:.0%}" for w, c in zip(workers, ceilings)) + " |")
cpu = [(r[6] + r[7]) / r[4] * 1000 for r in rounds]
print(f"| worker CPU per 1,000 events; peak RSS | {statistics.median(cpu):.3f} s; {max(r[8] for r in rounds) / 1024:.1f} MB |")
skip_rate = int(skipped or 0) / float(skip_s)
print(f"| the worker's SQS path alone ({n:,} events for another bucket: received, parsed, skipped, deleted) | {skip_rate:,.0f} events/s = {skip_rate / ceiling:.0%} of the ceiling |")
copy_rate = n / float(backfill_s)
print(f"| the same copies and updates without SQS (backfill into a fresh bucket, same servers) | {copy_rate:,.0f} objects/s; the worker reached {worker / copy_rate:.0%} of it |")
print(f"| CPU during the ceiling runs | LocalStack {sum(r[3] - r[2] for r in rounds) / sum(r[1] for r in rounds):.2f} cores |")
wall = sum(r[5] for r in rounds)
shares = {"LocalStack": sum(r[10] - r[9] for r in rounds), "rclone": sum(r[12] - r[11] for r in rounds),
          "PostgreSQL": sum(r[14] - r[13] for r in rounds), "s3-mover": sum(r[6] + r[7] for r in rounds)}
print(f"| CPU during the worker runs ({cores} cores) | " + ", ".join(f"{k} {v / wall:.2f}" for k, v in shares.items())
      + f"; total {sum(shares.values()) / wall:.2f} cores |")
print(f"| upload → row updated, {measured} uploads at {rate}/s (shallow queue) | p50 {p50} ms, p99 {p99} ms, max {pmax} ms |")
PY
