import FoundationEssentials
@testable import MoverCore
import Testing

@Suite(.timeLimit(.minutes(2))) struct EventAgeTests {
    let now = Date(timeIntervalSince1970: 1_795_600_810) // 2026-11-25T10:00:10Z

    @Test func agesFromTheFormsS3AndMotoSend() {
        #expect(EventAge.since("2026-11-25T10:00:00.000Z", now: now) == .seconds(10))
        #expect(EventAge.since("2026-11-25T10:00:00Z", now: now) == .seconds(10))
        #expect(EventAge.since("2026-11-25T10:00:00.500000", now: now) == .milliseconds(9500))
        #expect(EventAge.since("2026-11-25T10:00:20Z", now: now) == .zero, "clock skew never gives a negative age")
        #expect(EventAge.since("yesterday", now: now) == nil)
    }
}
