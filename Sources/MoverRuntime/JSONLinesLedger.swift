import FoundationEssentials
public import MoverCore
import StrictJSON

/// `--ledger FILE`: the audit trail, one JSON object per object handled, written as its outcome
/// becomes final: `time`, `source_key`, `source_version`, `source_etag`, `size`,
/// `destination_key`, `destination_etag`, `rows`, `outcome` and `reason` (null when unknown).
///
/// Appends, so that a restarted worker adds to the trail instead of replacing it.
public final class JSONLinesLedger: MigrationLedger {
    private let file: JSONLinesReport
    private static let timeStyle = Date.ISO8601FormatStyle(includingFractionalSeconds: true)

    /// Opens (or creates) the file at `path` for appending.
    public init(path: String) throws {
        file = try JSONLinesReport(path: path, flag: "--ledger", append: true)
    }

    public func record(_ entry: LedgerEntry) {
        func text(_ value: String?) -> JSONValue { value.map(JSONValue.string) ?? .null }
        func number(_ value: Int64?) -> JSONValue { value.map { .number(Double($0)) } ?? .null }
        file.write([
            "time": .string(Date.now.formatted(Self.timeStyle)),
            "source_key": .string(entry.facts.sourceKey),
            "source_version": text(entry.facts.sourceVersion),
            "source_etag": text(entry.facts.sourceETag),
            "size": number(entry.facts.size),
            "destination_key": text(entry.facts.destinationKey),
            "destination_etag": text(entry.facts.destinationETag),
            "rows": number(entry.rows.map(Int64.init)),
            "outcome": .string(entry.outcome.rawValue),
            "reason": text(entry.reason),
        ])
    }

    /// Flushes and closes the file.
    public func close() { file.close() }
}
