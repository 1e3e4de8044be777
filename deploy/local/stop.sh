#!/usr/bin/env bash
# Stops the local stack and, with --clean, deletes its data.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/stack.env"
dir="$S3MOVER_STACK_DIR"
for name in moto rclone; do
  if [ -f "$dir/$name.pid" ]; then
    kill "$(cat "$dir/$name.pid")" 2>/dev/null || true
    rm -f "$dir/$name.pid"
  fi
done
if [ -f "$dir/pg/PG_VERSION" ]; then
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- /usr/lib/postgresql/15/bin/pg_ctl -D "$dir/pg" -m fast stop >/dev/null 2>&1 || true
  else
    /usr/lib/postgresql/15/bin/pg_ctl -D "$dir/pg" -m fast stop >/dev/null 2>&1 || true
  fi
fi
if [ "${1:-}" = "--clean" ]; then rm -rf "$dir"; fi
echo "==> local stack stopped"
