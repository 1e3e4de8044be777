/// How a copy is written: its storage class, encryption and ACL. Each is sent on `CopyObject`
/// and `CreateMultipartUpload`; nil leaves it to S3 (and the bucket's defaults).
public struct S3CopyOptions: Sendable, Hashable {
    /// The canned ACLs S3 accepts in `x-amz-acl`.
    public static let cannedACLs: Set<String> = [
        "private", "public-read", "public-read-write", "authenticated-read", "aws-exec-read",
        "bucket-owner-read", "bucket-owner-full-control",
    ]
    /// The values of `x-amz-server-side-encryption`.
    public static let encryptions: Set<String> = ["AES256", "aws:kms", "aws:kms:dsse"]

    /// `x-amz-storage-class`; nil is STANDARD.
    public var storageClass: String?
    /// `x-amz-server-side-encryption`.
    public var serverSideEncryption: String?
    /// `x-amz-server-side-encryption-aws-kms-key-id` (with `aws:kms`).
    public var kmsKeyID: String?
    /// `x-amz-server-side-encryption-bucket-key-enabled`.
    public var bucketKeyEnabled: Bool?
    /// `x-amz-acl`.
    public var acl: String?

    public init(storageClass: String? = nil, serverSideEncryption: String? = nil, kmsKeyID: String? = nil,
                bucketKeyEnabled: Bool? = nil, acl: String? = nil) {
        self.storageClass = storageClass
        self.serverSideEncryption = serverSideEncryption
        self.kmsKeyID = kmsKeyID
        self.bucketKeyEnabled = bucketKeyEnabled
        self.acl = acl
    }

    var headers: [(name: String, value: String)] {
        var headers: [(name: String, value: String)] = []
        if let storageClass { headers.append(("x-amz-storage-class", storageClass)) }
        if let serverSideEncryption { headers.append(("x-amz-server-side-encryption", serverSideEncryption)) }
        if let kmsKeyID { headers.append(("x-amz-server-side-encryption-aws-kms-key-id", kmsKeyID)) }
        if let bucketKeyEnabled { headers.append(("x-amz-server-side-encryption-bucket-key-enabled", bucketKeyEnabled ? "true" : "false")) }
        if let acl { headers.append(("x-amz-acl", acl)) }
        return headers
    }
}
