public import AWS
public import MoverCore
public import Postgres
public import Logging

/// `verify`: whether the migration is complete, computed in constant memory by merging sorted
/// streams (S3 listings in key order, rows in `COLLATE "C"` order).
public struct Verifier: Sendable {
    public let s3: S3Client
    public let database: PostgresClient
    public let targets: PathTargets
    public let sourceBucket: String
    public let destinationBucket: String
    public let mapper: KeyMapper
    public let retry: RetryPolicy
    public let logger: Logger
    /// Both buckets, as one pair's reads see them.
    private var buckets: BucketPair { BucketPair(s3: s3, source: sourceBucket, destination: destinationBucket, retry: retry) }
    /// How many example keys to keep per finding.
    public var sampleLimit = 10
    /// With `deep`: how many pairs are compared at once (their `HeadObject`s, and with `read`
    /// their bytes: each pair being read holds one 4 MiB range in memory).
    public var concurrency = 4

    public init(s3: S3Client, database: PostgresClient, targets: PathTargets, sourceBucket: String, destinationBucket: String,
                mapper: KeyMapper, retry: RetryPolicy = RetryPolicy(), logger: Logger) {
        self.s3 = s3
        self.database = database
        self.targets = targets
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
        /// With `deep`: source/copy pairs compared, and those not identical (``CopyProof``).
        public var deep = false
        public var pairsCompared = 0
        public var copiesNotIdentical = 0
        /// `source key: reason`.
        public var copiesNotIdenticalSamples: [String] = []
        /// With `deep`: pairs whose sizes agree but nothing else compares (no MD5 ETag, no
        /// full-object checksum on both sides), not read: **unproven**, not complete.
        public var copiesUnproven = 0
        /// `source key: reason`.
        public var copiesUnprovenSamples: [String] = []
        /// With `read`: pairs whose bytes were read and hashed, both sides.
        public var pairsRead = 0
        public var read = false

        /// True when nothing is left to do: every row repointed at an existing copy, and (with
        /// `deep`) every copy proven identical by its content.
        public var isComplete: Bool {
            rowsAtSourcePath == 0 && rowsMissingObject == 0 && objectsNotCopied == 0 && copiesNotIdentical == 0 && copiesUnproven == 0
        }
    }

