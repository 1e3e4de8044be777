#!/usr/bin/env bash
# Worker benchmark on a fast local SQS (LocalStack 4.13.1 in host mode; moto's SQS slows down as
# the queue grows), in one run:
#   1. the SQS server's ceiling: a do-nothing consumer draining N messages;
#   2. s3-mover worker --drain on N synthetic S3 events (copies on rclone, rows in PostgreSQL);
#   3. upload-to-row latency with a shallow queue: uploads to LocalStack S3 at a steady rate,
#      real S3 → SQS notifications, p50/p99 from a trigger that stamps each row's update.
# Usage: [WORKER_CONCURRENCY=128] [WORKER_ARGS="--receivers 8"] deploy/bench/bench-worker.sh [N=10000] [LATENCY_COUNT=300] [RATE=20]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
N="${1:-10000}"; LAT_N="${2:-300}"; RATE="${3:-20}"
cd "$root"
"$root/deploy/local/install.sh" >/dev/null
venv=/tmp/s3-mover-bench-venv
if [ ! -x "$venv/bin/localstack" ]; then
  echo "==> installing LocalStack 4.13.1 into $venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q 'localstack-core[runtime]==4.13.1' 'cbor2<6' 'pyopenssl<25' 'cryptography<45' service-identity
fi
echo "==> swift build -c release --static-swift-stdlib (the binary the container ships)"
swift build -c release --static-swift-stdlib --product s3-mover 2>&1 | grep -E 'error|Build complete' || true
bin="$root/.build/release/s3-mover"

export S3MOVER_STACK_DIR=/tmp/s3-mover-benchw-stack S3MOVER_PG_PORT=55445 S3MOVER_MOTO_PORT=5265 S3MOVER_RCLONE_PORT=5266
source "$root/deploy/local/stack.env"
ls_dir="$S3MOVER_STACK_DIR/localstack"; mkdir -p "$ls_dir"
ls_port=4566; L="http://127.0.0.1:$ls_port"
cleanup() {
  [ -n "${ls_pid:-}" ] && kill "$ls_pid" 2>/dev/null
  "$root/deploy/local/stop.sh" --clean >/dev/null 2>&1 || true
}
trap cleanup EXIT
"$root/deploy/local/start.sh" >/dev/null
SERVICES=sqs,s3 EAGER_SERVICE_LOADING=1 PERSISTENCE=0 GATEWAY_LISTEN=127.0.0.1:$ls_port LOCALSTACK_HOST=127.0.0.1:$ls_port \
SQS_ENDPOINT_STRATEGY=path OVERRIDE_IN_DOCKER=0 FILESYSTEM_ROOT="$ls_dir" XDG_CACHE_HOME="$ls_dir" SKIP_SSL_CERT_DOWNLOAD=1 \
DISABLE_EVENTS=1 DNS_ADDRESS=0 LS_LOG=warn "$venv/bin/python" -m localstack.runtime.main >"$ls_dir/log" 2>&1 &
ls_pid=$!
for _ in $(seq 1 120); do curl -s "$L/_localstack/health" >/dev/null && break; sleep 0.5; done

lsaws() { AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=us-east-1 aws --endpoint-url "$L" --output text "$@"; }
queue=$(lsaws sqs create-queue --queue-name bench --query QueueUrl)

# Source objects on rclone; the queue on LocalStack (which accepts any credentials).
export AWS_ACCESS_KEY_ID="$S3MOVER_RCLONE_KEY" AWS_SECRET_ACCESS_KEY="$S3MOVER_RCLONE_SECRET" AWS_REGION=us-east-1
export AWS_ENDPOINT_URL="$S3MOVER_TEST_RCLONE" AWS_ENDPOINT_URL_SQS="$L" DB_CONN_STRING="$S3MOVER_TEST_DB" LOG_LEVEL=error
export S3_SOURCE_BUCKET_NAME=benchw-src S3_DEST_BUCKET_NAME=benchw-dst DB_TABLE=benchw SQS_QUEUE_URL="$queue"
aws --endpoint-url "$AWS_ENDPOINT_URL" s3api create-bucket --bucket benchw-src >/dev/null
aws --endpoint-url "$AWS_ENDPOINT_URL" s3api create-bucket --bucket benchw-dst >/dev/null
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

