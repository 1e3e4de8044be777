import AWS
import Postgres
import Foundation
import Testing

/// seed → verify (incomplete) → backfill → verify (complete), through the real binary.
@Suite(.tearsDownFixtures, .enabled(if: Stack.isAvailable, "needs the local stack: deploy/local/test.sh"), .timeLimit(.minutes(5)))
struct BackfillFlowTests {
    @Test(arguments: [S3Server.moto, S3Server.rclone])
    func seedBackfillVerify(server: S3Server) async throws {
        let fixture = try await Fixture.make("flow", server: server)

        let seeded = try await fixture.run(["seed", "40"])
        #expect(seeded.status == 0, "\(seeded.stderr)")
        #expect(try await fixture.paths().count == 40)

        let before = try await fixture.runJSON(["verify"])
        #expect(before.status == 1 && before["rows_at_source_path"] == 40, "\(before)")

        let backfill = try await fixture.runJSON(["backfill"])
        #expect(backfill.status == 0 && backfill["migrated"] == 40 && backfill["rows_updated"] == 40, "\(backfill)")

        let paths = try await fixture.paths()
        #expect(paths.count == 40 && paths.allSatisfy { $0.hasPrefix("avatar/avatar-") })
        let copied = try await fixture.keys(in: fixture.destinationBucket)
        #expect(copied.count == 40)
        let original = try await fixture.s3.getObject(bucket: fixture.sourceBucket, key: "image/avatar-7.png")
        #expect(try await fixture.s3.getObject(bucket: fixture.destinationBucket, key: "avatar/avatar-7.png") == original)

        let after = try await fixture.runJSON(["verify"])
        #expect(after.status == 0 && after.object["complete"] as? Bool == true, "\(after)")

        // A second run is a no-op, through the `--backfill` spelling.
        let again = try await fixture.runJSON(["--backfill"])
        #expect(again.status == 0 && again["already_migrated"] == 40, "\(again)")
    }

    /// An index left INVALID by a killed `CREATE INDEX CONCURRENTLY` counts as missing, and
    /// `--create-index` rebuilds it.
    @Test func anInvalidIndexIsReportedAndRebuilt() async throws {
        let fixture = try await Fixture.make("invalid-index", server: .rclone)
        #expect(try await fixture.run(["seed", "3"]).status == 0)
        let index = "\(fixture.table)_path_s3mover_idx"
        try await fixture.database.execute("CREATE INDEX \(index) ON \(fixture.table) (path)")
        try await fixture.database.execute("UPDATE pg_index SET indisvalid = false WHERE indexrelid = $1::regclass", [index])
        let warned = try await fixture.run(["backfill"])
        #expect(warned.status == 0)
        #expect(warned.stderr.contains("INVALID") && warned.stderr.contains(index), "\(warned.stderr)")
        let rebuilt = try await fixture.run(["backfill", "--create-index"])
        #expect(rebuilt.status == 0, "\(rebuilt.stderr)")
        let valid = try await fixture.database.execute(
            "SELECT indisvalid::text, (SELECT count(*) FROM pg_index WHERE indrelid = $2::regclass AND NOT indisvalid)::text "
                + "FROM pg_index WHERE indexrelid = $1::regclass", [index, fixture.table])
        #expect(valid.rows.first == ["true", "0"])
    }

    /// More than one listing page (1,000 keys), on the fast strict-SigV4 server.
    @Test func listingPaginates() async throws {
        let fixture = try await Fixture.make("pages", server: .rclone)
        #expect(try await fixture.run(["seed", "1105", "--concurrency", "128"]).status == 0)
        let backfill = try await fixture.runJSON(["backfill", "--concurrency", "128"])
        #expect(backfill.status == 0 && backfill["listed"] == 1105, "\(backfill)")
        #expect(try await fixture.keys(in: fixture.destinationBucket).count == 1105)
        #expect(try await fixture.run(["verify"]).status == 0)
    }

    /// Keys with spaces, `+`, `%`, unicode and folders survive listing, copying and strict signing byte for byte.
    @Test(arguments: [S3Server.moto, S3Server.rclone])
    func awkwardKeysArriveByteIdentical(server: S3Server) async throws {
        let fixture = try await Fixture.make("keys", server: server)
        let keys = AwkwardKeys.all
        var bodies: [String: [UInt8]] = [:]
        for key in keys {
            let body = (0..<64).map { _ in UInt8.random(in: 0...255) }
            bodies[key] = body
            try await fixture.s3.putObject(bucket: fixture.sourceBucket, key: key, body: body, contentType: "image/png")
        }
        try await fixture.insertRows(keys)
        let backfill = try await fixture.run(["backfill"])
        #expect(backfill.status == 0, "\(backfill.stdout)\(backfill.stderr)")
        for key in keys {
            let destination = "avatar/" + key.dropFirst("image/".count)
            #expect(try await fixture.s3.getObject(bucket: fixture.destinationBucket, key: destination) == bodies[key], "\(key)")
        }
        #expect(try await fixture.paths().allSatisfy { $0.hasPrefix("avatar/") })
        #expect(try await fixture.run(["verify"]).status == 0)
    }
}

enum AwkwardKeys {
    static let all = [
        "image/with space.png",
        "image/plus+sign.png",
        "image/percent%20literal.png",
        "image/ünïcödé-ß-日本.png",
        "image/nested/deeper/folder/a.png",
        "image/mix of+all%/and ü.png",
        "image/tilde~and=equals&amp;.png",
    ]
}
