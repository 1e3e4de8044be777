import MoverCore
public import Postgres

/// How many rows hold each path: concurrent questions share one read-only query per batch
/// (up to 1,000 paths). For `--dry-run` and `finalize`.
public final class RowCounter: Sendable {
    private let coalescer: Coalescer<String, Int>

    /// Counts in every target.
    public init(database: PostgresClient, targets: PathTargets) {
        let statement = targets.countRowsPerPath
        coalescer = Coalescer(maxBatch: 1000) { paths in
            let result = try await database.execute(statement, [postgresArrayLiteral(paths)])
            // Keyed by bytes: String equality would merge canonically equivalent paths, which are different keys.
            var counts: [[UInt8]: Int] = [:]
            for row in result.rows { if let path = row[0] { counts[Array(path.utf8)] = Int(row[1] ?? "0") ?? 0 } }
            return paths.map { counts[Array($0.utf8)] ?? 0 }
        }
    }

    /// The number of rows whose value is exactly `path`.
    public func rows(at path: String) async throws -> Int {
        try await coalescer.submit(path)
    }
}
