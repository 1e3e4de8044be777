#!/usr/bin/env python3
"""The SQS server's ceiling: a do-nothing consumer that receives (10 at a time, keep-alive,
JSON protocol) and deletes in batches, with no work in between. It stops once it has drained
EXPECTED messages. Prints "messages seconds".
Usage: null_consumer.py ENDPOINT QUEUE_URL EXPECTED [THREADS=8] [WAIT_SECONDS=0]
WAIT_SECONDS 0 is what `s3-mover worker --drain` sends, and the faster of the two on LocalStack.
"""
import http.client
import json
import sys
import threading
import time
from urllib.parse import urlsplit

endpoint, queue_url, expected = urlsplit(sys.argv[1]), sys.argv[2], int(sys.argv[3])
threads = int(sys.argv[4]) if len(sys.argv) > 4 else 8
wait = int(sys.argv[5]) if len(sys.argv) > 5 else 0
lock = threading.Lock()
consumed = 0
headers = {"Content-Type": "application/x-amz-json-1.0",
           "Authorization": "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/sqs/aws4_request, SignedHeaders=host, Signature=0"}


def call(conn, target, body):
    conn.request("POST", "/", json.dumps(body), dict(headers, **{"X-Amz-Target": "AmazonSQS." + target}))
    response = conn.getresponse()
    return json.loads(response.read() or b"{}")


def worker():
    global consumed
    conn = http.client.HTTPConnection(endpoint.hostname, endpoint.port)
    while True:
        with lock:
            if consumed >= expected:
                return
        messages = call(conn, "ReceiveMessage", {"QueueUrl": queue_url, "MaxNumberOfMessages": 10, "WaitTimeSeconds": wait}).get("Messages", [])
        if not messages:
            continue
        call(conn, "DeleteMessageBatch", {"QueueUrl": queue_url, "Entries": [
            {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(messages)]})
        with lock:
            consumed += len(messages)


start = time.monotonic()
pool = [threading.Thread(target=worker) for _ in range(threads)]
for thread in pool:
    thread.start()
for thread in pool:
    thread.join()
print(consumed, round(time.monotonic() - start, 3))
