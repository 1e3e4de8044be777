import AWS
import CurlHTTP
import Foundation
import Logging
import Postgres

/// The local stack started by `deploy/local/start.sh` (its addresses arrive as `S3MOVER_TEST_*`).
enum Stack {
    static let environment = ProcessInfo.processInfo.environment
    static let database = environment["S3MOVER_TEST_DB"] ?? ""
    static let moto = environment["S3MOVER_TEST_MOTO"] ?? ""
    static let rclone = environment["S3MOVER_TEST_RCLONE"] ?? ""
    static let rcloneKey = environment["S3MOVER_RCLONE_KEY"] ?? ""
    static let rcloneSecret = environment["S3MOVER_RCLONE_SECRET"] ?? ""

    static var isAvailable: Bool { !database.isEmpty && !moto.isEmpty && !rclone.isEmpty }

    static let http = HTTPClient()
    static let logger = Logger(label: "integration-test")

    /// The repository's root, from this file's path.
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// The s3-mover binary under test: `S3MOVER_BIN`, or the debug build.
    static let binary = environment["S3MOVER_BIN"] ?? root.appendingPathComponent(".build/debug/s3-mover").path

    /// A short unique name for one test's buckets, queues and table.
    static func uniqueName(_ label: String) -> String {
        "it-\(label)-\(UInt32.random(in: 0...UInt32.max) & 0xfffffff)".lowercased()
    }
}

/// Which S3 server a test runs against.
enum S3Server {
    case moto, rclone

    var endpoint: String { self == .moto ? Stack.moto : Stack.rclone }
    var credentials: AWSCredentials {
        self == .moto ? AWSCredentials(accessKeyId: "testing", secretAccessKey: "testing")
            : AWSCredentials(accessKeyId: Stack.rcloneKey, secretAccessKey: Stack.rcloneSecret)
    }
}
