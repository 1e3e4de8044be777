/// The object store as the handler needs it.
public protocol ObjectCopier: Sendable {
    /// Server-side copy from the source bucket's `sourceKey` to the destination bucket's
    /// `destinationKey`, of the source's **current** version: the destination never moves back
    /// to an older version, whatever order events arrive in.
    ///
    /// The copy is checked against its source before it counts (``CopyProof``): a copy that is
    /// not proven identical is ``CopyOutcome/notIdentical(_:)``.
    ///
    /// - Parameter hints: what the event or listing said of the source; each fact given saves
    ///   a request. With an ETag the copy only proceeds while the source still has it (servers
    ///   that ignore the condition copy the current version instead); with a version that is no
    ///   longer the current one, the copy returns ``CopyOutcome/sourceChanged`` without copying
    ///   (a version is never pinned); a size lets the copier choose a multipart copy.
    func copy(sourceKey: String, destinationKey: String, hints: SourceHints) async throws -> CopyOutcome
    /// Whether the destination bucket holds `key`.
    func destinationExists(_ key: String) async throws -> Bool
}

/// What a copy attempt found.
public enum CopyOutcome: Sendable, Hashable {
    /// The destination now holds the object, proven identical to its source.
    case copied(CopiedObject)
    /// The source no longer exists.
    case sourceMissing
    /// The source's ETag or current version no longer matches: it was overwritten after the event,
    /// whose newer event brings the destination up to date.
    case sourceChanged
    /// The destination was written but is not proven identical to the source: the reason says
    /// what differs. Its row is not repointed.
    case notIdentical(String)
    /// The destination already held other, newer bytes (``DestinationRule``): nothing was
    /// written; the reason says what was found.
    case conflict(String)
}

/// What a successful copy read and wrote, for the ledger.
public struct CopiedObject: Sendable, Hashable {
    public var sourceVersion: String?
    public var sourceETag: ETag?
    public var size: Int64?
    /// The copy's ETag.
    public var destinationETag: ETag?

    public init(sourceVersion: String? = nil, sourceETag: ETag? = nil, size: Int64? = nil, destinationETag: ETag? = nil) {
        self.sourceVersion = sourceVersion
        self.sourceETag = sourceETag
        self.size = size
        self.destinationETag = destinationETag
    }
}

/// What an event or a listing already says about a source object.
public struct SourceHints: Sendable, Hashable {
    /// The ETag an event reported: the copy proceeds only while the source still has it.
    public var eTag: ETag?
    public var versionId: VersionID?
    public var size: Int64?
    /// The ETag a listing showed: not a condition (the object may have changed since), but a
    /// copy with the same one is proven identical without another request.
    public var listedETag: ETag?
    public var storageClass: StorageClass?
    /// A listing of the destination, made just before, showed no object there: the copier need
    /// not inspect it (the write is still guarded by `If-None-Match: *`). It holds for the first
    /// attempt only: a failed attempt may have written the destination.
    public var destinationAbsent: Bool

    public init(eTag: ETag? = nil, versionId: VersionID? = nil, size: Int64? = nil, listedETag: ETag? = nil,
                storageClass: StorageClass? = nil, destinationAbsent: Bool = false) {
        self.destinationAbsent = destinationAbsent
        self.eTag = eTag
        self.versionId = versionId
        self.size = size
        self.listedETag = listedETag
        self.storageClass = storageClass
    }
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
