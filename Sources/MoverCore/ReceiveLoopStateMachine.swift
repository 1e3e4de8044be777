/// The worker's receive loop as a pure state machine: the loop tells it what happened (permits
/// granted, a receive returned or failed, the queue's depth) and does what it answers (acquire,
/// receive, release, dispatch, pause, stop). It holds no clock, no queue and no task, so every
/// path is tested without a network, a sleep or a spin (swift-nio's and async-http-client's
/// state machines are the model).
struct ReceiveLoopStateMachine: Sendable {
    /// Exit once the queue is empty and nothing is in flight.
    let drain: Bool
    /// The long poll's wait when not draining (seconds).
    let waitSeconds: Int
    /// How many loops share the permits.
    let receivers: Int

    /// Receives that failed in a row (they set the back-off).
    private(set) var failedReceives = 0
    /// Draining: the queue looked empty once; one long poll confirms it before the end.
    private(set) var confirmingEmpty = false
    private(set) var stopped = false

    /// The back-off after failed receives: 400 ms doubling to 20 s, no jitter (each loop's own).
    static let receiveBackoff = Backoff(initial: .milliseconds(400), cap: .seconds(20), jitter: 1...1)
    /// How long the loop waits while an outage holds messages in flight.
    static let outagePause = Duration.milliseconds(250)
    /// Draining: how soon an empty receive is followed by another while work is in flight.
    static let drainPause = Duration.milliseconds(50)

    init(drain: Bool, waitSeconds: Int, receivers: Int) {
        self.drain = drain
        self.waitSeconds = waitSeconds
        self.receivers = max(1, receivers)
    }

    /// What the loop does at the top of each round.
    enum NextRound: Sendable, Hashable {
        case stop
        /// An outage holds messages in flight: new ones would only wait too. Pause, then ask again.
        case hold(Duration)
        /// Wait for at least this many permits, take up to `upTo`.
        case acquire(atLeast: Int, upTo: Int)
    }

    /// - Parameters:
    ///   - stopping: graceful shutdown, cancellation, or another loop found the queue drained.
    ///   - permitLimit: the permits' limit now (the adaptive window may have lowered it).
    mutating func nextRound(stopping: Bool, outage: Bool, permitsInUse: Int, permitLimit: Int) -> NextRound {
        if stopping || stopped {
            stopped = true
            return .stop
        }
        if outage && permitsInUse > 0 { return .hold(Self.outagePause) }
        // Each loop asks for its share of the limit, so one long poll does not hold every permit
        // while the others wait; it waits for half the capacity at most, so a few slow messages
        // never stop the intake, and receives are worthwhile (each costs the queue the same
        // whatever it returns).
        let share = max(1, min(10, permitLimit / receivers))
        return .acquire(atLeast: min(share, max(1, permitLimit / 2)), upTo: share)
    }

    /// What to do with the permits granted.
    enum AfterGrant: Sendable, Hashable {
        /// Release the permits and stop.
        case stop
        case receive(maxMessages: Int, waitSeconds: Int)
    }

    mutating func granted(_ permits: Int, stopping: Bool) -> AfterGrant {
        if stopping {
            stopped = true
            return .stop
        }
        // Draining polls without waiting, so the end is noticed at once; an empty short poll
        // proves little on SQS (it samples a subset of servers), so the end is confirmed by a
        // one-second poll.
        return .receive(maxMessages: permits, waitSeconds: drain ? (confirmingEmpty ? 1 : 0) : waitSeconds)
    }

    /// What to do after a receive failed.
    enum AfterFailure: Sendable, Hashable {
        /// Release the permits and stop.
        case stop
        /// Release the permits, pause this long, then go on.
        case backOff(Duration)
    }

    mutating func receiveFailed(stopping: Bool) -> AfterFailure {
        if stopping {
            stopped = true
            return .stop
        }
        failedReceives += 1
        return .backOff(Self.receiveBackoff.delay(attempt: failedReceives))
    }

    /// What to do with what a receive returned. Each case says how many permits to release.
    enum AfterReceive: Sendable, Hashable {
        /// Hand the batch on; the permits of the messages not received go back.
        case dispatch(release: Int)
        /// Received as shutdown began: release every permit, make the messages visible again, stop.
        case giveBack(release: Int)
        /// Nothing received: poll again.
        case poll(release: Int)
        /// Draining, and nothing in flight here: ask the queue whether it is empty, then ``depth(empty:inFlight:)``.
        case checkDepth(release: Int)
        /// Draining, with work in flight here: look again shortly, not in a spin.
        case pause(release: Int, Duration)
    }

    /// - Parameters:
    ///   - count: messages received, out of `granted` permits.
    ///   - inFlight: batches this worker is still processing.
    mutating func received(count: Int, granted: Int, stopping: Bool, inFlight: Int) -> AfterReceive {
        failedReceives = 0
        if stopping {
            stopped = true
            return .giveBack(release: granted)
        }
        if count > 0 {
            confirmingEmpty = false
            return .dispatch(release: granted - count)
        }
        guard drain else { return .poll(release: granted) }
        guard inFlight == 0 else {
            confirmingEmpty = false
            return .pause(release: granted, Self.drainPause)
        }
        return .checkDepth(release: granted)
    }

    /// What the queue's depth means for a draining loop.
    enum AfterDepth: Sendable, Hashable {
        /// The queue is drained: tell the other loops, and stop.
        case drained
        /// Confirm with one more (one-second) poll.
        case poll
        case pause(Duration)
    }

    /// - Parameters:
    ///   - empty: the queue showed no message, visible or in flight (false when it could not be read).
    ///   - inFlight: batches this worker is processing now (one may have started meanwhile).
    mutating func depth(empty: Bool, inFlight: Int) -> AfterDepth {
        guard empty, inFlight == 0 else {
            confirmingEmpty = false
            return .pause(Self.drainPause)
        }
        if confirmingEmpty {
            stopped = true
            return .drained
        }
        confirmingEmpty = true
        return .poll
    }
}
