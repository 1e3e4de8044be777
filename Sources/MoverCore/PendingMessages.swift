import Synchronization

/// The messages of one batch still in progress, which the heartbeat keeps invisible.
final class PendingMessages: Sendable {
    private let state: Mutex<[QueueMessage]>
    init(_ messages: [QueueMessage]) { state = Mutex(messages) }
    var messages: [QueueMessage] { state.withLock { $0 } }
    func remove(_ message: QueueMessage) { state.withLock { $0.removeAll { $0.receiptHandle == message.receiptHandle } } }
}
