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
