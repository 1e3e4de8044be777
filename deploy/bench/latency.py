#!/usr/bin/env python3
"""Upload-to-row latency: uploads COUNT avatars at RATE per second to the source bucket (whose
notifications feed the worker's queue), then reads when each row was repointed (a trigger
stamps clock_timestamp() on update) and prints "p50_ms p99_ms max_ms migrated".
Usage: latency.py S3_ENDPOINT BUCKET DB_CONN TABLE COUNT RATE
"""
import subprocess
import sys
import time

import boto3

endpoint, bucket, conn, table, count, rate = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]), float(sys.argv[6])
s3 = boto3.client("s3", endpoint_url=endpoint, aws_access_key_id="test", aws_secret_access_key="test", region_name="us-east-1")


def psql(sql):
    return subprocess.run(["psql", conn, "-tAqc", sql], check=True, capture_output=True, text=True).stdout


keys = [f"image/latency-{i}.png" for i in range(count)]
psql(f"INSERT INTO {table} (path) SELECT unnest(ARRAY[{','.join(repr(k) for k in keys)}])")
started = {}
t0 = time.time()
for i, key in enumerate(keys):
    target = t0 + i / rate
    now = time.time()
    if target > now:
        time.sleep(target - now)
    started[key] = time.time()
    s3.put_object(Bucket=bucket, Key=key, Body=b"\x89PNG latency", ContentType="image/png")
deadline = time.time() + 60
while time.time() < deadline:
    done = int(psql(f"SELECT count(*) FROM {table} WHERE path LIKE 'avatar/latency-%' AND migrated_at IS NOT NULL"))
    if done == count:
        break
    time.sleep(0.5)
rows = psql(f"SELECT path, extract(epoch FROM migrated_at) FROM {table} WHERE path LIKE 'avatar/latency-%' AND migrated_at IS NOT NULL")
latencies = sorted((float(at) - started["image/" + path[len("avatar/"):]]) * 1000
                   for path, at in (line.split("|") for line in rows.strip().splitlines()))
if not latencies:
    print("nan nan nan 0")
    sys.exit(0)
p = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))]
print(f"{p(0.50):.1f} {p(0.99):.1f} {latencies[-1]:.1f} {len(latencies)}")
