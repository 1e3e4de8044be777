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
public struct MessageProcessor: Sendable {
    public let sourceBucket: String
    public let handler: MigrationHandler
    public let tally: MigrationTally
    public let logger: Logger

    public init(sourceBucket: String, handler: MigrationHandler, tally: MigrationTally, logger: Logger) {
        self.sourceBucket = sourceBucket
        self.handler = handler
        self.tally = tally
        self.logger = logger
    }

    /// Processes `message`. Never throws: failures become ``MessageDisposition/keep(reason:)``.
    public func process(_ message: QueueMessage) async -> MessageDisposition {
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
                if let failure = await process(event, messageID: message.id) { failures.append(failure) }
            }
            return failures.isEmpty ? .delete : .keep(reason: failures.joined(separator: "; "))
        }
    }

    /// Returns nil when the record is done or skipped, or the failure's description.
    private func process(_ event: ObjectEvent, messageID: String) async -> String? {
        let outcome: MigrationOutcome
        if !event.isObjectCreated {
            outcome = .skipped(.notObjectCreated)
        } else if event.bucket != sourceBucket {
            outcome = .skipped(.foreignBucket)
        } else {
            do {
                outcome = try await handler.migrate(sourceKey: event.key, eTag: event.eTag, versionId: event.versionId)
            } catch let error as MigrationError {
                tally.recordFailure(code: error.code)
                logger.warning("object failed; message kept for redelivery", metadata: [
                    "key": "\(event.key)", "step": "\(error.step.rawValue)", "error_code": "\(error.code)",
                    "error": "\(error.underlying)", "message_id": "\(messageID)",
                ])
                return error.description
            } catch {
                tally.recordFailure(code: error.failureCode)
                return "\(event.key): \(error)"
            }
        }
        tally.record(outcome)
        logger.debug("object processed", metadata: ["key": "\(event.key)", "bucket": "\(event.bucket)", "outcome": "\(outcome.label)"])
        return nil
    }
}
