import Foundation
import Logging
import Observability
import Prometheus
import Testing

/// What a client may cost the observability server: the header deadline, the idle timeout, the cap.
@Suite(.timeLimit(.minutes(2))) struct ConnectionLimitsTests {
    static let checks = HealthChecks(liveness: { HealthStatus(healthy: true, detail: "") }, readiness: { HealthStatus(healthy: true, detail: "") })

    func start(_ limits: ConnectionLimits) async throws -> ObservabilityServer {
        try await ObservabilityServer.start(host: "127.0.0.1", port: 0, registry: PrometheusCollectorRegistry(), checks: Self.checks,
                                            limits: limits, logger: Logger(label: "test"))
    }

    /// Half a request head, then nothing: the server closes the connection at the header deadline.
    @Test func aHalfSentHeadIsClosedAtTheHeaderDeadline() async throws {
        let server = try await start(ConnectionLimits(headerTimeout: .milliseconds(300), idleTimeout: .seconds(60)))
        let client = try RawClient(port: server.port)
        try client.send("GET /metrics HTTP/1.1\r\nHost: x\r\n")
        let started = ContinuousClock.now
        let (reply, closed) = await client.readUntilClosed(within: .seconds(20))
        #expect(closed, "the connection was still open after 20 s")
        #expect(reply.isEmpty)
        #expect(ContinuousClock.now - started < .seconds(15))
        client.close()
        await server.shutdown()
    }

    /// A kept-alive connection is answered, then closed once it has been idle for the idle timeout.
    @Test func anIdleKeptAliveConnectionIsClosed() async throws {
        let server = try await start(ConnectionLimits(headerTimeout: .seconds(30), idleTimeout: .milliseconds(300)))
        let client = try RawClient(port: server.port)
        try client.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        let (reply, closed) = await client.readUntilClosed(within: .seconds(20))
        #expect(reply.hasPrefix("HTTP/1.1 200"), "\(reply)")
        #expect(closed, "the idle connection was still open after 20 s")
        client.close()
        await server.shutdown()
    }

    /// Past the cap, a new connection is closed at once; the ones within it are served.
    @Test func connectionsPastTheCapAreClosedAtOnce() async throws {
        let server = try await start(ConnectionLimits(headerTimeout: .seconds(60), idleTimeout: .seconds(60), maxConnections: 2))
        let held = try (0..<2).map { _ in try RawClient(port: server.port) }
        for client in held { try client.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n") }
        for client in held {
            let reply = await client.readSome(within: .seconds(20))
            #expect(reply.hasPrefix("HTTP/1.1 200"), "a connection within the cap is served: \(reply)")
        }
        let extra = try RawClient(port: server.port)
        let (reply, closed) = await extra.readUntilClosed(within: .seconds(20))
        #expect(closed && reply.isEmpty, "the third connection was not closed: \(reply)")
        for client in held + [extra] { client.close() }
        await server.shutdown()
    }
}

/// A blocking loopback TCP client whose reads run on a thread of their own.
final class RawClient: @unchecked Sendable {
    // Only the thread of one read at a time touches the socket; the test awaits each read.
    private let fd: Int32

    init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard fd >= 0, connected == 0 else { throw POSIXError(.ECONNREFUSED) }
    }

    func send(_ text: String) throws {
        let bytes = Array(text.utf8)
        guard write(fd, bytes, bytes.count) == bytes.count else { throw POSIXError(.EPIPE) }
    }

    /// Reads until the server closes the connection or `limit` passes; returns what arrived and
    /// whether the connection was closed.
    func readUntilClosed(within limit: Duration) async -> (String, Bool) {
        await onThread { [fd] in
            Self.setReceiveTimeout(fd, limit)
            var received: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let count = read(fd, &buffer, buffer.count)
                if count > 0 { received += buffer[..<count]; continue }
                return (String(decoding: received, as: UTF8.self), count == 0 || errno == ECONNRESET)
            }
        }
    }

    /// Reads one chunk (or nothing, after `limit`).
    func readSome(within limit: Duration) async -> String {
        await onThread { [fd] in
            Self.setReceiveTimeout(fd, limit)
            var buffer = [UInt8](repeating: 0, count: 4096)
            let count = read(fd, &buffer, buffer.count)
            return count > 0 ? String(decoding: buffer[..<count], as: UTF8.self) : ""
        }
    }

    func close() { _ = Glibc.close(fd) }

    private static func setReceiveTimeout(_ fd: Int32, _ limit: Duration) {
        var timeout = timeval(tv_sec: Int(limit.components.seconds), tv_usec: 0)
        _ = setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    private func onThread<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread { continuation.resume(returning: body()) }
        }
    }
}
