public import AWS
public import CurlHTTP
public import Logging
public import MoverCore
public import Postgres
import ServiceLifecycle

/// The live clients of one run, built from ``Settings``. Call ``shutdown()`` when done.
public final class Runtime: Sendable {
    public let settings: Settings
    public let logger: Logger
    public let http: HTTPClient
    public let aws: AWSEnvironment
    public let credentials: any CredentialProvider
    /// Where the credentials come from (safe to log).
    public let credentialSource: String
    public let retry: RetryPolicy
    private let databaseClient: PostgresClient?
    /// The buckets' regions, shared by every S3 client of the run: each is looked up once.
    private let bucketRegions: S3BucketRegions

    /// Validates the AWS settings (and the database's, when `needsDatabase`) and starts the clients.
    public init(settings: Settings, logger: Logger, needsDatabase: Bool = true) throws {
        self.settings = settings
        self.logger = logger
        let profiles = try settings.awsProfiles()
        aws = try settings.awsEnvironment(profiles: profiles)
        let connectionString = needsDatabase ? try settings.connectionString() : nil
        let limits = try settings.sessionLimits()
        // Checked now, so that a bad value fails before anything starts.
        _ = try settings.copyOptions()
        _ = try settings.bucketAccess()
        bucketRegions = S3BucketRegions(try settings.bucketRegions())
        Self.raiseFileLimit(logger: logger)
        let http = HTTPClient()
        do {
            let resolved = try settings.credentials(aws: aws, profiles: profiles, http: http, logger: logger)
            credentials = resolved.provider
            credentialSource = resolved.source
        } catch {
            http.shutdown()
            throw error
        }
        self.http = http
        retry = RetryPolicy()
        databaseClient = connectionString.map { PostgresClient(conninfo: $0, logger: logger, limits: limits) }
        logger.debug("AWS credentials", metadata: ["source": "\(credentialSource)", "region": "\(aws.region)"])
    }

    /// Raises the soft `RLIMIT_NOFILE` to the hard limit and logs the limit in effect: containers
    /// often start at a soft 1024, which a busy copy engine plus a metrics port under a
    /// connection flood would exhaust.
    static func raiseFileLimit(logger: Logger) {
        let before = FileDescriptorLimit.current
        guard let after = FileDescriptorLimit.raiseSoftToHard() else {
            logger.warning("cannot read the open-file limit (RLIMIT_NOFILE)")
            return
        }
        var metadata: Logger.Metadata = ["soft": "\(after.soft)", "hard": "\(after.hard)"]
        if let before, before.soft != after.soft { metadata["raised_from"] = "\(before.soft)" }
        logger.info("open-file limit", metadata: metadata)
    }

    /// The S3 client.
    public func s3() throws -> S3Client {
        var configuration = try S3Client.Configuration(environment: aws)
        configuration.bucketAccess = try settings.bucketAccess()
        configuration.bucketRegions = bucketRegions
        return S3Client(configuration: configuration, credentials: credentials, http: http)
    }

    /// The SQS client.
    public func sqs() throws -> SQSClient {
        try SQSClient(environment: aws, credentials: credentials, http: http)
    }

    /// Whether this runtime has a database client.
    public var hasDatabase: Bool { databaseClient != nil }

    /// The database client; throws (`NoDatabase`) when the runtime was created without
    /// `needsDatabase`, a mode that does not use one.
    public func database() throws -> PostgresClient {
        guard let databaseClient else {
            throw RuntimeError("this mode runs without a database connection (DB_CONN_STRING is not read)", code: "NoDatabase")
        }
        return databaseClient
    }

    /// The columns that reference the objects, and how their values are made from keys.
    public func pathTargets() throws -> PathTargets { try settings.pathTargets() }

    /// The copy-then-update handler shared by the worker and the backfill.
    ///
    /// - Parameter pathIndexed: whether the path column has an index; without one, updates wait a
    ///   few milliseconds to form larger batches, since each statement scans the table.
    /// - Parameter window: the in-flight window that throttling narrows (AIMD); nil keeps it fixed.
    /// - Parameter health: marked by the handler's outage hold (its retry policy holds outages), so
    ///   that the caller starts no new work meanwhile.
    public func handler(pathIndexed: Bool = true, window: AdaptiveWindow? = nil,
                        health: DependencyHealth = DependencyHealth()) throws -> MigrationHandler {
        let copier = S3ObjectCopier(
            client: try s3(), sourceBucket: try settings.bucket(.sourceBucket),
            destinationBucket: try settings.bucket(.destinationBucket),
            multipartThreshold: try settings.bytes(.multipartThreshold, minimum: 1),
            partSize: try settings.bytes(.partSize, minimum: 5 * 1024 * 1024),
            options: try settings.copyOptions(), guards: WriteGuards(logger: logger))
        return MigrationHandler(
            mapper: try settings.keyMapper(), copier: copier,
            repointer: Self.repointer(try database(), try pathTargets(), back: false, linger: pathIndexed ? .zero : .milliseconds(10)),
            retry: retry.holding(through: OutageHold(health: health, logger: logger)), logger: logger, window: window)
    }

    /// The batched repointer over every target: source values to destination values, or (`back`,
    /// for `rollback`) the other way.
    static func repointer(_ database: PostgresClient, _ targets: PathTargets, back: Bool, linger: Duration = .zero) -> PostgresBatchRepointer {
        PostgresBatchRepointer(client: database, targets: targets,
                               from: back ? targets.destinationFormat : targets.sourceFormat,
                               to: back ? targets.sourceFormat : targets.destinationFormat, linger: linger)
    }

