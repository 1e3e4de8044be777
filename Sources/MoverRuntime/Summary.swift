public import MoverCore

/// Human-readable end-of-run summaries.
public enum Summary {
    /// The lines summarising a tally.
    public static func lines(_ tally: MigrationTally.Snapshot, elapsed: Duration, listed: Int? = nil) -> [String] {
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let rate = seconds > 0 ? Double(tally.completed) / seconds : 0
        var lines: [String] = []
        if let listed { lines.append("listed            \(listed)") }
        lines.append("migrated          \(tally.migrated) (rows updated: \(tally.rowsUpdated))")
        lines.append("already migrated  \(tally.alreadyMigrated)")
        lines.append("copied, no row    \(tally.copiedWithoutRow)")
        if tally.enqueued > 0 { lines.append("enqueued          \(tally.enqueued)") }
        if tally.planned > 0 { lines.append("would migrate     \(tally.planned) (rows: \(tally.plannedRows))") }
        let skipped = tally.skipped.sorted { $0.key.rawValue < $1.key.rawValue }.map { "\($0.key.rawValue)=\($0.value)" }
        lines.append("skipped           \(tally.skippedTotal)\(skipped.isEmpty ? "" : " (" + skipped.joined(separator: ", ") + ")")")
        let failures = tally.failedByCode.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        lines.append("failed            \(tally.failed)\(failures.isEmpty ? "" : " (" + failures.joined(separator: ", ") + ")")")
        if tally.messagesReceived > 0 {
            lines.append("messages          received \(tally.messagesReceived), deleted \(tally.messagesDeleted), kept \(tally.messagesKept) (malformed \(tally.malformedMessages))")
        }
        lines.append("elapsed           \(String(format: "%.2f", seconds)) s (\(String(format: "%.0f", rate)) objects/s)")
        return lines
    }

    /// The `--report` summary line.
    public static func reportLine(_ result: Backfill.Result, elapsed: Duration) -> [String: any Sendable] {
        let tally = result.tally
        var line: [String: any Sendable] = [
            "type": "summary", "listed": result.listed, "migrated": tally.migrated, "rows_updated": tally.rowsUpdated,
            "already_migrated": tally.alreadyMigrated, "copied_without_row": tally.copiedWithoutRow, "enqueued": tally.enqueued,
            "planned": tally.planned, "skipped": tally.skippedTotal, "failed": tally.failed,
            "elapsed_seconds": Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18,
            "succeeded": result.succeeded,
        ]
        if let resume = result.resumePoint { line["resume_point"] = resume }
        if let error = result.listingError { line["listing_error"] = error }
        return line
    }

    /// The lines of a verification report.
    public static func lines(_ report: Verifier.Report) -> [String] {
        var lines = [
            "rows still at the source prefix:      \(report.rowsAtSourcePath)",
            "migrated rows whose object is missing: \(report.rowsMissingObject) (of \(report.rowsChecked) migrated rows)",
            "source objects not yet copied:         \(report.objectsNotCopied) (of \(report.sourceObjectsChecked) source objects)",
        ]
        for (title, samples) in [("rows at source", report.rowsAtSourcePathSamples),
                                 ("rows missing object", report.rowsMissingObjectSamples),
                                 ("objects not copied", report.objectsNotCopiedSamples)] where !samples.isEmpty {
            lines.append("  e.g. \(title): " + samples.joined(separator: ", "))
        }
        lines.append(report.isComplete ? "migration complete" : "migration NOT complete")
        return lines
    }
}

import Foundation
