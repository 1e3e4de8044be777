import CurlHTTP
import Foundation

/// `credential_endpoints.py`: a container-credentials endpoint and IMDSv2, which no local server offers.
final class CredentialEndpoints: @unchecked Sendable {
    let port: Int
    let token: String
    let process: RunningProcess
    var url: String { "http://127.0.0.1:\(port)" }

    init(ttlSeconds: Int = 3600) async throws {
        let script = Stack.root.appendingPathComponent("Tests/IntegrationTests/Support/credential_endpoints.py").path
        port = Int.random(in: 30_000...39_999)
        token = "pod-identity-token-\(UInt32.random(in: 0...UInt32.max))"
        process = try Command.start("/usr/bin/env", ["python3", script, String(port), token, String(ttlSeconds)],
                                    environment: ProcessInfo.processInfo.environment)
        for _ in 0..<100 {
            if (try? await counts()) != nil { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw CommandError(description: "credential endpoints did not start on port \(port)")
    }

    /// Requests served, by kind (`container`, `imds_token`, `imds_role`, `imds`, `refused`).
    func counts() async throws -> [String: Int] {
        let response = try await Stack.http.execute(HTTPRequest(method: "GET", url: "\(url)/__counts", timeout: .seconds(2)))
        return try JSONDecoder().decode([String: Int].self, from: Data(response.body))
    }

    func stop() {
        process.process.terminate()
    }
}
