/// What S3 reports about one object, as far as its identity goes.
public struct ObjectFingerprint: Sendable, Hashable {
    /// Content-Length.
    public var size: Int64?
    public var eTag: ETag?
    /// Full-object checksums by algorithm (`CRC32C`, `SHA256`, ...). Composite values of a
    /// multipart upload (`…-N`) are left out: they depend on the part size.
    public var checksums: [String: String]
    /// Encrypted with SSE-KMS or SSE-C: its ETag is not an MD5 of the content.
    public var eTagIsOpaque: Bool

    public init(size: Int64?, eTag: ETag?, checksums: [String: String] = [:], eTagIsOpaque: Bool = false) {
        self.size = size
        self.eTag = eTag
        self.checksums = checksums
        self.eTagIsOpaque = eTagIsOpaque
    }

    /// Whether this ETag is the MD5 of the content, and so comparable with another such.
    var hasContentETag: Bool { eTag.map { !$0.isMultipart } == true && !eTagIsOpaque }
}

/// The verdict on a copy: proven identical to its source by its content, not provable, or different.
///
/// Every comparable property must agree: the size, each full-object checksum both have, and the
/// ETag when both are MD5s of the content (single-part, no SSE-KMS or SSE-C). Only content
/// evidence proves a copy: the same MD5 ETag, the same full-object checksum, or both objects
/// read and hashed (``ContentDigests``). Sizes that agree prove nothing: other bytes of the
/// same size are ``unproven(_:)``, never identical.
public enum CopyProof: Sendable, Hashable {
    /// Identical, by this content evidence (`ETag`, `checksum CRC32C`, `content SHA-256`).
    case identical(by: String)
    /// Nothing but the size compares (a multipart or SSE-KMS object without a checksum): the
    /// bytes must be read to know.
    case unproven(String)
    /// Not identical; the reason names what differs.
    case different(String)

    /// The evidence level, for reports: `content`, `size` or `differs`.
    public var evidence: String {
        switch self {
        case .identical: "content"
        case .unproven: "size"
        case .different: "differs"
        }
    }

    public static func compare(source: ObjectFingerprint, copy: ObjectFingerprint) -> CopyProof {
        var content: [String] = []
        var sizesAgree = false
        if let a = source.size, let b = copy.size {
            guard a == b else { return .different("size \(b) is not the source's \(a)") }
            sizesAgree = true
        }
        if source.hasContentETag, copy.hasContentETag, let a = source.eTag, let b = copy.eTag {
            guard a == b else { return .different("ETag \(b) is not the source's \(a)") }
            content.append("ETag")
        }
        for algorithm in source.checksums.keys.sorted() {
            guard let a = source.checksums[algorithm], let b = copy.checksums[algorithm] else { continue }
            guard a == b else { return .different("checksum \(algorithm) \(b) is not the source's \(a)") }
            content.append("checksum \(algorithm)")
        }
        if let strongest = content.last { return .identical(by: strongest) }
        guard sizesAgree else { return .different("S3 reported nothing to compare") }
        return .unproven("only the size (\(source.size ?? 0) bytes) compares: no MD5 ETag or full-object checksum on both sides")
    }

    /// The verdict once both objects' bytes have been read and hashed.
    public static func compare(source: ContentDigests, copy: ContentDigests) -> CopyProof {
        guard source.size == copy.size else { return .different("size \(copy.size) is not the source's \(source.size)") }
        guard source.sha256 == copy.sha256 else { return .different("content SHA-256 \(copy.sha256) is not the source's \(source.sha256)") }
        return .identical(by: "content SHA-256")
    }
}

/// What reading an object's bytes, start to end, found: its length and SHA-256.
public struct ContentDigests: Sendable, Hashable {
    public var size: Int64
    /// Lower-case hex.
    public var sha256: String

    public init(size: Int64, sha256: String) {
        self.size = size
        self.sha256 = sha256
    }
}
