import CurlHTTP
import Foundation

/// `fault_proxy.py` in front of an S3 server: injects 503 SlowDown, 500, 200-with-`<Error>` and
/// connection resets into CopyObject requests, forwarding everything else unchanged.
final class FaultProxy: @unchecked Sendable {
    let port: Int
    let process: RunningProcess
    var url: String { "http://127.0.0.1:\(port)" }

    init(upstream: String) async throws {
        let script = Stack.root.appendingPathComponent("Tests/IntegrationTests/Support/fault_proxy.py").path
        port = Int.random(in: 20_000...29_999)
        process = try Command.start("/usr/bin/env", ["python3", script, String(port), upstream],
                                    environment: ProcessInfo.processInfo.environment)
        for _ in 0..<100 {
            if (try? await counts()) != nil { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw CommandError(description: "fault proxy did not start on port \(port)")
    }

    /// How many of each fault were injected, and how many requests were forwarded.
    func counts() async throws -> [String: Int] {
        let response = try await Stack.http.execute(HTTPRequest(method: "GET", url: "\(url)/__faults", timeout: .seconds(2)))
        return try JSONDecoder().decode([String: Int].self, from: Data(response.body))
    }

    func stop() {
        process.process.terminate()
    }
}
