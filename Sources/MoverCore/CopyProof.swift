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

/// The verdict on a copy: proven identical to its source, or not.
///
/// Every comparable property must agree: the size, each full-object checksum both have, and the
/// ETag when both are MD5s of the content (single-part, no SSE-KMS or SSE-C). The verdict names
/// the strongest evidence; a size alone is the weakest, used only when nothing else compares
/// (a multipart copy of an object without a checksum, say).
public enum CopyProof: Sendable, Hashable {
    /// Identical, by this evidence (`checksum CRC32C`, `ETag`, `size`).
    case identical(by: String)
    /// Not identical, or not provable; the reason names what differs.
    case different(String)

    public static func compare(source: ObjectFingerprint, copy: ObjectFingerprint) -> CopyProof {
        var evidence: [String] = []
        if let a = source.size, let b = copy.size {
            guard a == b else { return .different("size \(b) is not the source's \(a)") }
            evidence.append("size")
        }
        if source.hasContentETag, copy.hasContentETag, let a = source.eTag, let b = copy.eTag {
            guard a == b else { return .different("ETag \(b) is not the source's \(a)") }
            evidence.append("ETag")
        }
        for algorithm in source.checksums.keys.sorted() {
            guard let a = source.checksums[algorithm], let b = copy.checksums[algorithm] else { continue }
            guard a == b else { return .different("checksum \(algorithm) \(b) is not the source's \(a)") }
            evidence.append("checksum \(algorithm)")
        }
        guard let strongest = evidence.last else { return .different("S3 reported nothing to compare") }
        return .identical(by: strongest)
    }
}
