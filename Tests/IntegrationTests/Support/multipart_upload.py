#!/usr/bin/env python3
"""Uploads an object in parts, as the SDKs do for large files, for s3-mover's tests.

Usage: multipart_upload.py ENDPOINT BUCKET KEY PART_SIZE PARTS [ALGORITHM [TYPE]]

Writes PARTS parts of PART_SIZE bytes (the last one 1,000 bytes), a deterministic pattern
seeded by KEY, so the object's ETag is `<md5 of the part MD5s>-PARTS`. ALGORITHM (CRC32, CRC32C,
SHA1, SHA256) adds a checksum per part; TYPE (COMPOSITE, FULL_OBJECT) says which kind of
checksum the whole object has. Without ALGORITHM no checksum is sent at all. Credentials and
region come from the environment. Prints the object's HeadObject as JSON.
"""
import hashlib
import json
import sys

import boto3
from botocore.config import Config

endpoint, bucket, key, part_size, parts = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
algorithm = sys.argv[6] if len(sys.argv) > 6 else None
checksum_type = sys.argv[7] if len(sys.argv) > 7 else None
s3 = boto3.client("s3", endpoint_url=endpoint,
                  config=Config(request_checksum_calculation="when_required", response_checksum_validation="when_required"))
create = {"Bucket": bucket, "Key": key, "ContentType": "image/png"}
if algorithm:
    create["ChecksumAlgorithm"] = algorithm
if checksum_type:
    create["ChecksumType"] = checksum_type
upload = s3.create_multipart_upload(**create)["UploadId"]
seed = hashlib.sha256(key.encode()).digest()
completed = []
for number in range(1, parts + 1):
    size = part_size if number < parts else 1000
    block = hashlib.sha256(seed + number.to_bytes(4, "big")).digest()
    body = (block * (size // len(block) + 1))[:size]
    request = {"Bucket": bucket, "Key": key, "UploadId": upload, "PartNumber": number, "Body": body}
    if algorithm:
        request["ChecksumAlgorithm"] = algorithm
    answer = s3.upload_part(**request)
    part = {"PartNumber": number, "ETag": answer["ETag"]}
    if algorithm and answer.get("Checksum" + algorithm):
        part["Checksum" + algorithm] = answer["Checksum" + algorithm]
    completed.append(part)
s3.complete_multipart_upload(Bucket=bucket, Key=key, UploadId=upload, MultipartUpload={"Parts": completed})
head = s3.head_object(Bucket=bucket, Key=key, ChecksumMode="ENABLED")
print(json.dumps({name: value for name, value in head.items() if name != "ResponseMetadata"}, default=str))
