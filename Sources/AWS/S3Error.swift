import CurlHTTP

/// An error answer from S3: its code, HTTP status and request id.
public struct S3Error: Error, Sendable, Hashable, CustomStringConvertible {
    /// S3's error code, e.g. `NoSuchKey`, `AccessDenied`, `SlowDown`, in ``AWSErrorCode``'s
    /// grammar (``AWSErrorCode/invalid`` otherwise). For bodiless answers (HEAD) a code is
    /// derived from the status: `NotFound`, `Forbidden`, `HTTP<status>`. How an answer is
    /// retried is the retry table's call (`MoverCore.RetryTable`), not this type's.
    public var code: String
    /// The HTTP status.
    public var status: Int
    /// S3's message.
    public var message: String
    /// `x-amz-request-id`, for AWS support.
    public var requestId: String?
    /// The operation that failed, e.g. `CopyObject`.
    public var operation: String
    /// The bucket and key involved, when there is one.
    public var resource: String?

    public init(code: String, status: Int, message: String, requestId: String? = nil, operation: String, resource: String? = nil) {
        self.code = code
        self.status = status
        self.message = message
        self.requestId = requestId
        self.operation = operation
        self.resource = resource
    }

    public var description: String {
        var text = "S3 \(operation) failed: \(code) (HTTP \(status))"
        if let resource { text += " on \(resource)" }
        if !message.isEmpty { text += ": \(message)" }
        if let requestId { text += " [request id \(requestId)]" }
        return text
    }
}

extension S3Error {
    /// Builds an error from an answer: from its `<Error>` XML body when there is one.
    /// A `301 PermanentRedirect`: the bucket is in another region than the request was signed for.
    static func wrongRegion(_ response: HTTPResponse, operation: String, bucket: String, signedFor region: String) -> S3Error {
        let actual = response.header("x-amz-bucket-region").flatMap { S3BucketRegions.isRegionName($0) ? $0 : nil }
        let message = actual.map {
            "bucket \(bucket) is in region \($0), not \(region): set its region (S3_SOURCE_REGION or S3_DEST_REGION) to \($0), or leave it unset to have it discovered"
        } ?? "bucket \(bucket) is not in region \(region), and S3 did not say where it is: set S3_SOURCE_REGION or S3_DEST_REGION"
        return S3Error(code: "PermanentRedirect", status: 301, message: message, requestId: response.header("x-amz-request-id"),
                       operation: operation, resource: "s3://\(bucket)")
    }

    init(response: HTTPResponse, operation: String, resource: String?) {
        let requestId = response.header("x-amz-request-id")
        if !response.body.isEmpty, let root = try? XMLElement.parse(response.body), root.name == "Error" {
            self.init(code: root.text(of: "Code").map(AWSErrorCode.validated) ?? "HTTP\(response.status)", status: response.status,
                      message: root.text(of: "Message") ?? "", requestId: root.text(of: "RequestId") ?? requestId,
                      operation: operation, resource: resource)
            return
        }
        let code = switch response.status {
        case 404: "NotFound"
        case 403: "Forbidden"
        case 412: "PreconditionFailed"
        default: "HTTP\(response.status)"
        }
        self.init(code: code, status: response.status, message: "", requestId: requestId, operation: operation, resource: resource)
    }
}
