import CurlHTTP
import Foundation

/// `fault_proxy.py` in front of an S3 server: injects 503 SlowDown, 500, 200-with-`<Error>` and
/// connection resets into CopyObject requests, forwarding everything else unchanged.
final class FaultProxy: @unchecked Sendable {
    let port: Int
    let process: RunningProcess
    var url: String { "http://127.0.0.1:\(port)" }

    /// - Parameter cycle: the faults CopyObject requests meet in turn (see `fault_proxy.py`); nil: its default.
    init(upstream: String, cycle: [String]? = nil) async throws {
        let port = freeLoopbackPort()
        self.port = port
        process = try await Command.startHelper("fault_proxy.py", [String(port), upstream] + (cycle.map { [$0.joined(separator: ",")] } ?? [])) {
            (try? await Self.counts(port: port)) != nil
        }
    }

    /// How many of each fault were injected, and how many requests were forwarded.
    func counts() async throws -> [String: Int] { try await Self.counts(port: port) }

    private static func counts(port: Int) async throws -> [String: Int] {
        let response = try await Stack.http.execute(HTTPRequest(method: "GET", url: "http://127.0.0.1:\(port)/__faults", timeout: .seconds(2)))
        return try JSONDecoder().decode([String: Int].self, from: Data(response.body))
    }

    func stop() {
        process.process.terminate()
    }
}
