/// The object store as the handler needs it.
public protocol ObjectCopier: Sendable {
    /// Server-side copy from the source bucket's `sourceKey` to the destination bucket's
    /// `destinationKey`, of the source's **current** version: the destination never moves back
    /// to an older version, whatever order events arrive in.
    ///
    /// - Parameters:
    ///   - eTag: when given, the copy only proceeds while the source still has this ETag
    ///     (servers that ignore the condition copy the current version instead).
    ///   - versionId: the version an event reported; when it is no longer the current one, the
    ///     copy returns ``CopyOutcome/sourceChanged`` without copying. It is never pinned.
    ///   - size: when known, lets the copier choose a multipart copy for large objects.
    func copy(sourceKey: String, destinationKey: String, eTag: ETag?, versionId: VersionID?, size: Int64?) async throws -> CopyOutcome
    /// Whether the destination bucket holds `key`.
    func destinationExists(_ key: String) async throws -> Bool
}

/// What a copy attempt found.
public enum CopyOutcome: Sendable, Hashable {
    /// The destination now holds the object.
    case copied
    /// The source no longer exists.
    case sourceMissing
    /// The source's ETag or current version no longer matches: it was overwritten after the event,
    /// whose newer event brings the destination up to date.
    case sourceChanged
}

/// The database as the handler needs it.
public protocol PathRepointer: Sendable {
    /// Points every row at `oldPath` to `newPath`, committed before returning.
    func repoint(from oldPath: String, to newPath: String) async throws -> RepointOutcome
}

/// What a repoint found.
public enum RepointOutcome: Sendable, Hashable {
    /// This many rows now point at the new path.
    case updated(rows: Int)
    /// No row held the old path, but some already hold the new one: a repeat.
    case alreadyRepointed
    /// No row references either path.
    case noRow
}
