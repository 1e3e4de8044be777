#!/usr/bin/env bash
# Stops or starts the local stack's PostgreSQL alone (fault tests restart it mid-run).
# Usage: pg-ctl.sh stop|start
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/stack.env"
case "${1:-}" in
  stop)
    if [ "$(id -u)" -eq 0 ]; then
      runuser -u postgres -- /usr/lib/postgresql/15/bin/pg_ctl -D "$S3MOVER_STACK_DIR/pg" -m fast -w stop >/dev/null
    else
      /usr/lib/postgresql/15/bin/pg_ctl -D "$S3MOVER_STACK_DIR/pg" -m fast -w stop >/dev/null
    fi ;;
  # Detached from our stdio: the postmaster would otherwise hold the caller's pipes open.
  start) "$here/start.sh" >/dev/null 2>&1 </dev/null ;;
  *) echo "usage: $0 stop|start" >&2; exit 2 ;;
esac
