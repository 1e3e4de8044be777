#!/usr/bin/env python3
"""Writes an S3 Inventory report of a bucket, as S3 would, from a listing of it.

Usage: inventory_from_listing.py ENDPOINT SOURCE_BUCKET KEY_PREFIX INVENTORY_BUCKET REPORT_PREFIX [LINES_PER_FILE]

Lists SOURCE_BUCKET under KEY_PREFIX page by page and writes gzip-compressed CSV data files of
LINES_PER_FILE records (default 100,000; schema Bucket, Key, Size, ETag, StorageClass; keys
URL-encoded, every field quoted) to INVENTORY_BUCKET under REPORT_PREFIX/data/, then
REPORT_PREFIX/manifest.json with each file's MD5checksum. Memory stays constant: one data file is
held at a time. Credentials come from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY. Prints the
manifest's s3:// URL.
"""
import gzip
import hashlib
import io
import json
import sys
import urllib.parse

import boto3

endpoint, source, key_prefix, inventory, report = sys.argv[1:6]
lines_per_file = int(sys.argv[6]) if len(sys.argv) > 6 else 100_000
s3 = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1")
files = []


def quoted(fields):
    return ",".join('"' + field.replace('"', '""') + '"' for field in fields) + "\n"


def flush(text):
    body = gzip.compress(text.getvalue().encode(), compresslevel=6)
    key = f"{report}/data/part-{len(files):05d}.csv.gz"
    s3.put_object(Bucket=inventory, Key=key, Body=body)
    files.append({"key": key, "size": len(body), "MD5checksum": hashlib.md5(body).hexdigest()})


text, lines = io.StringIO(), 0
for page in s3.get_paginator("list_objects_v2").paginate(Bucket=source, Prefix=key_prefix, PaginationConfig={"PageSize": 1000}):
    for item in page.get("Contents", []):
        text.write(quoted([source, urllib.parse.quote_plus(item["Key"], safe="/"), str(item["Size"]),
                           item["ETag"].strip('"'), item.get("StorageClass", "STANDARD")]))
        lines += 1
        if lines == lines_per_file:
            flush(text)
            text, lines = io.StringIO(), 0
if lines:
    flush(text)

manifest = {
    "sourceBucket": source, "destinationBucket": f"arn:aws:s3:::{inventory}", "version": "2016-11-30",
    "fileFormat": "CSV", "fileSchema": "Bucket, Key, Size, ETag, StorageClass", "files": files,
}
s3.put_object(Bucket=inventory, Key=f"{report}/manifest.json", Body=json.dumps(manifest).encode())
print(f"s3://{inventory}/{report}/manifest.json")
