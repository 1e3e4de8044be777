import AWS
import Testing

@Suite(.timeLimit(.minutes(2))) struct S3ErrorTests {
    @Test func classifiesThrottlingAndServerErrors() {
        #expect(S3Error(code: "SlowDown", status: 503, message: "", operation: "CopyObject").isThrottling)
        #expect(S3Error(code: "InternalError", status: 500, message: "", operation: "CopyObject").isRetryable)
        #expect(!S3Error(code: "AccessDenied", status: 403, message: "", operation: "CopyObject").isRetryable)
        #expect(!S3Error(code: "NoSuchBucket", status: 404, message: "", operation: "CopyObject").isRetryable)
    }

    @Test func descriptionCarriesCodeStatusAndRequestID() {
        let error = S3Error(code: "AccessDenied", status: 403, message: "nope", requestId: "RID", operation: "CopyObject", resource: "s3://b/k")
        #expect("\(error)" == "S3 CopyObject failed: AccessDenied (HTTP 403) on s3://b/k: nope [request id RID]")
    }
}
