import CurlHTTP

/// What `HeadObject` tells about an object.
public struct S3ObjectMetadata: Sendable, Hashable {
    public var contentLength: Int64
    public var contentType: String?
    public var eTag: String?
    /// `x-amz-version-id`: the current version, on a versioned bucket.
    public var versionId: String?
    /// `x-amz-meta-*` headers, without the prefix.
    public var userMetadata: [String: String] = [:]
    public var cacheControl: String?
    public var contentDisposition: String?
    public var contentEncoding: String?
    public var contentLanguage: String?
    public var expires: String?
    /// `x-amz-storage-class`; S3 sends none for STANDARD.
    public var storageClass: String?
    /// `x-amz-server-side-encryption` (`AES256`, `aws:kms`, ...).
    public var serverSideEncryption: String?
    /// Encrypted with a customer key (SSE-C).
    public var customerEncrypted = false
    /// `x-amz-checksum-<algorithm>` values by upper-case algorithm (`CRC32C`, `SHA256`, ...),
    /// sent when asked for with `x-amz-checksum-mode: ENABLED`.
    public var checksums: [String: String] = [:]
    /// `x-amz-checksum-type`: `FULL_OBJECT` or `COMPOSITE` (a multipart upload's checksum of checksums).
    public var checksumType: String?
    /// `x-amz-tagging-count`: how many tags the object has.
    public var tagCount = 0
    /// `Last-Modified`, in seconds since 1970 (S3's one-second resolution); nil when absent or malformed.
    public var lastModified: Int64?

    public init(contentLength: Int64, contentType: String? = nil, eTag: String? = nil, versionId: String? = nil,
                userMetadata: [String: String] = [:]) {
        self.contentLength = contentLength
        self.contentType = contentType
        self.eTag = eTag
        self.versionId = versionId
        self.userMetadata = userMetadata
    }

    /// The checksum algorithms `HeadObject` may report.
    static let checksumAlgorithms = ["CRC32", "CRC32C", "CRC64NVME", "SHA1", "SHA256"]

    init(_ response: HTTPResponse) {
        self.init(contentLength: Int64(response.header("content-length") ?? "") ?? 0, contentType: response.header("content-type"),
                  eTag: response.header("etag"), versionId: response.header("x-amz-version-id"))
        for (name, value) in response.headers where name.hasPrefix("x-amz-meta-") {
            userMetadata[String(name.dropFirst("x-amz-meta-".count))] = value
        }
        cacheControl = response.header("cache-control")
        contentDisposition = response.header("content-disposition")
        contentEncoding = response.header("content-encoding")
        contentLanguage = response.header("content-language")
        expires = response.header("expires")
        storageClass = response.header("x-amz-storage-class")
        serverSideEncryption = response.header("x-amz-server-side-encryption")
        customerEncrypted = response.header("x-amz-server-side-encryption-customer-algorithm") != nil
        for algorithm in Self.checksumAlgorithms {
            if let value = response.header("x-amz-checksum-" + algorithm.lowercased()) { checksums[algorithm] = value }
        }
        checksumType = response.header("x-amz-checksum-type")
        tagCount = Int(response.header("x-amz-tagging-count") ?? "") ?? 0
        lastModified = response.header("last-modified").flatMap(HTTPDate.parse)
    }

    /// The headers that recreate this object's system and user metadata on a new upload
    /// (`CreateMultipartUpload`), as `CopyObject` keeps them by itself.
    var uploadHeaders: [(name: String, value: String)] {
        var headers: [(name: String, value: String)] = userMetadata.sorted { $0.key < $1.key }.map { ("x-amz-meta-\($0.key)", $0.value) }
        let system: [(String, String?)] = [
            ("Content-Type", contentType), ("Cache-Control", cacheControl), ("Content-Disposition", contentDisposition),
            ("Content-Encoding", contentEncoding), ("Content-Language", contentLanguage), ("Expires", expires),
        ]
        for case let (name, value?) in system { headers.append((name, value)) }
        return headers
    }
}

