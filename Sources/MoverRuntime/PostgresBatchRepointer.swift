public import MoverCore
public import Postgres

/// The handler's database, batched: concurrent repoints share one set-based
/// `UPDATE … FROM unnest(…)` statement, committed before any of them returns.
///
/// Each batch is one autocommitted statement, so "done" still means "committed"; batches form
/// only from requests that arrive while the previous statement runs, so nothing waits for a timer.
/// Without an index on the path column, one statement scans the table once per batch instead of
/// once per object.
public final class PostgresBatchRepointer: PathRepointer {
    private struct Request: Sendable {
        var oldPath: String
        var newPath: String
    }

    private let coalescer: Coalescer<Request, RepointOutcome>

    /// - Parameter linger: how long a batch waits for more requests; worth a few milliseconds when
    ///   the path column has no index, because every statement then scans the whole table.
    public init(client: PostgresClient, table: AvatarTable, maxBatch: Int = 1000, linger: Duration = .zero) {
        let update = table.repointBatch
        let existing = table.existingPaths
        coalescer = Coalescer(maxBatch: maxBatch, linger: linger) { requests in
            let result = try await client.execute(update, [
                postgresArrayLiteral(requests.map(\.oldPath)), postgresArrayLiteral(requests.map(\.newPath)),
            ])
            var byOldPath: [String: (updated: Int, alreadyThere: Bool)] = [:]
            for row in result.rows {
                guard let old = row[0] else { continue }
                byOldPath[old] = (Int(row[1] ?? "0") ?? 0, false)
            }
            // Only objects that updated nothing need a second look: repeats, or rows that do not exist.
            let unmatched = requests.filter { (byOldPath[$0.oldPath]?.updated ?? 0) == 0 }
            if !unmatched.isEmpty {
                let found = try await client.execute(existing, [postgresArrayLiteral(unmatched.map(\.newPath))])
                let present = Set(found.rows.compactMap { $0[0] })
                for request in unmatched where present.contains(request.newPath) {
                    byOldPath[request.oldPath] = (0, true)
                }
            }
            var reported = Set<String>()
            return requests.map { request in
                let found = byOldPath[request.oldPath] ?? (0, false)
                // A repeat of the same path within one batch is a duplicate: the first one did the work.
                let first = reported.insert(request.oldPath).inserted
                if found.updated > 0 && first { return .updated(rows: found.updated) }
                return found.alreadyThere || found.updated > 0 ? .alreadyRepointed : .noRow
            }
        }
    }

    public func repoint(from oldPath: String, to newPath: String) async throws -> RepointOutcome {
        try await coalescer.submit(Request(oldPath: oldPath, newPath: newPath))
    }
}
