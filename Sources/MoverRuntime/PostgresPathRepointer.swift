public import MoverCore
public import Postgres

/// The handler's database: one committed `UPDATE` per object.
public struct PostgresPathRepointer: PathRepointer {
    public let client: PostgresClient
    public let table: AvatarTable

    public init(client: PostgresClient, table: AvatarTable) {
        self.client = client
        self.table = table
    }

    public func repoint(from oldPath: String, to newPath: String) async throws -> RepointOutcome {
        let result = try await client.execute(table.repoint, [newPath, oldPath])
        let updated = Int(result.rows.first?[0] ?? "0") ?? 0
        if updated > 0 { return .updated(rows: updated) }
        return result.rows.first?[1] == "t" ? .alreadyRepointed : .noRow
    }
}
