import Logging

/// Deletes finished messages promptly, in DeleteMessageBatch calls of up to 10 formed from the
/// messages that finish while the previous call runs. Retries failed entries; what still fails is
/// reported and will be redelivered (harmless: the handler is idempotent).
final class MessageDeleter: Sendable {
    private let coalescer: Coalescer<QueueMessage, Bool>

    init(queue: any MessageQueue, tally: MigrationTally, logger: Logger) {
        coalescer = Coalescer(maxBatch: 10) { messages in
            var attempts = DeletionAttempts(messages)
            while true {
                switch attempts.next() {
                case .delete(let batch, let pause):
                    if pause > .zero { try? await Task.sleep(for: pause) }
                    do {
                        attempts.answered(try await queue.delete(batch))
                    } catch {
                        attempts.callFailed()
                        logger.warning("DeleteMessageBatch failed", metadata: ["error": "\(error)", "attempt": "\(attempts.attempts)"])
                    }
                case .done(let deleted, let undeleted, let codes):
                    tally.recordMessages(deleted: deleted)
                    if !undeleted.isEmpty {
                        logger.warning("messages could not be deleted and will be redelivered", metadata: [
                            "message_ids": "\(undeleted.map(\.id).joined(separator: ","))",
                            "error_codes": "\(codes.joined(separator: ","))",
                        ])
                    }
                    let failed = Set(undeleted.map(\.receiptHandle))
                    return messages.map { !failed.contains($0.receiptHandle) }
                }
            }
        }
    }

    /// Deletes `message` (with others finishing meanwhile); returns whether it was deleted.
    @discardableResult
    func delete(_ message: QueueMessage) async -> Bool {
        (try? await coalescer.submit(message)) ?? false
    }
}
