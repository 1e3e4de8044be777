import Foundation
import Logging
import Postgres
import Testing
import TestSupport

@Suite(.enabled(if: TestDatabase.isAvailable, "needs the local stack: deploy/local/test.sh"), .timeLimit(.minutes(3)))
struct PostgresClientTests {
    let client = PostgresClient(conninfo: TestDatabase.conninfo ?? "", logger: Logger(label: "test"))

    @Test func parametersAreBoundNeverPasted() async throws {
        let hostile = "x'); DROP TABLE pg_class; --"
        let rows = try await client.execute("SELECT $1::text, $2::text IS NULL", [hostile, nil])
        #expect(rows.rows == [[hostile, "t"]])
        client.shutdown()
    }

    /// A liveness probe can see how long the current call has been running, and sees it no
    /// longer once the call has returned. The call waits on an advisory lock held by another
    /// session, so it stays running until the test has seen it, however slow the machine.
    @Test func theRunningCallIsVisible() async throws {
        #expect(client.currentCallDuration == nil)
        let holder = PostgresClient(conninfo: TestDatabase.conninfo ?? "", logger: Logger(label: "test"))
        defer { holder.shutdown() }
        let key = "\(Int32.random(in: 1...Int32.max))"
        try await holder.execute("SELECT pg_advisory_lock($1::int)", [key])
        let call = Task { [client] in try await client.execute("SELECT pg_advisory_lock($1::int)", [key]) }
        try await waitForValue("the blocked call to show as running") { client.currentCallDuration }
        try await holder.execute("SELECT pg_advisory_unlock($1::int)", [key])
        _ = try await call.value
        #expect(client.currentCallDuration == nil)
        client.shutdown()
    }

    /// Cancelling the waiting task cancels the statement on the server (PQcancel): it ends at
    /// once with 57014 instead of running on, and the connection stays usable.
    @Test func cancellingTheCallerCancelsTheStatement() async throws {
        #expect(try await client.execute("SELECT 1").scalar == "1")  // connected: a cancel has somewhere to go
        let marker = "SELECT pg_sleep(30) -- \(UInt32.random(in: 0...UInt32.max))"
        let call = Task { [client] in try await client.execute(marker) }
        // Cancel once the server is running it (a cancel request that arrives before the statement is lost).
        let observer = PostgresClient(conninfo: TestDatabase.conninfo ?? "", logger: Logger(label: "test"))
        defer { observer.shutdown() }
        try await waitUntil("the server to run \(marker)") {
            try await observer.execute("SELECT count(*) FROM pg_stat_activity WHERE query = $1 AND state = 'active'", [marker]).scalar == "1"
        }
        let cancelled = ContinuousClock.now
        call.cancel()
        await #expect { try await call.value } throws: { ($0 as? PostgresError)?.sqlState == "57014" }
        #expect(ContinuousClock.now - cancelled < .seconds(10))
        #expect(try await client.execute("SELECT 1").scalar == "1")
        client.shutdown()
    }

    /// A caller cancelled before its statement starts: the statement never runs (the cancel is
    /// not lost for want of a running statement), and the connection stays usable.
    @Test func aCancelBeforeTheStatementStartsIsNotLost() async throws {
        let call = Task { [client] in
            withUnsafeCurrentTask { $0?.cancel() }
            return try await client.execute("SELECT pg_sleep(30)")
        }
        let started = ContinuousClock.now
        await #expect { try await call.value } throws: { $0 is CancellationError || ($0 as? PostgresError)?.sqlState == "57014" }
        #expect(ContinuousClock.now - started < .seconds(10))
        #expect(try await client.execute("SELECT 1").scalar == "1")
        client.shutdown()
    }

