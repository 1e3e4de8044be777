public import Logging
public import ServiceLifecycle

/// The long-running consumer: receives messages, processes them concurrently within a bound,
/// and deletes each message as soon as all of its records are done.
///
/// A `Service`: it runs until the service group's graceful shutdown (or, with `drain`, until the
/// queue is empty). Shutdown stops the intake at once and lets in-flight batches finish; they are
/// child tasks of ``run()``, so when the group's grace period ends and it cancels the worker,
/// the cancellation reaches every copy, repoint and row wait, and unfinished messages are made
/// visible again for another consumer.
public struct Worker: Service {
    /// How the worker runs.
    public struct Configuration: Sendable {
        /// Messages processed at once.
        public var concurrency: Int
        /// Long-poll wait (seconds, at most 20).
        public var waitSeconds: Int
        /// Exit once the queue is empty and nothing is in flight.
        public var drain: Bool
        /// Concurrent ReceiveMessage loops.
        public var receivers: Int

        public init(concurrency: Int = 32, waitSeconds: Int = 20, drain: Bool = false, receivers: Int? = nil) {
            self.concurrency = max(1, concurrency)
            self.receivers = max(1, receivers ?? min(4, max(1, concurrency / 16)))
            self.waitSeconds = min(max(waitSeconds, 0), 20)
            self.drain = drain
        }
    }

    public let queue: any MessageQueue
    public let processor: MessageProcessor
    /// Where the message counts go (received, deleted, kept); give it the processor's tally, so
    /// that one summary counts the messages and their objects.
    public let tally: MigrationTally
    public let configuration: Configuration
    public let logger: Logger
    /// The receive loops' pulse, for a liveness probe.
    public let liveness: PollLoopLiveness

    /// The copies' adaptive window, which the intake follows; nil: a fixed intake.
    public let window: AdaptiveWindow?
    /// The dependencies' health as the handler's outage hold marks it: while an outage holds
    /// messages in flight, no new ones are received.
    public let health: DependencyHealth

    /// - Parameter window: the adaptive window the processor's copies run in (its handler's):
    ///   throttling narrows the intake and successes widen it again.
    /// - Parameter health: the health the processor's handler's ``OutageHold`` marks.
    public init(queue: any MessageQueue, processor: MessageProcessor, tally: MigrationTally, configuration: Configuration, logger: Logger,
                window: AdaptiveWindow? = nil, health: DependencyHealth = DependencyHealth(),
                liveness: PollLoopLiveness = PollLoopLiveness()) {
        self.window = window
        self.health = health
        self.queue = queue
        self.processor = processor
        self.tally = tally
        self.configuration = configuration
        self.logger = logger
        self.liveness = liveness
    }

    /// Runs until graceful shutdown (or, with `drain`, until the queue is empty), then returns
    /// once every in-flight batch has finished, or has been cancelled with the worker's task.
    public func run() async {
        let permits = AsyncPermits(configuration.concurrency)
        window?.drive(permits)  // throttling narrows the intake; successes widen it again
        let inFlight = InFlightCount()
        let visibility = await visibilityTimeout()
        let deleter = MessageDeleter(queue: queue, tally: tally, logger: logger)
        let drained = StopFlag()
        // The receive loops hand batches to this task, which runs each as a child task.
        let (batches, intake) = AsyncStream.makeStream(of: [QueueMessage].self)
        await withTaskGroup(of: Void.self) { group in
            group.addTask { [self] in
                // Several receive loops share the permits: one ReceiveMessage at a time caps a
                // worker at 10 messages per round trip.
                await withTaskGroup(of: Void.self) { receivers in
                    for _ in 0..<configuration.receivers {
                        receivers.addTask { [self] in
                            await receiveLoop(drained: drained, permits: permits, inFlight: inFlight, intake: intake)
                        }
                    }
                }
                intake.finish()
            }
            for await batch in batches {
                group.addTask { [self] in
                    await processBatch(batch, visibility: visibility, permits: permits, deleter: deleter)
                    inFlight.finished()
                }
            }
        }
        liveness.stop()
    }

    /// Whether the intake must stop: graceful shutdown, cancellation, or (draining) the end.
    private static func stopping(_ drained: StopFlag) -> Bool {
        Task.isShuttingDownGracefully || Task.isCancelled || drained.isSet
    }

    /// Receives batches and hands them to `intake` until shutdown (or, with `drain`, until the
    /// queue is empty and nothing is in flight). What to do next is the state machine's
    /// decision (``ReceiveLoopStateMachine``); this loop only carries it out.
    private func receiveLoop(drained: StopFlag, permits: AsyncPermits, inFlight: InFlightCount,
                             intake: AsyncStream<[QueueMessage]>.Continuation) async {
        var machine = ReceiveLoopStateMachine(drain: configuration.drain, waitSeconds: configuration.waitSeconds,
                                              receivers: configuration.receivers)
        rounds: while true {
            liveness.tick()
            let granted: Int
            switch machine.nextRound(stopping: Self.stopping(drained), outage: health.outage != nil,
                                     permitsInUse: permits.inUse, permitLimit: permits.limit) {
            case .stop:
                break rounds
            case .hold(let pause):
                await liveness.waiting("holding in-flight messages through a dependency outage") { await GracefulPause.sleep(for: pause) }
                continue rounds
            case .acquire(let least, let most):
                granted = await liveness.waiting { await permits.acquire(atLeast: least, upTo: most) }
            }
            guard case .receive(let maxMessages, let wait) = machine.granted(granted, stopping: Self.stopping(drained)) else {
                permits.release(granted)
                break rounds
            }
            let batch: [QueueMessage]
            do {
                batch = try await cancelWhenGracefulShutdown { [queue] in
                    try await queue.receive(maxMessages: maxMessages, waitSeconds: wait)
                }
            } catch {
                permits.release(granted)
                guard case .backOff(let pause) = machine.receiveFailed(stopping: Self.stopping(drained)) else { break rounds }
                logger.warning("receive failed; backing off", metadata: [
                    "error": "\(error)", "error_code": "\(error.failureCode)", "retry_in": "\(pause)",
                ])
                await GracefulPause.sleep(for: pause)
                continue rounds
            }
            switch machine.received(count: batch.count, granted: granted, stopping: Self.stopping(drained), inFlight: inFlight.count) {
            case .dispatch(let unused):
                permits.release(unused)
                tally.recordMessages(received: batch.count)
                inFlight.started()
                intake.yield(batch)
            case .giveBack(let all):
                permits.release(all)
                for message in batch { try? await queue.release(message) }
                break rounds
            case .poll(let all):
                permits.release(all)
            case .pause(let all, let pause):
                permits.release(all)
                await GracefulPause.sleep(for: pause)
            case .checkDepth(let all):
                permits.release(all)
                switch machine.depth(empty: await queueIsEmpty(), inFlight: inFlight.count) {
                case .drained:
                    drained.set()
                    break rounds
                case .poll:
                    continue rounds
                case .pause(let pause):
                    await GracefulPause.sleep(for: pause)
                }
            }
        }
    }

