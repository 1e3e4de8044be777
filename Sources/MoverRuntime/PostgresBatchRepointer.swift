public import MoverCore
public import Postgres

/// The handler's database, batched: concurrent repoints share one set-based
/// `UPDATE … FROM unnest(…)` statement per target, committed (one transaction over every
/// target) before any of them returns.
///
/// It is given keys and writes values: `from` makes the old value of a key, `to` the new one
/// (``PathFormat``); for `rollback` the two are the other way round.
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

    private let coalescer: Coalescer<Request, Result<RepointOutcome, any Error>>

    /// - Parameter linger: how long a batch waits for more requests; worth a few milliseconds when
    ///   the path column has no index, because every statement then scans the whole table.
    private let from: PathFormat
    private let to: PathFormat

    public init(client: PostgresClient, targets: PathTargets, from: PathFormat, to: PathFormat, maxBatch: Int = 1000,
                linger: Duration = .zero) {
        self.from = from
        self.to = to
        // A batch runs in its first request's task: cancelling that task (the grace period's
        // end) cancels the statement too (PQcancel).
        coalescer = Coalescer(maxBatch: maxBatch, linger: linger) { requests in
            do {
                return try await Self.repoint(requests, client: client, targets: targets).map { .success($0) }
            } catch let error as PostgresError where requests.count > 1 && error.isDataError {
                // One bad row (a path too long for the column, say) fails the whole statement.
                // Run the batch again row by row, so its neighbours commit and only it fails.
                var results: [Result<RepointOutcome, any Error>] = []
                for request in requests {
                    do {
                        results.append(.success(try await Self.repoint([request], client: client, targets: targets)[0]))
                    } catch {
                        results.append(.failure(error))
                    }
                }
                return results
            }
        }
    }

    /// One set-based statement for `requests`, then one read for those that matched nothing.
    private static func repoint(_ requests: [Request], client: PostgresClient, targets: PathTargets) async throws -> [RepointOutcome] {
        let parameters = [postgresArrayLiteral(requests.map(\.oldPath)), postgresArrayLiteral(requests.map(\.newPath))]
        let results = targets.tables.count == 1
            ? [try await client.execute(targets.tables[0].repointBatch, parameters)]
            : try await client.transaction(targets.tables.map { ($0.repointBatch, parameters) })
        // Keyed by bytes: String equality would merge canonically equivalent paths, which are different keys.
        var byOldPath: [[UInt8]: (updated: Int, alreadyThere: Bool)] = [:]
        for result in results {
            for row in result.rows {
                guard let old = row[0] else { continue }
                byOldPath[Array(old.utf8), default: (0, false)].updated += Int(row[1] ?? "0") ?? 0
            }
        }
        // Only objects that updated nothing need a second look: repeats, or rows that do not exist.
        let unmatched = requests.filter { (byOldPath[Array($0.oldPath.utf8)]?.updated ?? 0) == 0 }
        if !unmatched.isEmpty {
            let found = try await client.execute(targets.existingPaths, [postgresArrayLiteral(unmatched.map(\.newPath))])
            let present = Set(found.rows.compactMap { $0[0].map { Array($0.utf8) } })
            for request in unmatched where present.contains(Array(request.newPath.utf8)) {
                byOldPath[Array(request.oldPath.utf8)] = (0, true)
            }
        }
        var reported = Set<[UInt8]>()
        return requests.map { request in
            let key = Array(request.oldPath.utf8)
            let found = byOldPath[key] ?? (0, false)
            // A repeat of the same path within one batch is a duplicate: the first one did the work.
            let first = reported.insert(key).inserted
            if found.updated > 0 && first { return .updated(rows: found.updated) }
            return found.alreadyThere || found.updated > 0 ? .alreadyRepointed : .noRow
        }
    }

    /// Repoints every row at `oldKey`'s value to `newKey`'s.
    public func repoint(from oldKey: String, to newKey: String) async throws -> RepointOutcome {
        try await coalescer.submit(Request(oldPath: from.value(for: oldKey), newPath: to.value(for: newKey))).get()
    }
}
