import Synchronization

/// One batch's heartbeat state, shared by the tasks that settle its messages and the heartbeat
/// that keeps the rest invisible (``VisibilityHeartbeatStateMachine``).
final class PendingMessages: Sendable {
    private let machine: Mutex<VisibilityHeartbeatStateMachine>

    init(_ messages: [QueueMessage], visibility: Int) {
        machine = Mutex(VisibilityHeartbeatStateMachine(messages, visibility: visibility))
    }

    /// Runs `body` on the state machine, under its lock (never across a suspension).
    func withMachine<Result>(_ body: (inout VisibilityHeartbeatStateMachine) -> Result) -> Result {
        machine.withLock { body(&$0) }
    }
}
