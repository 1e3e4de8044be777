import MoverCore
import Testing

@Suite(.timeLimit(.minutes(2))) struct BackoffTests {
    @Test func doublesUpToTheCap() {
        let backoff = Backoff(initial: .milliseconds(100), cap: .milliseconds(500), jitter: 1...1)
        #expect((1...6).map { backoff.delay(attempt: $0) } == [100, 200, 400, 500, 500, 500].map { Duration.milliseconds($0) })
    }

    @Test func jitterScalesEachPause() {
        let backoff = Backoff(initial: .seconds(1), cap: .seconds(8), jitter: 0.5...1)
        #expect(backoff.delay(attempt: 3, random: 0) == .seconds(2))
        #expect(backoff.delay(attempt: 3, random: 1) == .seconds(4))
        #expect((0..<100).allSatisfy { _ in (Duration.seconds(2)...Duration.seconds(4)).contains(backoff.delay(attempt: 3)) })
    }

    @Test func aCapBelowTheFirstPauseWins() {
        #expect(Backoff(initial: .milliseconds(500), cap: .milliseconds(20), jitter: 1...1).delay(attempt: 1) == .milliseconds(20))
        #expect(Backoff(initial: .seconds(1), cap: .seconds(4), jitter: 1...1).delay(attempt: 10_000) == .seconds(4))
    }
}
