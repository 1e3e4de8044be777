import CurlHTTP
import Foundation

/// `credential_endpoints.py`: a container-credentials endpoint and IMDSv2, which no local server offers.
final class CredentialEndpoints: @unchecked Sendable {
    let port: Int
    let token: String
    let process: RunningProcess
    var url: String { "http://127.0.0.1:\(port)" }

    init(ttlSeconds: Int = 3600) async throws {
        let port = freeLoopbackPort()
        self.port = port
        token = "pod-identity-token-\(UInt32.random(in: 0...UInt32.max))"
        process = try await Command.startHelper("credential_endpoints.py", [String(port), token, String(ttlSeconds)]) {
            (try? await Self.counts(port: port)) != nil
        }
    }

    /// Requests served, by kind (`container`, `imds_token`, `imds_role`, `imds`, `refused`).
    func counts() async throws -> [String: Int] { try await Self.counts(port: port) }

    private static func counts(port: Int) async throws -> [String: Int] {
        let response = try await Stack.http.execute(HTTPRequest(method: "GET", url: "http://127.0.0.1:\(port)/__counts", timeout: .seconds(2)))
        return try JSONDecoder().decode([String: Int].self, from: Data(response.body))
    }

    func stop() {
        process.process.terminate()
    }
}
