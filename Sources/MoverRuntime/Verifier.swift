public import AWS
public import MoverCore
public import Postgres
public import Logging

/// `verify`: whether the migration is complete, computed in constant memory by merging sorted
/// streams (S3 listings in key order, rows in `COLLATE "C"` order).
public struct Verifier: Sendable {
    public let s3: S3Client
    public let database: PostgresClient
    public let table: AvatarTable
    public let sourceBucket: String
    public let destinationBucket: String
    public let mapper: KeyMapper
    public let retry: RetryPolicy
    public let logger: Logger
    /// How many example keys to keep per finding.
    public var sampleLimit = 10

    public init(s3: S3Client, database: PostgresClient, table: AvatarTable, sourceBucket: String, destinationBucket: String,
                mapper: KeyMapper, retry: RetryPolicy = RetryPolicy(), logger: Logger) {
        self.s3 = s3
        self.database = database
        self.table = table
        self.sourceBucket = sourceBucket
        self.destinationBucket = destinationBucket
        self.mapper = mapper
        self.retry = retry
        self.logger = logger
    }

    /// The findings.
    public struct Report: Sendable {
        /// Rows whose path is still under the source prefix.
        public var rowsAtSourcePath = 0
        public var rowsAtSourcePathSamples: [String] = []
        /// Rows under the destination prefix whose object does not exist.
        public var rowsMissingObject = 0
        public var rowsMissingObjectSamples: [String] = []
        /// Source objects (matching prefix and suffix) with no destination copy.
        public var objectsNotCopied = 0
        public var objectsNotCopiedSamples: [String] = []
        /// Rows checked under the destination prefix, and source objects checked.
        public var rowsChecked = 0
        public var sourceObjectsChecked = 0

        /// True when nothing is left to do.
        public var isComplete: Bool { rowsAtSourcePath == 0 && rowsMissingObject == 0 && objectsNotCopied == 0 }
    }

    /// Computes the report.
    public func run() async throws -> Report {
        var report = Report()
        let sourcePrefix = mapper.sourceListPrefix
        let destinationPrefix = mapper.destinationListPrefix

        // 1. Rows still at old paths.
        report.rowsAtSourcePath = Int(try await retry.run { try await database.execute(table.countWithPrefix, [sourcePrefix]) }.scalar ?? "0") ?? 0
        let samples = try await retry.run {
            try await database.execute(table.pathsWithPrefixPage, [sourcePrefix, nil, String(sampleLimit)])
        }
        report.rowsAtSourcePathSamples = samples.rows.compactMap { $0.first ?? nil }

        // 2. Migrated rows whose object is missing: rows ∖ destination listing.
        var rowsChecked = 0
        let rows = SortedKeyCursor { [database, table, retry] after in
            let page = try await retry.run {
                try await database.execute(table.pathsWithPrefixPage, [destinationPrefix, after, "1000"])
            }
            let keys = page.rows.compactMap { $0.first ?? nil }
            rowsChecked += keys.count
            return (keys, keys.count == 1000 ? keys.last : nil)
        }
        var missingSamples: [String] = []
        report.rowsMissingObject = try await SortedDifference.keys(in: rows, notIn: listing(destinationBucket, destinationPrefix)) { key in
            if missingSamples.count < sampleLimit { missingSamples.append(key) }
        }
        report.rowsMissingObjectSamples = missingSamples
        report.rowsChecked = rowsChecked

        // 3. Source objects not yet copied: mapped source listing ∖ destination listing.
        // Mapping replaces one prefix with another, so the mapped keys stay in byte order.
        var sourceChecked = 0
        let mappedSource = SortedKeyCursor { [s3, sourceBucket, mapper, retry] token in
            let page = try await retry.run {
                try await s3.listObjectsPage(bucket: sourceBucket, prefix: sourcePrefix, continuationToken: token)
            }
            let keys = page.objects.compactMap { mapper.destinationKey(for: $0.key) }
            sourceChecked += keys.count
            return (keys, page.nextContinuationToken)
        }
        var notCopied: [String] = []
        report.objectsNotCopied = try await SortedDifference.keys(in: mappedSource, notIn: listing(destinationBucket, destinationPrefix)) { key in
            if notCopied.count < sampleLimit { notCopied.append(mapper.sourceKey(for: key) ?? key) }
        }
        report.objectsNotCopiedSamples = notCopied
        report.sourceObjectsChecked = sourceChecked
        return report
    }

    private func listing(_ bucket: String, _ prefix: String) -> SortedKeyCursor {
        SortedKeyCursor { [s3, retry] token in
            let page = try await retry.run { try await s3.listObjectsPage(bucket: bucket, prefix: prefix, continuationToken: token) }
            return (page.objects.map(\.key), page.nextContinuationToken)
        }
    }
}
