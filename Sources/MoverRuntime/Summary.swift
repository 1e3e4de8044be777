import FoundationEssentials
public import MoverCore
public import StrictJSON

/// Human-readable end-of-run summaries.
public enum Summary {
    /// The lines summarising a tally.
    /// What a run did, for its summary's wording.
    public enum Mode: Sendable {
        case migrate, rollback, finalize
    }

    public static func lines(_ tally: MigrationTally.Snapshot, elapsed: Duration, listed: Int? = nil, mode: Mode = .migrate) -> [String] {
        let seconds = elapsed.seconds
        let rate = seconds > 0 ? Double(tally.completed) / seconds : 0
        var lines: [String] = []
        if let listed { lines.append("listed            \(listed)") }
        switch mode {
        case .migrate:
            lines.append("migrated          \(tally.migrated) (rows updated: \(tally.rowsUpdated))")
            lines.append("already migrated  \(tally.alreadyMigrated)")
            lines.append("copied, no row    \(tally.copiedWithoutRow)")
            if tally.enqueued > 0 { lines.append("enqueued          \(tally.enqueued)") }
            if tally.planned > 0 { lines.append("would migrate     \(tally.planned) (rows: \(tally.plannedRows))") }
        case .rollback:
            lines.append("repointed back    \(tally.repointedBack) (rows updated: \(tally.rowsRepointedBack))")
            if tally.planned > 0 { lines.append("would repoint     \(tally.planned) (rows: \(tally.plannedRows))") }
        case .finalize:
            lines.append("deleted           \(tally.deleted)")
            if tally.wouldDelete > 0 { lines.append("would delete      \(tally.wouldDelete) (nothing deleted without --yes)") }
        }
        let skipped = tally.skipped.sorted { $0.key.rawValue < $1.key.rawValue }.map { "\($0.key.rawValue)=\($0.value)" }
        lines.append("\(mode == .finalize ? "kept   " : "skipped")           \(tally.skippedTotal)\(skipped.isEmpty ? "" : " (" + skipped.joined(separator: ", ") + ")")")
        if tally.conflicts > 0 || mode == .migrate {
            lines.append("conflicts         \(tally.conflicts)\(tally.conflicts > 0 ? " (destination held newer bytes: kept, nothing written)" : "")")
        }
        let failures = tally.failedByCode.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        lines.append("failed            \(tally.failed)\(failures.isEmpty ? "" : " (" + failures.joined(separator: ", ") + ")")")
        if tally.messagesReceived > 0 {
            lines.append("messages          received \(tally.messagesReceived), deleted \(tally.messagesDeleted), kept \(tally.messagesKept) (malformed \(tally.malformedMessages))")
        }
        lines.append("elapsed           \(NumberFormat.fixed(seconds, 2)) s (\(NumberFormat.fixed(rate, 0)) objects/s)")
        if let first = tally.firstReceived, let last = tally.lastDeleted, last > first {
            // The worker's own pace, without start-up and the final check that the queue is empty.
            let busySeconds = (last - first).seconds
            lines.append("receiving         \(NumberFormat.fixed(busySeconds, 2)) s from the first message received to the last deleted"
                         + " (\(NumberFormat.fixed(Double(tally.messagesDeleted) / busySeconds, 0)) messages/s)")
        }
        return lines
    }

    /// The `--report` summary line.
    /// Whether a run succeeded: no failure, the listing complete, and (for `finalize`) no source kept.
    public static func succeeded(_ result: Backfill.Result, mode: Mode) -> Bool {
        result.succeeded && (mode != .finalize || result.tally.kept == 0)
    }

    public static func reportLine(_ result: Backfill.Result, elapsed: Duration, mode: Mode = .migrate) -> [String: JSONValue] {
        var line = json(result.tally, elapsed: elapsed, listed: result.listed, mode: mode, succeeded: succeeded(result, mode: mode))
        if let resume = result.resumePoint { line["resume_point"] = .string(resume) }
        if let error = result.listingError { line["listing_error"] = .string(error) }
        return line
    }

