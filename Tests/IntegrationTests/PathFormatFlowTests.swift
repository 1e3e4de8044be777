import AWS
import Foundation
import Postgres
import Testing

/// Schemas that store URLs, and several columns that reference one object: every command maps
/// a column's value to and from the key the same way.
@Suite(.tearsDownFixtures, .enabled(if: Stack.isAvailable, "needs the local stack: deploy/local/test.sh"), .timeLimit(.minutes(5)))
struct PathFormatFlowTests {
    func values(_ fixture: Fixture, _ table: String, _ column: String) async throws -> [String] {
        try await fixture.database.execute("SELECT \(column) FROM \(table) ORDER BY \(column) COLLATE \"C\"").rows.compactMap { $0[0] }
    }

    @Test(arguments: [S3Server.moto, S3Server.rclone])
    func urlsInSeveralColumnsAreRepointedAndBack(server: S3Server) async throws {
        let fixture = try await Fixture.make("formats", server: server)
        let users = fixture.companionTable("users")
        let settings: [String: String?] = [
            "DB_TARGETS": "\(fixture.table).path, \(users).avatar_url",
            "DB_SOURCE_PATH_FORMAT": "https://cdn.example.com/{key}",
            "DB_DEST_PATH_FORMAT": "https://img.example.com/{key}",
        ]
        func run(_ arguments: [String]) async throws -> CommandResult {
            try await fixture.run(arguments, overriding: settings)
        }
        func runJSON(_ arguments: [String]) async throws -> JSONSummary {
            try await fixture.runJSON(arguments, overriding: settings)
        }
        // seed creates both tables and writes source URLs into both.
        let seed = try await run(["seed", "3"])
        #expect(seed.status == 0, "\(seed.stdout)\(seed.stderr)")
        let sourceURLs = (1...3).map { "https://cdn.example.com/image/avatar-\($0).png" }
        #expect(try await values(fixture, users, "avatar_url") == sourceURLs)
        // A value of another format under no prefix of ours is never touched.
        try await fixture.database.execute("INSERT INTO \(users) (avatar_url) VALUES ('https://other.example.com/image/avatar-1.png')")
        let before = try await runJSON(["verify"])
        #expect(before.status == 1 && before["rows_at_source_path"] == 6, "\(before)")

        let backfill = try await runJSON(["backfill"])
        #expect(backfill.status == 0 && backfill["rows_updated"] == 6, "\(backfill)")
        let destinationURLs = (1...3).map { "https://img.example.com/avatar/avatar-\($0).png" }
        #expect(try await values(fixture, fixture.table, "path") == destinationURLs)
        #expect(try await values(fixture, users, "avatar_url") == ["https://img.example.com/avatar/avatar-1.png", "https://img.example.com/avatar/avatar-2.png",
                                                                   "https://img.example.com/avatar/avatar-3.png", "https://other.example.com/image/avatar-1.png"])
        #expect(try await run(["verify", "--deep"]).status == 0)

        // A row saved later, in one column only: the sweep finds it there.
        try await fixture.database.execute("INSERT INTO \(users) (avatar_url) VALUES ('https://cdn.example.com/image/avatar-2.png')")
        let sweep = try await runJSON(["backfill", "--from-rows"])
        #expect(sweep.status == 0 && sweep["rows_updated"] == 1, "\(sweep)")
        #expect(try await run(["verify"]).status == 0)

        // And back: every destination URL becomes its source URL again, in both columns.
        let rollback = try await runJSON(["rollback"])
        #expect(rollback.status == 0 && rollback["repointed_back"] == 3 && rollback["rows_repointed_back"] == 7, "\(rollback)")
        #expect(try await values(fixture, fixture.table, "path") == sourceURLs)
    }

    @Test(arguments: [
        ("DB_SOURCE_PATH_FORMAT", "https://cdn.example.com/"), ("DB_DEST_PATH_FORMAT", "{key}{key}"),
        ("DB_DEST_PATH_FORMAT", "{key}?v=1"), ("DB_TARGETS", "avatars"), ("DB_TARGETS", "avatars.path; DROP TABLE x"),
        ("DB_TARGETS", "a.path,a.path"),
    ])
    func aBadMappingIsRefusedByName(variable: String, value: String) async throws {
        let fixture = try await Fixture.make("badformat", server: .moto)
        let result = try await fixture.run(["verify"], overriding: [variable: value])
        #expect(result.status == 2 && result.stderr.contains(variable), "\(result.stderr)")
    }
}
