public import Logging
import Synchronization

/// One object found by listing the source.
public struct SourceObject: Sendable, Hashable {
    public var key: String
    public var eTag: ETag?
    public var size: Int64?
    public var storageClass: StorageClass?
    /// The resume point once this object and all before it are done, when it is not the key
    /// (`FILE:LINE` of a manifest).
    public var resumeToken: String?
    /// A listing of the destination showed no object at this key's destination (``SourceHints/destinationAbsent``).
    public var destinationAbsent: Bool
    public init(key: String, eTag: ETag? = nil, size: Int64? = nil, storageClass: StorageClass? = nil, resumeToken: String? = nil,
                destinationAbsent: Bool = false) {
        self.key = key
        self.destinationAbsent = destinationAbsent
        self.eTag = eTag
        self.size = size
        self.storageClass = storageClass
        self.resumeToken = resumeToken
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

/// A listing in key order that parallel listing can cut into ranges (``KeyRanges``): any key
/// can be a start-after, and one-key listings find where keys are.
public protocol SplittableSourceLister: SourceLister {
    /// Every key listed starts with this.
    var prefix: String { get }
    /// The first key under ``prefix`` after `key`, or nil when there is none.
    func firstKey(after key: String) async throws -> String?
}

/// The one-shot run: enumerates the source and pushes every object through the same handler
/// as the worker, copying while the listing continues. Holds at most two pages in memory.
public struct Backfill: Sendable {
    /// What to do with each listed object; `facts` is filled with what it learns, for the ledger.
    public typealias Process = @Sendable (_ object: SourceObject, _ facts: MigrationFacts) async throws -> MigrationOutcome

    /// The listing.
    public let lister: any SourceLister
    /// How many ranges of it are listed at once (parallel listing; 1 for a listing that cannot
    /// be cut, ``SplittableSourceLister``).
    public let listingParallelism: Int
    public let tally: MigrationTally
    public let concurrency: Int
    /// The dependencies' health as the process's ``OutageHold`` marks it: while an outage holds
    /// objects in flight, no new object starts.
    public let health: DependencyHealth
    public let logger: Logger
    /// Listed keys and the resume point, readable while the run goes on.
    public let progress: BackfillProgress
    private let process: Process
    private let runner: ObjectRunner
    private let rateLimiter: RateLimiter?
    private let onFailure: (@Sendable (String, any Error) -> Void)?
    private let onOutcome: (@Sendable (String, MigrationOutcome) -> Void)?
    /// The adaptive in-flight window the objects' copies run in, which new starts follow.
    private let window: AdaptiveWindow?
    /// Retries the listing's pages and probes.
    private let retry: RetryPolicy

    /// - Parameters:
    ///   - process: what each object goes through: ``migrating(_:)`` for the migration, or a
    ///     mode's own (`--enqueue`, `--dry-run`, `rollback`, `finalize`).
    ///   - retry: the listing's retry policy.
    ///   - window: the adaptive window `process`'s copies run in, if any.
    ///   - ledger: the audit trail (`--ledger`), one line per object.
    ///   - health: the health `process`'s outage hold marks (the migration handler's retry policy's), so that
    ///     nothing new starts while an outage holds objects in flight.
    ///   - maxRate: at most this many objects started per second.
    ///   - onFailure: told of each object that failed (for `--report`).
    ///   - onOutcome: told of each object that did not fail, with its outcome (for `--report`'s
    ///     conflicts and kept sources).
    ///   - shard: take only this slice of the keys; the others are skipped as `other-shard`.
    ///   - listingParallelism: how many ranges of a ``SplittableSourceLister`` are listed at
    ///     once: idle listers cut the ranges being listed in two (``KeyRanges``).
    public init(lister: any SourceLister, listingParallelism: Int = 1, process: @escaping Process, retry: RetryPolicy,
                window: AdaptiveWindow? = nil, tally: MigrationTally, ledger: (any MigrationLedger)? = nil, concurrency: Int,
                health: DependencyHealth = DependencyHealth(), maxRate: Double? = nil,
                onFailure: (@Sendable (String, any Error) -> Void)? = nil, onOutcome: (@Sendable (String, MigrationOutcome) -> Void)? = nil,
                shard: Shard? = nil, logger: Logger) {
        self.onOutcome = onOutcome
        self.lister = lister
        self.listingParallelism = lister is any SplittableSourceLister ? max(1, listingParallelism) : 1
        self.tally = tally
        self.runner = ObjectRunner(tally: tally, ledger: ledger, logger: logger)
        self.concurrency = max(1, concurrency)
        self.health = health
        self.logger = logger
        self.progress = BackfillProgress()
        self.rateLimiter = maxRate.map { RateLimiter(perSecond: $0) }
        self.onFailure = onFailure
        if let shard {
            self.process = { object, facts in
                guard shard.owns(object.key) else { return .skipped(.otherShard) }
                return try await process(object, facts)
            }
        } else {
            self.process = process
        }
        self.retry = retry
        self.window = window
    }

    /// The migration: each object through `handler`, whose retry policy holds it through outages
    /// (give the backfill its hold's health, so that it starts nothing new during an outage).
    public static func migrating(_ handler: MigrationHandler) -> Process {
        { object, facts in
            try await handler.migrate(sourceKey: object.key, size: object.size, listedETag: object.eTag,
                                      storageClass: object.storageClass, destinationAbsent: object.destinationAbsent,
                                      facts: facts)
        }
    }

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
    /// `listingParallelism` child tasks list the ranges (``KeyRanges``), each at most two pages
    /// ahead of the work, so memory stays bounded by tasks × pages; the objects of all ranges
    /// share the one concurrency window. Each range keeps its own resume point; the run's is the
    /// first unfinished range's.
    public func run(startAfter: String? = nil) async -> Result {
        let ranges = KeyRanges(startAfter: startAfter)
        let listingError = FirstError()
        progress.attach { ranges.resumePoint }
        let (pages, intake) = AsyncStream.makeStream(of: ListedPage.self)
        let pageSlots = AsyncPermits(2 * listingParallelism)
        await withTaskGroup(of: Void.self) { listing in
            listing.addTask { [self] in
                await withTaskGroup(of: Void.self) { listers in
                    for _ in 0..<listingParallelism {
                        listers.addTask { [self] in
                            do {
                                try await list(ranges, slots: pageSlots, into: intake)
                            } catch {
                                if Task.isCancelled { return }
                                listingError.record("\(error)")
                                logger.error("listing the source failed; stopping the backfill", metadata: ["error": "\(error)"])
                                intake.finish()
                            }
                        }
                    }
                }
                intake.finish()
            }
            await withTaskGroup(of: Void.self) { group in
                var inFlight = 0
                consume: for await page in pages {
                    pageSlots.release()
                    for object in page.objects {
                        if Task.isCancelled { break consume }
                        progress.listed()
                        // During an outage the objects in flight are held; start nothing new until they finish.
                        while inFlight >= min(concurrency, window?.limit ?? concurrency) || (inFlight > 0 && health.outage != nil) {
                            await group.next()
                            inFlight -= 1
                        }
                        if let rateLimiter { try? await rateLimiter.wait() }
                        let tracker = page.tracker
                        let ticket = tracker.started(object.resumeToken ?? object.key)
                        inFlight += 1
                        group.addTask { [process, runner, onFailure, onOutcome] in
                            let facts = MigrationFacts(sourceKey: object.key)
                            let result = await runner.run(facts, { try await process(object, facts) })
                            if let error = result.error {
                                tracker.failed(ticket)
                                onFailure?(object.key, error)
                            } else if let outcome = result.outcome {
                                onOutcome?(object.key, outcome)
                                tracker.finished(ticket)
                            }
                        }
                    }
                    if page.ended { ranges.consumed(page.range) }
                }
                if !ranges.allConsumed {
                    listingError.record("cancelled")
                }
                await group.waitForAll()
            }
            // Listers waiting for a page slot see the cancellation once they have one.
            listing.cancelAll()
            pageSlots.release(2 * listingParallelism + 2)
            intake.finish()
        }
        return Result(listed: progress.listedCount, listingError: listingError.value, tally: tally.snapshot,
                      resumePoint: ranges.resumePoint)
    }

    /// The first listing error of the run.
    private final class FirstError: Sendable {
        private let first = Mutex<String?>(nil)
        func record(_ error: String) { first.withLock { $0 = $0 ?? error } }
        var value: String? { first.withLock { $0 } }
    }

    /// One page as the listers hand it to the run.
    private struct ListedPage: Sendable {
        var range: KeyRanges.ID
        var tracker: ResumeTracker
        var objects: [SourceObject]
        /// The range's last page.
        var ended: Bool
    }

    /// One listing task: lists a range nobody lists yet, or else cuts the range most worth it
    /// and lists the part after the cut, until every range is listed.
    private func list(_ ranges: KeyRanges, slots: AsyncPermits, into intake: AsyncStream<ListedPage>.Continuation) async throws {
        let splittable = listingParallelism > 1 ? lister as? any SplittableSourceLister : nil
        while !Task.isCancelled {
            let version = ranges.version
            if let claim = ranges.claim() {
                try await list(claim, of: ranges, slots: slots, into: intake)
                continue
            }
            if let splittable, let victim = ranges.victim() {
                let point: String?
                do {
                    point = try await KeyBisection.cutPoint(prefix: splittable.prefix, lower: victim.lower, through: victim.through) { after in
                        try await retry.run { try await splittable.firstKey(after: after) }
                    }
                } catch {
                    // A probe is only an optimisation: the range's own lister goes on.
                    ranges.cannotCut(victim.id)
                    if Task.isCancelled { return }
                    logger.debug("probing the listing failed; not cutting the range", metadata: ["error": "\(error)"])
                    continue
                }
                guard let point else {
                    ranges.cannotCut(victim.id)
                    continue
                }
                if let claim = ranges.cut(victim.id, at: point) {
                    logger.debug("listing range cut", metadata: ["after": "\(point)", "ranges": "\(ranges.count)"])
                    try await list(claim, of: ranges, slots: slots, into: intake)
                }
                continue
            }
            if ranges.allListed { return }
            await ranges.waitForChange(after: version)
        }
    }

    /// Lists one range to its end, each page cut at the range's end as it stands then.
    private func list(_ claim: KeyRanges.Claim, of ranges: KeyRanges, slots: AsyncPermits,
                      into intake: AsyncStream<ListedPage>.Continuation) async throws {
        var token: String?
        while true {
            _ = await slots.acquire(atLeast: 1, upTo: 1)
            try Task.checkCancellation()
            let first = token == nil
            let page = try await retry.run { try await lister.page(token: token, startAfter: first ? claim.startAfter : nil) }
            let (objects, ended) = ranges.accept(page, into: claim.id)
            intake.yield(ListedPage(range: claim.id, tracker: claim.tracker, objects: objects, ended: ended))
            if ended { return }
            token = page.nextToken
        }
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
