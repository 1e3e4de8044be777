@testable import AWS
import CurlHTTP
import Testing

/// The fast path for CopyObject's answer must agree with libxml2, and leave everything unusual to it.
@Suite(.timeLimit(.minutes(2))) struct S3CopyResultTests {
    func fast(_ text: String) -> String?? { S3Client.plainCopyResultETag(Array(text.utf8)) }

    @Test func plainAnswersAreReadWithoutAParser() {
        let aws = """
        <?xml version="1.0" encoding="UTF-8"?>
        <CopyObjectResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><LastModified>2026-11-25T10:00:00.000Z</LastModified><ETag>&quot;9b2cf535f27731c974343645a3985328&quot;</ETag></CopyObjectResult>
        """
        #expect(fast(aws) == .some("\"9b2cf535f27731c974343645a3985328\""))
        #expect(fast("<CopyObjectResult><ETag>\"abc\"</ETag></CopyObjectResult>\n") == .some("\"abc\""))
        #expect(fast("<CopyObjectResult><LastModified>x</LastModified></CopyObjectResult>") == .some(nil))
        let parsed = try? XMLElement.parse(Array(aws.utf8)).text(of: "ETag")
        #expect(fast(aws) == .some(parsed))
    }

    /// `rclone serve s3` indents its answer and writes the quotes as character references.
    @Test func characterReferencesAreDecodedLikeLibxml2Does() {
        let rclone = """
        <?xml version="1.0" encoding="UTF-8"?>
        <CopyObjectResult>
          <ETag>&#34;764efa883dda1e11db47671c4a3bbd9e&#34;</ETag>
          <LastModified>2026-12-01T15:53:46.494Z</LastModified>
        </CopyObjectResult>
        """
        #expect(fast(rclone) == .some("\"764efa883dda1e11db47671c4a3bbd9e\""))
        for etag in ["&#x22;a&#X22;", "&#x22;&#233;&#x1F600;&#34;", "a&#9;b"] {
            let text = "<CopyObjectResult><ETag>\(etag)</ETag></CopyObjectResult>"
            let parsed = try? XMLElement.parse(Array(text.utf8)).text(of: "ETag")
            #expect(fast(text) == .some(parsed) || fast(text) == nil, "\(etag)")
        }
        #expect(fast("<CopyObjectResult><ETag>&#x22;&#233;&#x1F600;&#34;</ETag></CopyObjectResult>") == .some("\"é😀\""))
    }

    @Test func anythingUnusualTakesTheFullParse() {
        for text in [
            "<Error><Code>InternalError</Code><Message>We encountered an internal error.</Message></Error>",
            "<?xml version=\"1.0\"?>\n<Error><Code>SlowDown</Code></Error>",
            "<CopyObjectResult><ETag>&custom;</ETag></CopyObjectResult>",
            "<CopyObjectResult><ETag>&#;</ETag></CopyObjectResult>",
            "<CopyObjectResult><ETag>&#0;</ETag></CopyObjectResult>",
            "<CopyObjectResult><ETag>&#+34;</ETag></CopyObjectResult>",
            "<CopyObjectResult><ETag>&#x110000;</ETag></CopyObjectResult>",
            "<CopyObjectResult><ETag>&#xD800;</ETag></CopyObjectResult>",
            "<CopyObjectResult><ETag><![CDATA[x]]></ETag></CopyObjectResult>",
            "<CopyObjectResult><ETag>x</ETag></CopyObjectResult><Error/>",
            "",
            "<CopyObjectResult>",
        ] {
            #expect(fast(text) == nil, "\(text)")
        }
    }

    /// A 2xx is a finished copy, part or upload only when its body is that operation's result.
    @Test(arguments: [
        "<html><body>OK</body></html>", "", "<?xml version=\"1.0\"?><CopyObjectResult><ETag>\"abc",
        "<ListBucketResult><Name>x</Name></ListBucketResult>", "<CopyPartResult><ETag>\"a\"</ETag></CopyPartResult>",
    ])
    func otherBodiesAreTransientInvalidResponses(body: String) {
        let client = S3Client(configuration: .init(endpoint: try! Endpoint(parsing: "http://127.0.0.1:1", setting: "test"), region: "us-east-1",
                                                   usePathStyle: true),
                              credentials: StaticCredentialProvider(AWSCredentials(accessKeyId: "a", secretAccessKey: "b")), http: HTTPClient())
        defer { client.sender.http.shutdown() }
        let response = HTTPResponse(status: 200, headers: [:], body: Array(body.utf8))
        #expect {
            try client.resultDocument(response, operation: "CopyObject", expected: "CopyObjectResult", resource: "s3://b/k")
        } throws: { error in
            guard let error = error as? S3Error else { return false }
            return error.code == "InvalidResponse" && error.status == 200
        }
    }

    @Test func anErrorBodyKeepsItsCode() throws {
        let client = S3Client(configuration: .init(endpoint: try Endpoint(parsing: "http://127.0.0.1:1", setting: "test"), region: "us-east-1",
                                                   usePathStyle: true),
                              credentials: StaticCredentialProvider(AWSCredentials(accessKeyId: "a", secretAccessKey: "b")), http: HTTPClient())
        defer { client.sender.http.shutdown() }
        let response = HTTPResponse(status: 200, headers: [:], body: Array("<Error><Code>SlowDown</Code></Error>".utf8))
        #expect { try client.resultDocument(response, operation: "CopyObject", expected: "CopyObjectResult", resource: "s3://b/k") }
            throws: { ($0 as? S3Error)?.code == "SlowDown" }
        let good = HTTPResponse(status: 200, headers: [:], body: Array("<CopyPartResult><ETag>\"a\"</ETag></CopyPartResult>".utf8))
        #expect(try client.resultDocument(good, operation: "UploadPartCopy", expected: "CopyPartResult", resource: "s3://b/k").text(of: "ETag") == "\"a\"")
    }
}
