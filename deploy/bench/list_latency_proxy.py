#!/usr/bin/env python3
"""A listing-bound S3 for benchmarks: a TCP proxy that holds every ListObjectsV2 page.

Usage: list_latency_proxy.py PORT UPSTREAM_PORT LIST_LATENCY_MS

Each client connection gets its own upstream connection to 127.0.0.1:UPSTREAM_PORT. Request heads
are read (bodies and responses pass through as bytes, unparsed), and a `GET ...?list-type=2`
request waits LIST_LATENCY_MS before it is forwarded, unless it asks for one key (`max-keys=1`,
the probes of parallel listing). Everything else passes at once, so the proxy adds almost nothing
to copies: unlike the test suite's fault proxy (one Python thread and one upstream connection per
request), it carries thousands of requests per second, and the listing stays the bottleneck.
"""
import asyncio
import sys

PORT, UPSTREAM_PORT, LATENCY = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]) / 1000


def is_page(request_line):
    if not request_line.startswith(b"GET ") or b"list-type=2" not in request_line:
        return False
    target = request_line.split(b" ")[1]
    query = target.split(b"?", 1)[1] if b"?" in target else b""
    return b"max-keys=1" not in query.split(b"&")


async def pump(reader, writer):
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except (ConnectionError, asyncio.CancelledError):
        pass
    finally:
        writer.close()


async def handle(client_reader, client_writer):
    try:
        upstream_reader, upstream_writer = await asyncio.open_connection("127.0.0.1", UPSTREAM_PORT)
    except OSError:
        client_writer.close()
        return
    responses = asyncio.create_task(pump(upstream_reader, client_writer))
    buffer = b""
    try:
        while True:
            while b"\r\n\r\n" not in buffer:
                chunk = await client_reader.read(65536)
                if not chunk:
                    return
                buffer += chunk
            head, _, buffer = buffer.partition(b"\r\n\r\n")
            lines = head.split(b"\r\n")
            length = 0
            for line in lines[1:]:
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value.strip())
            if LATENCY and is_page(lines[0]):
                await asyncio.sleep(LATENCY)
            upstream_writer.write(head + b"\r\n\r\n")
            # The body as it arrives (an Expect: 100-continue client sends it after the head).
            while length > 0:
                if not buffer:
                    buffer = await client_reader.read(min(length, 65536))
                    if not buffer:
                        return
                part, buffer = buffer[:length], buffer[length:]
                upstream_writer.write(part)
                length -= len(part)
            await upstream_writer.drain()
    except (ConnectionError, ValueError):
        pass
    finally:
        upstream_writer.close()
        responses.cancel()
        client_writer.close()


async def main():
    server = await asyncio.start_server(handle, "127.0.0.1", PORT, backlog=1024)
    print("ready", flush=True)
    async with server:
        await server.serve_forever()


asyncio.run(main())
