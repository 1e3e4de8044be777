import Testing
@testable import CurlHTTP

@Suite(.timeLimit(.minutes(2))) struct HTTPResponseTests {
    /// Header lines as libcurl hands them over: CRLF-terminated, then the blank line.
    static let received = HTTPResponse(status: 200, headerLines: Array("""
        Content-Type:  application/xml \r
        X-Amz-Request-Id: ABC123\r
        x-amz-meta-owner: team:avatars\r
        Set-Cookie: a=1\r
        set-cookie: b=2\r
        Empty:\r
        \r

        """.utf8), body: [])

    @Test func headersAreFoundCaseInsensitivelyAndTrimmed() {
        #expect(Self.received.header("content-type") == "application/xml")
        #expect(Self.received.header("x-amz-request-id") == "ABC123")
        #expect(Self.received.header("X-AMZ-REQUEST-ID") == "ABC123")
        #expect(Self.received.header("x-amz-meta-owner") == "team:avatars")  // a colon inside the value stays
        #expect(Self.received.header("Empty") == "")
        #expect(Self.received.header("ETag") == nil)
        #expect(Self.received.header("x-amz-request") == nil)  // a prefix is not a match
    }

    @Test func aRepeatedHeaderGivesItsLastValue() {
        #expect(Self.received.header("Set-Cookie") == "b=2")
        #expect(Self.received.headers["set-cookie"] == "b=2")
    }

    @Test func theDictionaryHasLowerCasedNames() {
        #expect(Self.received.headers == [
            "content-type": "application/xml", "x-amz-request-id": "ABC123",
            "x-amz-meta-owner": "team:avatars", "set-cookie": "b=2", "empty": "",
        ])
    }

    @Test func aResponseMadeFromADictionaryReadsBack() {
        let response = HTTPResponse(status: 404, headers: ["ETag": "\"e\"", "x-amz-request-id": "R"], body: Array("nope".utf8))
        #expect(response.header("etag") == "\"e\"")
        #expect(response.headers == ["etag": "\"e\"", "x-amz-request-id": "R"])
        #expect(response.bodyText == "nope")
    }
}
