/// A condition on the object a write replaces, checked by the server (Amazon S3 honours both
/// on `PutObject`, `CopyObject` and `CompleteMultipartUpload`): `412 PreconditionFailed` when the
/// destination is not as inspected, `409 ConditionalRequestConflict` on a concurrent write.
public enum S3WriteCondition: Sendable, Hashable {
    /// `If-None-Match: *`: only while nothing is at the key.
    case absent
    /// `If-Match: "<etag>"`: only while the object at the key has this ETag (quotes included).
    case matching(String)

    var headers: [(name: String, value: String)] {
        switch self {
        case .absent: [("If-None-Match", "*")]
        case .matching(let eTag): [("If-Match", eTag)]
        }
    }
}
