import Postgres
import Foundation
import Testing

/// What operators read: JSON lines, one per object at debug level and one per failure at warning
/// level, each with the key, the outcome and the error code, and never a secret.
@Suite(.tearsDownFixtures, .enabled(if: Stack.isAvailable, "needs the local stack: deploy/local/test.sh"), .timeLimit(.minutes(5)))
struct LogOutputTests {
    func jsonLines(_ text: String) -> [[String: String]] {
        text.split(separator: "\n").compactMap { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any]
        }.map { object in object.compactMapValues { $0 as? String } }
    }

    @Test func onePerObjectAtDebugAndOnePerFailureAtWarningWithoutSecrets() async throws {
        let fixture = try await Fixture.make("logs", server: .rclone)
        #expect(try await fixture.run(["seed", "5"]).status == 0)
        let secrets = [Stack.rcloneSecret, "s3mover-local"] // the S3 secret and the database password

        let success = try await fixture.run(["backfill"], overriding: ["LOG_LEVEL": "debug", "LOG_FORMAT": "json"])
        #expect(success.status == 0)
        let processed = jsonLines(success.stderr).filter { $0["message"] == "object processed" }
        #expect(processed.count == 5, "\(success.stderr)")
        #expect(processed.allSatisfy { $0["key"]?.hasPrefix("image/avatar-") == true && $0["outcome"] == "migrated" && $0["level"] == "debug" })

        try await fixture.database.execute("UPDATE \(fixture.table) SET path = replace(path, 'avatar/', 'image/')")
        let failure = try await fixture.run(["backfill"], overriding: ["LOG_FORMAT": "json", "S3_DEST_BUCKET_NAME": "\(fixture.name)-missing"])
        #expect(failure.status == 1)
        let failed = jsonLines(failure.stderr).filter { $0["message"] == "object failed" }
        #expect(failed.count == 5, "\(failure.stderr)")
        #expect(failed.allSatisfy { $0["level"] == "warning" && $0["outcome"] == "failed" && $0["error_code"] == "NoSuchBucket" && $0["key"] != nil })

        for output in [success.stdout, success.stderr, failure.stdout, failure.stderr] {
            for secret in secrets where !secret.isEmpty {
                #expect(!output.contains(secret))
            }
            #expect(!output.contains("Signature="))
        }
    }
}
