public import Logging

/// What to do with a message after processing it.
public enum MessageDisposition: Sendable, Hashable {
    /// Every record is done or skipped for a stated reason: delete the message.
    case delete
    /// Leave the message for redelivery (and, eventually, the dead-letter queue).
    case keep(reason: String)
}

/// Decides the fate of one queue message: parses it, runs each record through the handler, and
/// says whether the message may be deleted.
///
/// A record whose dependency is down is held by the handler's retry policy (its ``OutageHold``)
/// while the worker keeps the message invisible: an outage costs no receive counts, and the
/// message completes as soon as the dependency is back. Failures that are the object's own
/// (access denied, source missing) give up at once and leave the message for redelivery.
public struct MessageProcessor: Sendable {
    public let sourceBucket: String
    public let handler: MigrationHandler
    public let tally: MigrationTally
    /// Records each record's result (tally, ledger, log).
    private let runner: ObjectRunner
    public let logger: Logger
    /// How long a copied object waits for its row to appear (see ``RowWait``); zero: not at all.
    public var rowWait: Duration

    /// - Parameter ledger: the audit trail (`--ledger`), one line per record.
    public init(sourceBucket: String, handler: MigrationHandler, tally: MigrationTally, ledger: (any MigrationLedger)? = nil,
                logger: Logger, rowWait: Duration = .zero) {
        self.runner = ObjectRunner(tally: tally, ledger: ledger, logger: logger)
        self.sourceBucket = sourceBucket
        self.handler = handler
        self.tally = tally
        self.logger = logger
        self.rowWait = rowWait
    }

    /// Processes `message`. Never throws: failures become ``MessageDisposition/keep(reason:)``.
    ///
    /// - Parameter waitingForRow: told (possibly more than once) when a record starts waiting for
    ///   its row, so the caller can free the message's processing capacity meanwhile.
    public func process(_ message: QueueMessage, waitingForRow: @escaping @Sendable () -> Void = {}) async -> MessageDisposition {
        switch EventParser.parse(message.body) {
        case .testEvent:
            tally.record(.skipped(.testEvent))
            logger.info("s3:TestEvent acknowledged", metadata: ["message_id": "\(message.id)"])
            return .delete
        case .malformed(let reason):
            tally.recordMessages(malformed: 1)
            logger.warning("malformed message left for the dead-letter queue", metadata: [
                "message_id": "\(message.id)", "reason": "\(reason)", "receive_count": "\(message.receiveCount)",
            ])
            return .keep(reason: "malformed: \(reason)")
        case .events(let events):
            var failures: [String] = []
            for event in events {
                if let failure = await process(event, messageID: message.id, waitingForRow: waitingForRow) { failures.append(failure) }
            }
            return failures.isEmpty ? .delete : .keep(reason: failures.joined(separator: "; "))
        }
    }

    /// Runs the handler for one record (its retry policy holds it through dependency outages).
    private func migrate(_ event: ObjectEvent, facts: MigrationFacts,
                         waitingForRow: @escaping @Sendable () -> Void) async throws -> MigrationOutcome {
        let rowWait = rowWait > .zero ? RowWait(window: rowWait, began: waitingForRow) : nil
        return try await handler.migrate(sourceKey: event.key, eTag: event.eTag, versionId: event.versionId, size: event.size,
                                         rowWait: rowWait, facts: facts)
    }

    /// Returns nil when the record is done or skipped, or the failure's description.
    private func process(_ event: ObjectEvent, messageID: String, waitingForRow: @escaping @Sendable () -> Void) async -> String? {
        let facts = MigrationFacts(sourceKey: event.key)
        let result = await runner.run(facts, metadata: ["bucket": "\(event.bucket)", "message_id": "\(messageID)"]) {
            guard event.isObjectCreated else { return .skipped(.notObjectCreated) }
            guard event.bucket == sourceBucket else { return .skipped(.foreignBucket) }
            return try await migrate(event, facts: facts, waitingForRow: waitingForRow)
        }
        guard let error = result.error else {
            if let eventTime = event.eventTime, let age = EventAge.since(eventTime) { MoverMetrics.eventCompleted(age: age) }
            return nil
        }
        return error.description
    }
}