    /// A server that stops answering mid-statement (its backend process frozen with SIGSTOP, so
    /// the cancel request cannot act either): a cancelled caller still stops waiting at once.
    @Test func aCancelledCallerStopsWaitingForAFrozenServer() async throws {
        let pid = try #require(Int32(try await client.execute("SELECT pg_backend_pid()").scalar ?? ""))
        let marker = "SELECT pg_sleep(5) -- frozen \(UInt32.random(in: 0...UInt32.max))"
        let call = Task { [client] in try await client.execute(marker) }
        let observer = PostgresClient(conninfo: TestDatabase.conninfo ?? "", logger: Logger(label: "test"))
        defer { observer.shutdown() }
        try await waitUntil("the server to run \(marker)") {
            try await observer.execute("SELECT count(*) FROM pg_stat_activity WHERE query = $1 AND state = 'active'", [marker]).scalar == "1"
        }
        try #require(kill(pid, SIGSTOP) == 0, "the tests run as the PostgreSQL server's user or root")
        let cancelled = ContinuousClock.now
        call.cancel()
        let outcome = await call.result
        let waited = ContinuousClock.now - cancelled
        kill(pid, SIGCONT)
        #expect(throws: CancellationError.self) { try outcome.get() }
        // Without the bound it would wait as long as the server stays frozen (here: for ever).
        // PostgresCall.cancelledWaitLimit is 2 s; the margin is for a loaded machine.
        #expect(waited < .seconds(15), "waited \(waited)")
        // The connection comes back once the server does: the statement was cancelled meanwhile.
        #expect(try await client.execute("SELECT 1").scalar == "1")
        client.shutdown()
    }

    /// The session's limits are in force: a statement past statement_timeout is cancelled (57014).
    @Test func statementTimeoutIsSet() async throws {
        let limited = PostgresClient(conninfo: TestDatabase.conninfo ?? "", logger: Logger(label: "test"),
                                     limits: SessionLimits(lockTimeout: .seconds(1), statementTimeout: .milliseconds(200)))
        defer { limited.shutdown() }
        #expect(try await limited.execute("SHOW lock_timeout").scalar == "1s")
        await #expect { try await limited.execute("SELECT pg_sleep(5)") } throws: { ($0 as? PostgresError)?.sqlState == "57014" }
    }

    @Test func sqlStateIsCarried() async throws {
        await #expect {
            try await client.execute("SELECT * FROM table_that_does_not_exist_anywhere")
        } throws: { error in
            (error as? PostgresError)?.sqlState == "42P01"
        }
        client.shutdown()
    }

    @Test func transactionRollsBackOnFailure() async throws {
        try await client.execute("CREATE TEMP TABLE t (v int)")
        await #expect(throws: PostgresError.self) {
            try await client.transaction([("INSERT INTO t VALUES (1)", []), ("INSERT INTO t VALUES ('x')", [])])
        }
        #expect(try await client.execute("SELECT count(*) FROM t").scalar == "0")
        client.shutdown()
    }

    /// libpq's own message quotes the raw token of a malformed URI: the password, here.
    @Test(arguments: ["postgresql://u:Sup3r%zzS3cret@127.0.0.1:1/db", "postgresql://u@127.0.0.1:1/db?password=Sup3r%zzS3cret"])
    func malformedConninfoFailsWithoutLeakingThePassword(conninfo: String) async throws {
        let other = PostgresClient(conninfo: conninfo, logger: Logger(label: "test"), maxReconnectDelay: .milliseconds(10))
        defer { other.shutdown() }
        await #expect {
            try await other.execute("SELECT 1")
        } throws: { error in
            guard let error = error as? PostgresError else { return false }
            return error.code == .connectionFailed && !"\(error)".contains("S3cret") && !String(reflecting: error).contains("S3cret")
        }
    }

    @Test func wrongPasswordFailsWithoutLeakingIt() async throws {
        let bad = (TestDatabase.conninfo ?? "").replacingOccurrences(of: "s3mover-local", with: "definitely-wrong-pw")
        let other = PostgresClient(conninfo: bad, logger: Logger(label: "test"))
        await #expect {
            try await other.execute("SELECT 1")
        } throws: { error in
            guard let error = error as? PostgresError else { return false }
            // Refused, not unreachable: permanent, so nothing is held waiting for it.
            return error.code == .authenticationFailed && !error.isTransient && !"\(error)".contains("definitely-wrong-pw")
        }
        other.shutdown()
        client.shutdown()
    }

    @Test func reconnectsAfterTheServerDropsTheConnection() async throws {
        let pid = try #require(try await client.execute("SELECT pg_backend_pid()").scalar)
        let killer = PostgresClient(conninfo: TestDatabase.conninfo ?? "", logger: Logger(label: "test"))
        try await killer.execute("SELECT pg_terminate_backend($1::int)", [pid])
        killer.shutdown()
        // The next statement finds the connection broken; a later one reconnects.
        try await waitUntil("the client to reconnect", timeout: .seconds(30), every: .milliseconds(100)) {
            (try? await client.execute("SELECT 42").scalar) == "42"
        }
        #expect(try await client.execute("SELECT pg_backend_pid()").scalar != pid)
        client.shutdown()
    }
}
