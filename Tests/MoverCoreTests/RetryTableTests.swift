import MoverCore
import Testing

/// The retry table, tested as data: it matches the AWS SDKs' standard retry mode, exactly.
@Suite(.timeLimit(.minutes(2))) struct RetryTableTests {
    /// botocore's standard retry mode: the throttling codes.
    static let sdkThrottlingCodes = [
        "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException", "TooManyRequestsException",
        "ProvisionedThroughputExceededException", "TransactionInProgressException", "RequestLimitExceeded",
        "BandwidthLimitExceeded", "LimitExceededException", "RequestThrottled", "SlowDown", "EC2ThrottledException",
    ]

    /// botocore's standard retry mode: the transient codes.
    static let sdkTransientCodes = ["RequestTimeout", "RequestTimeoutException", "PriorRequestNotComplete"]

    @Test(arguments: sdkThrottlingCodes)
    func theSDKsThrottlingCodesThrottle(code: String) {
        #expect(RetryTable.classify(code: code, status: 400) == .throttled)
    }

    @Test(arguments: sdkTransientCodes + ["InternalError", "ServiceUnavailable", "InvalidResponse"])
    func theSDKsTransientCodesAreTransient(code: String) {
        #expect(RetryTable.classify(code: code, status: 400) == .transient)
    }

    @Test(arguments: [500, 502, 503, 504])
    func serverErrorStatusesAreTransient(status: Int) {
        #expect(RetryTable.classify(code: "HTTP\(status)", status: status) == .transient)
    }

    /// 501 NotImplemented and 505 are not in the SDKs' list: a retry cannot help.
    @Test(arguments: [(501, "NotImplemented"), (505, "HTTP505"), (403, "AccessDenied"), (404, "NoSuchKey"), (400, "InvalidRequest")])
    func everythingElseIsPermanent(status: Int, code: String) {
        #expect(RetryTable.classify(code: code, status: status) == .permanent)
    }

    /// Exact matches only: a code that merely contains a known one is not it.
    @Test(arguments: ["ThrottlingSoon", "NotSlowDown", "XInternalError", "throttling"])
    func codesAreMatchedExactly(code: String) {
        #expect(RetryTable.classify(code: code, status: 400) == .permanent)
    }

    @Test func sqsQueryCodesAreMatchedWithoutTheirPrefix() {
        #expect(RetryTable.classify(code: "AWS.SimpleQueueService.OverLimit", status: 403) == .throttled)
        #expect(RetryTable.classify(code: "AWS.SimpleQueueService.NonExistentQueue", status: 400) == .permanent)
    }

    @Test(arguments: [("08006", FailureClass.outage), ("57P01", .outage), ("40001", .transient), ("40P01", .transient),
                      ("57014", .permanent), ("55P03", .permanent), ("23505", .permanent), ("42P01", .permanent)])
    func sqlStates(state: String, expected: FailureClass) {
        #expect(RetryTable.classify(sqlState: state) == expected)
    }

    @Test func connectionLevelCurlCodesAreOutages() {
        #expect(RetryTable.outageCurlCodes.isSuperset(of: [6, 7, 28, 52, 55, 56]))
        #expect(!RetryTable.outageCurlCodes.contains(60))  // a certificate problem is not an outage
    }

    /// Labels come from a bounded set: what the table knows, the shapes we make, and `other`.
    @Test func hostileCodesShareOneLabel() {
        let labels = Set((0..<500).map { RetryTable.boundedCode("Invented\($0)Code") })
        #expect(labels == [RetryTable.other])
        #expect(RetryTable.boundedCode("SlowDown") == "SlowDown")
        #expect(RetryTable.boundedCode("AWS.SimpleQueueService.OverLimit") == "AWS.SimpleQueueService.OverLimit")
        #expect(RetryTable.boundedCode("HTTP503") == "HTTP503")
        #expect(RetryTable.boundedCode("HTTP5031") == RetryTable.other)
        #expect(RetryTable.boundedCode("CURLcode 7") == "CURLcode 7")
        #expect(RetryTable.boundedCode("SQLSTATE 57P01") == "SQLSTATE 57P01")
        #expect(RetryTable.boundedCode("SQLSTATE 57P01x") == RetryTable.other)
    }
}