    /// A run's tally as one JSON object (`--json`, and `--report`'s summary line): every count,
    /// the skips by reason, the failures by code.
    public static func json(_ tally: MigrationTally.Snapshot, elapsed: Duration, listed: Int?, mode: Mode = .migrate,
                            succeeded: Bool) -> [String: JSONValue] {
        func number(_ value: Int) -> JSONValue { .number(Double(value)) }
        var line: [String: JSONValue] = [
            "type": .string("summary"), "migrated": number(tally.migrated),
            "rows_updated": number(tally.rowsUpdated), "already_migrated": number(tally.alreadyMigrated),
            "copied_without_row": number(tally.copiedWithoutRow), "enqueued": number(tally.enqueued),
            "planned": number(tally.planned), "planned_rows": number(tally.plannedRows),
            "skipped": number(tally.skippedTotal),
            "skipped_by_reason": .object(Dictionary(uniqueKeysWithValues: tally.skipped.map { ($0.key.rawValue, number($0.value)) })),
            "failed": number(tally.failed),
            "elapsed_seconds": .number(elapsed.seconds),
            "succeeded": .bool(succeeded),
            "conflicts": number(tally.conflicts),
            "failed_by_code": .object(tally.failedByCode.mapValues(number)),
        ]
        if let listed { line["listed"] = number(listed) }
        switch mode {
        case .migrate:
            if tally.messagesReceived > 0 {
                line["messages_received"] = number(tally.messagesReceived)
                line["messages_deleted"] = number(tally.messagesDeleted)
                line["messages_kept"] = number(tally.messagesKept)
                line["malformed_messages"] = number(tally.malformedMessages)
            }
        case .rollback:
            line["repointed_back"] = number(tally.repointedBack)
            line["rows_repointed_back"] = number(tally.rowsRepointedBack)
        case .finalize:
            line["deleted"] = number(tally.deleted)
            line["would_delete"] = number(tally.wouldDelete)
            line["kept"] = number(tally.kept)
        }
        return line
    }

    /// A JSON object as pretty-printed text with sorted keys (`--json`).
    public static func text(_ object: [String: JSONValue]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(object)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    /// The lines of a verification report.
    /// `verify --json`: the report as one JSON object (counts, sample keys, `complete`).
    public static func json(_ report: Verifier.Report) -> [String: JSONValue] {
        func samples(_ keys: [String]) -> JSONValue { .array(keys.map(JSONValue.string)) }
        var object: [String: JSONValue] = [
            "complete": .bool(report.isComplete),
            "rows_at_source_path": .number(Double(report.rowsAtSourcePath)),
            "rows_at_source_path_samples": samples(report.rowsAtSourcePathSamples),
            "rows_missing_object": .number(Double(report.rowsMissingObject)),
            "rows_missing_object_samples": samples(report.rowsMissingObjectSamples),
            "rows_checked": .number(Double(report.rowsChecked)),
            "objects_not_copied": .number(Double(report.objectsNotCopied)),
            "objects_not_copied_samples": samples(report.objectsNotCopiedSamples),
            "source_objects_checked": .number(Double(report.sourceObjectsChecked)),
            "deep": .bool(report.deep),
        ]
        if report.deep {
            object["pairs_compared"] = .number(Double(report.pairsCompared))
            object["copies_not_identical"] = .number(Double(report.copiesNotIdentical))
            object["copies_not_identical_samples"] = samples(report.copiesNotIdenticalSamples)
            object["copies_unproven"] = .number(Double(report.copiesUnproven))
            object["copies_unproven_samples"] = samples(report.copiesUnprovenSamples)
            object["pairs_read"] = .number(Double(report.pairsRead))
        }
        return object
    }

    /// ``json(_:)`` as pretty-printed text with sorted keys.
    public static func jsonText(_ report: Verifier.Report) -> String { text(json(report)) }

    public static func lines(_ report: Verifier.Report) -> [String] {
        var lines = [
            "rows still at the source prefix:      \(report.rowsAtSourcePath)",
            "migrated rows whose object is missing: \(report.rowsMissingObject) (of \(report.rowsChecked) migrated rows)",
            "source objects not yet copied:         \(report.objectsNotCopied) (of \(report.sourceObjectsChecked) source objects)",
        ]
        if report.deep {
            lines.append("copies not identical to their source:  \(report.copiesNotIdentical) (of \(report.pairsCompared) compared)")
            lines.append("copies unproven (only the size agrees): \(report.copiesUnproven)"
                + (report.read ? " (\(report.pairsRead) pairs read and hashed)" : ""))
        }
        for (title, samples) in [("rows at source", report.rowsAtSourcePathSamples),
                                 ("rows missing object", report.rowsMissingObjectSamples),
                                 ("objects not copied", report.objectsNotCopiedSamples),
                                 ("copies not identical", report.copiesNotIdenticalSamples),
                                 ("copies unproven", report.copiesUnprovenSamples)] where !samples.isEmpty {
            lines.append("  e.g. \(title): " + samples.joined(separator: ", "))
        }
        lines.append(report.isComplete ? "migration complete" : "migration NOT complete")
        if report.objectsNotCopied > 0 {
            lines.append("next: `s3-mover backfill` copies the objects not yet copied and repoints their rows")
        }
        if report.copiesNotIdentical > 0 {
            lines.append("next: delete the copies that differ and run `s3-mover backfill` again; their rows' objects are not what the source held")
        }
        if report.copiesUnproven > 0 {
            lines.append("next: `s3-mover verify --deep --read` reads both objects of each unproven pair and proves or disproves it")
        }
        if report.rowsAtSourcePath > 0 {
            lines.append("next: `s3-mover backfill --from-rows` repoints the \(report.rowsAtSourcePath) rows still at the source prefix "
                + "(rows saved after the worker's row wait), reading the table instead of listing the bucket")
        }
        return lines
    }
}
