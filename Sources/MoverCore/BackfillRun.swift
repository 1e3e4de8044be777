import Logging
public import ServiceLifecycle
import Synchronization

/// A ``Backfill`` as a `Service`: it runs to the end of the listing, or until graceful shutdown
/// (SIGTERM), which cancels it: nothing new starts, and the resume point covers what finished.
public final class BackfillRun: Service {
    private let backfill: Backfill
    private let startAfter: String?
    private let outcome = Mutex<Backfill.Result?>(nil)

    public init(_ backfill: Backfill, startAfter: String?) {
        self.backfill = backfill
        self.startAfter = startAfter
    }

    public func run() async {
        let logger = backfill.logger
        let result = await withGracefulShutdownHandler { [backfill, startAfter] in
            await cancelWhenGracefulShutdown { await backfill.run(startAfter: startAfter) }
        } onGracefulShutdown: {
            logger.notice("shutdown requested; stopping the backfill")
        }
        outcome.withLock { $0 = result }
    }

    /// What the run achieved, once ``run()`` has returned.
    public var result: Backfill.Result? { outcome.withLock { $0 } }
}