    private func queueIsEmpty() async -> Bool {
        do {
            return try await queue.isEmpty()
        } catch {
            logger.warning("could not read the queue's depth", metadata: ["error": "\(error)"])
            return false
        }
    }

    /// The queue's visibility timeout, which paces the heartbeat; 30 s (SQS's default) if unreadable.
    private func visibilityTimeout() async -> Int {
        do {
            return max(1, try await queue.visibilityTimeout())
        } catch {
            logger.warning("could not read the queue's visibility timeout; assuming 30 s", metadata: ["error": "\(error)"])
            return 30
        }
    }


    /// Processes a received batch concurrently. While any of its messages is in progress, a
    /// heartbeat keeps those messages invisible to other consumers.
    ///
    /// Each message is settled as soon as it is processed: its permit returns, and it is deleted
    /// (batched with its neighbours' deletes by `deleter`) without waiting for slower siblings. A
    /// message waiting for its row gives its permit back while it waits, so it does not hold back
    /// new messages.
    func processBatch(_ batch: [QueueMessage], visibility: Int, permits: AsyncPermits, deleter: MessageDeleter) async {
        let pending = PendingMessages(batch, visibility: visibility)
        // The heartbeat is a sibling of the messages' work and ends when the last of them does.
        await withTaskGroup(of: Bool.self) { group in
            group.addTask { [self] in
                await heartbeat(pending)
                return false
            }
            group.addTask { [self] in
                await settle(batch, pending: pending, permits: permits, deleter: deleter)
                return true
            }
            for await settled in group where settled { group.cancelAll() }
        }
    }

    /// Keeps the messages still pending invisible until none is left or it is cancelled. When to
    /// extend which messages is the state machine's decision (``VisibilityHeartbeatStateMachine``);
    /// this loop only carries it out.
    private func heartbeat(_ pending: PendingMessages) async {
        var pause = pending.withMachine { $0.firstPause }
        while true {
            do {
                try await Task.sleep(for: pause)
            } catch {
                return
            }
            guard case .extend(let messages, let seconds) = pending.withMachine({ $0.next() }) else { return }
            do {
                let failures = try await queue.extendVisibility(messages, seconds: seconds)
                let answer = pending.withMachine { $0.extended(failures: failures) }
                pause = answer.pause
                if !answer.atRisk.isEmpty {
                    // Another consumer may receive these before they are done: the work is
                    // idempotent, but say so.
                    MoverMetrics.messagesAtRisk(answer.atRisk.count)
                    logger.warning("visibility of messages in progress could not be extended; they may be delivered again", metadata: [
                        "message_ids": "\(answer.atRisk.map(\.message.id).joined(separator: ","))",
                        "error_codes": "\(Set(answer.atRisk.map(\.code)).sorted().joined(separator: ","))",
                        "not_extended_again": "\(answer.givenUp.map(\.message.id).joined(separator: ","))",
                        "retry_in": "\(pause)",
                    ])
                }
            } catch is CancellationError {
                return
            } catch {
                pause = pending.withMachine { $0.extensionFailed() }
                logger.warning("visibility heartbeat failed", metadata: [
                    "error": "\(error)", "error_code": "\(error.failureCode)", "messages": "\(messages.count)", "retry_in": "\(pause)",
                ])
            }
        }
    }

    /// Processes each message of `batch` at once and settles it as soon as it is done.
    private func settle(_ batch: [QueueMessage], pending: PendingMessages, permits: AsyncPermits, deleter: MessageDeleter) async {
        await withTaskGroup(of: Void.self) { group in
            for message in batch {
                group.addTask { [processor, tally, queue, logger] in
                    let permit = PermitHold(permits)
                    let disposition = await processor.process(message, waitingForRow: { permit.release() })
                    permit.release()
                    pending.withMachine { $0.settled(message) }
                    switch disposition {
                    case .delete:
                        await deleter.delete(message)
                    case .keep:
                        tally.recordMessages(kept: 1)
                        if Task.isCancelled || Task.isShuttingDownGracefully {
                            // Stopping: let another replica take it at once rather than after the visibility timeout.
                            // Detached from this (possibly cancelled) task so the request is really made.
                            await Task.detached { try? await queue.release(message) }.value
                            logger.debug("kept message made visible again for another consumer", metadata: ["message_id": "\(message.id)"])
                        }
                    }
                }
            }
        }
    }
}
