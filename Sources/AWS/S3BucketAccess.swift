/// How requests to one bucket must be made: the owner it is expected to have, and whether its
/// owner makes requesters pay.
///
/// Configured per bucket on ``S3Client/Configuration``; every request to the bucket then carries
/// `x-amz-expected-bucket-owner` and `x-amz-request-payer`, and a copy from it carries
/// `x-amz-source-expected-bucket-owner`.
public struct S3BucketAccess: Sendable, Hashable {
    /// The 12-digit account that must own the bucket; S3 answers 403 otherwise.
    public var expectedOwner: String?
    /// The bucket is requester-pays: requests acknowledge the charge.
    public var requesterPays: Bool

    public init(expectedOwner: String? = nil, requesterPays: Bool = false) {
        self.expectedOwner = expectedOwner
        self.requesterPays = requesterPays
    }

    /// Whether `text` is an AWS account id (12 digits).
    public static func isAccountID(_ text: String) -> Bool {
        text.utf8.count == 12 && text.utf8.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
    }

    /// The headers of a request to this bucket.
    var headers: [(name: String, value: String)] {
        var headers: [(name: String, value: String)] = []
        if let expectedOwner { headers.append(("x-amz-expected-bucket-owner", expectedOwner)) }
        if requesterPays { headers.append(("x-amz-request-payer", "requester")) }
        return headers
    }

    /// The headers of a copy whose source is this bucket.
    var copySourceHeaders: [(name: String, value: String)] {
        var headers: [(name: String, value: String)] = []
        if let expectedOwner { headers.append(("x-amz-source-expected-bucket-owner", expectedOwner)) }
        if requesterPays { headers.append(("x-amz-request-payer", "requester")) }
        return headers
    }
}
