@testable import AWS
import Testing

/// The fast path for CopyObject's answer must agree with libxml2, and leave everything unusual to it.
@Suite struct S3CopyResultTests {
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
}
