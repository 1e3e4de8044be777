#!/usr/bin/env bash
# Creates the demo's AWS resources on moto: the legacy and production buckets, the event queue
# with a dead-letter queue (redrive after 3 receives), and the legacy bucket's notification
# (ObjectCreated, prefix image/, suffix .png) pointing at the queue. Prints the settings as
# `export` lines. Usage: create-resources.sh [NAME-PREFIX] [--without-notification]
# (then set it later with: notify.sh BUCKET QUEUE-ARN)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/stack.env"
name="${1:-demo}"
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_DEFAULT_REGION=us-east-1
aws_() { aws --endpoint-url "$S3MOVER_TEST_MOTO" --output text "$@"; }

source_bucket="$name-legacy-avatars"
dest_bucket="$name-prod-avatars"
aws_ s3api create-bucket --bucket "$source_bucket" >/dev/null
aws_ s3api create-bucket --bucket "$dest_bucket" >/dev/null
dlq_url=$(aws_ sqs create-queue --queue-name "$name-avatar-events-dlq" --query QueueUrl)
dlq_arn=$(aws_ sqs get-queue-attributes --queue-url "$dlq_url" --attribute-names QueueArn --query Attributes.QueueArn)
queue_url=$(aws_ sqs create-queue --queue-name "$name-avatar-events" --query QueueUrl \
  --attributes "{\"VisibilityTimeout\":\"30\",\"RedrivePolicy\":\"{\\\"deadLetterTargetArn\\\":\\\"$dlq_arn\\\",\\\"maxReceiveCount\\\":\\\"3\\\"}\"}")
queue_arn=$(aws_ sqs get-queue-attributes --queue-url "$queue_url" --attribute-names QueueArn --query Attributes.QueueArn)
if [ "${2:-}" != "--without-notification" ]; then
  "$here/notify.sh" "$source_bucket" "$queue_arn"
fi

cat <<ENV
export AWS_ACCESS_KEY_ID=testing
export AWS_SECRET_ACCESS_KEY=testing
export AWS_REGION=us-east-1
export AWS_ENDPOINT_URL=$S3MOVER_TEST_MOTO
export DB_CONN_STRING=$S3MOVER_TEST_DB
export S3_SOURCE_BUCKET_NAME=$source_bucket
export S3_DEST_BUCKET_NAME=$dest_bucket
export SQS_QUEUE_URL=$queue_url
export SQS_DLQ_URL=$dlq_url
export SQS_QUEUE_ARN=$queue_arn
ENV
