import Dispatch
public import Logging
import Synchronization

/// Runs statements on one PostgreSQL connection owned by a dedicated thread, so blocking libpq
/// calls never occupy Swift's cooperative pool.
///
/// The connection is opened lazily and re-opened after it breaks. Reconnection attempts back
/// off exponentially (up to ``maxReconnectDelay``); while backing off, statements fail fast with
/// ``PostgresError/Code/connectionFailed`` so that callers' own retry policies stay in charge.
public final class PostgresClient: Sendable {
    private let jobs = PostgresJobQueue()
    private let state: PostgresWorkerState
    /// The longest pause between reconnection attempts.
    public let maxReconnectDelay: Duration

    /// Creates a client for `conninfo` and starts its thread. Does not connect yet.
    public init(conninfo: String, logger: Logger, applicationName: String = "s3-mover", maxReconnectDelay: Duration = .seconds(5),
                limits: SessionLimits = SessionLimits()) {
        self.maxReconnectDelay = maxReconnectDelay
        state = PostgresWorkerState(conninfo: conninfo, applicationName: applicationName, logger: logger,
                                    maxDelay: maxReconnectDelay, limits: limits)
        // A serial queue of its own: libdispatch gives it a dedicated (overcommit) thread, never one
        // of Swift's cooperative pool, so blocking libpq calls starve nothing.
        DispatchQueue(label: "s3-mover.postgres").async { [jobs, state] in
            // One job per wake-up (one signal per job queued, one for shutdown); a job cancelled
            // while queued is simply gone when its wake-up comes.
            while true {
                jobs.signal.wait()
                let (job, stop) = jobs.mutex.withLock { queue -> (PostgresJobQueue.Job?, Bool) in
                    guard !queue.jobs.isEmpty else { return (nil, queue.shutDown) }
                    let job = queue.jobs.removeFirst()
                    queue.running = (job.id, ContinuousClock.now)
                    return (job, false)
                }
                if let job {
                    // The call state is cleared before the caller resumes: once `execute` has
                    // returned, `currentCallDuration` no longer shows that call.
                    job.run(state) { jobs.mutex.withLock { $0.running = nil } }
                } else if stop {
                    state.close()
                    return
                }
            }
        }
    }

    /// Runs `body` with the connection on the dedicated thread and returns its result.
    ///
    /// Cancelling the calling task drops the job if it has not started. If it has, the thread
    /// sends a cancel request (`PQcancel`), again every second while the statement still runs,
    /// and starts no further statement of the job: the statement then fails with SQLSTATE 57014
    /// instead of waiting on its lock or its scan. The caller waits at most
    /// ``PostgresCall/cancelledWaitLimit`` for that, so a server that no longer answers cannot
    /// hold up a shutdown.
    func withConnection<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) throws -> T) async throws -> T {
        let id = jobs.mutex.withLock { queue in
            defer { queue.nextID += 1 }
            return queue.nextID
        }
        let call = PostgresCall<T>()
        return try await withTaskCancellationHandler {
            try await call.wait {
                let accepted = jobs.mutex.withLock { queue in
                    guard !queue.shutDown else { return false }
                    queue.jobs.append(PostgresJobQueue.Job(
                        id: id,
                        run: { state, finished in
                            let result = Result { try state.run(body, isCancelled: { call.isCancelRequested }) }
                            finished()
                            call.resume(with: result)
                        },
                        abandon: { call.resume(with: .failure(CancellationError())) }))
                    return true
                }
                if accepted {
                    jobs.signal.signal()
                } else {
                    call.resume(with: .failure(PostgresError(code: .clientShutDown, message: "the PostgreSQL client is shut down")))
                }
            }
        } onCancel: {
            let abandoned = jobs.mutex.withLock { queue -> PostgresJobQueue.Job? in
                guard let index = queue.jobs.firstIndex(where: { $0.id == id }) else { return nil }
                return queue.jobs.remove(at: index)
            }
            if let abandoned {
                abandoned.abandon()
            } else {
                // Running (or not queued yet): the thread sees the request.
                call.requestCancel()
            }
        }
    }

    /// Runs one parameterised statement; values bind to `$1`, `$2`, ... and are never pasted into SQL.
    @discardableResult
    public func execute(_ sql: String, _ parameters: [String?] = []) async throws -> PostgresRows {
        try await withConnection { try $0.execute(sql, parameters) }
    }

    /// Runs `statements` in one transaction (`BEGIN` … `COMMIT`), rolling back on failure.
    @discardableResult
    public func transaction(_ statements: [(sql: String, parameters: [String?])]) async throws -> [PostgresRows] {
        let copy = statements.map { PostgresStatement(sql: $0.sql, parameters: $0.parameters) }
        return try await withConnection { connection in
            _ = try connection.execute("BEGIN", [])
            do {
                let results = try copy.map { try connection.execute($0.sql, $0.parameters) }
                _ = try connection.execute("COMMIT", [])
                return results
            } catch {
                if connection.isHealthy { _ = try? connection.execute("ROLLBACK", []) }
                throw error
            }
        }
    }

    /// How long the call on the connection now has been running (connecting included); nil when
    /// idle. A liveness probe uses it to notice a call stuck past every timeout.
    public var currentCallDuration: Duration? {
        jobs.mutex.withLock { $0.running?.since }.map { ContinuousClock.now - $0 }
    }

    /// Closes the connection after the statements already queued, and stops the thread.
    public func shutdown() {
        jobs.mutex.withLock { $0.shutDown = true }
        jobs.signal.signal()
    }
}

