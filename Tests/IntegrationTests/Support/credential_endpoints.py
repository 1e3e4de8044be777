"""Stub of the two credential endpoints no local server provides: the container credentials
endpoint (EKS Pod Identity / ECS) and EC2 instance metadata with IMDSv2 session tokens.

Usage: credential_endpoints.py PORT TOKEN TTL_SECONDS
  GET  /container/credentials[?ttl=SECONDS]   needs `Authorization: TOKEN`
  PUT  /latest/api/token           needs X-aws-ec2-metadata-token-ttl-seconds; returns a session token
  GET  /latest/meta-data/iam/security-credentials/[ROLE]   needs X-aws-ec2-metadata-token
  GET  /__counts                   JSON counts of each kind of request (and of refusals)
"""
import datetime
import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
import signal

# The test process's threads block SIGTERM and SIGINT, and a child inherits that mask: unblock
# them, or the test's terminate() would leave this process running after the test.
signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})

PORT, TOKEN, TTL = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
ROLE = "s3-mover-node-role"
SESSION = "imds-session-token-1"
counts = {}
lock = threading.Lock()


def count(name):
    with lock:
        counts[name] = counts.get(name, 0) + 1


def document(prefix, ttl=TTL):
    expiration = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=ttl)
    with lock:
        serial = counts.get(prefix, 0)
    return {
        "Code": "Success",
        "AccessKeyId": f"ASIA{prefix.upper()}{serial}",
        "SecretAccessKey": f"{prefix}-secret",
        "Token": f"{prefix}-session-token",
        "Expiration": expiration.strftime("%Y-%m-%dT%H:%M:%SZ"),
    }


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def reply(self, status, body, content_type="application/json"):
        data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_PUT(self):
        if self.path == "/latest/api/token" and self.headers.get("X-aws-ec2-metadata-token-ttl-seconds"):
            count("imds_token")
            return self.reply(200, SESSION, "text/plain")
        count("refused")
        self.reply(400, "bad token request", "text/plain")

    def do_GET(self):
        if self.path == "/__counts":
            with lock:
                return self.reply(200, dict(counts))
        path, _, query = self.path.partition("?")
        if path == "/container/credentials":
            if self.headers.get("Authorization") != TOKEN:
                count("refused")
                return self.reply(401, {"Code": "Unauthorized", "Message": "bad token"})
            count("container")
            ttl = int(query[4:]) if query.startswith("ttl=") else TTL
            return self.reply(200, document("container", ttl))
        if self.path.startswith("/latest/meta-data/iam/security-credentials/"):
            if self.headers.get("X-aws-ec2-metadata-token") != SESSION:
                count("refused")
                return self.reply(401, "", "text/plain")  # IMDSv1 (no session token) is off
            role = self.path.rsplit("/", 1)[1]
            if role == "":
                count("imds_role")
                return self.reply(200, ROLE, "text/plain")
            if role == ROLE:
                count("imds")
                return self.reply(200, document("imds"))
        count("refused")
        self.reply(404, "not found", "text/plain")


ThreadingHTTPServer(("127.0.0.1", PORT), Handler).serve_forever()
