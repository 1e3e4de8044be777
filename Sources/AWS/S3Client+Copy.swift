import CurlHTTP

/// The result of a successful `CopyObject`.
public struct S3CopyResult: Sendable, Hashable {
    /// The new object's ETag, as S3 wrote it (quoted).
    public var eTag: String
    /// The source version that was copied (`x-amz-copy-source-version-id`), on versioned sources.
    public var sourceVersionId: String?
    /// How the copy is encrypted (`x-amz-server-side-encryption`).
    public var serverSideEncryption: String?
}

extension S3Client {
    /// Server-side copy of `sourceBucket/sourceKey` to `destinationBucket/destinationKey`.
    ///
    /// - Parameters:
    ///   - ifMatch: copy only if the source's ETag still matches (`x-amz-copy-source-if-match`).
    ///   - sourceVersionId: copy this version of the source.
    ///   - options: the copy's storage class, encryption and ACL. Its metadata and tags are the
    ///     source's (S3's `COPY` directives).
    /// - Throws: ``S3Error``, also for a `200 OK` whose body is an `<Error>` (S3 can fail a
    ///   copy after it has started answering), and `InvalidResponse` (transient) for any 2xx
    ///   whose body is not a `<CopyObjectResult>` with an `<ETag>`.
    @discardableResult
    public func copyObject(
        sourceBucket: String, sourceKey: String, destinationBucket: String, destinationKey: String,
        ifMatch: String? = nil, sourceVersionId: String? = nil, options: S3CopyOptions = S3CopyOptions(),
        destinationCondition: S3WriteCondition? = nil
    ) async throws -> S3CopyResult {
        let headers = copySourceHeaders(bucket: sourceBucket, key: sourceKey, versionId: sourceVersionId, ifMatch: ifMatch,
                                        destinationBucket: destinationBucket) + options.headers + (destinationCondition?.headers ?? [])
        let response = try await send(
            "CopyObject", method: "PUT", bucket: destinationBucket, key: destinationKey, headers: headers,
            timeout: configuration.transferTimeout)
        let resource = "s3://\(destinationBucket)/\(destinationKey)"
        let copiedVersion = response.header("x-amz-copy-source-version-id")
        let eTag: String?
        if let plain = Self.plainCopyResultETag(response.body) {
            eTag = plain
        } else {
            eTag = try resultDocument(response, operation: "CopyObject", expected: "CopyObjectResult", resource: resource).text(of: "ETag")
        }
        guard let eTag, !eTag.isEmpty else {
            throw S3Error.invalidResponse(response, operation: "CopyObject", resource: resource, "<CopyObjectResult> without an <ETag>")
        }
        return S3CopyResult(eTag: eTag, sourceVersionId: copiedVersion,
                            serverSideEncryption: response.header("x-amz-server-side-encryption"))
    }

    /// The headers naming a copy's source (`CopyObject`, `UploadPartCopy`): the key, version and
    /// condition, and the source bucket's expected owner and requester-pays.
    func copySourceHeaders(bucket: String, key: String, versionId: String?, ifMatch: String?,
                           destinationBucket: String) -> [(name: String, value: String)] {
        var source = "/" + bucket + "/" + URIEncoding.encodePath(key)
        if let versionId { source += "?versionId=" + URIEncoding.encode(versionId) }
        var headers: [(name: String, value: String)] = [("x-amz-copy-source", source)]
        if let ifMatch { headers.append(("x-amz-copy-source-if-match", ifMatch)) }
        let destinationPays = configuration.bucketAccess[destinationBucket]?.requesterPays == true
        for header in configuration.bucketAccess[bucket]?.copySourceHeaders ?? []
        where !(destinationPays && header.name == "x-amz-request-payer") {
            headers.append(header)
        }
        return headers
    }

    /// The ETag of a plain success answer, `[<?xml …?>]<CopyObjectResult>…<ETag>…</ETag>…</CopyObjectResult>`,
    /// found without building a document (most of a copy's client CPU went to libxml2 otherwise).
    /// Nil for anything else — an `<Error>`, entities other than the five predefined ones and
    /// character references, an unexpected shape — which then takes the full parse.
    static func plainCopyResultETag(_ body: [UInt8]) -> String?? {
        var text = body[...].trimmingXMLWhitespace()
        if text.hasPrefix(bytes: "<?xml") {
            guard let end = text.firstRange(ofBytes: "?>") else { return nil }
            text = text[end.upperBound...].trimmingXMLWhitespace()
        }
        guard text.hasPrefix(bytes: "<CopyObjectResult"), text.hasSuffix(bytes: "</CopyObjectResult>"),
              text.firstRange(ofBytes: "<Error") == nil, text.firstRange(ofBytes: "<!") == nil,
              text.firstRange(ofBytes: "<CopyObjectResult", from: text.startIndex + 1) == nil else { return nil }
        guard let open = text.firstRange(ofBytes: "<ETag>") else { return .some(nil) }
        guard let close = text.firstRange(ofBytes: "</ETag>", from: open.upperBound) else { return nil }
        let raw = text[open.upperBound..<close.lowerBound]
        guard !raw.contains(UInt8(ascii: "<")) else { return nil }
        guard raw.contains(UInt8(ascii: "&")) else { return .some(String(decoding: raw, as: UTF8.self)) }
        var decoded: [UInt8] = []
        var rest = raw
        while let amp = rest.firstIndex(of: UInt8(ascii: "&")) {
            decoded += rest[..<amp]
            guard let semicolon = rest[amp...].firstIndex(of: UInt8(ascii: ";")) else { return nil }
            switch String(decoding: rest[(amp + 1)..<semicolon], as: UTF8.self) {
            case "quot": decoded.append(UInt8(ascii: "\""))
            case "amp": decoded.append(UInt8(ascii: "&"))
            case "lt": decoded.append(UInt8(ascii: "<"))
            case "gt": decoded.append(UInt8(ascii: ">"))
            case "apos": decoded.append(UInt8(ascii: "'"))
            case let reference where reference.hasPrefix("#"):  // rclone writes quotes as &#34;
                guard let scalar = Self.characterReference(reference.dropFirst()) else { return nil }
                decoded += Array(String(scalar).utf8)
            default: return nil
            }
            rest = rest[(semicolon + 1)...]
        }
        return .some(String(decoding: decoded + rest, as: UTF8.self))
    }

    /// The scalar of a character reference's body (`34` or `x22`), if it is well formed and names
    /// a character XML allows; anything else is left to libxml2.
    private static func characterReference(_ body: Substring) -> Unicode.Scalar? {
        let hex = body.first == "x"
        let digits = hex ? body.dropFirst() : body
        guard !digits.isEmpty, digits.count <= 8,
              digits.allSatisfy({ hex ? $0.isHexDigit && $0.isASCII : ("0"..."9").contains($0) }),
              let value = UInt32(digits, radix: hex ? 16 : 10), value >= 0x20 || [0x09, 0x0a, 0x0d].contains(value)
        else { return nil }
        return Unicode.Scalar(value)
    }
}
