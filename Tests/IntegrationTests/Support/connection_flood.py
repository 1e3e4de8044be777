#!/usr/bin/env python3
"""Opens N TCP connections to 127.0.0.1:PORT, sends each half a request header and then
nothing, and holds them open until killed (a neighbour exhausting a server's descriptors).

Connections are opened without blocking, at most 200 connects pending at once. Once every
connection has been opened (whatever the server then did with it), writes READY_FILE with
"opened N closed_by_server M". Stops by itself after 300 s.

Usage: connection_flood.py PORT N READY_FILE
"""
import errno
import resource
import selectors
import socket
import sys
import time
import signal

# The test process's threads block SIGTERM and SIGINT, and a child inherits that mask: unblock
# them, or the test's terminate() would leave this process running after the test.
signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})

PORT, COUNT, READY = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))

HALF_HEADER = b"GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "
selector = selectors.DefaultSelector()
sockets, opened, closed, pending = [], 0, 0, 0
deadline = time.monotonic() + 300
while opened < COUNT and time.monotonic() < deadline:
    while pending < 200 and opened + pending < COUNT:
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setblocking(False)
        code = s.connect_ex(("127.0.0.1", PORT))
        if code not in (0, errno.EINPROGRESS):
            s.close()
            continue
        selector.register(s, selectors.EVENT_WRITE)
        pending += 1
    for key, _ in selector.select(timeout=1):
        s = key.fileobj
        selector.unregister(s)
        pending -= 1
        opened += 1
        try:
            s.send(HALF_HEADER)
            sockets.append(s)
        except OSError:
            closed += 1
            s.close()

# How many the server has closed by now (a closed socket reads as EOF or a reset).
for s in sockets:
    try:
        if s.recv(1, socket.MSG_DONTWAIT | socket.MSG_PEEK) == b"":
            closed += 1
    except BlockingIOError:
        pass
    except OSError:
        closed += 1
with open(READY + ".tmp", "w") as ready:
    ready.write("opened %d closed_by_server %d\n" % (opened, closed))
import os
os.rename(READY + ".tmp", READY)
while time.monotonic() < deadline:
    time.sleep(5)
