#!/usr/bin/env bash
# Memory at scale: s3-mover backfill of 10,000, 100,000 and 1,000,000 objects, once listed
# (ListObjectsV2) and once from an S3 Inventory report of the same bucket (`--manifest`), on
# SeaweedFS's S3 gateway. Each size gets its own source bucket and table, and each run its own
# fresh destination bucket, with every row back under image/. Prints peak RSS, rate and CPU per
# run, and whether `verify` then finds the migration complete. The backfills pass --create-index,
# as a run of this size should: without an index on path every batch of updates scans the table,
# and PostgreSQL, not the copies, sets the pace (336 objects/s at a million).
#
# Usage: deploy/bench/bench-million.sh [SIZES="10000 100000 1000000"]   (S3MOVER_BIN to use a
# binary already built instead of a release build; CONCURRENCY=128)
# Takes about an hour on a 2-core machine at the default sizes, most of it seeding.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
SIZES="${1:-10000 100000 1000000}"
CONCURRENCY="${CONCURRENCY:-128}"
cd "$root"
source "$root/deploy/bench/common.sh"
bench_setup

export S3MOVER_STACK_DIR=/tmp/s3-mover-bench-million S3MOVER_PG_PORT=25446 S3MOVER_MOTO_PORT=5267 S3MOVER_RCLONE_PORT=5268
source "$root/deploy/local/stack.env"
source "$root/deploy/bench/seaweedfs.sh"
weed_port=5270
trap 'seaweedfs_stop; "$root/deploy/local/stop.sh" --clean >/dev/null 2>&1 || true' EXIT
"$root/deploy/local/start.sh" >/dev/null
rm -rf "$S3MOVER_STACK_DIR/seaweedfs"
seaweedfs_start "$weed_port" "$S3MOVER_STACK_DIR/seaweedfs"

export AWS_ENDPOINT_URL="http://127.0.0.1:$weed_port" AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test
export AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1 DB_CONN_STRING="$S3MOVER_TEST_DB" LOG_LEVEL=warning
export LOG_FORMAT=json   # one line per warning, if any, in the run's output file
results="$S3MOVER_STACK_DIR/results.tsv"
: > "$results"
bucket() { aws --endpoint-url "$AWS_ENDPOINT_URL" s3api create-bucket --bucket "$1" >/dev/null; }

measure() {  # label n command...: the command under GNU time; one line of results
  local label="$1" n="$2"; shift 2
  local timing="$S3MOVER_STACK_DIR/time-$label-$n" out="$S3MOVER_STACK_DIR/out-$label-$n"
  /usr/bin/time -f "%e %U %S %M" -o "$timing" "$@" >"$out" 2>&1 || true
  read -r wall user sys rss < "$timing"
  local ok=no
  "$bin" verify >"$out.verify" 2>&1 && ok=yes
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$label" "$n" "$wall" "$user" "$sys" "$rss" "$ok" >> "$results"
  echo "    $label N=$n: ${wall} s, peak RSS $((rss / 1024)) MB, verify: $ok"
}

for n in $SIZES; do
  export S3_SOURCE_BUCKET_NAME="mem-$n-src" DB_TABLE="bench_mem_$n"
  bucket "$S3_SOURCE_BUCKET_NAME"; bucket "mem-$n-inventory"
  psql "$DB_CONN_STRING" -qc "DROP TABLE IF EXISTS $DB_TABLE" 2>/dev/null
  echo "==> seeding $n avatars"
  seed_start=$(date +%s)
  "$bin" seed "$n" --concurrency 128 >"$S3MOVER_STACK_DIR/seed-$n" 2>&1
  echo "    seeded in $(( $(date +%s) - seed_start )) s"

  echo "==> backfill, listed (N=$n)"
  export S3_DEST_BUCKET_NAME="mem-$n-dst-listed"; bucket "$S3_DEST_BUCKET_NAME"
  measure listed "$n" "$bin" backfill --create-index --concurrency "$CONCURRENCY"

  echo "==> inventory report of mem-$n-src"
  manifest=$(python3 "$root/deploy/bench/inventory_from_listing.py" "$AWS_ENDPOINT_URL" "$S3_SOURCE_BUCKET_NAME" image/ "mem-$n-inventory" "inventory/$n")
  psql "$DB_CONN_STRING" -qc "UPDATE $DB_TABLE SET path = 'image/' || substr(path, 8) WHERE starts_with(path, 'avatar/')"
  echo "==> backfill --manifest (N=$n)"
  export S3_DEST_BUCKET_NAME="mem-$n-dst-manifest"; bucket "$S3_DEST_BUCKET_NAME"
  measure manifest "$n" "$bin" backfill --create-index --manifest "$manifest" --concurrency "$CONCURRENCY"
done

echo
echo "s3-mover backfill on SeaweedFS $("$seaweedfs_venv/bin/weed" version 2>/dev/null | awk '{print $3}') (S3 gateway), --concurrency $CONCURRENCY, PostgreSQL 15, $(nproc) cores"
python3 - "$results" <<'PY'
import sys
print("| source | N | objects/s | wall s | CPU s per 1,000 objects | peak RSS MB | verify |")
print("|---|---:|---:|---:|---:|---:|:---:|")
for line in open(sys.argv[1]):
    label, n, wall, user, sys_, rss, ok = line.rstrip("\n").split("\t")
    n, wall = int(n), float(wall)
    source = "ListObjectsV2" if label == "listed" else "S3 Inventory (--manifest)"
    print(f"| {source} | {n:,} | {n / wall:,.0f} | {wall:.1f} | {(float(user) + float(sys_)) / n * 1000:.3f} | {int(rss) / 1024:.1f} | {ok} |")
PY
