#!/usr/bin/env python3
"""Writes an S3 Inventory report (CSV, gzip) of the given keys to moto, as S3 would.

Usage: inventory_report.py ENDPOINT SOURCE_BUCKET INVENTORY_BUCKET PREFIX [--bad-md5]   (keys on stdin, one per line)

The report has two data files (the keys split in half), URL-encoded keys, every field quoted,
the schema Bucket, Key, Size, ETag, IsLatest, plus a row of another bucket and a non-current
version that must be passed over. Prints the manifest's s3:// URL. Also writes PREFIX/list.csv,
the plain bucket,key form S3 Batch Operations takes.
"""
import gzip
import hashlib
import io
import json
import sys
import urllib.parse

import boto3

endpoint, source, inventory, prefix = sys.argv[1:5]
bad_md5 = "--bad-md5" in sys.argv
keys = [line.rstrip("\n") for line in sys.stdin if line.strip()]
s3 = boto3.client("s3", endpoint_url=endpoint, aws_access_key_id="testing", aws_secret_access_key="testing", region_name="us-east-1")


def quoted(fields):
    return ",".join('"' + field.replace('"', '""') + '"' for field in fields) + "\n"


files = []
halves = [keys[: len(keys) // 2], keys[len(keys) // 2:]]
for number, half in enumerate(halves):
    text = io.StringIO()
    if number == 0:
        text.write(quoted(["some-other-bucket", "image/avatar-1.png", "5", "0123456789abcdef0123456789abcdef", "true"]))
    for key in half:
        head = s3.head_object(Bucket=source, Key=key)
        encoded = urllib.parse.quote_plus(key, safe="/")
        text.write(quoted([source, encoded, str(head["ContentLength"]), head["ETag"].strip('"'), "true"]))
        if number == 1 and key == half[0]:
            text.write(quoted([source, encoded, "1", "0123456789abcdef0123456789abcdef", "false"]))  # an older version
    body = gzip.compress(text.getvalue().encode())
    key = f"{prefix}/data/part-{number}.csv.gz"
    s3.put_object(Bucket=inventory, Key=key, Body=body)
    md5 = hashlib.md5(body).hexdigest()
    files.append({"key": key, "size": len(body), "MD5checksum": ("0" * 32) if bad_md5 and number == 1 else md5})

manifest = {
    "sourceBucket": source, "destinationBucket": f"arn:aws:s3:::{inventory}", "version": "2016-11-30",
    "fileFormat": "CSV", "fileSchema": "Bucket, Key, Size, ETag, IsLatest", "files": files,
}
s3.put_object(Bucket=inventory, Key=f"{prefix}/manifest.json", Body=json.dumps(manifest).encode())
s3.put_object(Bucket=inventory, Key=f"{prefix}/list.csv",
              Body="".join(f"{source},{urllib.parse.quote(key, safe='/')}\r\n" for key in keys).encode())
print(f"s3://{inventory}/{prefix}/manifest.json")
