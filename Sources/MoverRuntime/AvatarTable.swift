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

    /// `$1` new path, `$2` old path → (rows updated, whether some row already held the new path).
    var repoint: String {
        """
        WITH updated AS (UPDATE \(table) SET \(column) = $1 WHERE \(column) = $2 RETURNING 1)
        SELECT (SELECT count(*) FROM updated), EXISTS (SELECT 1 FROM \(table) WHERE \(column) = $1)
        """
    }

    /// Creates the table as the origin did, if missing.
    var create: String {
        "CREATE TABLE IF NOT EXISTS \(table) (id SERIAL PRIMARY KEY, \(column) VARCHAR)"
    }

    /// `$1` a text array of paths: inserts those not present yet.
    var insertMissing: String {
        """
        INSERT INTO \(table) (\(column))
        SELECT p FROM unnest($1::text[]) AS p WHERE NOT EXISTS (SELECT 1 FROM \(table) WHERE \(column) = p)
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
    "{" + values.map { value in
        "\"" + value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }.joined(separator: ",") + "}"
}

import Foundation
