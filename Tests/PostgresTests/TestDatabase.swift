import Foundation

/// The local stack's database (`deploy/local/start.sh` exports `S3MOVER_TEST_DB`).
enum TestDatabase {
    static let conninfo = ProcessInfo.processInfo.environment["S3MOVER_TEST_DB"]
    static var isAvailable: Bool { conninfo != nil }
}
