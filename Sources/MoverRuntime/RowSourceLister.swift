public import MoverCore
public import Postgres

/// The backfill's source for `--from-rows`: the rows whose path is still under the source
/// prefix, read with keyset pagination in byte order (`COLLATE "C"`), so memory stays constant
/// and rows repointed meanwhile simply drop out of the set.
///
/// This finishes what the live window left: rows saved after the worker's row wait, or after
/// the worker stopped, on a bucket that may be far larger than the table.
public struct RowSourceLister: SourceLister {
    public let database: PostgresClient
    public let table: AvatarTable
    public let prefix: String
    public let pageSize: Int

    public init(database: PostgresClient, table: AvatarTable, prefix: String, pageSize: Int = 1000) {
        self.database = database
        self.table = table
        self.prefix = prefix
        self.pageSize = pageSize
    }

    /// `token` (and `startAfter`) is the last path of the previous page.
    public func page(token: String?, startAfter: String?) async throws -> SourcePage {
        let after = token ?? startAfter
        let rows = try await database.execute(table.pathsWithPrefixPage, [prefix, after, String(pageSize)])
        var paths: [String] = []
        var previous: [UInt8]?
        for row in rows.rows {
            guard let path = row[0] else { continue }
            // Several rows may share a path: one object, migrated once.
            let bytes = Array(path.utf8)
            if bytes != previous { paths.append(path) }
            previous = bytes
        }
        let next = rows.rows.count == pageSize ? rows.rows.last.flatMap { $0[0] } : nil
        return SourcePage(objects: paths.map { SourceObject(key: $0) }, nextToken: next)
    }
}
