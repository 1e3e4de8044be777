public import Logging

/// One object found by listing the source.
public struct SourceObject: Sendable, Hashable {
    public var key: String
    public var eTag: String?
    public var size: Int64?
    public init(key: String, eTag: String? = nil, size: Int64? = nil) {
        self.key = key
        self.eTag = eTag
        self.size = size
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
    public let lister: any SourceLister
    public let handler: MigrationHandler
    public let tally: MigrationTally
    public let concurrency: Int
    /// Holds objects through S3 and PostgreSQL outages instead of failing them.
    public let hold: OutageHold
    public let logger: Logger

    public init(lister: any SourceLister, handler: MigrationHandler, tally: MigrationTally, concurrency: Int,
                hold: OutageHold? = nil, logger: Logger) {
        self.lister = lister
        self.handler = handler
        self.tally = tally
        self.concurrency = max(1, concurrency)
        self.hold = hold ?? OutageHold(logger: logger)
        self.logger = logger
    }

    /// What a run achieved.
    public struct Result: Sendable {
        public var listed = 0
        /// The listing failed before its end: some objects were never seen.
        public var listingError: String?
        public var tally: MigrationTally.Snapshot
        /// True when every object listed reached its final state and the listing completed.
        public var succeeded: Bool { listingError == nil && tally.failed == 0 }
    }

    /// Runs the backfill to the end (or until the task is cancelled).
    public func run(startAfter: String? = nil) async -> Result {
        var listed = 0
        var listingError: String?
        let retry = handler.retry
        let lister = self.lister
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
                    listed += 1
                    // During an outage the objects in flight are held; start nothing new until they finish.
                    while inFlight >= concurrency || (inFlight > 0 && hold.health.outage != nil) {
                        await group.next()
                        inFlight -= 1
                    }
                    inFlight += 1
                    group.addTask { [handler, tally, hold, logger] in
                        do {
                            let outcome = try await hold.run { try await handler.migrate(sourceKey: object.key, size: object.size) }
                            tally.record(outcome)
                            logger.debug("object processed", metadata: ["key": "\(object.key)", "outcome": "\(outcome.label)"])
                        } catch let error as MigrationError {
                            tally.recordFailure(code: error.code)
                            logger.warning("object failed", metadata: [
                                "key": "\(object.key)", "step": "\(error.step.rawValue)", "error_code": "\(error.code)",
                                "error": "\(error.underlying)",
                            ])
                        } catch {
                            tally.recordFailure(code: error.failureCode)
                        }
                    }
                }
                if Task.isCancelled {
                    next?.cancel()
                    listingError = "cancelled"
                    break
                }
            }
            await group.waitForAll()
        }
        return Result(listed: listed, listingError: listingError, tally: tally.snapshot)
    }
}
