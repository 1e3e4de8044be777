@testable import MoverCore
import Testing

/// Which finished messages a `DeleteMessageBatch` tries again and which it gives up, driven
/// answer by answer.
@Suite(.timeLimit(.minutes(2)))
struct DeletionAttemptsTests {
    let messages = (1...4).map { QueueMessage(id: "m\($0)", receiptHandle: "r\($0)", body: "{}") }

    @Test func everythingDeletedAtOnce() {
        var attempts = DeletionAttempts(messages)
        #expect(attempts.next() == .delete(messages, after: .zero))
        attempts.answered([])
        #expect(attempts.next() == .done(deleted: 4, undeleted: [], codes: []))
    }

    @Test func retryableEntriesAreTriedAgainAndRefusedOnesGivenUp() {
        var attempts = DeletionAttempts(messages)
        attempts.answered([QueueEntryFailure(message: messages[0], code: "InternalError", isRetryable: true),
                           QueueEntryFailure(message: messages[1], code: "ReceiptHandleIsInvalid", isRetryable: false)])
        #expect(attempts.next() == .delete([messages[0]], after: .milliseconds(100)))
        attempts.answered([])
        #expect(attempts.next() == .done(deleted: 3, undeleted: [messages[1]], codes: ["ReceiptHandleIsInvalid"]))
    }

    @Test func aFailingCallIsTriedThreeTimesInAllThenGivenUp() {
        var attempts = DeletionAttempts(messages)
        attempts.callFailed()
        #expect(attempts.next() == .delete(messages, after: .milliseconds(100)))
        attempts.callFailed()
        #expect(attempts.next() == .delete(messages, after: .milliseconds(200)))
        attempts.callFailed()
        #expect(attempts.next() == .done(deleted: 0, undeleted: messages, codes: []))
    }
}
