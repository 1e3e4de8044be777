#!/usr/bin/env bash
# Benchmark: what inspecting the destination before each copy costs (issue 21), side by side with
# an earlier revision. For each binary, ROUNDS times, alternating: a fresh `rclone serve s3
# :memory:`, N seeded avatars, a backfill into an empty destination (the common case), then the
# same backfill again over the N already-copied objects (a rerun). Prints objects/s and CPU
# seconds per 1,000 objects, median of the rounds, with the range.
#
# Usage: [ROUNDS=3] deploy/bench/bench-ownership.sh [BASE_REV=c449064] [N=10000]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
base_rev="${1:-c449064}"
N="${2:-10000}"
ROUNDS="${ROUNDS:-3}"
cd "$root"
source "$root/deploy/bench/common.sh"
bench_setup
new="$bin"
base_dir="/tmp/s3-mover-bench-base-$base_rev"
if [ ! -x "$base_dir/.build/release/s3-mover" ]; then
  rm -rf "$base_dir"; git -C "$root" worktree prune
  git -C "$root" worktree add -f --detach "$base_dir" "$base_rev" >/dev/null
  echo "==> swift build -c release for $base_rev"
  (cd "$base_dir" && swift build -c release --static-swift-stdlib --product s3-mover 2>&1 | grep -E 'error|Build complete' || true)
fi
base="$base_dir/.build/release/s3-mover"

bench_stack /tmp/s3-mover-bench-own 25445 5257 5258

timed() {  # label binary args...: one run under GNU time; records label, objects/s, CPU s per 1,000
  local label="$1"; shift
  /usr/bin/time -f "%e %U %S" -o "$S3MOVER_STACK_DIR/time" "$@" >"$S3MOVER_STACK_DIR/out" 2>&1 || { cat "$S3MOVER_STACK_DIR/out"; exit 1; }
  read -r wall user sys < "$S3MOVER_STACK_DIR/time"
  echo -e "$label\t$(python3 -c "print(f'{$N/$wall:.0f}\t{($user+$sys)*1000/$N:.3f}')")" >> "$results"
}

for round in $(seq 1 "$ROUNDS"); do
  for which in base new; do
    binary=$([ "$which" = base ] && echo "$base" || echo "$new")
    fresh_rclone
    export S3_SOURCE_BUCKET_NAME="own-$which-$round-src" S3_DEST_BUCKET_NAME="own-$which-$round-dst" DB_TABLE="own_${which}_$round"
    aws --endpoint-url "$AWS_ENDPOINT_URL" s3api create-bucket --bucket "$S3_SOURCE_BUCKET_NAME" >/dev/null
    aws --endpoint-url "$AWS_ENDPOINT_URL" s3api create-bucket --bucket "$S3_DEST_BUCKET_NAME" >/dev/null
    "$new" seed "$N" --concurrency 128 >/dev/null 2>&1
    timed "$which empty" "$binary" backfill --concurrency 64 --create-index
    psql "$DB_CONN_STRING" -qc "UPDATE $DB_TABLE SET path = replace(path, 'avatar/', 'image/')"  # rows back, copies stay
    timed "$which rerun" "$binary" backfill --concurrency 64
    echo "round $round $which done"
  done
done

python3 - "$results" "$base_rev" <<'PY'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    label, rate, cpu = line.split("\t")
    rows.setdefault(label, []).append((float(rate), float(cpu)))
def cell(label, index, fmt):
    values = sorted(v[index] for v in rows[label])
    return f"{fmt(statistics.median(values))} ({fmt(values[0])}–{fmt(values[-1])})"
print(f"| binary | backfill into an empty destination: objects/s | CPU s / 1,000 | rerun over copied objects: objects/s | CPU s / 1,000 |")
print("|---|---:|---:|---:|---:|")
for which, name in (("base", f"{sys.argv[2]} (before)"), ("new", "this revision")):
    print(f"| {name} | {cell(which + ' empty', 0, lambda v: f'{v:.0f}')} | {cell(which + ' empty', 1, lambda v: f'{v:.3f}')} "
          f"| {cell(which + ' rerun', 0, lambda v: f'{v:.0f}')} | {cell(which + ' rerun', 1, lambda v: f'{v:.3f}')} |")
PY
