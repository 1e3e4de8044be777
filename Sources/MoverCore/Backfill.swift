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
    /// Where this lister starts when it is one range of several (keys after this one); nil for
    /// the beginning.
    var lowerBound: String? { get }
}

extension SourceLister {
    public var lowerBound: String? { nil }
}

/// The one-shot run: enumerates the source and pushes every object through the same handler
/// as the worker, copying while the listing continues. Holds at most two pages in memory.
public struct Backfill: Sendable {
    /// What to do with each listed object; the default migrates it (holding through outages).
    public typealias Process = @Sendable (SourceObject) async throws -> MigrationOutcome

    /// The listing, as one or more disjoint ranges in ascending key order, listed at once.
    public let listers: [any SourceLister]
    /// How many of them are listed at once.
    public let listingParallelism: Int
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
        self.init(listers: [lister], handler: handler, tally: tally, concurrency: concurrency, hold: hold, maxRate: maxRate,
                  process: process, onFailure: onFailure, shard: shard, logger: logger)
    }

    /// - Parameters:
    ///   - listers: disjoint ranges of the key space in ascending order; the first starts after
    ///     `startAfter`.
    ///   - listingParallelism: how many ranges are listed at once (parallel listing).
    public init(listers: [any SourceLister], listingParallelism: Int? = nil, handler: MigrationHandler, tally: MigrationTally, concurrency: Int,
                hold: OutageHold? = nil, maxRate: Double? = nil, process: Process? = nil,
                onFailure: (@Sendable (String, any Error) -> Void)? = nil, shard: Shard? = nil, logger: Logger) {
        precondition(!listers.isEmpty, "at least one lister")
        self.listers = listers
        self.listingParallelism = max(1, listingParallelism ?? listers.count)
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
    ///
    /// `listingParallelism` child tasks list the ranges, each at most two pages ahead of the work,
    /// so memory stays bounded by tasks × pages; the objects of all ranges share the one
    /// concurrency window.
    /// Each range keeps its own resume point; the run's is the first unfinished range's.
    public func run(startAfter: String? = nil) async -> Result {
        let listers = self.listers
        let retry = self.retry
        let trackers = listers.indices.map { ResumeTracker(startAfter: $0 == 0 ? startAfter ?? listers[0].lowerBound : listers[$0].lowerBound) }
        let listing = ListingState()
        progress.attach { Self.resumePoint(trackers, ended: listing.ended.withLock { $0 }) }
        let (pages, intake) = AsyncStream.makeStream(of: (range: Int, page: SourcePage).self)
        let pageSlots = AsyncPermits(2 * min(listingParallelism, listers.count))
        await withTaskGroup(of: Void.self) { listingTasks in
            // `listingParallelism` tasks take the ranges in order, one at a time, so that a
            // crowded range does not leave the others' listers idle.
            for _ in 0..<min(listingParallelism, listers.count) {
                listingTasks.addTask { [logger] in
                    while !Task.isCancelled, let index = listing.takeRange(of: listers.count) {
                        let lister = listers[index]
                        var token: String?
                        while !Task.isCancelled {
                            _ = await pageSlots.acquire(atLeast: 1, upTo: 1)
                            if Task.isCancelled { return }
                            do {
                                let first = token == nil
                                let page = try await retry.run {
                                    try await lister.page(token: token, startAfter: first && index == 0 ? startAfter : nil)
                                }
                                intake.yield((index, page))
                                guard let next = page.nextToken else { break }
                                token = next
                            } catch {
                                if Task.isCancelled { return }
                                listing.error.withLock { $0 = $0 ?? "\(error)" }
                                logger.error("listing the source failed; stopping the backfill", metadata: ["error": "\(error)"])
                                intake.finish()
                                return
                            }
                        }
                    }
                }
            }
            await withTaskGroup(of: Void.self) { group in
                var inFlight = 0
                consume: for await (index, page) in pages {
                    pageSlots.release()
                    let tracker = trackers[index]
                    for object in page.objects {
                        if Task.isCancelled { break consume }
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
                    if page.nextToken == nil {
                        let count = listing.ended.withLock { $0.insert(index); return $0.count }
                        if count == listers.count { break consume }
                    }
                }
                if listing.ended.withLock({ $0.count }) < listers.count {
                    listing.error.withLock { $0 = $0 ?? "cancelled" }
                }
                await group.waitForAll()
            }
            // Listers waiting for a page slot see the cancellation once they have one.
            listingTasks.cancelAll()
            pageSlots.release(2 * listers.count + 2)
            intake.finish()
        }
        return Result(listed: progress.listedCount, listingError: listing.error.withLock { $0 }, tally: tally.snapshot,
                      resumePoint: Self.resumePoint(trackers, ended: listing.ended.withLock { $0 }))
    }

    /// What the listing tasks tell the run: the first error, and which ranges have ended.
    private final class ListingState: Sendable {
        let error = Mutex<String?>(nil)
        let ended = Mutex<Set<Int>>([])
        private let nextRange = Mutex(0)

        /// The next range nobody lists yet, in order.
        func takeRange(of count: Int) -> Int? {
            nextRange.withLock { next in
                guard next < count else { return nil }
                defer { next += 1 }
                return next
            }
        }
    }

    /// Every key up to the returned one is done: the ranges before the first unfinished one are
    /// complete, and that range is done up to its own resume point (or its lower bound).
    static func resumePoint(_ trackers: [ResumeTracker], ended: Set<Int>) -> String? {
        for (index, tracker) in trackers.enumerated() where !(ended.contains(index) && tracker.allDone) {
            return tracker.resumePoint
        }
        return trackers.last?.resumePoint
    }
}

/// Live counters of a backfill, for progress lines.
public final class BackfillProgress: Sendable {
    private let state = Mutex<(listed: Int, resumePoint: (@Sendable () -> String?)?)>((0, nil))

    func attach(_ resumePoint: @escaping @Sendable () -> String?) { state.withLock { $0.resumePoint = resumePoint } }
    func listed() { state.withLock { $0.listed += 1 } }

    /// Objects listed so far.
    public var listedCount: Int { state.withLock { $0.listed } }
    /// The resume point so far.
    public var resumePoint: String? { state.withLock { $0.resumePoint }?() }
}
