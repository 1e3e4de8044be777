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
/// A record that fails because a dependency is down (a transient or throttling failure, after the
/// handler's own retries) is *held*: retried with capped backoff for up to ``maxHold``, while the
/// worker keeps the message invisible. An outage therefore costs no receive counts, and the
/// message completes as soon as the dependency is back. Failures that are the object's own
/// (access denied, source missing) give up at once and leave the message for redelivery.
public struct MessageProcessor: Sendable {
    public let sourceBucket: String
    public let handler: MigrationHandler
    public let tally: MigrationTally
    /// Records each record's result (tally, ledger, log).
    private let runner: ObjectRunner
    public let health: DependencyHealth
    public let logger: Logger
    /// How long one record may be held through an outage before its message is given up to redelivery.
    public var maxHold: Duration
    /// The longest pause between attempts while held.
    public var holdBackoffCap: Duration
    /// How long a copied object waits for its row to appear (see ``RowWait``); zero: not at all.
    public var rowWait: Duration

    /// - Parameter ledger: the audit trail (`--ledger`), one line per record.
    public init(sourceBucket: String, handler: MigrationHandler, tally: MigrationTally, ledger: (any MigrationLedger)? = nil,
                health: DependencyHealth = DependencyHealth(), logger: Logger, maxHold: Duration = .seconds(900),
                holdBackoffCap: Duration = .seconds(5), rowWait: Duration = .zero) {
        self.runner = ObjectRunner(tally: tally, ledger: ledger, logger: logger)
        self.sourceBucket = sourceBucket
        self.handler = handler
        self.tally = tally
        self.health = health
        self.logger = logger
        self.maxHold = maxHold
        self.holdBackoffCap = holdBackoffCap
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

    /// Runs the handler, holding the record through dependency outages.
    private func migrateHolding(_ event: ObjectEvent, facts: MigrationFacts,
                                waitingForRow: @escaping @Sendable () -> Void) async throws -> MigrationOutcome {
        let rowWait = rowWait > .zero ? RowWait(window: rowWait, began: waitingForRow) : nil
        return try await OutageHold(health: health, maxHold: maxHold, backoffCap: holdBackoffCap, logger: logger).run {
            try await handler.migrate(sourceKey: event.key, eTag: event.eTag, versionId: event.versionId, size: event.size,
                                      rowWait: rowWait, facts: facts)
        }
    }

    /// Returns nil when the record is done or skipped, or the failure's description.
    private func process(_ event: ObjectEvent, messageID: String, waitingForRow: @escaping @Sendable () -> Void) async -> String? {
        let facts = MigrationFacts(sourceKey: event.key)
        let result = await runner.run(facts, metadata: ["bucket": "\(event.bucket)", "message_id": "\(messageID)"]) {
            guard event.isObjectCreated else { return .skipped(.notObjectCreated) }
            guard event.bucket == sourceBucket else { return .skipped(.foreignBucket) }
            return try await migrateHolding(event, facts: facts, waitingForRow: waitingForRow)
        }
        guard let error = result.error else {
            if let eventTime = event.eventTime, let age = EventAge.since(eventTime) { MoverMetrics.eventCompleted(age: age) }
            return nil
        }
        return error.description
    }
}
