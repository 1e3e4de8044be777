@testable import MoverCore
import Testing

/// The heartbeat's decisions, driven event by event: no queue, no clock, no task.
@Suite(.timeLimit(.minutes(2)))
struct VisibilityHeartbeatStateMachineTests {
    typealias Machine = VisibilityHeartbeatStateMachine

    static let batch = (1...4).map { QueueMessage(id: "m\($0)", receiptHandle: "r\($0)", body: "{}") }

    static func refused(_ index: Int, _ code: String, retryable: Bool) -> QueueEntryFailure {
        QueueEntryFailure(message: batch[index], code: code, isRetryable: retryable)
    }

    @Test(arguments: [(30, Duration.seconds(10)), (300, .seconds(100)), (1, .seconds(1) / 3), (0, .seconds(1) / 3)])
    func everyMessageInProgressIsExtendedEveryThirdOfTheTimeout(visibility: Int, pause: Duration) {
        var machine = Machine(Self.batch, visibility: visibility)
        #expect(machine.firstPause == pause)
        #expect(machine.next() == .extend(Self.batch, seconds: max(1, visibility)))
        let answer = machine.extended(failures: [])
        #expect(answer == .init(pause: machine.interval))
    }

    @Test func settledMessagesAreNotExtendedAndTheLastOneStopsTheHeartbeat() {
        var machine = Machine(Self.batch, visibility: 30)
        machine.settled(Self.batch[1])
        machine.settled(Self.batch[3])
        #expect(machine.next() == .extend([Self.batch[0], Self.batch[2]], seconds: 30))
        machine.settled(Self.batch[0])
        machine.settled(Self.batch[2])
        machine.settled(Self.batch[2])  // twice: no harm
        #expect(machine.next() == .stop)
    }

    /// A message deleted while its extension was in flight is refused (its receipt handle is
    /// gone): not a message at risk.
    @Test func aRefusalForAMessageSettledMeanwhileIsNoFailure() {
        var machine = Machine(Self.batch, visibility: 30)
        #expect(machine.next() == .extend(Self.batch, seconds: 30))
        machine.settled(Self.batch[2])
        let answer = machine.extended(failures: [Self.refused(2, "ReceiptHandleIsInvalid", retryable: false)])
        #expect(answer == .init(pause: .seconds(10)))
        #expect(machine.failuresInARow == 0)
    }

    /// A refusal that would repeat (the receipt handle no longer works) is reported once, and
    /// the message is not extended again; the others go on at the regular pace.
    @Test func aMessageNoLongerOursIsReportedOnceAndNotExtendedAgain() {
        var machine = Machine(Self.batch, visibility: 30)
        let lost = Self.refused(1, "ReceiptHandleIsInvalid", retryable: false)
        let answer = machine.extended(failures: [lost])
        #expect(answer == .init(atRisk: [lost], givenUp: [lost], pause: .seconds(10)))
        #expect(machine.next() == .extend([Self.batch[0], Self.batch[2], Self.batch[3]], seconds: 30))
        #expect(machine.extended(failures: []) == .init(pause: .seconds(10)))
    }

    /// A retryable refusal keeps the message extended and tries again sooner: 500 ms, doubling,
    /// never later than the regular pause; the first clean answer restores the pace.
    @Test func aRetryableRefusalIsTriedAgainSooner() {
        var machine = Machine(Self.batch, visibility: 30)
        let busy = Self.refused(0, "InternalError", retryable: true)
        #expect(machine.extended(failures: [busy]) == .init(atRisk: [busy], pause: .milliseconds(500)))
        #expect(machine.next() == .extend(Self.batch, seconds: 30), "still extended")
        #expect(machine.extended(failures: [busy]).pause == .seconds(1))
        #expect(machine.extended(failures: []).pause == .seconds(10))
        #expect(machine.failuresInARow == 0)
    }

    @Test func aFailedCallIsTriedAgainSoonerUpToTheRegularPause() {
        var machine = Machine(Self.batch, visibility: 9)  // regular pause 3 s
        let pauses = (1...5).map { _ in machine.extensionFailed() }
        #expect(pauses == [.milliseconds(500), .seconds(1), .seconds(2), .seconds(3), .seconds(3)])
        #expect(machine.next() == .extend(Self.batch, seconds: 9), "nothing is given up for a failed call")
        #expect(machine.extended(failures: []).pause == .seconds(3))
    }
}
