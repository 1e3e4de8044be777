import Foundation
import Testing

/// Malformed or failing settings that carry a secret: the secret appears nowhere in what the
/// tool prints, whatever library produced the message (libpq quotes raw conninfo tokens).
@Suite(.tearsDownFixtures, .enabled(if: Stack.isAvailable, "needs the local stack: deploy/local/test.sh"), .timeLimit(.minutes(5)))
struct SecretRedactionTests {
    static let secret = "Sup3rS3cret"

    static func credentialsFile(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("s3mover-creds-\(UInt32.random(in: 0...UInt32.max))").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func noSecretIsPrinted() async throws {
        let fixture = try await Fixture.make("secrets", server: .rclone)
        let emptyConfig = try Self.credentialsFile("")
        let badCredentials = try Self.credentialsFile("[default]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key \(Self.secret)\n")
        let noKeys: [String: String?] = ["AWS_ACCESS_KEY_ID": nil, "AWS_SECRET_ACCESS_KEY": nil, "AWS_CONFIG_FILE": emptyConfig,
                                         "AWS_EC2_METADATA_DISABLED": "true"]
        let cases: [(String, [String: String?])] = [
            ("bad percent escape in a URI password", ["DB_CONN_STRING": "postgresql://u:\(Self.secret)%zz@127.0.0.1:1/db"]),
            ("URI password, server unreachable", ["DB_CONN_STRING": "postgresql://u:\(Self.secret)@127.0.0.1:1/db?connect_timeout=1"]),
            ("key/value password, unterminated quote", ["DB_CONN_STRING": "host=127.0.0.1 port=1 password='\(Self.secret)"]),
            ("key/value password, server unreachable", ["DB_CONN_STRING": "host=127.0.0.1 port=1 connect_timeout=1 password=\(Self.secret)"]),
            ("endpoint with userinfo", ["AWS_ENDPOINT_URL_S3": "http://user:\(Self.secret)@127.0.0.1:1"]),
            ("endpoint with a token in the query", ["AWS_ENDPOINT_URL_S3": "ftp://127.0.0.1:1/?token=\(Self.secret)"]),
            ("queue URL with userinfo", ["SQS_QUEUE_URL": "http://user:\(Self.secret)@127.0.0.1:1/000000000000/q", "COMMAND": "worker"]),
            ("container credentials URL with userinfo", noKeys.merging(["AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://u:\(Self.secret)@127.0.0.1:1/creds",
                                                                         "AWS_CONTAINER_AUTHORIZATION_TOKEN": "t"]) { $1 }),
            ("container credentials token, endpoint unreachable", noKeys.merging(["AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://127.0.0.1:1/creds",
                                                                                   "AWS_CONTAINER_AUTHORIZATION_TOKEN": Self.secret]) { $1 }),
            ("malformed credentials file", noKeys.merging(["AWS_SHARED_CREDENTIALS_FILE": badCredentials]) { $1 }),
        ]
        // verify and backfill fail at start on each; the worker (which waits out outages) for the queue URL.
        for (label, overriding) in cases {
            var environment = overriding
            let commands = environment.removeValue(forKey: "COMMAND") != nil ? [["worker", "--drain"]] : [["verify"], ["backfill"]]
            for command in commands {
                let result = try await fixture.run(command, overriding: environment, timeout: .seconds(60))
                #expect(result.status != 0, "\(label): \(command) succeeded")
                #expect(!(result.stdout + result.stderr).contains(Self.secret), "\(label), \(command): \(result.stdout)\(result.stderr)")
            }
        }
    }
}
