# Sourced by the benchmarks. bench_setup: installs what the local stack needs and GNU time, and
# sets `bin` to $S3MOVER_BIN, or else to a fresh release build (the binary the container ships).
bench_setup() {
  "$root/deploy/local/install.sh" >/dev/null
  command -v /usr/bin/time >/dev/null 2>&1 || { apt-get install -y -qq time >/dev/null; }
  if [ -z "${S3MOVER_BIN:-}" ]; then
    echo "==> swift build -c release --static-swift-stdlib (the binary the container ships)"
    swift build -c release --static-swift-stdlib --product s3-mover 2>&1 | grep -E 'error|Build complete' || true
    S3MOVER_BIN="$root/.build/release/s3-mover"
  fi
  bin="$S3MOVER_BIN"
}

fresh_rclone() {  # an empty rclone: its memory backend costs more per new key as the whole server fills
  kill "$(cat "$S3MOVER_STACK_DIR/rclone.pid")" 2>/dev/null || true
  while curl -s -o /dev/null "$S3MOVER_TEST_RCLONE/"; do sleep 0.1; done
  "$root/deploy/local/start.sh" >/dev/null
}

bench_stack() {  # dir pg_port moto_port rclone_port: starts a local stack of its own (stopped on exit), on rclone, and sets `results`
  export S3MOVER_STACK_DIR="$1" S3MOVER_PG_PORT="$2" S3MOVER_MOTO_PORT="$3" S3MOVER_RCLONE_PORT="$4"
  source "$root/deploy/local/stack.env"
  trap '"$root/deploy/local/stop.sh" --clean >/dev/null 2>&1 || true' EXIT
  "$root/deploy/local/start.sh" >/dev/null
  export AWS_ACCESS_KEY_ID="$S3MOVER_RCLONE_KEY" AWS_SECRET_ACCESS_KEY="$S3MOVER_RCLONE_SECRET" AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1
  export AWS_ENDPOINT_URL="$S3MOVER_TEST_RCLONE" DB_CONN_STRING="$S3MOVER_TEST_DB" LOG_LEVEL=warning
  results="$S3MOVER_STACK_DIR/results.tsv"
  : > "$results"
}
