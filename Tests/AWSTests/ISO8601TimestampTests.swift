import AWS
import FoundationEssentials
import Testing

@Suite(.timeLimit(.minutes(2))) struct ISO8601TimestampTests {
    @Test func parsesTheFormsCredentialEndpointsUse() {
        #expect(ISO8601Timestamp.parse("1970-01-01T00:00:00Z") == Date(timeIntervalSince1970: 0))
        #expect(ISO8601Timestamp.parse("2026-11-25T10:00:00Z") == Date(timeIntervalSince1970: 1_795_600_800))
        #expect(ISO8601Timestamp.parse("2026-11-25T10:00:00.500Z") == Date(timeIntervalSince1970: 1_795_600_800.5))
        #expect(ISO8601Timestamp.parse("2026-11-25T11:00:00+01:00") == Date(timeIntervalSince1970: 1_795_600_800))
        #expect(ISO8601Timestamp.parse("2024-02-29T23:59:59Z") == Date(timeIntervalSince1970: 1_709_251_199))
    }

    @Test func rejectsWhatIsNotATimestamp() {
        for text in ["", "2026-11-25", "2026-13-01T00:00:00Z", "2026-11-25T10:00:00", "2026-11-25T10:00:00Zjunk", "tomorrow"] {
            #expect(ISO8601Timestamp.parse(text) == nil, "\(text)")
        }
    }
}
