#!/usr/bin/env bash
# Starts the local stack on loopback: PostgreSQL 15, moto_server (S3, SQS, STS, IAM) and
# rclone serve s3 (strict SigV4). Safe to call when it is already running.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/stack.env"
dir="$S3MOVER_STACK_DIR"
mkdir -p "$dir"
PG_BIN=/usr/lib/postgresql/15/bin

as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

wait_http() {  # url name
  for _ in $(seq 1 100); do
    if curl -s -o /dev/null "$1"; then return 0; fi
    sleep 0.2
  done
  echo "error: $2 did not start; see $dir/$2.log" >&2
  exit 1
}

# --- PostgreSQL 15 ---
if ! as_postgres "$PG_BIN/pg_ctl" -D "$dir/pg" status >/dev/null 2>&1; then
  if [ ! -f "$dir/pg/PG_VERSION" ]; then
    mkdir -p "$dir/pg" "$dir/pgsock"
    printf '%s\n' "$S3MOVER_PG_PASSWORD" > "$dir/pwfile"
    if [ "$(id -u)" -eq 0 ]; then chown postgres "$dir/pg" "$dir/pgsock" "$dir/pwfile"; fi
    chmod 700 "$dir/pg"
    as_postgres "$PG_BIN/initdb" -D "$dir/pg" -U postgres --pwfile="$dir/pwfile" \
      --auth-local=trust --auth-host=scram-sha-256 >"$dir/initdb.log" 2>&1
    rm -f "$dir/pwfile"
  fi
  touch "$dir/postgres.log"
  if [ "$(id -u)" -eq 0 ]; then chown postgres "$dir/postgres.log"; fi
  as_postgres "$PG_BIN/pg_ctl" -D "$dir/pg" -l "$dir/postgres.log" -w \
    -o "-p $S3MOVER_PG_PORT -k $dir/pgsock -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=off" start >/dev/null
fi
as_postgres psql -h "$dir/pgsock" -p "$S3MOVER_PG_PORT" -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='s3mover'" | grep -q 1 \
  || as_postgres psql -h "$dir/pgsock" -p "$S3MOVER_PG_PORT" -U postgres -qc "CREATE DATABASE s3mover" >/dev/null
echo "==> PostgreSQL 15 on 127.0.0.1:$S3MOVER_PG_PORT"

# --- moto_server ---
if ! curl -s -o /dev/null "$S3MOVER_TEST_MOTO/moto-api/"; then
  nohup moto_server -H 127.0.0.1 -p "$S3MOVER_MOTO_PORT" >"$dir/moto.log" 2>&1 &
  echo $! >"$dir/moto.pid"
  wait_http "$S3MOVER_TEST_MOTO/moto-api/" moto
fi
echo "==> moto_server on $S3MOVER_TEST_MOTO"

# --- rclone serve s3 (in memory, strict SigV4) ---
if ! curl -s -o /dev/null "$S3MOVER_TEST_RCLONE/"; then
  nohup rclone serve s3 --auth-key "$S3MOVER_RCLONE_KEY,$S3MOVER_RCLONE_SECRET" --addr "127.0.0.1:$S3MOVER_RCLONE_PORT" \
    :memory: >"$dir/rclone.log" 2>&1 &
  echo $! >"$dir/rclone.pid"
  wait_http "$S3MOVER_TEST_RCLONE/" rclone
fi
echo "==> rclone serve s3 on $S3MOVER_TEST_RCLONE"
