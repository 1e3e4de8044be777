public import FoundationEssentials
public import Logging
import Synchronization

/// Caches temporary credentials and refreshes them before they expire, with one fetch in
/// flight at a time however many requests are waiting: all of a run's clients share one.
///
/// Credentials are fresh until `refreshMargin` before their expiration (5 minutes, as the SDKs'
/// mandatory window). Past that, the first caller starts one fetch and every caller awaits it.
/// If the fetch fails while the cached credentials have not yet expired, those are served and the
/// failure is logged; the next request tries again. Credentials without an expiration never refresh.
public final class RefreshingCredentialProvider: CredentialProvider {
    private struct State {
        var cached: AWSCredentials?
        var inFlight: Task<AWSCredentials, any Error>?
        var fetches = 0
    }

    private let upstream: any CredentialProvider
    private let refreshMargin: TimeInterval
    private let now: @Sendable () -> Date
    private let logger: Logger
    private let state = Mutex(State())

    /// Wraps `upstream`, which is called only to fetch new credentials.
    public init(
        _ upstream: any CredentialProvider, refreshMargin: Duration = .seconds(300), logger: Logger,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.upstream = upstream
        self.refreshMargin = TimeInterval(refreshMargin.components.seconds)
        self.now = now
        self.logger = logger
    }

    /// How many times the upstream provider has been asked (for tests and diagnostics).
    public var fetchCount: Int { state.withLock { $0.fetches } }

    public func credentials() async throws -> AWSCredentials {
        let current = now()
        let cached = state.withLock { $0.cached }
        if let cached, isFresh(cached, at: current) { return cached }
        let task = state.withLock { state -> Task<AWSCredentials, any Error> in
            if let running = state.inFlight { return running }
            state.fetches += 1
            let upstream = self.upstream
            let task = Task { try await upstream.credentials() }
            state.inFlight = task
            return task
        }
        do {
            let fresh = try await task.value
            state.withLock { state in
                if state.inFlight == task {
                    state.inFlight = nil
                    state.cached = fresh
                }
            }
            if let expiration = fresh.expiration {
                logger.debug("credentials refreshed", metadata: [
                    "access_key_id": "\(fresh.accessKeyId)", "expires": "\(expiration)"])
            }
            return fresh
        } catch {
            state.withLock { state in
                if state.inFlight == task { state.inFlight = nil }
            }
            if let cached, let expiration = cached.expiration, expiration > current {
                logger.warning("credential refresh failed; using the current credentials until they expire", metadata: [
                    "error": "\(error)", "expires": "\(expiration)"])
                return cached
            }
            throw error
        }
    }

    private func isFresh(_ credentials: AWSCredentials, at date: Date) -> Bool {
        guard let expiration = credentials.expiration else { return true }
        return expiration.timeIntervalSince(date) > refreshMargin
    }
}
