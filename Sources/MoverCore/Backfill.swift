public import Logging
import Synchronization

/// One object found by listing the source.
public struct SourceObject: Sendable, Hashable {
    public var key: String
    public var eTag: ETag?
    public var size: Int64?
    public var storageClass: StorageClass?
    public init(key: String, eTag: ETag? = nil, size: Int64? = nil, storageClass: StorageClass? = nil) {
        self.key = key
        self.eTag = eTag
        self.size = size
        self.storageClass = storageClass
    }
}

/// One page of a source listing.
public struct SourcePage: Sendable {
    public var objects: [SourceObject]
    /// The token for the next page; nil on the last.
    public var nextToken: String?
    public init(objects: [SourceObject], nextToken: String?) {
        self.objects = objects
        self.nextToken = nextToken
    }
}

/// Lists the source bucket under the source prefix, one page at a time.
public protocol SourceLister: Sendable {
    /// The page after `token` (the first page when nil), starting after `startAfter` if given.
    func page(token: String?, startAfter: String?) async throws -> SourcePage
}

/// The one-shot run: enumerates the source and pushes every object through the same handler
/// as the worker, copying while the listing continues. Holds at most two pages in memory.
public struct Backfill: Sendable {
    /// What to do with each listed object; the default migrates it (holding through outages).
    public typealias Process = @Sendable (SourceObject) async throws -> MigrationOutcome

    public let lister: any SourceLister
    public let tally: MigrationTally
    public let concurrency: Int
    /// Holds objects through S3 and PostgreSQL outages instead of failing them.
    public let hold: OutageHold
    public let logger: Logger
    /// Listed keys and the resume point, readable while the run goes on.
    public let progress: BackfillProgress
    private let process: Process
    private let rateLimiter: RateLimiter?
    private let onFailure: (@Sendable (String, any Error) -> Void)?
    /// The adaptive in-flight window, when the handler has one.
    private let window: AdaptiveWindow?

    /// - Parameters:
    ///   - maxRate: at most this many objects started per second.
    ///   - process: replaces the migration (for `--enqueue` and `--dry-run`); nil migrates.
    ///   - onFailure: told of each object that failed (for `--report`).
    ///   - shard: take only this slice of the keys; the others are skipped as `other-shard`.
    public init(lister: any SourceLister, handler: MigrationHandler, tally: MigrationTally, concurrency: Int,
                hold: OutageHold? = nil, maxRate: Double? = nil, process: Process? = nil,
                onFailure: (@Sendable (String, any Error) -> Void)? = nil, shard: Shard? = nil, logger: Logger) {
        self.lister = lister
        self.tally = tally
        self.concurrency = max(1, concurrency)
        let hold = hold ?? OutageHold(logger: logger)
        self.hold = hold
        self.logger = logger
        self.progress = BackfillProgress()
        self.rateLimiter = maxRate.map { RateLimiter(perSecond: $0) }
        self.onFailure = onFailure
        let work: Process = process ?? { object in
            let facts = MigrationFacts(sourceKey: object.key)
            do {
                let outcome = try await hold.run {
                    try await handler.migrate(sourceKey: object.key, size: object.size, listedETag: object.eTag,
                                              storageClass: object.storageClass, facts: facts)
                }
                handler.ledger?.record(LedgerEntry(facts, outcome: outcome))
                return outcome
            } catch {
                handler.ledger?.record(LedgerEntry(facts, error: error))
                throw error
            }
        }
        if let shard {
            self.process = { object in
                guard shard.owns(object.key) else { return .skipped(.otherShard) }
                return try await work(object)
            }
        } else {
            self.process = work
        }
        self.retry = handler.retry
        self.window = handler.window
    }

    private let retry: RetryPolicy

    /// What a run achieved.
    public struct Result: Sendable {
        public var listed = 0
        /// The listing failed before its end: some objects were never seen.
        public var listingError: String?
        public var tally: MigrationTally.Snapshot
        /// Every key up to and including this one is done: `--start-after` it to resume.
        public var resumePoint: String?
        /// True when every object listed reached its final state and the listing completed.
        public var succeeded: Bool { listingError == nil && tally.failed == 0 }
    }

    /// Runs the backfill to the end (or until the task is cancelled).
    public func run(startAfter: String? = nil) async -> Result {
        var listingError: String?
        let lister = self.lister
        let retry = self.retry
        let tracker = ResumeTracker(startAfter: startAfter)
        progress.attach(tracker)
        await withTaskGroup(of: Void.self) { group in
            var inFlight = 0
            var next: Task<SourcePage, any Error>? = Task {
                try await retry.run { try await lister.page(token: nil, startAfter: startAfter) }
            }
            while let current = next {
                let page: SourcePage
                do {
                    page = try await current.value
                } catch {
                    listingError = "\(error)"
                    logger.error("listing the source failed; stopping the backfill", metadata: ["error": "\(error)"])
                    break
                }
                // Fetch the next page while this one is copied.
                next = page.nextToken.map { token in
                    Task { try await retry.run { try await lister.page(token: token, startAfter: nil) } }
                }
                for object in page.objects {
                    if Task.isCancelled { break }
                    progress.listed()
                    // During an outage the objects in flight are held; start nothing new until they finish.
                    while inFlight >= min(concurrency, window?.limit ?? concurrency) || (inFlight > 0 && hold.health.outage != nil) {
                        await group.next()
                        inFlight -= 1
                    }
                    if let rateLimiter { try? await rateLimiter.wait() }
                    let ticket = tracker.started(object.key)
                    inFlight += 1
                    group.addTask { [process, tally, logger, onFailure] in
                        do {
                            let outcome = try await process(object)
                            tally.record(outcome)
                            tracker.finished(ticket)
                            logger.debug("object processed", metadata: ["key": "\(object.key)", "outcome": "\(outcome.label)"])
                        } catch let error as MigrationError {
                            tracker.failed(ticket)
                            tally.recordFailure(code: error.code)
                            onFailure?(object.key, error)
                            logger.warning("object failed", metadata: [
                                "key": "\(object.key)", "outcome": "failed", "step": "\(error.step.rawValue)", "error_code": "\(error.code)",
                                "error": "\(error.underlying)",
                            ])
                        } catch {
                            tracker.failed(ticket)
                            tally.recordFailure(code: error.failureCode)
                            onFailure?(object.key, error)
                            logger.warning("object failed", metadata: [
                                "key": "\(object.key)", "outcome": "failed", "error_code": "\(error.failureCode)", "error": "\(error)",
                            ])
                        }
                    }
                }
                if Task.isCancelled {
                    listingError = "cancelled"
                    break
                }
            }
            // The page fetched ahead is not wanted when the run stopped early; it is still awaited.
            next?.cancel()
            _ = try? await next?.value
            await group.waitForAll()
        }
        return Result(listed: progress.listedCount, listingError: listingError, tally: tally.snapshot, resumePoint: tracker.resumePoint)
    }
}

/// Live counters of a backfill, for progress lines.
public final class BackfillProgress: Sendable {
    private let state = Mutex<(listed: Int, tracker: ResumeTracker?)>((0, nil))

    func attach(_ tracker: ResumeTracker) { state.withLock { $0.tracker = tracker } }
    func listed() { state.withLock { $0.listed += 1 } }

    /// Objects listed so far.
    public var listedCount: Int { state.withLock { $0.listed } }
    /// The resume point so far.
    public var resumePoint: String? { state.withLock { $0.tracker }?.resumePoint }
}
