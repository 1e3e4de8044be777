#!/usr/bin/env bash
# The demo, from a fresh machine: installs what is missing, builds the release binary, starts the
# local stack, then: seed 1,000 avatars → verify (incomplete) → backfill → start the worker →
# upload new avatars (live S3 → SQS events) → watch their rows move → verify (complete).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
N="${1:-1000}"
source "$root/deploy/local/stack.env"

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

step "Installing dependencies"
"$root/deploy/local/install.sh"

step "Building (swift build -c release --static-swift-stdlib)"
swift build -c release --static-swift-stdlib --product s3-mover 2>&1 | grep -E 'error|warning: |Compiling s3|Build complete' || true
bin="$root/.build/release/s3-mover"
[ -x "$bin" ] || { echo "error: build failed" >&2; exit 1; }

step "Starting the local stack"
"$root/deploy/local/start.sh"

step "Creating the buckets and the event queue (with a dead-letter queue) on moto"
eval "$("$root/deploy/local/create-resources.sh" "demo-$(date +%s)" --without-notification)"
export DB_TABLE=avatars
echo "source: s3://$S3_SOURCE_BUCKET_NAME/image/   destination: s3://$S3_DEST_BUCKET_NAME/avatar/   queue: $SQS_QUEUE_URL"
psql "$DB_CONN_STRING" -qc "DROP TABLE IF EXISTS avatars" 2>/dev/null

step "s3-mover seed $N"
"$bin" seed "$N"
psql "$DB_CONN_STRING" -c "SELECT id, path FROM avatars ORDER BY id LIMIT 3"

step "Cutover begins: the legacy bucket now sends ObjectCreated events (image/*.png) to the queue"
"$root/deploy/local/notify.sh" "$S3_SOURCE_BUCKET_NAME" "$SQS_QUEUE_ARN"

step "s3-mover verify   (expected: NOT complete)"
"$bin" verify || true

step "s3-mover backfill   (the same as: s3-mover --backfill)"
"$bin" backfill

step "Starting the worker (s3-mover) in the background"
LOG_LEVEL=info "$bin" worker --wait-seconds 5 > "$S3MOVER_STACK_DIR/demo-worker.out" 2> "$S3MOVER_STACK_DIR/demo-worker.log" &
worker=$!
trap 'kill $worker 2>/dev/null || true' EXIT

step "The application creates 5 new avatars the usual way: upload first, save the row a moment later"
echo "(the event reaches the worker before the row exists; the worker copies, then waits for the row: ROW_WAIT_SECONDS)"
first=$((N + 1)); last=$((N + 5))
for i in $(seq "$first" "$last"); do
  printf '\x89PNG\r\n\x1a\n live avatar %s' "$i" > "$S3MOVER_STACK_DIR/avatar-$i.png"
  aws --endpoint-url "$AWS_ENDPOINT_URL" s3 cp --quiet --content-type image/png "$S3MOVER_STACK_DIR/avatar-$i.png" "s3://$S3_SOURCE_BUCKET_NAME/image/avatar-$i.png"
  echo "uploaded image/avatar-$i.png"
  sleep 0.5  # the application's transaction commits after the upload
  psql "$DB_CONN_STRING" -qc "INSERT INTO avatars (path) VALUES ('image/avatar-$i.png')"
  echo "saved its row"
done

step "Watching the worker repoint the new rows"
for _ in $(seq 1 60); do
  moved=$(psql "$DB_CONN_STRING" -tAc "SELECT count(*) FROM avatars WHERE id > $N AND path LIKE 'avatar/%'")
  echo "new rows at avatar/: $moved of 5"
  [ "$moved" -eq 5 ] && break
  sleep 1
done
psql "$DB_CONN_STRING" -c "SELECT id, path FROM avatars WHERE id > $N ORDER BY id"

step "Stopping the worker (SIGTERM: it finishes in-flight work and exits 0)"
kill -TERM $worker; wait $worker && echo "worker exited 0"
trap - EXIT
cat "$S3MOVER_STACK_DIR/demo-worker.out"

step "s3-mover verify   (expected: complete)"
"$bin" verify

step "Done. The stack is still running; stop it with deploy/local/stop.sh (add --clean to delete its data)."
