public import FoundationEssentials

/// Parses the timestamps credential endpoints return: `2026-11-25T10:00:00Z`,
/// with optional fractional seconds and a `Z` or `±hh:mm` offset.
public enum ISO8601Timestamp {
    private static let withFraction = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
    private static let withoutFraction = Date.ISO8601FormatStyle()

    /// The instant `text` names, or nil when it is not such a timestamp.
    public static func parse(_ text: String) -> Date? {
        // The format style stops reading after the zone and would accept trailing text.
        guard text.hasSuffix("Z") || hasOffsetSuffix(text) else { return nil }
        return (try? withFraction.parse(text)) ?? (try? withoutFraction.parse(text))
    }

    /// Ends in `+hh:mm` or `-hh:mm`.
    private static func hasOffsetSuffix(_ text: String) -> Bool {
        let tail = Array(text.utf8.suffix(6))
        guard tail.count == 6, tail[0] == UInt8(ascii: "+") || tail[0] == UInt8(ascii: "-"), tail[3] == UInt8(ascii: ":") else { return false }
        return [1, 2, 4, 5].allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(tail[$0]) }
    }
}
