#!/usr/bin/env bash
# Points BUCKET's ObjectCreated notifications (prefix image/, suffix .png) at the queue QUEUE-ARN on moto.
# S3 then sends an s3:TestEvent to the queue, which the worker acknowledges.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/stack.env"
bucket="$1"; queue_arn="$2"
AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_DEFAULT_REGION=us-east-1 \
aws --endpoint-url "$S3MOVER_TEST_MOTO" s3api put-bucket-notification-configuration --bucket "$bucket" --notification-configuration "{
  \"QueueConfigurations\": [{
    \"QueueArn\": \"$queue_arn\",
    \"Events\": [\"s3:ObjectCreated:*\"],
    \"Filter\": {\"Key\": {\"FilterRules\": [{\"Name\": \"prefix\", \"Value\": \"image/\"}, {\"Name\": \"suffix\", \"Value\": \".png\"}]}}
  }]}"