    /// Computes the report.
    ///
    /// - Parameter deep: also compare every source object with its copy: the listings' sizes
    ///   and ETags, and, where those do not settle it (multipart or SSE-KMS ETags, differing
    ///   ETags), both objects' `HeadObject` with their checksums.
    /// - Parameter read: with `deep`, read and hash both objects of every pair that nothing but
    ///   the size compares (in bounded memory, one chunk at a time), turning unproven into
    ///   proven or different.
    public func run(deep: Bool = false, read: Bool = false) async throws -> Report {
        var report = Report()
        report.deep = deep
        report.read = read
        let sourcePrefix = mapper.sourceListPrefix
        let destinationPrefix = mapper.destinationListPrefix

        // 1. Rows still at old paths (values in the source format, in every target).
        let sourceValues = targets.sourceFormat.valuePrefix(forKeysStartingWith: sourcePrefix)
        report.rowsAtSourcePath = Int(try await retry.run { try await database.execute(targets.countWithPrefix, [sourceValues]) }.scalar ?? "0") ?? 0
        let samples = try await retry.run {
            try await database.execute(targets.pathsWithPrefixPage, [sourceValues, nil, String(sampleLimit)])
        }
        report.rowsAtSourcePathSamples = samples.rows.compactMap { $0.first ?? nil }

        // 2. Migrated rows whose object is missing: rows ∖ destination listing. The values share
        // the format's prefix, so their keys come in the same byte order.
        var rowsChecked = 0
        let destinationValues = targets.destinationFormat.valuePrefix(forKeysStartingWith: destinationPrefix)
        let rows = SortedKeyCursor { [database, targets, retry] after in
            let page = try await retry.run {
                try await database.execute(targets.pathsWithPrefixPage, [destinationValues, after, "1000"])
            }
            let values = page.rows.compactMap { $0.first ?? nil }
            rowsChecked += values.count
            return (values.compactMap(targets.destinationFormat.key(from:)), values.count == 1000 ? values.last : nil)
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
        if deep { try await compareCopies(&report, read: read) }
        return report
    }

    /// Step 4 (`--deep`): every source object that has a copy, compared with it. Constant
    /// memory: the two listings are merged; only pairs the listings cannot settle cost requests.
    private func compareCopies(_ report: inout Report, read: Bool) async throws {
        let mappedSource = SortedCursor<S3ObjectSummary> { [s3, sourceBucket, mapper, retry] token in
            let page = try await retry.run {
                try await s3.listObjectsPage(bucket: sourceBucket, prefix: mapper.sourceListPrefix, continuationToken: token)
            }
            return (page.objects.compactMap { object in mapper.destinationKey(for: object.key).map {
                S3ObjectSummary(key: $0, size: object.size, eTag: object.eTag, storageClass: object.storageClass)
            } }, page.nextContinuationToken)
        }
        let destination = SortedCursor<S3ObjectSummary> { [s3, destinationBucket, mapper, retry] token in
            let page = try await retry.run {
                try await s3.listObjectsPage(bucket: destinationBucket, prefix: mapper.destinationListPrefix, continuationToken: token)
            }
            return (page.objects, page.nextContinuationToken)
        }
        var compared = 0, differing = 0, unproven = 0, readPairs = 0
        var samples: [String] = [], unprovenSamples: [String] = []
        var lastProgress = ContinuousClock.now
        func record(_ verdict: (sourceKey: String, proof: CopyProof, read: Bool)) {
            compared += 1
            if verdict.read { readPairs += 1 }
            switch verdict.proof {
            case .identical: break
            case .unproven(let reason):
                unproven += 1
                if unprovenSamples.count < sampleLimit { unprovenSamples.append("\(verdict.sourceKey): \(reason)") }
            case .different(let reason):
                differing += 1
                if samples.count < sampleLimit { samples.append("\(verdict.sourceKey): \(reason)") }
                logger.warning("copy is not identical to its source", metadata: ["key": "\(verdict.sourceKey)", "reason": "\(reason)"])
            }
            if read, ContinuousClock.now - lastProgress > .seconds(10) {
                lastProgress = ContinuousClock.now
                logger.info("verify --read: comparing pairs", metadata: ["pairs_compared": "\(compared)", "pairs_read": "\(readPairs)"])
            }
        }
        // At most `concurrency` pairs in flight; the merge of the listings waits for a slot.
        try await withThrowingTaskGroup(of: (sourceKey: String, proof: CopyProof, read: Bool).self) { group in
            var running = 0
            try await SortedDifference.pairs(mappedSource, destination, key: \.key) { source, copy in
                if running >= max(1, concurrency), let done = try await group.next() {
                    record(done)
                    running -= 1
                }
                group.addTask { [self] in try await verdict(source, copy, read: read) }
                running += 1
            }
            while let done = try await group.next() { record(done) }
        }
        samples.sort()
        unprovenSamples.sort()
        report.pairsCompared = compared
        report.copiesNotIdentical = differing
        report.copiesNotIdenticalSamples = samples
        report.copiesUnproven = unproven
        report.copiesUnprovenSamples = unprovenSamples
        report.pairsRead = readPairs
    }

    /// The verdict on one pair, reading both objects when nothing but the size compares and `read` is set.
    private func verdict(_ source: S3ObjectSummary, _ copy: S3ObjectSummary, read: Bool) async throws
        -> (sourceKey: String, proof: CopyProof, read: Bool) {
        let sourceKey = mapper.sourceKey(for: source.key) ?? source.key
        let proof = try await proof(sourceKey: sourceKey, source, copy)
        guard case .unproven = proof, read else { return (sourceKey, proof, false) }
        let content = try await buckets.compareContent(sourceKey: sourceKey, sourceSize: source.size,
                                                       destinationKey: copy.key, destinationSize: copy.size)
        return (sourceKey, content, true)
    }

    /// The verdict on one pair. The listings decide when the sizes differ, or when both ETags
    /// are the same single-part MD5; anything else is read with `HeadObject` and its checksums.
    private func proof(sourceKey: String, _ source: S3ObjectSummary, _ copy: S3ObjectSummary) async throws -> CopyProof {
        if source.size != copy.size { return .different("size \(copy.size) is not the source's \(source.size)") }
        // The same single-part ETag on both: an MD5 of the same content (SSE-KMS ETags are
        // random per object, so two never agree by chance).
        if let a = source.eTag.flatMap(ETag.init), let b = copy.eTag.flatMap(ETag.init), !a.isMultipart, a == b { return .identical(by: "ETag") }
        let heads = try await buckets.heads(sourceKey: sourceKey, destinationKey: copy.key)
        guard let sourceHead = heads.source, let copyHead = heads.destination else { return .identical(by: "gone meanwhile") }  // nothing to compare
        return CopyProof.compare(source: S3ObjectCopier.fingerprint(sourceHead), copy: S3ObjectCopier.fingerprint(copyHead))
    }

    private func listing(_ bucket: String, _ prefix: String) -> SortedKeyCursor {
        SortedKeyCursor { [s3, retry] token in
            let page = try await retry.run { try await s3.listObjectsPage(bucket: bucket, prefix: prefix, continuationToken: token) }
            return (page.objects.map(\.key), page.nextContinuationToken)
        }
    }
}
