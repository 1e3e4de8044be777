import CurlHTTP
import Foundation
import Testing
import TestSupport

@Suite(.timeLimit(.minutes(2))) struct HTTPClientTests {
    @Test func refusedConnectionIsATransientTransportError() async {
        let client = HTTPClient()
        defer { client.shutdown() }
        // Port 1 on loopback: nothing listens there.
        await #expect {
            try await client.execute(HTTPRequest(method: "GET", url: "http://127.0.0.1:1/", connectTimeout: .seconds(2)))
        } throws: { error in
            guard let error = error as? HTTPClientError else { return false }
            return error.code == .couldNotConnect && error.curlCode == 7 && error.isTransient
        }
    }

    /// libcurl sends header lines verbatim: CR, LF or NUL in a header would frame headers of
    /// their own. Refused before anything is sent (nothing listens on port 1).
    @Test(arguments: [("x-amz-copy-source-if-match", "\"abc\"\r\nx-amz-acl: public-read"), ("x-test", "a\nb"), ("x-test", "a\u{0}b"),
                      ("x-bad\r\nname", "v"), ("x bad", "v"), ("", "v"), ("x:y", "v")])
    func headersThatWouldSplitAreRefused(name: String, value: String) async {
        let client = HTTPClient()
        defer { client.shutdown() }
        await #expect {
            try await client.execute(HTTPRequest(method: "PUT", url: "http://127.0.0.1:1/", headers: [(name, value)]))
        } throws: { error in
            (error as? HTTPClientError)?.code == .invalidRequest && (error as? HTTPClientError)?.isTransient == false
        }
    }

    /// An endpoint that streams a gigabyte is an error once the cap is reached, not memory growth.
    @Test func responseBodiesAreCapped() async throws {
        let server = try SilentServer()
        defer { server.close() }
        server.streamForever()
        let client = HTTPClient()
        defer { client.shutdown() }
        await #expect {
            try await client.execute(HTTPRequest(method: "GET", url: "http://127.0.0.1:\(server.port)/", timeout: .seconds(20),
                                                 maxResponseBytes: 1024 * 1024))
        } throws: { error in
            guard let error = error as? HTTPClientError else { return false }
            return error.code == .responseTooLarge && !error.isTransient
        }
    }

    @Test func cancellationAbandonsTheTransferAtOnce() async throws {
        // A server that reads the request and never answers stands in for a 20 s long poll.
        let server = try SilentServer()
        defer { server.close() }
        let received = server.holdFirstRequest()
        let client = HTTPClient()
        defer { client.shutdown() }
        let started = ContinuousClock.now
        let task = Task {
            try await client.execute(HTTPRequest(method: "GET", url: "http://127.0.0.1:\(server.port)/", timeout: .seconds(30)))
        }
        try await received.wait()  // the transfer is under way
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
        #expect(ContinuousClock.now - started < .seconds(5))
    }

    @Test func totalTimeoutIsEnforced() async throws {
        let server = try SilentServer()
        defer { server.close() }
        let client = HTTPClient()
        defer { client.shutdown() }
        await #expect {
            try await client.execute(HTTPRequest(method: "GET", url: "http://127.0.0.1:\(server.port)/", timeout: .milliseconds(300)))
        } throws: { error in
            (error as? HTTPClientError)?.code == .timedOut
        }
    }

    @Test func shutdownFailsLaterRequests() async {
        let client = HTTPClient()
        client.shutdown()
        await #expect {
            try await client.execute(HTTPRequest(method: "GET", url: "http://127.0.0.1:1/"))
        } throws: { error in
            (error as? HTTPClientError)?.code == .engineShutDown
        }
    }
}

/// A TCP listener on loopback that accepts connections and never answers.
final class SilentServer: @unchecked Sendable {
    let socket: Int32
    let port: Int

    init() throws {
        let fd = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        listen(fd, 16)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        socket = fd
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    func close() { _ = Glibc.close(socket) }

    /// Reads the first connection's request, opens the returned latch, and never answers
    /// (the connection is held until the client hangs up).
    func holdFirstRequest() -> Latch {
        let listener = socket, received = Latch()
        Thread.detachNewThread {
            let connection = accept(listener, nil, nil)
            guard connection >= 0 else { return }
            defer { _ = Glibc.close(connection) }
            var buffer = [UInt8](repeating: 0, count: 4096)
            guard read(connection, &buffer, buffer.count) > 0 else { return }
            received.open()
            while read(connection, &buffer, buffer.count) > 0 {}
        }
        return received
    }

    /// Answers the first connection with a 1 GiB body, written until the client hangs up.
    func streamForever() {
        let listener = socket
        Thread.detachNewThread {
            let connection = accept(listener, nil, nil)
            guard connection >= 0 else { return }
            defer { _ = Glibc.close(connection) }
            var request = [UInt8](repeating: 0, count: 4096)
            _ = read(connection, &request, request.count)
            let head = Array("HTTP/1.1 200 OK\r\nContent-Length: 1073741824\r\n\r\n".utf8)
            _ = write(connection, head, head.count)
            let chunk = [UInt8](repeating: 0x41, count: 64 * 1024)
            for _ in 0..<(1 << 14) {
                if send(connection, chunk, chunk.count, Int32(MSG_NOSIGNAL)) <= 0 { return }
            }
        }
    }
}
