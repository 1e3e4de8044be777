#!/usr/bin/env bash
# Peak RSS of `verify --deep --read` over a 1 GiB object (multipart: only its size compares).
# Usage: deploy/local/start.sh, then deploy/bench/verify-read-rss.sh (needs the AWS CLI; moto holds 2 GiB, about 4 min).
# Measured 2026-12-07, debug build: peak RSS 45.6 MB, 3 min 47 s (moto sets the pace); 45.4 MB, 4 min 2 s at e2c10db (--concurrency).
set -euo pipefail
source "$(dirname "$0")/../local/stack.env"
root="$(cd "$(dirname "$0")/../.." && pwd)"
BIN="${S3MOVER_BIN:-$root/.build/release/s3-mover}"
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_DEFAULT_REGION=us-east-1 AWS_REGION=us-east-1
EP=$S3MOVER_TEST_MOTO
B=rss$RANDOM
aws --endpoint-url $EP s3api create-bucket --bucket $B-src >/dev/null
aws --endpoint-url $EP s3api create-bucket --bucket $B-dst >/dev/null
head -c 1073741824 /dev/urandom > /tmp/big.png
aws --endpoint-url $EP s3 cp /tmp/big.png s3://$B-src/image/big.png --quiet
aws --endpoint-url $EP s3 cp /tmp/big.png s3://$B-dst/avatar/big.png --quiet
rm /tmp/big.png
T=rss_$RANDOM
psql "$S3MOVER_TEST_DB" -qc "CREATE TABLE $T (id serial, path varchar); INSERT INTO $T (path) VALUES ('avatar/big.png')"
export AWS_ENDPOINT_URL=$EP DB_CONN_STRING=$S3MOVER_TEST_DB DB_TABLE=$T S3_SOURCE_BUCKET_NAME=$B-src S3_DEST_BUCKET_NAME=$B-dst LOG_LEVEL=warning
echo "--- verify --deep"; $BIN verify --deep | grep -E "unproven|complete" || true
echo "--- verify --deep --read"; /usr/bin/time -v $BIN verify --deep --read 2> /tmp/rss-time.txt | grep -E "unproven|identical|complete" || true
grep -E "Maximum resident|Elapsed" /tmp/rss-time.txt
psql "$S3MOVER_TEST_DB" -qc "DROP TABLE $T"
