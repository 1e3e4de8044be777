import FoundationEssentials

/// A UTC instant formatted as SigV4 needs it: `20150830T123600Z` and `20150830`.
public struct AMZDate: Sendable, Hashable {
    /// `yyyyMMdd'T'HHmmss'Z'`.
    public let timestamp: String
    /// `yyyyMMdd`.
    public var day: String { String(timestamp.prefix(8)) }

    /// The instant `secondsSince1970` seconds after the Unix epoch, in UTC.
    public init(secondsSince1970: Int64) {
        let days = secondsSince1970 >= 0 ? secondsSince1970 / 86_400 : (secondsSince1970 - 86_399) / 86_400
        let secondOfDay = secondsSince1970 - days * 86_400
        // Howard Hinnant's civil_from_days.
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        func pad(_ value: Int64, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        timestamp = pad(year, 4) + pad(month, 2) + pad(day, 2) + "T"
            + pad(secondOfDay / 3600, 2) + pad(secondOfDay / 60 % 60, 2) + pad(secondOfDay % 60, 2) + "Z"
    }

    /// The current instant.
    public static func now() -> AMZDate {
        AMZDate(secondsSince1970: Int64(Date().timeIntervalSince1970))
    }
}