/// Jobs handed to the dedicated thread, and the semaphore that wakes it.
final class PostgresJobQueue: Sendable {
    struct Job: Sendable {
        var id: Int
        /// Runs on the dedicated thread, calls `finished` (which clears the running state), then
        /// resumes the caller.
        var run: @Sendable (_ state: PostgresWorkerState, _ finished: () -> Void) -> Void
        /// Resumes the caller with `CancellationError` instead (the job never runs).
        var abandon: @Sendable () -> Void
    }

    struct State {
        var jobs: [Job] = []
        var nextID = 0
        var shutDown = false
        /// The job on the thread now, and when it started; nil when idle.
        var running: (id: Int, since: ContinuousClock.Instant)?
    }
    let mutex = Mutex(State())
    let signal = DispatchSemaphore(value: 0)
}

struct PostgresStatement: Sendable {
    var sql: String
    var parameters: [String?]
}

/// The dedicated thread's state: the connection and the reconnection backoff.
///
/// `@unchecked Sendable`: created on the caller's thread, then touched only by the client's
/// dedicated thread (each job runs there, one at a time).
final class PostgresWorkerState: @unchecked Sendable {
    private let conninfo: String
    private let applicationName: String
    private let logger: Logger
    private let maxDelay: Duration
    private var connection: PostgresConnection?
    private var failures = 0
    private var nextAttempt = ContinuousClock.now
    private var lastError: PostgresError?

    private let limits: SessionLimits

    init(conninfo: String, applicationName: String, logger: Logger, maxDelay: Duration, limits: SessionLimits) {
        self.limits = limits
        self.conninfo = conninfo
        self.applicationName = applicationName
        self.logger = logger
        self.maxDelay = maxDelay
    }

    /// Runs one job's `body`; `isCancelled` tells the connection that its caller has gone.
    func run<T>(_ body: (PostgresConnection) throws -> T, isCancelled: @escaping @Sendable () -> Bool) throws -> T {
        if isCancelled() { throw PostgresError.cancelledBeforeStart }
        let connection = try connected()
        connection.isCancelled = isCancelled
        defer { connection.isCancelled = nil }
        do {
            return try body(connection)
        } catch let error as PostgresError {
            if !connection.isHealthy {
                self.connection = nil
                logger.warning("PostgreSQL connection lost; will reconnect", metadata: ["error": "\(error)"])
            }
            throw error
        }
    }

    private func connected() throws -> PostgresConnection {
        if let connection, connection.isHealthy { return connection }
        connection = nil
        let now = ContinuousClock.now
        if now < nextAttempt, let lastError {
            throw lastError
        }
        do {
            let fresh = try PostgresConnection(conninfo: conninfo, applicationName: applicationName, limits: limits)
            if failures > 0 { logger.info("PostgreSQL connection re-established", metadata: ["after_failures": "\(failures)"]) }
            failures = 0
            lastError = nil
            connection = fresh
            return fresh
        } catch let error as PostgresError {
            failures += 1
            let delay = min(Duration.milliseconds(100) * (1 << min(failures, 10)), maxDelay)
            nextAttempt = now + delay
            lastError = error
            logger.warning("PostgreSQL connection failed", metadata: [
                "error": "\(error)", "attempt": "\(failures)", "next_attempt_in": "\(delay)",
            ])
            throw error
        }
    }

    func close() {
        connection = nil
    }
}