    /// Checks that the database answers and every target's table and column exist; throws a clear error if not.
    ///
    /// - Parameter tolerateOutage: when true (the worker), an unreachable database is only logged:
    ///   the worker holds its messages until the database is back.
    public func checkDatabase(tolerateOutage: Bool = false) async throws {
        for table in try pathTargets().tables {
            do {
                try await database().execute("SELECT \(table.column) FROM \(table.table) LIMIT 0")
            } catch let error as PostgresError where error.code == .connectionFailed && tolerateOutage {
                let redacted = ConnectionString.redacted((try? settings.connectionString()) ?? "")
                logger.warning("PostgreSQL is unreachable at start; messages will be held until it answers", metadata: [
                    "db": "\(redacted)", "error": "\(error.message)",
                ])
                return
            } catch let error as PostgresError where error.code == .connectionFailed || error.code == .authenticationFailed {
                throw RuntimeError(
                    "cannot connect to PostgreSQL with DB_CONN_STRING '\(ConnectionString.redacted(try settings.connectionString()))': \(error.message)",
                    code: "DatabaseUnreachable")
            } catch let error as PostgresError where error.sqlState == "42P01" || error.sqlState == "42703" {
                throw RuntimeError("\(table.table).\(table.column) does not exist (check DB_TARGETS, or DB_TABLE and DB_PATH_COLUMN): \(error.message)",
                                   code: "NoSuchColumn")
            }
        }
    }

    /// Warns loudly when no index leads with a target's column (each lookup then scans the whole
    /// table), or builds one with `CREATE INDEX CONCURRENTLY` when `create` is true.
    /// - Returns: whether every target's column is indexed now.
    @discardableResult
    public func checkPathIndex(create: Bool) async -> Bool {
        guard let targets = try? pathTargets() else { return false }
        var indexed = true
        for table in targets.tables where !(await checkPathIndex(table, create: create)) { indexed = false }
        return indexed
    }

    private func checkPathIndex(_ table: AvatarTable, create: Bool) async -> Bool {
        do {
            let parameters: [String?] = [table.table.quoted, table.column.raw.lowercased()]
            let present = try await database().execute(table.hasPathIndex, parameters).scalar == "t"
            if present { return true }
            // Names from the catalogue, quoted by format('%I.%I'): identifiers, not values.
            let invalid = try await database().execute(table.invalidPathIndexes, parameters).rows.compactMap { $0[0] }
            if create {
                for index in invalid {
                    logger.notice("dropping an INVALID index left by an interrupted CREATE INDEX CONCURRENTLY", metadata: ["index": "\(index)"])
                    try await database().execute("DROP INDEX CONCURRENTLY IF EXISTS \(index)")
                }
                logger.notice("creating an index on the path column (CREATE INDEX CONCURRENTLY); writes continue meanwhile",
                              metadata: ["table": "\(table.table)", "column": "\(table.column)"])
                try await database().execute(table.createPathIndex)
                logger.notice("index created")
                return true
            } else {
                logger.warning("""
                    NO \(invalid.isEmpty ? "" : "VALID ")INDEX on \(table.table.raw).\(table.column.raw)\
                    \(invalid.isEmpty ? "" : " (INVALID, left by an interrupted CREATE INDEX CONCURRENTLY: \(invalid.joined(separator: ", ")))"): \
                    every update and lookup scans the whole table. \
                    Updates are batched to soften this, but add an index (rerun with --create-index, which uses \
                    CREATE INDEX CONCURRENTLY) before migrating a large table.
                    """)
            }
        } catch {
            logger.warning("could not check or create the path index", metadata: ["error": "\(error)"])
        }
        return false
    }

    /// Runs a start-up check, retrying transient failures (an endpoint that is down or answering
    /// 5xx) with capped backoff; permanent failures (access denied, no such queue) throw. Returns
    /// nil when graceful shutdown (SIGTERM) comes first.
    public func untilAvailable<T: Sendable>(_ what: String, _ check: @escaping @Sendable () async throws -> T) async throws -> T? {
        let backoff = Backoff(initial: .milliseconds(500), cap: .seconds(20), jitter: 1...1)
        var attempt = 0
        while !Task.isShuttingDownGracefully {
            do {
                return try await cancelWhenGracefulShutdown { try await check() }
            } catch where error.failureClass != .permanent || Task.isShuttingDownGracefully {
                if Task.isShuttingDownGracefully { return nil }
                attempt += 1
                let pause = backoff.delay(attempt: attempt)
                logger.warning("\(what) is not available yet; retrying", metadata: ["error": "\(error)", "retry_in": "\(pause)"])
                try? await cancelWhenGracefulShutdown { try await Task.sleep(for: pause) }
            }
        }
        return nil
    }

    /// For `/healthz`: false, with a reason, once a database call has run longer than its
    /// statement timeout plus a margin, which no healthy call does (a half-open connection, say).
    public func databaseLiveness() -> (alive: Bool, detail: String?) {
        guard let databaseClient, let running = databaseClient.currentCallDuration else { return (true, nil) }
        let bound = ((try? settings.sessionLimits().statementTimeout) ?? .seconds(120)) + .seconds(30)
        guard running > bound else { return (true, nil) }
        return (false, "a database call has been running for \(running.components.seconds) s (bound \(bound.components.seconds) s)")
    }

    /// Stops the HTTP engine and closes the database connection.
    public func shutdown() {
        http.shutdown()
        databaseClient?.shutdown()
    }
}

/// A failure worth one clear line to the operator.
public struct RuntimeError: Error, Sendable, CustomStringConvertible {
    public var description: String
    /// What went wrong, for metrics and reports (`DatabaseUnreachable`, `NoSuchColumn`).
    public var code: String
    public init(_ description: String, code: String) {
        self.description = description
        self.code = code
    }
}
