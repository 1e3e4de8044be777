#!/usr/bin/env bash
# Proves the container's runtime stage: builds the release binary as the Dockerfile does
# (--static-swift-stdlib), makes a minimal Debian 12 root filesystem with debootstrap holding only
# the Dockerfile's runtime packages, and runs the binary inside it (chroot, as UID 10001):
#   1. every shared library resolves (ldd), and nothing from the Swift toolchain is needed;
#   2. --help runs;
#   3. seed, backfill, the worker (draining the seed's S3 events) and verify run end to end
#      against a private local stack (PostgreSQL, moto), through the root filesystem's own
#      libcurl, libpq, libxml2 and OpenSSL.
# No Docker engine is needed. Takes a few minutes (debootstrap); needs root and network access
# to the Debian mirror. The root filesystem is cached in $S3MOVER_ROOTFS (default
# /tmp/s3-mover-rootfs) and rebuilt when the package list changes.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
"$root/deploy/local/install.sh"
[ "$(id -u)" -eq 0 ] || { echo "error: runtime-proof.sh needs root (debootstrap, chroot)" >&2; exit 2; }
command -v debootstrap >/dev/null 2>&1 || { echo "==> apt-get install debootstrap"; apt-get install -y -qq debootstrap >/dev/null; }

packages="$(sed -n 's/^# runtime-packages: //p' deploy/container/Dockerfile)"
[ -n "$packages" ] || { echo "error: no '# runtime-packages:' line in deploy/container/Dockerfile" >&2; exit 1; }
rootfs="${S3MOVER_ROOTFS:-/tmp/s3-mover-rootfs}"
stamp="$rootfs/.s3-mover-packages"

echo "==> swift build -c release --static-swift-stdlib"
swift build -c release --static-swift-stdlib --product s3-mover 2>&1 | grep -vE '^\[[0-9]+/[0-9]+\]' || true
binary="$(swift build -c release --static-swift-stdlib --show-bin-path)/s3-mover"
[ -x "$binary" ] || { echo "error: no release binary at $binary" >&2; exit 1; }

if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$packages" ]; then
  echo "==> debootstrap --variant=minbase bookworm $rootfs (then: $packages)"
  rm -rf "$rootfs"
  debootstrap --variant=minbase bookworm "$rootfs" http://deb.debian.org/debian >/tmp/s3-mover-debootstrap.log 2>&1 \
    || { tail -20 /tmp/s3-mover-debootstrap.log; exit 1; }
  chroot "$rootfs" /bin/sh -c "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $packages >/dev/null && rm -rf /var/lib/apt/lists/*"
  chroot "$rootfs" useradd --system --uid 10001 --user-group --no-create-home --shell /usr/sbin/nologin s3mover
  echo "$packages" > "$stamp"
fi
install -D -m 0755 "$binary" "$rootfs/usr/local/bin/s3-mover"
echo "==> runtime root filesystem: $(du -sh "$rootfs" | cut -f1); packages: $packages"

echo "==> 1. shared libraries inside the root filesystem"
libraries="$(chroot "$rootfs" /usr/bin/ldd /usr/local/bin/s3-mover)"
echo "$libraries" | sed 's/^/    /'
if echo "$libraries" | grep -q "not found"; then echo "error: unresolved libraries" >&2; exit 1; fi
if echo "$libraries" | grep -qiE "swift|Foundation"; then echo "error: the binary needs the Swift runtime" >&2; exit 1; fi

# A container runtime gives every container /proc and a minimal /dev; so does this proof
# (the Swift runtime reads its arguments from /proc/self/cmdline).
unmount() { umount "$rootfs/proc" 2>/dev/null || true; umount "$rootfs/dev" 2>/dev/null || true; }
mount -t proc proc "$rootfs/proc"
mount --bind /dev "$rootfs/dev"
trap unmount EXIT
run() { chroot --userspec=10001:10001 "$rootfs" /usr/bin/env -i PATH=/usr/bin:/bin HOME=/nonexistent "$@"; }
echo "==> 2. s3-mover --help (as UID 10001)"
run /usr/local/bin/s3-mover --help | head -3 | sed 's/^/    /'

echo "==> 3. seed, backfill, worker and verify from inside the root filesystem"
export S3MOVER_STACK_DIR="/tmp/s3-mover-proof-stack-$$"
export S3MOVER_PG_PORT=55491 S3MOVER_MOTO_PORT=5191 S3MOVER_RCLONE_PORT=5192
source "$root/deploy/local/stack.env"
trap 'unmount; "$root/deploy/local/stop.sh" --clean >/dev/null 2>&1 || true' EXIT
"$root/deploy/local/start.sh" >/dev/null
resources="$("$root/deploy/local/create-resources.sh" proof)"
settings=(LOG_FORMAT=json LOG_LEVEL=warning $(echo "$resources" | sed -n 's/^export //p'))
run "${settings[@]}" /usr/local/bin/s3-mover seed 40 | sed 's/^/    /'
run "${settings[@]}" /usr/local/bin/s3-mover backfill | tail -2 | sed 's/^/    /'
run "${settings[@]}" /usr/local/bin/s3-mover worker --drain --wait-seconds 1 | tail -2 | sed 's/^/    /'
run "${settings[@]}" /usr/local/bin/s3-mover verify | sed 's/^/    /'
echo "runtime proof passed: the release binary runs on bookworm with only: $packages"
