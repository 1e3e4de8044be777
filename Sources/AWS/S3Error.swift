import CurlHTTP

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
