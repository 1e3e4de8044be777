#!/usr/bin/env python3
"""A fault-injecting HTTP proxy for s3-mover's tests.

Forwards every request byte-for-byte (headers included, so SigV4 signatures stay valid) to
UPSTREAM, except that CopyObject requests (PUT with x-amz-copy-source) follow a fixed cycle:
503 SlowDown, forward, 500 InternalError, forward, 200 OK whose body is an <Error>, forward,
a connection reset (RST, no answer), forward. GET /__faults returns the counts as JSON.
GET /__faults also counts the requests carrying each of a few headers (header:NAME, and
header:NAME:copy for copies), and the HeadObject requests per bucket (head:BUCKET). A third argument replaces the cycle, e.g. `html200,forward`. Faults that only a middlebox
produces: html200 (a 200 HTML page), empty200 (200, no body), truncated200 (a result cut off
mid-document), foreign200 (a well-formed document of another operation). hang holds the
request for 60 s without answering, then drops the connection (a copy that hangs). corrupt
writes other bytes to the copy's key (a plain PUT; moto does not check signatures) and answers
200 with that object's ETag (a copy that went wrong and says so only in its ETag). An entry
region=BUCKET@REGION (any number of them; the other entries then default to forward) makes the
proxy behave as S3 does for a bucket in another region: any request for BUCKET signed for
another region is answered 301 PermanentRedirect with x-amz-bucket-region. An entry rate=X
admits X copies a second (a token bucket holding X/5) and answers the others 503 SlowDown, as
S3 does above a prefix's request rate; counts "admitted" and "throttled". latency=MS holds each
admitted copy that long before forwarding it (a copy's time on S3). listlatency=MS holds each
ListObjectsV2 that long (a listing-bound server). guard412 answers a CopyObject or CompleteMultipartUpload that carries If-None-Match or If-Match (a guarded write) with 412
PreconditionFailed after writing other bytes to its destination key (a concurrent write by the
application, between inspection and copy); an unguarded one is forwarded. guard501 answers a
guarded CopyObject 501 NotImplemented (a server without conditional copies) and forwards the
others. hostilecode answers 403 with an error code
new every time: a well-formed one (Invented1Code, Invented2Code, ...) and one holding a quote
and a newline, in turn (a middlebox that makes codes up).

Usage: fault_proxy.py PORT UPSTREAM_URL [CYCLE]     (prints "ready" once listening)
"""
import http.client
import json
import socket
import struct
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit
import signal

# The test process's threads block SIGTERM and SIGINT, and a child inherits that mask: unblock
# them, or the test's terminate() would leave this process running after the test.
signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})

PORT = int(sys.argv[1])
UPSTREAM = urlsplit(sys.argv[2])
CYCLE = sys.argv[3].split(",") if len(sys.argv) > 3 else [
    "slowdown", "forward", "internal", "forward", "error200", "forward", "reset", "forward"]
REGIONS = dict(entry[len("region="):].split("@", 1) for entry in CYCLE if entry.startswith("region="))
RATE = next((float(entry[len("rate="):]) for entry in CYCLE if entry.startswith("rate=")), None)
LATENCY = next((float(entry[len("latency="):]) / 1000 for entry in CYCLE if entry.startswith("latency=")), 0)
LIST_LATENCY = next((float(entry[len("listlatency="):]) / 1000 for entry in CYCLE if entry.startswith("listlatency=")), 0)
CYCLE = [entry for entry in CYCLE if not entry.startswith(("region=", "rate=", "latency=", "listlatency="))] or ["forward"]
bucket_tokens = {"tokens": (RATE or 0) / 5, "at": time.monotonic()}


def admit():
    """Takes a token from the rate bucket; False when it is empty."""
    now = time.monotonic()
    capacity = max(1.0, RATE / 5)
    bucket_tokens["tokens"] = min(capacity, bucket_tokens["tokens"] + (now - bucket_tokens["at"]) * RATE)
    bucket_tokens["at"] = now
    if bucket_tokens["tokens"] < 1:
        return False
    bucket_tokens["tokens"] -= 1
    return True
