import AWS
import Foundation
import Logging
import Postgres

/// One test's private world: two buckets, a table, and (on moto) a queue with a dead-letter
/// queue and the source bucket's notification configuration.
struct Fixture {
    let name: String
    let server: S3Server
    let sourceBucket: String
    let destinationBucket: String
    let table: String
    var queueURL: String?
    var deadLetterURL: String?
    /// This fixture's S3 and SQS, retried on transient answers.
    let s3: TestS3
    let sqs: TestSQS
    let database: PostgresClient

    /// Creates the buckets and the table (empty); with `queue`, the queue, DLQ and notification too.
    static func make(_ label: String, server: S3Server = .moto, queue: Bool = false, visibilityTimeout: Int = 2,
                     maxReceiveCount: Int = 2) async throws -> Fixture {
        guard let scope = FixtureScope.current else {
            throw CommandError(description: "Fixture.make outside a suite with .tearsDownFixtures: nobody would tear it down")
        }
        let name = Stack.uniqueName(label)
        let endpoint = try Endpoint(parsing: server.endpoint, setting: "test")
        let credentials = StaticCredentialProvider(server.credentials)
        let s3 = TestS3(S3Client(configuration: .init(endpoint: endpoint, region: "us-east-1", usePathStyle: true),
                                 credentials: credentials, http: Stack.http))
        let sqs = TestSQS(SQSClient(endpoint: try Endpoint(parsing: Stack.moto, setting: "test"), region: "us-east-1",
                                    credentials: StaticCredentialProvider(S3Server.moto.credentials), http: Stack.http))
        var fixture = Fixture(
            name: name, server: server, sourceBucket: "\(name)-src", destinationBucket: "\(name)-dst",
            table: name.replacingOccurrences(of: "-", with: "_"), queueURL: nil, deadLetterURL: nil, s3: s3, sqs: sqs,
            database: PostgresClient(conninfo: Stack.database, logger: Stack.logger))
        scope.add(fixture)  // teardown needs only the table and the database client
        try await s3.createBucket(fixture.sourceBucket)
        try await s3.createBucket(fixture.destinationBucket)
        try await fixture.database.execute("CREATE TABLE \(fixture.table) (id SERIAL PRIMARY KEY, path VARCHAR)")
        if queue {
            let dlq = try await sqs.createQueue(name: "\(name)-dlq")
            let dlqArn = try await sqs.queueAttributes(queueURL: dlq, names: ["QueueArn"])["QueueArn"] ?? ""
            let redrive = #"{"deadLetterTargetArn":"\#(dlqArn)","maxReceiveCount":"\#(maxReceiveCount)"}"#
            let url = try await sqs.createQueue(name: name,
                                                attributes: ["VisibilityTimeout": "\(visibilityTimeout)", "RedrivePolicy": redrive])
            fixture.queueURL = url
            fixture.deadLetterURL = dlq
            if server == .moto {
                let arn = try await sqs.queueAttributes(queueURL: url, names: ["QueueArn"])["QueueArn"] ?? ""
                try await fixture.configureNotifications(queueArn: arn)
            }
        }
        return fixture
    }

    /// Points the source bucket's ObjectCreated notifications (prefix image/, suffix .png) at the queue.
    func configureNotifications(queueArn: String) async throws {
        let configuration = """
        {"QueueConfigurations":[{"QueueArn":"\(queueArn)","Events":["s3:ObjectCreated:*"],
        "Filter":{"Key":{"FilterRules":[{"Name":"prefix","Value":"image/"},{"Name":"suffix","Value":".png"}]}}}]}
        """
        let result = try await Command.run("/usr/bin/env", [
            "aws", "--endpoint-url", Stack.moto, "s3api", "put-bucket-notification-configuration",
            "--bucket", sourceBucket, "--notification-configuration", configuration,
        ], environment: ProcessInfo.processInfo.environment.merging([
            "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1",
        ]) { _, new in new })
        guard result.status == 0 else { throw CommandError(description: "put-bucket-notification-configuration: \(result.stderr)") }
    }

    /// Runs the AWS CLI against moto (bucket versioning, say).
    func aws(_ arguments: [String]) async throws {
        let result = try await Command.run("/usr/bin/env", ["aws", "--endpoint-url", Stack.moto] + arguments,
                                           environment: ProcessInfo.processInfo.environment.merging([
            "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1",
        ]) { _, new in new })
        guard result.status == 0 else { throw CommandError(description: "aws \(arguments.prefix(2)): \(result.stderr)") }
    }

