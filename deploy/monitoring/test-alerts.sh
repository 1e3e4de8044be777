#!/usr/bin/env bash
# Lints and unit-tests the PrometheusRule alerts with promtool (Debian's prometheus package,
# installed by deploy/local/install.sh): extracts spec.groups of
# deploy/kubernetes/prometheus-rule.yaml into a plain rules file, then runs
# `promtool check rules` and `promtool test rules alerts.test.yaml`.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
python3 - "$here/../kubernetes/prometheus-rule.yaml" "$work/rules.yaml" <<'PY'
import sys, yaml
rule = yaml.safe_load(open(sys.argv[1]))
yaml.safe_dump({"groups": rule["spec"]["groups"]}, open(sys.argv[2], "w"), sort_keys=False)
PY
cp "$here/alerts.test.yaml" "$work/"
promtool check rules "$work/rules.yaml"
promtool test rules "$work/alerts.test.yaml"
