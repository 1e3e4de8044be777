@testable import MoverCore
import Testing

/// The receive loop's decisions, driven event by event: no queue, no clock, no task.
@Suite(.timeLimit(.minutes(2)))
struct ReceiveLoopStateMachineTests {
    typealias Machine = ReceiveLoopStateMachine

    @Test(arguments: [(32, 2, 10, 10), (32, 1, 10, 10), (8, 4, 2, 2), (8, 1, 4, 8), (1, 4, 1, 1), (3, 1, 1, 3)])
    func eachLoopAsksForItsShareAndWaitsForAtMostHalf(limit: Int, receivers: Int, least: Int, most: Int) {
        var machine = Machine(drain: false, waitSeconds: 20, receivers: receivers)
        #expect(machine.nextRound(stopping: false, outage: false, permitsInUse: 0, permitLimit: limit) == .acquire(atLeast: least, upTo: most))
    }

    @Test func anOutageWithMessagesInFlightHoldsTheIntake() {
        var machine = Machine(drain: false, waitSeconds: 20, receivers: 1)
        #expect(machine.nextRound(stopping: false, outage: true, permitsInUse: 3, permitLimit: 32) == .hold(Machine.outagePause))
        // Nothing in flight: the loop receives (the messages will be held, and the outage noticed).
        #expect(machine.nextRound(stopping: false, outage: true, permitsInUse: 0, permitLimit: 32) == .acquire(atLeast: 10, upTo: 10))
    }

    @Test func aLongPollDispatchesWhatItReceivedAndReleasesTheRest() {
        var machine = Machine(drain: false, waitSeconds: 20, receivers: 1)
        #expect(machine.granted(10, stopping: false) == .receive(maxMessages: 10, waitSeconds: 20))
        #expect(machine.received(count: 7, granted: 10, stopping: false, inFlight: 0) == .dispatch(release: 3))
        #expect(machine.received(count: 0, granted: 10, stopping: false, inFlight: 0) == .poll(release: 10))
    }

    @Test func shutdownStopsAtEveryStepAndGivesBackWhatArrived() {
        var top = Machine(drain: false, waitSeconds: 20, receivers: 1)
        #expect(top.nextRound(stopping: true, outage: false, permitsInUse: 0, permitLimit: 32) == .stop)
        #expect(top.nextRound(stopping: false, outage: false, permitsInUse: 0, permitLimit: 32) == .stop, "a stopped loop stays stopped")
        var granted = Machine(drain: false, waitSeconds: 20, receivers: 1)
        #expect(granted.granted(5, stopping: true) == .stop)
        var receiving = Machine(drain: false, waitSeconds: 20, receivers: 1)
        #expect(receiving.received(count: 4, granted: 5, stopping: true, inFlight: 2) == .giveBack(release: 5))
        var failing = Machine(drain: false, waitSeconds: 20, receivers: 1)
        #expect(failing.receiveFailed(stopping: true) == .stop)
    }

    @Test func failedReceivesBackOffAndASuccessResetsTheBackOff() {
        var machine = Machine(drain: false, waitSeconds: 20, receivers: 1)
        let pauses = (1...8).map { _ in machine.receiveFailed(stopping: false) }
        #expect(pauses == [.milliseconds(400), .milliseconds(800), .milliseconds(1600), .milliseconds(3200), .milliseconds(6400),
                           .milliseconds(12800), .seconds(20), .seconds(20)].map { .backOff($0) })
        _ = machine.received(count: 1, granted: 1, stopping: false, inFlight: 0)
        #expect(machine.receiveFailed(stopping: false) == .backOff(.milliseconds(400)))
    }

    /// Draining: short polls; with work in flight, a pause; with none, the queue's depth; an
    /// empty depth is confirmed by one one-second poll before the loop ends.
    @Test func drainingEndsOnlyAfterAConfirmedEmptyQueue() {
        var machine = Machine(drain: true, waitSeconds: 20, receivers: 1)
        #expect(machine.granted(10, stopping: false) == .receive(maxMessages: 10, waitSeconds: 0))
        #expect(machine.received(count: 0, granted: 10, stopping: false, inFlight: 1) == .pause(release: 10, Machine.drainPause))
        #expect(machine.received(count: 0, granted: 10, stopping: false, inFlight: 0) == .checkDepth(release: 10))
        #expect(machine.depth(empty: true, inFlight: 0) == .poll)
        #expect(machine.granted(10, stopping: false) == .receive(maxMessages: 10, waitSeconds: 1), "the confirming poll waits a second")
        #expect(machine.received(count: 0, granted: 10, stopping: false, inFlight: 0) == .checkDepth(release: 10))
        #expect(machine.depth(empty: true, inFlight: 0) == .drained)
        #expect(machine.nextRound(stopping: false, outage: false, permitsInUse: 0, permitLimit: 10) == .stop)
    }

    @Test func anythingSeenWhileConfirmingStartsTheConfirmationOver() {
        var arrived = Machine(drain: true, waitSeconds: 20, receivers: 1)
        #expect(arrived.depth(empty: true, inFlight: 0) == .poll)
        #expect(arrived.received(count: 2, granted: 10, stopping: false, inFlight: 0) == .dispatch(release: 8))
        #expect(arrived.granted(10, stopping: false) == .receive(maxMessages: 10, waitSeconds: 0), "no longer confirming")

        var started = Machine(drain: true, waitSeconds: 20, receivers: 1)
        #expect(started.depth(empty: true, inFlight: 0) == .poll)
        #expect(started.depth(empty: true, inFlight: 1) == .pause(Machine.drainPause), "a batch started meanwhile")
        #expect(started.depth(empty: true, inFlight: 0) == .poll, "confirming from the start again")

        var unreadable = Machine(drain: true, waitSeconds: 20, receivers: 1)
        #expect(unreadable.depth(empty: false, inFlight: 0) == .pause(Machine.drainPause))
    }
}
