import AWS
import Foundation
import Testing

/// AIMD: behind a proxy that admits a fixed rate of copies and answers the rest 503 SlowDown, a
/// backfill at --concurrency 256 narrows its window and is throttled far less often than the
/// same backfill with a fixed window.
@Suite(.tearsDownFixtures, .enabled(if: Stack.isAvailable, "needs the local stack: deploy/local/test.sh"), .timeLimit(.minutes(5)))
struct AdaptiveConcurrencyTests {
    static let objects = 300
    static let rate = 50

    /// Runs one backfill through a fresh throttling proxy; returns the throttled fraction.
    func throttledFraction(adaptive: Bool) async throws -> (fraction: Double, elapsed: Duration) {
        let fixture = try await Fixture.make(adaptive ? "aimd" : "fixedwindow", server: .moto)
        let keys = (1...Self.objects).map { "image/avatar-\($0).png" }
        try await fixture.putAvatars(keys)
        try await fixture.insertRows(keys)
        // S3-like: a copy takes 100 ms, so at most rate × 0.1 s = 5 copies in flight are admitted.
        let proxy = try await FaultProxy(upstream: Stack.moto, cycle: ["rate=\(Self.rate)", "latency=100"])
        defer { proxy.stop() }
        let started = ContinuousClock.now
        let result = try await fixture.run(["backfill", "--concurrency", "256"] + (adaptive ? [] : ["--no-adaptive-concurrency"]),
                                           overriding: ["AWS_ENDPOINT_URL_S3": proxy.url], timeout: .seconds(240))
        let elapsed = ContinuousClock.now - started
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(try await fixture.paths().allSatisfy { $0.hasPrefix("avatar/") })
        let counts = try await proxy.counts()
        let throttled = Double(counts["throttled", default: 0]), admitted = Double(counts["admitted", default: 0])
        #expect(admitted >= Double(Self.objects))
        return (throttled / max(1, throttled + admitted), elapsed)
    }

    @Test func theWindowNarrowsUnderThrottling() async throws {
        let adaptive = try await throttledFraction(adaptive: true)
        let fixed = try await throttledFraction(adaptive: false)
        print("AIMD vs fixed window, \(Self.objects) copies admitted at \(Self.rate)/s, --concurrency 256: "
              + "throttled \(Int(adaptive.fraction * 100)) % in \(adaptive.elapsed) vs \(Int(fixed.fraction * 100)) % in \(fixed.elapsed)")
        #expect(adaptive.fraction < fixed.fraction * 0.6, "adaptive \(adaptive.fraction) vs fixed \(fixed.fraction)")
    }
}