extension S3Client {
    /// `HeadObject`; nil when the object does not exist.
    ///
    /// - Parameter checksums: ask for the object's additional checksums (`x-amz-checksum-mode: ENABLED`).
    public func headObject(bucket: String, key: String, checksums: Bool = false) async throws -> S3ObjectMetadata? {
        do {
            let response = try await send("HeadObject", method: "HEAD", bucket: bucket, key: key,
                                          headers: checksums ? [("x-amz-checksum-mode", "ENABLED")] : [])
            return S3ObjectMetadata(response)
        } catch let error as S3Error where error.status == 404 {
            return nil
        }
    }

    /// `GetObjectTagging`: the object's tags, as a `x-amz-tagging` value (`k1=v1&k2=v2`, URL-encoded).
    public func objectTagging(bucket: String, key: String) async throws -> String {
        let response = try await send("GetObjectTagging", method: "GET", bucket: bucket, key: key, query: [("tagging", "")])
        let root = try resultDocument(response, operation: "GetObjectTagging", expected: "Tagging", resource: "s3://\(bucket)/\(key)")
        let tags = root.child("TagSet")?.children("Tag") ?? []
        return tags.compactMap { tag -> String? in
            guard let key = tag.text(of: "Key") else { return nil }
            return URIEncoding.encode(key) + "=" + URIEncoding.encode(tag.text(of: "Value") ?? "")
        }.joined(separator: "&")
    }

    /// `PutObject` with an explicit Content-Type (and optional user metadata and other headers:
    /// tags, storage class, checksums); returns the ETag.
    @discardableResult
    public func putObject(bucket: String, key: String, body: [UInt8], contentType: String, metadata: [String: String] = [:],
                          headers extra: [(name: String, value: String)] = []) async throws -> String? {
        let headers: [(name: String, value: String)] = [("Content-Type", contentType)]
            + metadata.sorted { $0.key < $1.key }.map { ("x-amz-meta-\($0.key)", $0.value) } + extra
        let response = try await send(
            "PutObject", method: "PUT", bucket: bucket, key: key,
            headers: headers, body: body, timeout: configuration.transferTimeout)
        return response.header("etag")
    }

    /// `GetObject` of bytes `range` (inclusive) of an object: a piece of a large file, read in
    /// constant memory. Returns the bytes and the object's total size (`Content-Range`).
    public func getObject(bucket: String, key: String, range: ClosedRange<Int64>) async throws -> (bytes: [UInt8], total: Int64?) {
        let response = try await send("GetObject", method: "GET", bucket: bucket, key: key,
                                      headers: [("Range", "bytes=\(range.lowerBound)-\(range.upperBound)")], timeout: configuration.transferTimeout)
        let total = response.header("content-range").flatMap { $0.split(separator: "/").last }.flatMap { Int64($0) }
        return (response.body, total)
    }

    /// `GetObject`: the whole body in memory. Meant for small objects (tests, verification).
    public func getObject(bucket: String, key: String) async throws -> [UInt8] {
        try await send("GetObject", method: "GET", bucket: bucket, key: key, timeout: configuration.transferTimeout).body
    }

    /// `DeleteObject`.
    ///
    /// - Parameter ifMatch: delete only while the object still has this ETag (`If-Match`; S3
    ///   answers 412 otherwise). Servers that ignore the condition delete regardless.
    public func deleteObject(bucket: String, key: String, ifMatch: String? = nil) async throws {
        _ = try await send("DeleteObject", method: "DELETE", bucket: bucket, key: key, headers: ifMatch.map { [("If-Match", $0)] } ?? [])
    }

    /// `CreateBucket`; succeeds when the bucket already exists and is ours.
    public func createBucket(_ bucket: String) async throws {
        var body: [UInt8] = []
        if configuration.region != "us-east-1" {
            body = Array(("<CreateBucketConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
                + "<LocationConstraint>\(configuration.region)</LocationConstraint></CreateBucketConfiguration>").utf8)
        }
        do {
            _ = try await send("CreateBucket", method: "PUT", bucket: bucket, headers: [("Content-Type", "application/xml")], body: body)
        } catch let error as S3Error where error.code == "BucketAlreadyOwnedByYou" {
            return
        }
    }
}