echo "==> ceiling: do-nothing consumer, $N messages"
"$bin" backfill --enqueue --concurrency 128 >/dev/null
read -r ls0 _ _ < <(servers_cpu)
read -r consumed ceiling_s < <(python3 "$root/deploy/bench/null_consumer.py" "$L" "$queue" "$N" 8)
read -r ls1 _ _ < <(servers_cpu)

echo "==> s3-mover worker --drain, $N events"
"$bin" backfill --enqueue --concurrency 128 >/dev/null
read -r lsa rca pga < <(servers_cpu)
/usr/bin/time -f "%e %U %S %M" -o "$S3MOVER_STACK_DIR/worker.time" "$bin" worker --drain --concurrency "${WORKER_CONCURRENCY:-128}" --create-index ${WORKER_ARGS:-} >"$S3MOVER_STACK_DIR/worker.out" 2>&1
read -r worker_s worker_user worker_sys worker_rss < "$S3MOVER_STACK_DIR/worker.time"
read -r lsb rcb pgb < <(servers_cpu)

echo "==> the same copies and updates without SQS: backfill of the same $N objects into another bucket"
aws --endpoint-url "$AWS_ENDPOINT_URL" s3api create-bucket --bucket benchw-dst2 >/dev/null
psql "$DB_CONN_STRING" -qc "CREATE TABLE benchw2 AS SELECT id, replace(path, 'avatar/', 'image/') AS path FROM benchw; CREATE INDEX ON benchw2 (path);"
/usr/bin/time -f "%e" -o "$S3MOVER_STACK_DIR/backfill.time" env DB_TABLE=benchw2 S3_DEST_BUCKET_NAME=benchw-dst2 \
  "$bin" backfill --concurrency "${WORKER_CONCURRENCY:-128}" >/dev/null 2>&1
read -r backfill_s < "$S3MOVER_STACK_DIR/backfill.time"
migrated=$(grep -E "^migrated" "$S3MOVER_STACK_DIR/worker.out" | awk '{print $2}')

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
python3 - "$N" "$consumed" "$ceiling_s" "$migrated" "$worker_s" "$worker_user" "$worker_sys" "$worker_rss" "$p50" "$p99" "$pmax" "$measured" "$RATE" \
  "$ls0" "$ls1" "$lsa" "$lsb" "$rca" "$rcb" "$pga" "$pgb" "$(nproc)" "$backfill_s" <<'PY'
import sys
(n, consumed, ceiling_s, migrated, worker_s, user, sys_, rss, p50, p99, pmax, measured, rate,
 ls0, ls1, lsa, lsb, rca, rcb, pga, pgb, cores, backfill_s) = sys.argv[1:]
ceiling = int(consumed) / float(ceiling_s)
worker = int(migrated or 0) / float(worker_s)
print("| measurement | result |")
print("|---|---|")
print(f"| SQS ceiling (do-nothing consumer, 8 keep-alive threads) | {ceiling:,.0f} messages/s |")
print(f"| s3-mover worker draining {int(n):,} events (copy on rclone + row update) | {worker:,.0f} events/s = {worker / ceiling:.0%} of the ceiling; CPU {(float(user) + float(sys_)) / int(n) * 1000:.3f} s per 1,000; peak RSS {int(rss) / 1024:.1f} MB |")
print(f"| upload → row updated, {measured} uploads at {rate}/s (shallow queue) | p50 {p50} ms, p99 {p99} ms, max {pmax} ms |")
w = float(worker_s)
shares = {"LocalStack": float(lsb) - float(lsa), "rclone": float(rcb) - float(rca), "PostgreSQL": float(pgb) - float(pga),
          "s3-mover": float(user) + float(sys_)}
print(f"| CPU during the ceiling run | LocalStack {(float(ls1) - float(ls0)) / float(ceiling_s):.2f} cores |")
copy_rate = int(n) / float(backfill_s)
print(f"| the same copies and updates without SQS (backfill, same servers) | {copy_rate:,.0f} objects/s; the worker reached {worker / copy_rate:.0%} of it |")
print(f"| CPU during the worker run ({cores} cores) | " + ", ".join(f"{k} {v / w:.2f}" for k, v in shares.items())
      + f"; total {sum(shares.values()) / w:.2f} cores |")
PY
