public import MoverCore
public import Postgres

/// The backfill's source for `--from-rows`: the rows whose path is still under the source
/// prefix, read with keyset pagination in byte order (`COLLATE "C"`), so memory stays constant
/// and rows repointed meanwhile simply drop out of the set.
///
/// This finishes what the live window left: rows saved after the worker's row wait, or after
/// the worker stopped, on a bucket that may be far larger than the table.
///
/// Values are read in `format` (every target, ``PathTargets``) and yield their keys; a value of
/// another format under the prefix is not ours and is passed over.
public struct RowSourceLister: SourceLister {
    public let database: PostgresClient
    public let targets: PathTargets
    public let format: PathFormat
    /// The keys' prefix; the rows are those whose value starts with its value.
    public let keyPrefix: String
    public let pageSize: Int

    public init(database: PostgresClient, targets: PathTargets, format: PathFormat, keyPrefix: String, pageSize: Int = 1000) {
        self.database = database
        self.targets = targets
        self.format = format
        self.keyPrefix = keyPrefix
        self.pageSize = pageSize
    }

    /// `token` is the last value of the previous page; `startAfter` a key.
    public func page(token: String?, startAfter: String?) async throws -> SourcePage {
        let after = token ?? startAfter.map(format.value(for:))
        let rows = try await database.execute(targets.pathsWithPrefixPage,
                                              [format.valuePrefix(forKeysStartingWith: keyPrefix), after, String(pageSize)])
        var keys: [String] = []
        var previous: [UInt8]?
        for row in rows.rows {
            guard let value = row[0], let key = format.key(from: value) else { continue }
            // Several rows (or targets) may share a value: one object, migrated once.
            let bytes = Array(value.utf8)
            if bytes != previous { keys.append(key) }
            previous = bytes
        }
        let next = rows.rows.count == pageSize ? rows.rows.last.flatMap { $0[0] } : nil
        return SourcePage(objects: keys.map { SourceObject(key: $0) }, nextToken: next)
    }
}
