/// The outcome of one statement: its rows (text format) and the affected-row count.
public struct PostgresRows: Sendable {
    /// Column names.
    public var columns: [String]
    /// Each row's values in text format; nil is SQL NULL.
    public var rows: [[String?]]
    /// `PQcmdTuples`: rows inserted, updated or deleted (0 for other statements).
    public var affectedRows: Int

    public init(columns: [String] = [], rows: [[String?]] = [], affectedRows: Int = 0) {
        self.columns = columns
        self.rows = rows
        self.affectedRows = affectedRows
    }

    /// The first column of the first row.
    public var scalar: String? { rows.first?.first ?? nil }
}