lock = threading.Lock()
COUNTED_HEADERS = ["x-amz-expected-bucket-owner", "x-amz-source-expected-bucket-owner", "x-amz-request-payer", "x-amz-acl",
                   "x-amz-storage-class", "x-amz-server-side-encryption"]
counts = {"copies": 0, "forwarded": 0, "redirected": 0, "admitted": 0, "throttled": 0, **{fault: 0 for fault in CYCLE if fault != "forward"}}
BODIES_200 = {
    "html200": ("text/html", "<html><head><title>Gateway</title></head><body>Request accepted</body></html>"),
    "empty200": ("application/xml", ""),
    "truncated200": ("application/xml", '<?xml version="1.0" encoding="UTF-8"?>\n<CopyObjectResult><ETag>"d41d8cd98f'),
    "foreign200": ("application/xml", '<?xml version="1.0" encoding="UTF-8"?>\n<ListBucketResult><Name>x</Name></ListBucketResult>'),
}

ERROR = """<?xml version="1.0" encoding="UTF-8"?>
<Error><Code>{code}</Code><Message>{message}</Message><RequestId>FAULTPROXY</RequestId></Error>"""


class Proxy(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def handle(self):
        try:
            super().handle()
        except (ConnectionResetError, BrokenPipeError):
            pass

    def _reply(self, status, body, extra=None, content_type="application/xml"):
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for key, value in (extra or {}).items():
            self.send_header(key, value)
        self.end_headers()
        if self.command != "HEAD":  # a HEAD answer has headers only
            self.wfile.write(data)

    def _handle(self):
        if self.path == "/__faults":
            with lock:
                self._reply(200, json.dumps(counts))
            return
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        with lock:  # headers worth proving they are sent
            for name in COUNTED_HEADERS:
                if name in self.headers:
                    key = "header:" + name + (":copy" if "x-amz-copy-source" in self.headers else "")
                    counts[key] = counts.get(key, 0) + 1
        bucket = self.path.lstrip("/").split("/", 1)[0].split("?", 1)[0]
        if self.command == "HEAD" and "/" in self.path.lstrip("/"):
            with lock:  # HeadObject requests, per bucket (head:BUCKET)
                counts["head:" + bucket] = counts.get("head:" + bucket, 0) + 1
        if bucket in REGIONS:
            scope = self.headers.get("Authorization", "").split("Credential=", 1)[-1].split(",", 1)[0].split("/")
            if len(scope) < 3 or scope[2] != REGIONS[bucket]:
                with lock:
                    counts["redirected"] += 1
                return self._reply(301, ERROR.format(code="PermanentRedirect",
                                                     message="The bucket you are attempting to access must be addressed using the specified endpoint."),
                                   extra={"x-amz-bucket-region": REGIONS[bucket]})
        fault = "forward"
        if LIST_LATENCY and self.command == "GET" and "list-type=2" in self.path and "max-keys=1&" not in self.path + "&":
            time.sleep(LIST_LATENCY)
        if RATE is not None and self.command == "PUT" and "x-amz-copy-source" in self.headers:
            with lock:
                admitted = admit()
                counts["admitted" if admitted else "throttled"] += 1
            if not admitted:
                return self._reply(503, ERROR.format(code="SlowDown", message="Please reduce your request rate."))
            time.sleep(LATENCY)
        elif self.command == "PUT" and "x-amz-copy-source" in self.headers and "partNumber=" not in self.path:
            with lock:
                fault = CYCLE[counts["copies"] % len(CYCLE)]
                counts["copies"] += 1
                if fault != "forward":
                    counts[fault] += 1
        elif self.command == "POST" and "uploadId=" in self.path and any(f in CYCLE for f in ("guard412", "guard501")):
            fault = next(f for f in CYCLE if f in ("guard412", "guard501"))  # CompleteMultipartUpload: a guarded write too
        if fault == "slowdown":
            return self._reply(503, ERROR.format(code="SlowDown", message="Please reduce your request rate."))
        if fault == "internal":
            return self._reply(500, ERROR.format(code="InternalError", message="We encountered an internal error."))
        guarded = "If-None-Match" in self.headers or "If-Match" in self.headers
        if fault in ("guard412", "guard501") and not guarded:
            fault = "forward"
        if fault in ("guard412", "guard501"):
            with lock:
                counts["applied:" + fault] = counts.get("applied:" + fault, 0) + 1
        if fault == "guard501":
            return self._reply(501, ERROR.format(code="NotImplemented", message="A header you provided implies functionality that is not implemented."))
        if fault == "guard412":
            upstream = http.client.HTTPConnection(UPSTREAM.hostname, UPSTREAM.port, timeout=60)
            upstream.putrequest("PUT", self.path.split("?", 1)[0], skip_host=True, skip_accept_encoding=True)
            for key, value in self.headers.items():
                if not key.lower().startswith("x-amz-copy-source") and key.lower() not in ("content-length", "content-type", "if-none-match", "if-match"):
                    upstream.putheader(key, value)
            data = b"the application's newer bytes"
            upstream.putheader("Content-Length", str(len(data)))
            upstream.endheaders(data)
            upstream.getresponse().read()
            upstream.close()
            return self._reply(412, ERROR.format(code="PreconditionFailed", message="At least one of the pre-conditions you specified did not hold"))
        if fault == "hostilecode":
            with lock:
                number = counts["hostilecode"]
            code = "Invented%dCode" % number if number % 2 else 'Hostile&quot;%d\nCode' % number
            return self._reply(403, ERROR.format(code=code, message="made up"))
        if fault == "error200":
            return self._reply(200, ERROR.format(code="InternalError", message="Copy failed after it started."))
        if fault in BODIES_200:
            content_type, text = BODIES_200[fault]
            return self._reply(200, text, content_type=content_type)
        if fault == "corrupt":
            upstream = http.client.HTTPConnection(UPSTREAM.hostname, UPSTREAM.port, timeout=60)
            upstream.putrequest("PUT", self.path, skip_host=True, skip_accept_encoding=True)
            for key, value in self.headers.items():
                if not key.lower().startswith("x-amz-copy-source") and key.lower() != "content-length":
                    upstream.putheader(key, value)
            data = b"not the source's bytes"
            upstream.putheader("Content-Length", str(len(data)))
            upstream.endheaders(data)
            response = upstream.getresponse()
            response.read()
            etag = (response.getheader("ETag") or "").replace('"', "&quot;")
            upstream.close()
            return self._reply(200, '<?xml version="1.0" encoding="UTF-8"?>\n<CopyObjectResult><ETag>%s</ETag></CopyObjectResult>' % etag)
        if fault == "hang":
            time.sleep(60)
            self.close_connection = True
            self.connection.close()
            return
        if fault == "reset":
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.close_connection = True
            self.connection.close()
            return
        with lock:
            counts["forwarded"] += 1
        upstream = http.client.HTTPConnection(UPSTREAM.hostname, UPSTREAM.port, timeout=60)
        upstream.putrequest(self.command, self.path, skip_host=True, skip_accept_encoding=True)
        for key, value in self.headers.items():
            upstream.putheader(key, value)
        upstream.endheaders(body)
        response = upstream.getresponse()
        data = response.read()
        self.send_response(response.status, response.reason)
        for key, value in response.getheaders():
            if key.lower() not in ("transfer-encoding", "connection", "content-length"):
                self.send_header(key, value)
        # A HEAD answer has no body, and its Content-Length is the object's.
        self.send_header("Content-Length", response.getheader("Content-Length", "0") if self.command == "HEAD" else str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)
        upstream.close()

    do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = _handle


class Server(ThreadingHTTPServer):
    # The default listen backlog (5) drops the SYNs of a burst of connections, which then wait
    # for the kernel's 1 s retransmit: the proxy itself would throttle.
    request_queue_size = 1024


server = Server(("127.0.0.1", PORT), Proxy)
server.daemon_threads = True
print("ready", flush=True)
server.serve_forever()
