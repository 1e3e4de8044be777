public import MoverCore
import Postgres

/// Where the database points at objects: one or more table columns (`DB_TARGETS`, or
/// `DB_TABLE`.`DB_PATH_COLUMN`), and how each value is made from a key on the source side and on
/// the destination side (`DB_SOURCE_PATH_FORMAT`, `DB_DEST_PATH_FORMAT`).
///
/// Every statement covers all targets: a batch of repoints is one transaction over all of them,
/// lookups and listings take their union. With one target, the statements are that table's own.
public struct PathTargets: Sendable {
    public let tables: [AvatarTable]
    public let sourceFormat: PathFormat
    public let destinationFormat: PathFormat

    public init(tables: [AvatarTable], sourceFormat: PathFormat = .key, destinationFormat: PathFormat = .key) {
        precondition(!tables.isEmpty, "at least one target")
        self.tables = tables
        self.sourceFormat = sourceFormat
        self.destinationFormat = destinationFormat
    }

    /// How the targets are named in messages: `avatars.path, users.avatar_url`.
    public var names: String { tables.map { "\($0.table.raw).\($0.column.raw)" }.joined(separator: ", ") }

    /// `$1` values (text array) → those that some row of some target holds.
    var existingPaths: String {
        guard tables.count > 1 else { return tables[0].existingPaths }
        return "SELECT DISTINCT v FROM (" + tables.map {
            "SELECT \($0.column) AS v FROM \($0.table) WHERE \($0.column) = ANY ($1::text[])"
        }.joined(separator: " UNION ALL ") + ") AS s"
    }

    /// `$1` values (text array) → (value, rows holding it in all targets), read-only.
    var countRowsPerPath: String {
        guard tables.count > 1 else { return tables[0].countRowsPerPath }
        let counts = tables.map { "(SELECT count(*) FROM \($0.table) AS t WHERE t.\($0.column) = p.path)" }
        return "SELECT p.path, " + counts.joined(separator: " + ") + " FROM unnest($1::text[]) AS p(path)"
    }

    /// `$1` value prefix → rows in all targets whose value starts with it.
    var countWithPrefix: String {
        guard tables.count > 1 else { return tables[0].countWithPrefix }
        return "SELECT " + tables.map { "(SELECT count(*) FROM \($0.table) WHERE starts_with(\($0.column), $1))" }.joined(separator: " + ")
    }

    /// `$1` value prefix, `$2` exclusive lower bound (or NULL), `$3` limit → values of all targets
    /// in byte order (a value held in several targets comes once per target).
    var pathsWithPrefixPage: String {
        guard tables.count > 1 else { return tables[0].pathsWithPrefixPage }
        // Each branch is ordered and limited on its own, so each can walk its index.
        let branches = tables.map { t in
            """
            (SELECT \(t.column) AS v FROM \(t.table)
             WHERE starts_with(\(t.column), $1) AND ($2::text IS NULL OR \(t.column) COLLATE "C" > $2::text COLLATE "C")
             ORDER BY \(t.column) COLLATE "C" LIMIT $3)
            """
        }
        return "SELECT v FROM (" + branches.joined(separator: " UNION ALL ") + ") AS s ORDER BY v COLLATE \"C\" LIMIT $3"
    }
}
