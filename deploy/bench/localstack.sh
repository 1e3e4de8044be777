# Sourced by the benchmarks: LocalStack 4.13.1 in host mode (no Docker), for a fast SQS (moto's
# slows down as a queue grows) and an S3 that stays fast at 100,000 objects in a bucket.
# localstack_start PORT DIR: starts it on 127.0.0.1:PORT with its files under DIR, sets
# localstack_pid, and waits until it answers. Installs it into a venv the first time.
localstack_venv=/tmp/s3-mover-bench-venv
localstack_start() {
  local port="$1" dir="$2"
  if [ ! -x "$localstack_venv/bin/localstack" ]; then
    echo "==> installing LocalStack 4.13.1 into $localstack_venv"
    python3 -m venv "$localstack_venv"
    "$localstack_venv/bin/pip" install -q 'localstack-core[runtime]==4.13.1' 'cbor2<6' 'pyopenssl<25' 'cryptography<45' service-identity
  fi
  mkdir -p "$dir"
  SERVICES=sqs,s3 EAGER_SERVICE_LOADING=1 PERSISTENCE=0 GATEWAY_LISTEN="127.0.0.1:$port" LOCALSTACK_HOST="127.0.0.1:$port" \
  SQS_ENDPOINT_STRATEGY=path OVERRIDE_IN_DOCKER=0 FILESYSTEM_ROOT="$dir" XDG_CACHE_HOME="$dir" SKIP_SSL_CERT_DOWNLOAD=1 \
  DISABLE_EVENTS=1 DNS_ADDRESS=0 LS_LOG=warn "$localstack_venv/bin/python" -m localstack.runtime.main >"$dir/log" 2>&1 &
  localstack_pid=$!
  for _ in $(seq 1 120); do curl -s "http://127.0.0.1:$port/_localstack/health" >/dev/null && return 0; sleep 0.5; done
  echo "LocalStack did not start on port $port; see $dir/log" >&2
  return 1
}
