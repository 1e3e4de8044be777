#!/usr/bin/env bash
# Parallel listing on a listing-bound server: the time to enumerate and migrate N keys with one
# lister and with eight (`backfill --list-parallel 1` vs `8`), on SeaweedFS's S3 gateway behind
# a proxy that holds every ListObjectsV2 page for LIST_LATENCY_MS (one-key probes pass at once;
# deploy/bench/list_latency_proxy.py). Each run gets a fresh destination bucket and every row
# back under image/. Prints a side-by-side table.
#
# Usage: deploy/bench/bench-listing.sh [N=200000]   (LIST_LATENCY_MS=3000, ROUNDS=2, LISTERS="1 8";
# S3MOVER_BIN to use a binary already built instead of a release build)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
N="${1:-200000}"
LIST_LATENCY_MS="${LIST_LATENCY_MS:-3000}"
ROUNDS="${ROUNDS:-2}"
LISTERS="${LISTERS:-1 8}"
cd "$root"
source "$root/deploy/bench/common.sh"
bench_setup

export S3MOVER_STACK_DIR=/tmp/s3-mover-bench-listing S3MOVER_PG_PORT=25445 S3MOVER_MOTO_PORT=5265 S3MOVER_RCLONE_PORT=5266
source "$root/deploy/local/stack.env"
source "$root/deploy/bench/seaweedfs.sh"
weed_port=5280 proxy_port=5290 proxy_pid=""
trap '[ -n "$proxy_pid" ] && kill "$proxy_pid" 2>/dev/null; seaweedfs_stop; "$root/deploy/local/stop.sh" --clean >/dev/null 2>&1 || true' EXIT
"$root/deploy/local/start.sh" >/dev/null
rm -rf "$S3MOVER_STACK_DIR/seaweedfs"
seaweedfs_start "$weed_port" "$S3MOVER_STACK_DIR/seaweedfs"

export AWS_ENDPOINT_URL="http://127.0.0.1:$weed_port" AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test
export AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1 DB_CONN_STRING="$S3MOVER_TEST_DB" LOG_LEVEL=warning
export S3_SOURCE_BUCKET_NAME=bench-list-src DB_TABLE=bench_list
aws --endpoint-url "$AWS_ENDPOINT_URL" s3api create-bucket --bucket "$S3_SOURCE_BUCKET_NAME" >/dev/null
echo "==> seeding $N avatars"
"$bin" seed "$N" --concurrency 128 >/dev/null 2>&1

python3 "$root/deploy/bench/list_latency_proxy.py" "$proxy_port" "$weed_port" "$LIST_LATENCY_MS" >/dev/null &
proxy_pid=$!
until curl -s -o /dev/null "http://127.0.0.1:$proxy_port/"; do sleep 0.1; done

results="$S3MOVER_STACK_DIR/results.tsv"
: > "$results"
for round in $(seq 1 "$ROUNDS"); do
  for listers in $LISTERS; do
    export S3_DEST_BUCKET_NAME="bench-list-dst-$round-$listers"
    aws --endpoint-url "$AWS_ENDPOINT_URL" s3api create-bucket --bucket "$S3_DEST_BUCKET_NAME" >/dev/null
    psql "$DB_CONN_STRING" -qc "UPDATE $DB_TABLE SET path = 'image/' || substr(path, 8) WHERE starts_with(path, 'avatar/')" >/dev/null
    echo "==> round $round: backfill --list-parallel $listers"
    AWS_ENDPOINT_URL_S3="http://127.0.0.1:$proxy_port" /usr/bin/time -f "%e %M" -o "$S3MOVER_STACK_DIR/time" \
      "$bin" backfill --list-parallel "$listers" --concurrency 256 >"$S3MOVER_STACK_DIR/out-$round-$listers" 2>&1 || true
    read -r wall rss < "$S3MOVER_STACK_DIR/time"
    "$bin" verify >/dev/null 2>&1 && ok=yes || ok=NO  # straight to SeaweedFS: the proxy would only slow it
    echo "$listers $wall $ok $((rss / 1024))" >> "$results"
    echo "    $(tail -1 "$results")"
  done
done

echo
echo "N=$N keys, every ListObjectsV2 page held ${LIST_LATENCY_MS} ms by a proxy in front of SeaweedFS, --concurrency 256"
printf '%-10s %-24s %-14s %-16s %s\n' "listers" "wall s (each round)" "objects/s" "peak RSS MB" "all migrated"
for listers in $LISTERS; do
  walls=$(awk -v l="$listers" '$1 == l { printf "%s%.1f", sep, $2; sep=", " }' "$results")
  best=$(awk -v l="$listers" '$1 == l { if (min == "" || $2 < min) min = $2 } END { print min }' "$results")
  oks=$(awk -v l="$listers" '$1 == l { printf "%s%s", sep, $3; sep=", " }' "$results")
  rss=$(awk -v l="$listers" '$1 == l { if ($4 > max) max = $4 } END { print max }' "$results")
  printf '%-10s %-24s %-14s %-16s %s\n' "$listers" "$walls" "$(echo "$N / $best" | bc)" "$rss" "$oks"
done
