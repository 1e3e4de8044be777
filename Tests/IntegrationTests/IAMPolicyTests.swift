import CurlHTTP
import Foundation
import Postgres
import Testing
import TestSupport

/// deploy/iam-policy.json is enough and no more: a private moto_server enforcing signatures and
/// IAM policies runs backfill (a user holding only that policy) and the worker (a role with that
/// policy, reached through IRSA web identity), and refuses actions outside it.
@Suite(.tearsDownFixtures, .enabled(if: Stack.isAvailable, "needs the local stack: deploy/local/test.sh"), .timeLimit(.minutes(5)))
struct IAMPolicyTests {
    /// The number after `label` in a summary (`deleted 21,`, `failed            0`); -1 when absent.
    struct Setup: Decodable {
        var source: String
        var destination: String
        var queue: String
        var dlq: String
        var admin_key: String
        var admin_secret: String
        var mover_key: String
        var mover_secret: String
        var finalizer_key: String
        var finalizer_secret: String
        var role_arn: String
    }

    static let script = Stack.root.appendingPathComponent("Tests/IntegrationTests/Support/iam_enforced_moto.py").path

    func python(_ arguments: [String]) async throws -> String {
        let result = try await Command.run("/usr/bin/env", ["python3", Self.script] + arguments,
                                     environment: ProcessInfo.processInfo.environment, timeout: .seconds(60))
        guard result.status == 0 else { throw CommandError(description: "iam_enforced_moto.py \(arguments[0]): \(result.stderr)") }
        return result.stdout
    }