    /// The environment the binary runs with.
    var environment: [String: String] {
        var environment: [String: String] = [
            "AWS_ACCESS_KEY_ID": server.credentials.accessKeyId,
            "AWS_SECRET_ACCESS_KEY": server.credentials.secretAccessKey,
            "AWS_REGION": "us-east-1",
            "AWS_ENDPOINT_URL": Stack.moto,
            "AWS_ENDPOINT_URL_S3": server.endpoint,
            "DB_CONN_STRING": Stack.database,
            "DB_TABLE": table,
            "S3_SOURCE_BUCKET_NAME": sourceBucket,
            "S3_DEST_BUCKET_NAME": destinationBucket,
            "LOG_LEVEL": "warning",
            // Most tests upload objects that no row references; they would each wait out the default 300 s.
            "ROW_WAIT_SECONDS": "0",
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
        ]
        if server == .rclone {
            // SQS stays on moto, with moto's credentials... which rclone would reject. Tests on rclone use no queue.
            environment["AWS_ENDPOINT_URL"] = server.endpoint
        }
        if let queueURL { environment["SQS_QUEUE_URL"] = queueURL }
        return environment
    }

    /// Runs `s3-mover` with `arguments` and this fixture's environment.
    func run(_ arguments: [String], overriding: [String: String?] = [:], timeout: Duration = .seconds(120)) async throws -> CommandResult {
        var environment = self.environment
        for (key, value) in overriding { environment[key] = value }
        return try await Command.run(Stack.binary, arguments, environment: environment, timeout: timeout)
    }

    /// Runs a command with `--json` and returns its summary object (with its exit status and
    /// stderr), for tests that assert on counts rather than on the human-readable lines.
    func runJSON(_ arguments: [String], overriding: [String: String?] = [:], timeout: Duration = .seconds(120)) async throws -> JSONSummary {
        let result = try await run(arguments + ["--json"], overriding: overriding, timeout: timeout)
        let summary = JSONSummary(status: result.status, stdout: result.stdout, stderr: result.stderr)
        guard !summary.object.isEmpty else {
            throw CommandError(description: "\(arguments) --json printed no JSON object (exit \(result.status)): \(result.stdout)\(result.stderr)")
        }
        return summary
    }

    /// Every path in the table, sorted.
    func paths() async throws -> [String] {
        try await database.execute("SELECT path FROM \(table) ORDER BY path COLLATE \"C\"").rows.compactMap { $0[0] }
    }

    func insertRows(_ paths: [String]) async throws {
        for path in paths { try await database.execute("INSERT INTO \(table) (path) VALUES ($1)", [path]) }
    }

    /// Uploads one small PNG-typed object per key (its bytes are the key's) to the source
    /// bucket, at most `inFlight` at once: moto answers each on a new connection, and hundreds
    /// at once overflow its listen backlog on a loaded machine (connects time out).
    func putAvatars(_ keys: [String], inFlight: Int = 16) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (index, key) in keys.enumerated() {
                if index >= inFlight { try await group.next() }
                group.addTask { try await self.s3.putObject(bucket: self.sourceBucket, key: key, body: Array(key.utf8), contentType: "image/png") }
            }
            try await group.waitForAll()
        }
    }

    /// Every key in a bucket, in listing order.
    func keys(in bucket: String) async throws -> [String] {
        var keys: [String] = []
        for try await page in s3.listObjects(bucket: bucket) { keys += page.objects.map(\.key) }
        return keys
    }

    /// The bodies of every message in a queue, received and left invisible (30 s) so that each
    /// is read once; for a dead-letter queue no worker polls.
    func drainedBodies(_ url: String) async throws -> [String] {
        var bodies: [String] = []
        while true {
            let batch = try await sqs.receiveMessages(queueURL: url, maxMessages: 10, waitSeconds: 1, visibilityTimeout: 30)
            if batch.isEmpty { return bodies }
            bodies += batch.map(\.body)
        }
    }

    /// Messages waiting in a queue (visible + in flight).
    func depth(_ url: String) async throws -> Int {
        let attributes = try await sqs.queueAttributes(queueURL: url, names: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"])
        return (Int(attributes["ApproximateNumberOfMessages"] ?? "0") ?? 0) + (Int(attributes["ApproximateNumberOfMessagesNotVisible"] ?? "0") ?? 0)
    }

    /// A second table of this fixture's (`<table>_<suffix>`), dropped with it.
    func companionTable(_ suffix: String) -> String { "\(table)_\(suffix)" }

    func tearDown() async {
        _ = try? await database.execute("DROP TABLE IF EXISTS \(table), \(companionTable("users"))")
        database.shutdown()
    }
}

/// A command's `--json` summary.
struct JSONSummary: Sendable, CustomStringConvertible {
    var status: Int32
    var stdout: String
    var stderr: String

    /// The printed object (empty when stdout is not one).
    var object: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(stdout.utf8)) as? [String: Any]) ?? [:] }

    /// The count under `key` (0 when absent).
    subscript(_ key: String) -> Int { object[key] as? Int ?? 0 }
    /// A count inside an object of counts (`skipped_by_reason`, `failed_by_code`).
    subscript(_ key: String, _ inner: String) -> Int { (object[key] as? [String: Any])?[inner] as? Int ?? 0 }
    var description: String { "exit \(status): \(stdout)\n\(stderr)" }
}
