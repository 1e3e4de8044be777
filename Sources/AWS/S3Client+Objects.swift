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
}

extension S3Client {
    /// `HeadObject`; nil when the object does not exist.
    public func headObject(bucket: String, key: String) async throws -> S3ObjectMetadata? {
        do {
            let response = try await send("HeadObject", method: "HEAD", bucket: bucket, key: key)
            var userMetadata: [String: String] = [:]
            for (name, value) in response.headers where name.hasPrefix("x-amz-meta-") {
                userMetadata[String(name.dropFirst("x-amz-meta-".count))] = value
            }
            return S3ObjectMetadata(
                contentLength: Int64(response.header("content-length") ?? "") ?? 0,
                contentType: response.header("content-type"), eTag: response.header("etag"),
                versionId: response.header("x-amz-version-id"), userMetadata: userMetadata)
        } catch let error as S3Error where error.status == 404 {
            return nil
        }
    }

    /// `PutObject` with an explicit Content-Type (and optional user metadata); returns the ETag.
    @discardableResult
    public func putObject(bucket: String, key: String, body: [UInt8], contentType: String, metadata: [String: String] = [:]) async throws -> String? {
        let headers: [(name: String, value: String)] = [("Content-Type", contentType)]
            + metadata.sorted { $0.key < $1.key }.map { ("x-amz-meta-\($0.key)", $0.value) }
        let response = try await send(
            "PutObject", method: "PUT", bucket: bucket, key: key,
            headers: headers, body: body, timeout: configuration.transferTimeout)
        return response.header("etag")
    }

    /// `GetObject`: the whole body in memory. Meant for small objects (tests, verification).
    public func getObject(bucket: String, key: String) async throws -> [UInt8] {
        try await send("GetObject", method: "GET", bucket: bucket, key: key, timeout: configuration.transferTimeout).body
    }

    /// `DeleteObject`.
    public func deleteObject(bucket: String, key: String) async throws {
        _ = try await send("DeleteObject", method: "DELETE", bucket: bucket, key: key)
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
