import FoundationEssentials

/// How long ago an S3 event happened, from its ISO 8601 `eventTime` (`2026-11-25T09:00:00.123Z`).
enum EventAge {
    private static let withFraction = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
    private static let withoutFraction = Date.ISO8601FormatStyle()

    /// The time from `eventTime` to `now`, or nil when it is not a timestamp; never negative.
    /// A timestamp without a zone is UTC, as S3 documents `eventTime` (moto omits the `Z`).
    static func since(_ eventTime: String, now: Date = Date()) -> Duration? {
        let text = eventTime.last?.isNumber == true ? eventTime + "Z" : eventTime
        guard let date = (try? withFraction.parse(text)) ?? (try? withoutFraction.parse(text)) else { return nil }
        let seconds = max(0, now.timeIntervalSince(date))
        return .milliseconds(Int64(seconds * 1000))
    }
}
