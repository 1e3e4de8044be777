import AWS
import Foundation
import Logging
import Postgres
import Testing

/// A stuck database never wedges a run: statements carry `lock_timeout` and `statement_timeout`.
@Suite(.tearsDownFixtures, .enabled(if: Stack.isAvailable, "needs the local stack: deploy/local/test.sh"), .timeLimit(.minutes(5)))
struct DatabaseLimitsTests {
    /// Another session holds the table locked: the repoints give up after DB_LOCK_TIMEOUT_SECONDS
    /// with SQLSTATE 55P03 instead of waiting forever, and no row changes.
    @Test func aLockedTableFailsFastInsteadOfHanging() async throws {
        let fixture = try await Fixture.make("locked", server: .rclone)
        #expect(try await fixture.run(["seed", "5"]).status == 0)
        let holder = PostgresClient(conninfo: Stack.database, logger: Stack.logger)
        defer { holder.shutdown() }
        try await holder.execute("BEGIN")
        try await holder.execute("LOCK TABLE \(fixture.table) IN EXCLUSIVE MODE")  // reads go on; updates wait
        let started = ContinuousClock.now
        let backfill = try await fixture.runJSON(["backfill"], overriding: ["DB_LOCK_TIMEOUT_SECONDS": "1"], timeout: .seconds(60))
        let elapsed = ContinuousClock.now - started
        try await holder.execute("ROLLBACK")
        #expect(backfill.status == 1 && backfill["failed_by_code", "SQLSTATE 55P03"] > 0, "\(backfill)")
        #expect(elapsed < .seconds(30), "took \(elapsed)")
        #expect(try await fixture.paths().allSatisfy { $0.hasPrefix("image/") })
        // Once the lock is gone, a second run completes.
        #expect(try await fixture.run(["backfill"]).status == 0)
        #expect(try await fixture.paths().allSatisfy { $0.hasPrefix("avatar/") })
    }

    @Test(arguments: [("DB_LOCK_TIMEOUT_SECONDS", "nan"), ("DB_STATEMENT_TIMEOUT_SECONDS", "-1"), ("DB_LOCK_TIMEOUT_SECONDS", "inf"),
                      ("ROW_WAIT_SECONDS", "1e9")])
    func absurdTimeoutsAreRefusedNamingTheSetting(variable: String, value: String) async throws {
        let fixture = try await Fixture.make("limits", server: .rclone)
        let result = try await fixture.run(["worker", "--drain"], overriding: [variable: value, "SQS_QUEUE_URL": Stack.moto + "/000000000000/none"])
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.contains(variable), "\(result.stderr)")
    }
}
