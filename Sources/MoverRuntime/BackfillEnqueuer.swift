import FoundationEssentials
public import AWS
public import MoverCore

/// `backfill --enqueue`: instead of copying, puts one synthetic S3 event per object on the queue
/// (`SendMessageBatch`, 10 at a time), so a fleet of workers shares the backfill.
public final class BackfillEnqueuer: Sendable {
    private let coalescer: Coalescer<String, SQSBatchFailure?>
    private let sourceBucket: String
    private let mapper: KeyMapper

    public init(sqs: SQSClient, queueURL: String, sourceBucket: String, mapper: KeyMapper) {
        self.sourceBucket = sourceBucket
        self.mapper = mapper
        coalescer = Coalescer(maxBatch: 10) { bodies in
            let entries = bodies.enumerated().map { (id: "e\($0.offset)", body: $0.element) }
            let failures = try await sqs.sendMessageBatch(queueURL: queueURL, entries: entries)
            let byID = Dictionary(failures.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
            return entries.map { byID[$0.id] }
        }
    }

    /// Enqueues an event for `object` (objects that are not ours are skipped here already).
    public func process(_ object: SourceObject) async throws -> MigrationOutcome {
        if mapper.isDestinationKey(object.key) { return .skipped(.destinationKey) }
        guard mapper.destinationKey(for: object.key) != nil else { return .skipped(.notSourceKey) }
        let time = Date.now.formatted(.iso8601)
        let body = SyntheticEvent.body(bucket: sourceBucket, key: object.key, size: object.size, eTag: object.eTag, eventTime: time)
        if let failure = try await coalescer.submit(body) {
            throw MigrationError(step: .copy, key: object.key, code: failure.code, underlying: "SendMessageBatch: \(failure.message)",
                                 failureClass: failure.senderFault ? .permanent : .transient)
        }
        return .enqueued
    }
}
