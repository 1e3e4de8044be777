import AWS
import Testing

@Suite(.timeLimit(.minutes(2))) struct S3ErrorTests {
    /// A code off the wire is letters, digits and dots, up to 64 of them, or it is replaced.
    @Test(arguments: ["SlowDown", "AWS.SimpleQueueService.NonExistentQueue", "KMS.DisabledException", String(repeating: "A", count: 64)])
    func codesInTheGrammarAreKept(code: String) {
        #expect(AWSErrorCode.validated(code) == code)
    }

    @Test(arguments: ["", "Slow\"Down", "Slow\nDown", "x y", "Code<script>", "Dow_n", "Ünïcode", String(repeating: "A", count: 65)])
    func codesOutsideTheGrammarAreReplaced(code: String) {
        #expect(AWSErrorCode.validated(code) == AWSErrorCode.invalid)
    }

    @Test func descriptionCarriesCodeStatusAndRequestID() {
        let error = S3Error(code: "AccessDenied", status: 403, message: "nope", requestId: "RID", operation: "CopyObject", resource: "s3://b/k")
        #expect("\(error)" == "S3 CopyObject failed: AccessDenied (HTTP 403) on s3://b/k: nope [request id RID]")
    }
}
