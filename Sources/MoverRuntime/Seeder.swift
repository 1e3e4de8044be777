public import AWS
public import MoverCore
public import Postgres
public import Logging

/// `seed N`: dummy data for trying s3-mover out: N PNG avatars in the source bucket and N rows.
public struct Seeder: Sendable {
    public let s3: S3Client
    public let database: PostgresClient
    /// Every target gets a row per avatar, in the source format.
    public let targets: PathTargets
    public let bucket: String
    public let mapper: KeyMapper
    public let concurrency: Int
    public let retry: RetryPolicy
    public let logger: Logger

    public init(s3: S3Client, database: PostgresClient, targets: PathTargets, bucket: String, mapper: KeyMapper,
                concurrency: Int = 64, retry: RetryPolicy = RetryPolicy(), logger: Logger) {
        self.s3 = s3
        self.database = database
        self.targets = targets
        self.bucket = bucket
        self.mapper = mapper
        self.concurrency = max(1, concurrency)
        self.retry = retry
        self.logger = logger
    }

    /// The key of avatar number `index`: `image/avatar-<index>.png`.
    public func key(_ index: Int) -> String {
        mapper.sourceListPrefix + "avatar-\(index)" + mapper.suffix
    }

    /// What was created.
    public struct Result: Sendable {
        public var uploaded: Int
        public var rowsInserted: Int
    }

    /// Creates the tables if missing, uploads avatars `first ..< first + count`, and inserts
    /// their rows in every target (skipping rows that already exist). Rows are written after
    /// their objects.
    public func run(count: Int, first: Int = 1) async throws -> Result {
        for table in targets.tables { try await database.execute(table.create) }
        var uploaded = 0
        var inserted = 0
        let indices = Array(first..<(first + count))
        for chunk in stride(from: 0, to: indices.count, by: 1000).map({ Array(indices[$0..<min($0 + 1000, indices.count)]) }) {
            try await withThrowingTaskGroup(of: Void.self) { group in
                var running = 0
                for index in chunk {
                    if running >= concurrency {
                        try await group.next()
                        running -= 1
                    }
                    running += 1
                    group.addTask { [s3, bucket, retry] in
                        let key = self.key(index)
                        try await retry.run {
                            try await s3.putObject(bucket: bucket, key: key, body: PNGAvatar.image(seed: index), contentType: "image/png")
                        }
                    }
                }
                try await group.waitForAll()
            }
            uploaded += chunk.count
            let values = postgresArrayLiteral(chunk.map { targets.sourceFormat.value(for: key($0)) })
            for table in targets.tables {
                inserted += try await retry.run { try await database.execute(table.insertMissing, [values]) }.affectedRows
            }
            logger.info("seeded", metadata: ["objects": "\(uploaded)", "rows": "\(inserted)", "of": "\(count)"])
        }
        return Result(uploaded: uploaded, rowsInserted: inserted)
    }
}
