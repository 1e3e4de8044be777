import CurlHTTP

/// The result of a successful `CopyObject`.
public struct S3CopyResult: Sendable, Hashable {
    /// The new object's ETag.
    public var eTag: String?
}

extension S3Client {
    /// Server-side copy of `sourceBucket/sourceKey` to `destinationBucket/destinationKey`.
    ///
    /// - Parameters:
    ///   - ifMatch: copy only if the source's ETag still matches (`x-amz-copy-source-if-match`).
    ///   - sourceVersionId: copy this version of the source.
    /// - Throws: ``S3Error``, also for a `200 OK` whose body is an `<Error>` (S3 can fail a
    ///   copy after it has started answering).
    @discardableResult
    public func copyObject(
        sourceBucket: String, sourceKey: String, destinationBucket: String, destinationKey: String,
        ifMatch: String? = nil, sourceVersionId: String? = nil
    ) async throws -> S3CopyResult {
        var source = "/" + sourceBucket + "/" + URIEncoding.encodePath(sourceKey)
        if let sourceVersionId { source += "?versionId=" + URIEncoding.encode(sourceVersionId) }
        var headers: [(name: String, value: String)] = [("x-amz-copy-source", source)]
        if let ifMatch { headers.append(("x-amz-copy-source-if-match", ifMatch)) }
        let response = try await send(
            "CopyObject", method: "PUT", bucket: destinationBucket, key: destinationKey, headers: headers,
            timeout: configuration.transferTimeout)
        let resource = "s3://\(destinationBucket)/\(destinationKey)"
        let root: XMLElement
        do {
            root = try XMLElement.parse(response.body)
        } catch {
            throw S3Error(code: "InvalidResponse", status: response.status, message: "unreadable CopyObject answer: \(error)",
                          requestId: response.header("x-amz-request-id"), operation: "CopyObject", resource: resource)
        }
        if root.name == "Error" {
            throw S3Error(code: root.text(of: "Code") ?? "InternalError", status: response.status,
                          message: root.text(of: "Message") ?? "", requestId: root.text(of: "RequestId"),
                          operation: "CopyObject", resource: resource)
        }
        return S3CopyResult(eTag: root.text(of: "ETag"))
    }
}
