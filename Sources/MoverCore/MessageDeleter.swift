import Logging

/// Deletes finished messages promptly, in DeleteMessageBatch calls of up to 10 formed from the
/// messages that finish while the previous call runs. Retries failed entries; what still fails is
/// reported and will be redelivered (harmless: the handler is idempotent).
final class MessageDeleter: Sendable {
    private let coalescer: Coalescer<QueueMessage, Bool>

    init(queue: any MessageQueue, tally: MigrationTally, logger: Logger) {
        coalescer = Coalescer(maxBatch: 10) { messages in
            var remaining = messages
            var refused: [QueueEntryFailure] = []  // entries a retry cannot delete (a stale receipt handle)
            for attempt in 1...3 where !remaining.isEmpty {
                do {
                    let failures = try await queue.delete(remaining)
                    refused += failures.filter { !$0.isRetryable }
                    remaining = failures.filter(\.isRetryable).map(\.message)
                } catch {
                    logger.warning("DeleteMessageBatch failed", metadata: ["error": "\(error)", "attempt": "\(attempt)"])
                }
                if !remaining.isEmpty && attempt < 3 { try? await Task.sleep(for: .milliseconds(100 * attempt)) }
            }
            let undeleted = remaining + refused.map(\.message)
            tally.recordMessages(deleted: messages.count - undeleted.count)
            if !undeleted.isEmpty {
                logger.warning("messages could not be deleted and will be redelivered", metadata: [
                    "message_ids": "\(undeleted.map(\.id).joined(separator: ","))",
                    "error_codes": "\(Set(refused.map(\.code)).sorted().joined(separator: ","))",
                ])
            }
            let failed = Set(undeleted.map(\.receiptHandle))
            return messages.map { !failed.contains($0.receiptHandle) }
        }
    }

    /// Deletes `message` (with others finishing meanwhile); returns whether it was deleted.
    @discardableResult
    func delete(_ message: QueueMessage) async -> Bool {
        (try? await coalescer.submit(message)) ?? false
    }
}
