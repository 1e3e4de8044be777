import AWS
import Foundation
import Postgres
import Testing
import TestSupport

/// Faults survived: S3 errors and resets from a fault-injecting proxy, PostgreSQL stopped and
/// restarted mid-backlog, SIGTERM and SIGKILL mid-backlog. After each, every row and object must
/// reach its final state and no queue may hold anything but poison messages.
///
/// `deploy/local/test.sh` runs this suite on its own, after the others, because it stops the
/// shared PostgreSQL.
@Suite(.serialized, .tearsDownFixtures, .timeLimit(.minutes(10)), .enabled(if: Stack.isAvailable && Stack.environment["S3MOVER_FAULT_TESTS"] == "1",
                             "needs the local stack to itself: deploy/local/test.sh runs it"))
struct FaultTests {
    /// Uploads `count` avatars with rows; through notifications when the fixture has a queue.
    static func backlog(_ fixture: Fixture, count: Int) async throws -> [String] {
        let keys = (1...count).map { "image/avatar-\($0).png" }
        try await fixture.insertRows(keys)
        try await fixture.putAvatars(keys)
        return keys
    }

    static func assertComplete(_ fixture: Fixture, keys: [String]) async throws {
        let paths = try await fixture.paths()
        #expect(paths.count == keys.count)
        #expect(paths.allSatisfy { $0.hasPrefix("avatar/") }, "rows left behind: \(paths.filter { !$0.hasPrefix("avatar/") })")
        #expect(try await fixture.keys(in: fixture.destinationBucket).count == keys.count)
        if let queue = fixture.queueURL { #expect(try await fixture.depth(queue) == 0) }
        if let dlq = fixture.deadLetterURL { #expect(try await fixture.depth(dlq) == 0) }
    }

    @Test func s3FaultsDuringBackfill() async throws {
        let proxy = try await FaultProxy(upstream: Stack.rclone)
        defer { proxy.stop() }
        let fixture = try await Fixture.make("faults-backfill", server: .rclone)
        let keys = try await Self.backlog(fixture, count: 60)
        var runs = 0
        var status: Int32 = -1
        while status != 0 && runs < 6 {
            runs += 1
            status = try await fixture.run(["backfill", "--concurrency", "8"], overriding: ["AWS_ENDPOINT_URL_S3": proxy.url]).status
        }
        #expect(status == 0)
        try await Self.assertComplete(fixture, keys: keys)
        let counts = try await proxy.counts()
        #expect(counts["slowdown", default: 0] > 0 && counts["internal", default: 0] > 0)
        #expect(counts["error200", default: 0] > 0 && counts["reset", default: 0] > 0)
        print("s3FaultsDuringBackfill: 60 objects, \(runs) backfill run(s), faults injected: \(counts)")
    }

    @Test func s3FaultsDuringWorker() async throws {
        let proxy = try await FaultProxy(upstream: Stack.rclone)
        defer { proxy.stop() }
        let fixture = try await Fixture.make("faults-worker", server: .rclone, queue: true, visibilityTimeout: 2, maxReceiveCount: 3)
        let keys = try await Self.backlog(fixture, count: 40)
        // rclone sends no notifications: put the S3 events on the queue by hand.
        for key in keys {
            let body = #"{"Records":[{"eventVersion":"2.1","eventName":"ObjectCreated:Put","s3":{"bucket":{"name":"\#(fixture.sourceBucket)"},"object":{"key":"\#(key)","size":\#(key.utf8.count)}}}]}"#
            try await fixture.sqs.sendMessage(queueURL: fixture.queueURL!, body: body)
        }
        let result = try await fixture.run(["worker", "--drain", "--concurrency", "8"],
                                     overriding: ["AWS_ENDPOINT_URL_S3": proxy.url, "AWS_ENDPOINT_URL_SQS": Stack.moto])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        try await Self.assertComplete(fixture, keys: keys)
        let counts = try await proxy.counts()
        #expect(counts["slowdown", default: 0] + counts["internal", default: 0] + counts["error200", default: 0] + counts["reset", default: 0] > 0)
        print("s3FaultsDuringWorker: 40 messages, faults injected: \(counts)")
    }

    /// One copy hangs; four finish. They are deleted as they finish, not when the whole batch is;
    /// SIGTERM then ends the grace period on time, and the hung message is made visible again at
    /// once instead of staying invisible for its 120 s visibility timeout.
    @Test func theGracePeriodsEndCleansUp() async throws {
        let proxy = try await FaultProxy(upstream: Stack.rclone, cycle: ["hang", "forward", "forward", "forward", "forward"])
        defer { proxy.stop() }
        let fixture = try await Fixture.make("faults-hang", server: .rclone, queue: true, visibilityTimeout: 120, maxReceiveCount: 5)
        let queue = try #require(fixture.queueURL)
        let keys = try await Self.backlog(fixture, count: 5)
        let records = keys.map {
            #"{"eventVersion":"2.1","eventName":"ObjectCreated:Put","s3":{"bucket":{"name":"\#(fixture.sourceBucket)"},"object":{"key":"\#($0)"}}}"#
        }
        // One message with five records would be kept whole; five messages of one record each.
        for record in records { try await fixture.sqs.sendMessage(queueURL: queue, body: #"{"Records":[\#(record)]}"#) }
        var environment = fixture.environment
        environment["AWS_ENDPOINT_URL_S3"] = proxy.url
        environment["AWS_ENDPOINT_URL_SQS"] = Stack.moto
        let worker = try Command.start(Stack.binary, ["worker", "--concurrency", "8", "--wait-seconds", "1", "--shutdown-grace", "2"],
                                       environment: environment)
        // Four rows done and their messages deleted while the fifth copy still hangs.
        await expectEventually("four rows repointed while the fifth copy hangs", timeout: .seconds(30)) {
            ((try? await fixture.paths()) ?? []).filter { $0.hasPrefix("avatar/") }.count == 4
        }
        await expectEventually("the finished messages deleted promptly (queue depth 1)", timeout: .seconds(10)) { (try? await fixture.depth(queue)) == 1 }
        let (status, elapsed) = await worker.stop(signal: SIGTERM)
        #expect(status == 0)
        #expect(elapsed < .seconds(2 + 5), "exited \(elapsed) after SIGTERM with --shutdown-grace 2")
        // The hung message is visible again at once: another replica can take it now.
        let attributes = try await fixture.sqs.queueAttributes(queueURL: queue, names: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"])
        #expect(attributes["ApproximateNumberOfMessages"] == "1" && attributes["ApproximateNumberOfMessagesNotVisible"] == "0", "\(attributes)")
        // A restart completes it.
        let restart = try await fixture.run(["worker", "--drain"], overriding: ["AWS_ENDPOINT_URL_SQS": Stack.moto])
        #expect(restart.status == 0, "\(restart.stdout)\(restart.stderr)")
        try await Self.assertComplete(fixture, keys: keys)
    }

    /// Another session holds the table locked and the lock timeout is long: every repoint waits.
    /// SIGTERM still ends the worker within its grace period, and every message is made visible
    /// again at once; nothing is lost, and a restart completes the work once the lock is gone.
    @Test func aLockedTableNeverWedgesShutdown() async throws {
        let fixture = try await Fixture.make("faults-locked", server: .rclone, queue: true, visibilityTimeout: 120, maxReceiveCount: 5)
        let queue = try #require(fixture.queueURL)
        let keys = try await Self.backlog(fixture, count: 5)
        for key in keys {
            let body = #"{"Records":[{"eventVersion":"2.1","eventName":"ObjectCreated:Put","s3":{"bucket":{"name":"\#(fixture.sourceBucket)"},"object":{"key":"\#(key)"}}}]}"#
            try await fixture.sqs.sendMessage(queueURL: queue, body: body)
        }
        let holder = PostgresClient(conninfo: Stack.database, logger: Stack.logger)
        defer { holder.shutdown() }
        try await holder.execute("BEGIN")
        try await holder.execute("LOCK TABLE \(fixture.table) IN EXCLUSIVE MODE")  // reads go on; updates wait
        var environment = fixture.environment
        environment["AWS_ENDPOINT_URL_SQS"] = Stack.moto
        environment["DB_LOCK_TIMEOUT_SECONDS"] = "600"
        let worker = try Command.start(Stack.binary, ["worker", "--wait-seconds", "1", "--shutdown-grace", "2"], environment: environment)
        // Every object is copied; every repoint is now waiting behind the lock.
        await expectEventually("all five objects copied", timeout: .seconds(30)) { ((try? await fixture.keys(in: fixture.destinationBucket)) ?? []).count == 5 }
        let (status, elapsed) = await worker.stop(signal: SIGTERM)
        #expect(status == 0)
        #expect(elapsed < .seconds(2 + 5), "exited \(elapsed) after SIGTERM with --shutdown-grace 2")
        let attributes = try await fixture.sqs.queueAttributes(queueURL: queue, names: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"])
        #expect(attributes["ApproximateNumberOfMessages"] == "5" && attributes["ApproximateNumberOfMessagesNotVisible"] == "0", "\(attributes)")
        try await holder.execute("ROLLBACK")
        let restart = try await fixture.run(["worker", "--drain"], overriding: ["AWS_ENDPOINT_URL_SQS": Stack.moto])
        #expect(restart.status == 0, "\(restart.stdout)\(restart.stderr)")
        try await Self.assertComplete(fixture, keys: keys)
    }

    @Test func postgresRestartDuringBacklog() async throws {
        // 3 s: an outage of 8 s outlasts two timeouts (the dead-letter queue's limit) only if the
        // heartbeat fails; 2 s left a starved machine too little slack (see rowsSavedAfterTheirUpload…).
        let fixture = try await Fixture.make("faults-pg", queue: true, visibilityTimeout: 3, maxReceiveCount: 2)
        let keys = try await Self.backlog(fixture, count: 60)
        let worker = try Command.start(Stack.binary, ["worker", "--concurrency", "4", "--wait-seconds", "1"], environment: fixture.environment)
        let output = worker.standardOutputData()
        let errors = worker.standardErrorData()
        await expectEventually("a first row repointed") { ((try? await fixture.paths()) ?? []).contains { $0.hasPrefix("avatar/") } }

        let pgCtl = Stack.root.appendingPathComponent("deploy/local/pg-ctl.sh").path
        #expect(await Command.spawnAndWait(pgCtl, ["stop"]) == 0)
        // Down for longer than the queue's visibility timeout and maxReceiveCount together would allow:
        // the outage's length is the fault injected, not a wait for a state.
        try await Task.sleep(for: .seconds(8))
        #expect(worker.process.isRunning)
        #expect(try await fixture.depth(fixture.deadLetterURL!) == 0)
        #expect(await Command.spawnAndWait(pgCtl, ["start"]) == 0)

        try await Self.recovered(fixture, worker: worker, keys: keys)
        let log = String(decoding: errors.wait(), as: UTF8.self)
        #expect(log.contains("dependency outage"))
        print("postgresRestartDuringBacklog: 60 messages, 1 PostgreSQL stop/start (8 s down); worker summary:\n\(String(decoding: output.wait(), as: UTF8.self))")
    }

    /// After PostgreSQL is back: every row migrates and the queue drains; then SIGTERM exits 0 and
    /// every row and object is checked.
    static func recovered(_ fixture: Fixture, worker: RunningProcess, keys: [String]) async throws {
        await expectEventually("every row repointed", timeout: .seconds(90)) {
            ((try? await fixture.paths()) ?? []).allSatisfy { $0.hasPrefix("avatar/") }
        }
        await expectEventually("the queue drained") { (try? await fixture.depth(fixture.queueURL!)) == 0 }
        let (status, _) = await worker.stop(signal: SIGTERM)
        #expect(status == 0)
        try await assertComplete(fixture, keys: keys)
    }

    @Test func postgresUnavailableAtStart() async throws {
        let fixture = try await Fixture.make("faults-pgstart", queue: true, visibilityTimeout: 2, maxReceiveCount: 2)
        let keys = try await Self.backlog(fixture, count: 30)
        let pgCtl = Stack.root.appendingPathComponent("deploy/local/pg-ctl.sh").path
        #expect(await Command.spawnAndWait(pgCtl, ["stop"]) == 0)
        let worker = try Command.start(Stack.binary, ["worker", "--concurrency", "4", "--wait-seconds", "1"], environment: fixture.environment)
        try await Task.sleep(for: .seconds(6))  // the outage at start lasts 6 s: the fault injected, not a wait for a state
        #expect(worker.process.isRunning)  // it waits; it does not exit
        #expect(await Command.spawnAndWait(pgCtl, ["start"]) == 0)
        try await Self.recovered(fixture, worker: worker, keys: keys)
        print("postgresUnavailableAtStart: 30 messages, PostgreSQL down for the worker's first 6 s")
    }

    @Test(arguments: [SIGTERM, SIGKILL])
    func signalDuringBacklogThenRestart(signal: Int32) async throws {
        let fixture = try await Fixture.make("faults-sig\(signal)", queue: true, visibilityTimeout: 2, maxReceiveCount: 5)
        let keys = try await Self.backlog(fixture, count: 80)
        let worker = try Command.start(Stack.binary, ["worker", "--concurrency", "2"], environment: fixture.environment)
        await expectEventually("a first row repointed") { ((try? await fixture.paths()) ?? []).contains { $0.hasPrefix("avatar/") } }
        let (status, elapsed) = await worker.stop(signal: signal)
        if signal == SIGTERM {
            #expect(status == 0)
            #expect(elapsed < .seconds(30))
        }
        let migratedBefore = try await fixture.paths().filter { $0.hasPrefix("avatar/") }.count
        let restart = try await fixture.run(["worker", "--drain"])
        #expect(restart.status == 0, "\(restart.stdout)\(restart.stderr)")
        try await Self.assertComplete(fixture, keys: keys)
        print("signalDuringBacklogThenRestart(\(signal)): 80 messages, \(migratedBefore) done before the signal, 1 restart")
    }
}
