public import Postgres

/// The statements s3-mover runs against the avatars table. Table and column are validated
/// identifiers; every value is a bound parameter.
public struct AvatarTable: Sendable {
    public let table: SQLIdentifier
    public let column: SQLIdentifier

    public init(table: SQLIdentifier, column: SQLIdentifier) {
        self.table = table
        self.column = column
    }

    /// `$1` old paths, `$2` new paths (text arrays, same length) → (old path, rows updated) for each
    /// old path that matched. One statement, so one commit for the whole batch.
    var repointBatch: String {
        """
        WITH pairs AS (SELECT DISTINCT old, new FROM unnest($1::text[], $2::text[]) AS p(old, new)),
        updated AS (
            UPDATE \(table) AS t SET \(column) = pairs.new FROM pairs WHERE t.\(column) = pairs.old RETURNING pairs.old AS old
        )
        SELECT old, count(*) FROM updated GROUP BY old
        """
    }

    /// `$1` paths (text array) → those that some row holds.
    var existingPaths: String {
        "SELECT DISTINCT \(column) FROM \(table) WHERE \(column) = ANY ($1::text[])"
    }

    /// Whether a valid index leads with the path column (`$1` table as regclass text, `$2` column).
    /// An index left INVALID by an interrupted `CREATE INDEX CONCURRENTLY` serves no lookup.
    var hasPathIndex: String {
        """
        SELECT EXISTS (
            SELECT 1 FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
            WHERE i.indrelid = $1::regclass AND a.attname = $2 AND i.indisvalid
        )
        """
    }

    /// The INVALID indexes leading with the path column, as quoted qualified names (same parameters).
    var invalidPathIndexes: String {
        """
        SELECT format('%I.%I', n.nspname, c.relname) FROM pg_index i
        JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
        JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE i.indrelid = $1::regclass AND a.attname = $2 AND NOT i.indisvalid
        """
    }

    /// Builds the path index without blocking writes.
    var createPathIndex: String {
        let name = "\(table.raw.split(separator: ".").last!)_\(column.raw)_s3mover_idx".lowercased()
        return "CREATE INDEX CONCURRENTLY IF NOT EXISTS \"\(name)\" ON \(table) (\(column))"
    }

    /// `$1` paths (text array) → (path, rows holding it), read-only.
    var countRowsPerPath: String {
        """
        SELECT p.path, count(t.\(column)) FROM unnest($1::text[]) AS p(path)
        LEFT JOIN \(table) AS t ON t.\(column) = p.path GROUP BY p.path
        """
    }

    /// Creates the table as the origin did, if missing.
    var create: String {
        "CREATE TABLE IF NOT EXISTS \(table) (id SERIAL PRIMARY KEY, \(column) VARCHAR)"
    }

    /// `$1` a text array of paths: inserts those not present yet. One scan of the table per call
    /// (a hashed `= ANY`), whatever the statistics say.
    var insertMissing: String {
        """
        INSERT INTO \(table) (\(column))
        SELECT p FROM unnest($1::text[]) AS p EXCEPT SELECT \(column) FROM \(table) WHERE \(column) = ANY ($1::text[])
        """
    }

    /// `$1` prefix → count of rows whose path starts with it.
    var countWithPrefix: String {
        "SELECT count(*) FROM \(table) WHERE starts_with(\(column), $1)"
    }

    /// `$1` prefix, `$2` exclusive lower bound (or NULL), `$3` limit → paths in byte order.
    var pathsWithPrefixPage: String {
        """
        SELECT \(column) FROM \(table)
        WHERE starts_with(\(column), $1) AND ($2::text IS NULL OR \(column) COLLATE "C" > $2::text COLLATE "C")
        ORDER BY \(column) COLLATE "C" LIMIT $3
        """
    }
}

/// Formats a PostgreSQL text-array literal, quoting and escaping every element.
func postgresArrayLiteral(_ values: some Sequence<String>) -> String {
    var literal = "{"
    var first = true
    for value in values {
        if !first { literal += "," }
        first = false
        literal += "\""
        if value.utf8.contains(where: { $0 == UInt8(ascii: "\\") || $0 == UInt8(ascii: "\"") }) {
            for character in value {
                if character == "\\" || character == "\"" { literal.append("\\") }
                literal.append(character)
            }
        } else {
            literal += value
        }
        literal += "\""
    }
    return literal + "}"
}

import FoundationEssentials