    @Test func leastPrivilegePolicyRunsBackfillAndWorkerAndRefusesTheRest() async throws {
        let port = freeLoopbackPort()
        let url = "http://127.0.0.1:\(port)"
        let server = try Command.start("/usr/bin/env", ["python3", Self.script, "serve", String(port)],
                                       environment: ProcessInfo.processInfo.environment)
        defer { server.process.terminate() }
        let started = await expectEventually("moto_server on port \(port) to start", timeout: .seconds(30)) {
            (try? await Stack.http.execute(.init(method: "GET", url: "\(url)/moto-api/data.json", timeout: .seconds(1))))?.status == 200
        }
        try #require(started, "moto_server on port \(port) did not start")

        let name = Stack.uniqueName("iam")
        let policy = Stack.root.appendingPathComponent("deploy/iam-policy.json").path
        let setup = try JSONDecoder().decode(Setup.self, from: Data(try await python(["setup", url, policy, name]).utf8))
        let table = name.replacingOccurrences(of: "-", with: "_")
        let database = PostgresClient(conninfo: Stack.database, logger: Stack.logger)
        defer { database.shutdown() }
        try await database.execute("CREATE TABLE \(table) (id SERIAL PRIMARY KEY, path VARCHAR)")

        let base = [
            "AWS_REGION": "us-east-1", "AWS_ENDPOINT_URL": url, "DB_CONN_STRING": Stack.database, "DB_TABLE": table,
            "S3_SOURCE_BUCKET_NAME": setup.source, "S3_DEST_BUCKET_NAME": setup.destination, "SQS_QUEUE_URL": setup.queue,
            "LOG_LEVEL": "warning", "AWS_EC2_METADATA_DISABLED": "true",
        ]
        func run(_ arguments: [String], _ credentials: [String: String]) async throws -> CommandResult {
            try await Command.run(Stack.binary, arguments, environment: base.merging(credentials) { $1 })
        }
        /// `arguments --json`: the summary object.
        func runJSON(_ arguments: [String], _ credentials: [String: String]) async throws -> JSONSummary {
            let result = try await run(arguments + ["--json"], credentials)
            return JSONSummary(status: result.status, stdout: result.stdout, stderr: result.stderr)
        }
        let user = ["AWS_ACCESS_KEY_ID": setup.mover_key, "AWS_SECRET_ACCESS_KEY": setup.mover_secret]
        let tokenFile = FileManager.default.temporaryDirectory.appendingPathComponent("\(name)-token").path
        try "eyJhbGciOiJSUzI1NiJ9.e30.sig".write(toFile: tokenFile, atomically: true, encoding: .utf8)
        let irsa = ["AWS_ROLE_ARN": setup.role_arn, "AWS_WEB_IDENTITY_TOKEN_FILE": tokenFile]

        // Seed before enforcement (seeding writes to the source, which the policy rightly forbids).
        #expect(try await run(["seed", "20"], ["AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"]).status == 0)
        _ = try await python(["enforce", url])

        // Enforcement is real: a wrong secret is refused.
        let forged = try await run(["verify"], ["AWS_ACCESS_KEY_ID": setup.mover_key, "AWS_SECRET_ACCESS_KEY": "forged"])
        #expect(forged.status == 3 && forged.stderr.contains("SignatureDoesNotMatch"), "\(forged.stderr)")

        // Backfill, then the worker draining the seed's 20 events, with the user's keys.
        let backfill = try await run(["backfill"], user)
        #expect(backfill.status == 0, "\(backfill.stderr)")
        let userWorker = try await runJSON(["worker", "--drain", "--wait-seconds", "1"], user)
        #expect(userWorker.status == 0, "\(userWorker.stderr)")
        // At-least-once: SQS may deliver a message twice, so at least 20 deletes, and none failed.
        #expect(userWorker["messages_deleted"] >= 20 && userWorker["failed"] == 0 && userWorker.object["failed"] != nil, "\(userWorker)")

        // The worker, as the role (IRSA), migrates 3 new uploads as they arrive.
        for number in 101...103 {
            try await database.execute("INSERT INTO \(table) (path) VALUES ($1)", ["image/avatar-\(number).png"])
            let upload = try await Command.run("/usr/bin/env", [
                "aws", "--endpoint-url", url, "s3", "cp", policy, "s3://\(setup.source)/image/avatar-\(number).png", "--quiet",
            ], environment: ProcessInfo.processInfo.environment.merging([
                "AWS_ACCESS_KEY_ID": setup.admin_key, "AWS_SECRET_ACCESS_KEY": setup.admin_secret, "AWS_DEFAULT_REGION": "us-east-1",
            ]) { $1 })
            #expect(upload.status == 0, "\(upload.stderr)")
        }
        // With METRICS_PORT, the worker also reads both queues' depth (the dead-letter gauge).
        let worker = try await runJSON(["worker", "--drain", "--wait-seconds", "1"],
                                       irsa.merging(["METRICS_PORT": String(freeLoopbackPort())]) { $1 })
        #expect(worker.status == 0, "\(worker.stderr)")
        #expect(!worker.stderr.contains("cannot read the queue depth"), "\(worker.stderr)")
        #expect(worker["messages_deleted"] >= 3 && worker["failed"] == 0 && worker.object["failed"] != nil, "\(worker)")

        let verify = try await runJSON(["verify"], irsa)
        #expect(verify.status == 0 && verify.object["complete"] as? Bool == true, "\(verify)")
        let paths = try await database.execute("SELECT path FROM \(table)").rows.compactMap { $0[0] }
        #expect(paths.count == 23 && paths.allSatisfy { $0.hasPrefix("avatar/") })

        // Everything outside the policy is refused.
        let denied = try JSONDecoder().decode([String: String].self, from: Data(
            try await python(["denied", url, setup.mover_key, setup.mover_secret, name]).utf8))
        #expect(denied.count == 6)
        for (action, answer) in denied {
            #expect(answer != "allowed", "\(action) should be denied")
        }

        // finalize: the worker's policy cannot delete (every object kept, as failed); the
        // FinalizeDeleteSource statement can, and deletes every migrated source object.
        let refused = try await runJSON(["finalize", "--delete-source", "--yes"], user)
        #expect(refused.status == 1 && refused["deleted"] == 0 && refused.object["deleted"] != nil, "\(refused)")
        #expect(refused["failed_by_code", "AccessDenied"] == 23, "\(refused)")
        let finalizer = ["AWS_ACCESS_KEY_ID": setup.finalizer_key, "AWS_SECRET_ACCESS_KEY": setup.finalizer_secret]
        let finalized = try await runJSON(["finalize", "--delete-source", "--yes"], finalizer)
        #expect(finalized.status == 0 && finalized["deleted"] == 23, "\(finalized)")
        _ = try? await database.execute("DROP TABLE \(table)")
    }
}
