import AWS
import FoundationEssentials
import Logging
import Synchronization
import Testing

/// An upstream provider that counts fetches and hands out credentials expiring after `lifetime`.
private final class CountingProvider: CredentialProvider {
    let fetches = Atomic<Int>(0)
    let failing = Atomic<Bool>(false)
    let clock: TestClock
    let lifetime: TimeInterval
    init(clock: TestClock, lifetime: TimeInterval) {
        self.clock = clock
        self.lifetime = lifetime
    }
    func credentials() async throws -> AWSCredentials {
        let number = fetches.add(1, ordering: .relaxed).newValue
        try await Task.sleep(for: .milliseconds(20)) // let concurrent callers pile up
        if failing.load(ordering: .relaxed) { throw CredentialError(code: "STSUnreachable", source: "test", message: "down", isTransient: true) }
        return AWSCredentials(accessKeyId: "ASIA\(number)", secretAccessKey: "s", sessionToken: "t",
                              expiration: clock.now().addingTimeInterval(lifetime))
    }
}

private final class TestClock: Sendable {
    private let seconds = Mutex<Double>(1_000_000)
    func now() -> Date { Date(timeIntervalSince1970: seconds.withLock { $0 }) }
    func advance(_ delta: Double) { seconds.withLock { $0 += delta } }
}

@Suite(.timeLimit(.minutes(2))) struct RefreshingCredentialProviderTests {
    @Test func concurrentCallersShareOneFetch() async throws {
        let clock = TestClock()
        let upstream = CountingProvider(clock: clock, lifetime: 3600)
        let provider = RefreshingCredentialProvider(upstream, logger: Logger(label: "test"), now: { clock.now() })
        let ids = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<50 { group.addTask { try await provider.credentials().accessKeyId } }
            return try await group.reduce(into: Set<String>()) { $0.insert($1) }
        }
        #expect(ids == ["ASIA1"])
        #expect(upstream.fetches.load(ordering: .relaxed) == 1)
        // Still fresh 50 minutes later: no fetch.
        clock.advance(50 * 60)
        #expect(try await provider.credentials().accessKeyId == "ASIA1")
        #expect(provider.fetchCount == 1)
    }

    @Test func refreshesInsideTheMarginBeforeExpiry() async throws {
        let clock = TestClock()
        let upstream = CountingProvider(clock: clock, lifetime: 3600)
        let provider = RefreshingCredentialProvider(upstream, refreshMargin: .seconds(300), logger: Logger(label: "test"), now: { clock.now() })
        #expect(try await provider.credentials().accessKeyId == "ASIA1")
        clock.advance(3600 - 299) // inside the five-minute margin
        async let first = provider.credentials()
        async let second = provider.credentials()
        #expect(try await [first.accessKeyId, second.accessKeyId] == ["ASIA2", "ASIA2"])
        #expect(provider.fetchCount == 2)
    }

    @Test func servesStillValidCredentialsWhenTheRefreshFails() async throws {
        let clock = TestClock()
        let upstream = CountingProvider(clock: clock, lifetime: 3600)
        let provider = RefreshingCredentialProvider(upstream, logger: Logger(label: "test"), now: { clock.now() })
        #expect(try await provider.credentials().accessKeyId == "ASIA1")
        upstream.failing.store(true, ordering: .relaxed)
        clock.advance(3600 - 60)
        #expect(try await provider.credentials().accessKeyId == "ASIA1", "one minute left: keep serving")
        clock.advance(120)
        await #expect(throws: CredentialError.self) { try await provider.credentials() }
        upstream.failing.store(false, ordering: .relaxed)
        #expect(try await provider.credentials().accessKeyId.hasPrefix("ASIA"))
    }

    @Test func longLivedKeysAreFetchedOnce() async throws {
        let provider = RefreshingCredentialProvider(
            StaticCredentialProvider(AWSCredentials(accessKeyId: "AKID", secretAccessKey: "s")), logger: Logger(label: "test"))
        for _ in 0..<3 { _ = try await provider.credentials() }
        #expect(provider.fetchCount == 1)
    }
}
