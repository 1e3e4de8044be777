@testable import AWS
import Testing

@Suite(.timeLimit(.minutes(2))) struct SigV4SignerTests {
    static let suiteCredentials = AWSCredentials(accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
    /// 2015-08-30T12:36:00Z, the date of AWS's SigV4 test suite.
    static let suiteDate = AMZDate(secondsSince1970: 1_440_938_160)
    /// 2026-11-25T06:00:00Z, the date of the botocore golden values (Tests/AWSTests/golden_sigv4.py).
    static let goldenDate = AMZDate(secondsSince1970: 1_795_586_400)

    static func signature(_ signed: SigV4Signer.Signed) -> String {
        let authorization = signed.headers.first { $0.name == "Authorization" }!.value
        return String(authorization.split(separator: "=").last!)
    }

    // MARK: AWS's published SigV4 test suite (service "service", region us-east-1).

    @Test func getVanilla() {
        let signer = SigV4Signer(credentials: Self.suiteCredentials, region: "us-east-1", service: "service")
        let signed = signer.sign(.init(method: "GET", host: "example.amazonaws.com", path: "/"), date: Self.suiteDate)
        let authorization = signed.headers.first { $0.name == "Authorization" }!.value
        #expect(authorization == "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31")
    }

    @Test func getVanillaQueryOrderKeyCase() {
        let signer = SigV4Signer(credentials: Self.suiteCredentials, region: "us-east-1", service: "service")
        let signed = signer.sign(.init(method: "GET", host: "example.amazonaws.com", path: "/",
                                       query: [("Param2", "value2"), ("Param1", "value1")]), date: Self.suiteDate)
        #expect(signed.encodedQuery == "Param1=value1&Param2=value2")
        #expect(Self.signature(signed) == "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500")
    }

    @Test func postVanilla() {
        let signer = SigV4Signer(credentials: Self.suiteCredentials, region: "us-east-1", service: "service")
        let signed = signer.sign(.init(method: "POST", host: "example.amazonaws.com", path: "/"), date: Self.suiteDate)
        #expect(Self.signature(signed) == "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b")
    }

    @Test func getUTF8() {
        let signer = SigV4Signer(credentials: Self.suiteCredentials, region: "us-east-1", service: "service")
        let signed = signer.sign(.init(method: "GET", host: "example.amazonaws.com", path: "/ሴ"), date: Self.suiteDate)
        #expect(signed.encodedPath == "/%E1%88%B4")
        #expect(Self.signature(signed) == "8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d85")
    }

    @Test func signingKeyMatchesPublishedDerivation() {
        let signer = SigV4Signer(credentials: Self.suiteCredentials, region: "us-east-1", service: "service")
        #expect(Digest.hex(signer.signingKey(day: "20150830")) == "938127b5336810ddb6a5d6af445fcac9e371f9ed418ed386b022aed82901be75")
    }

    /// The S3 developer guide's GetObject example (examplebucket, Range header).
    @Test func s3DeveloperGuideGetObject() {
        let credentials = AWSCredentials(accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
        let signer = SigV4Signer(credentials: credentials, region: "us-east-1", service: "s3")
        let signed = signer.sign(.init(method: "GET", host: "examplebucket.s3.amazonaws.com", path: "/test.txt",
                                       headers: [("Range", "bytes=0-9")]), date: AMZDate(secondsSince1970: 1_369_353_600))
        #expect(Self.signature(signed) == "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41")
    }

    // MARK: Golden values from botocore at a fixed date.

    @Test func s3KeyWithSpacePlusPercentAndUnicodeIsEncodedOncePerSegment() {
        let signer = SigV4Signer(credentials: Self.suiteCredentials, region: "us-east-1", service: "s3")
        let signed = signer.sign(.init(method: "GET", host: "127.0.0.1:9000", path: "/legacy-avatars/image/sp ace+plus%pct/ünï.png"),
                                 date: Self.goldenDate)
        #expect(signed.encodedPath == "/legacy-avatars/image/sp%20ace%2Bplus%25pct/%C3%BCn%C3%AF.png")
        #expect(Self.signature(signed) == "9e35e2f69b483e9bf02d9580873624970779459d09ae1df851913d8686bca1ae")
    }

    @Test func s3PathIsNeverNormalised() {
        let signer = SigV4Signer(credentials: Self.suiteCredentials, region: "us-east-1", service: "s3")
        let signed = signer.sign(.init(method: "GET", host: "h", path: "/b/image/../a//b/./c.png"), date: Self.goldenDate)
        #expect(signed.encodedPath == "/b/image/../a//b/./c.png")
    }

    @Test func s3CopyWithCopySourceHeader() {
        let signer = SigV4Signer(credentials: Self.suiteCredentials, region: "us-east-1", service: "s3")
        let signed = signer.sign(.init(method: "PUT", host: "127.0.0.1:9000", path: "/prod-avatars/avatar/a+b.png",
                                       headers: [("x-amz-copy-source", "/legacy-avatars/image/a%2Bb.png")]), date: Self.goldenDate)
        #expect(Self.signature(signed) == "1067770dfd691af243b6cfa0fbe40bba34d48e8ecda936c6f890861e52b38c26")
    }

    @Test func s3ListQueryIsSortedAndEncoded() {
        let signer = SigV4Signer(credentials: Self.suiteCredentials, region: "us-east-1", service: "s3")
        let signed = signer.sign(.init(method: "GET", host: "127.0.0.1:9000", path: "/legacy-avatars", query: [
            ("list-type", "2"), ("prefix", "image/"), ("encoding-type", "url"), ("max-keys", "1000"), ("continuation-token", "abc=="),
        ]), date: Self.goldenDate)
        #expect(signed.encodedQuery == "continuation-token=abc%3D%3D&encoding-type=url&list-type=2&max-keys=1000&prefix=image%2F")
        #expect(Self.signature(signed) == "2c302f0485581313d84e9412c2af8ff24ca15074635212a1c9d40398b9791f1c")
    }

    @Test func s3PutWithBodyAndSessionToken() {
        let credentials = AWSCredentials(accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                                         sessionToken: "SESSIONTOKEN/+=")
        let signer = SigV4Signer(credentials: credentials, region: "us-east-1", service: "s3")
        let body: [UInt8] = [0x89, 0x50, 0x4E, 0x47]
        let signed = signer.sign(.init(method: "PUT", host: "127.0.0.1:9000", path: "/legacy-avatars/image/avatar-1.png",
                                       headers: [("Content-Type", "image/png")], payloadHash: Digest.hex(Digest.sha256(body))),
                                 date: Self.goldenDate)
        #expect(signed.headers.contains { $0.name == "x-amz-security-token" && $0.value == "SESSIONTOKEN/+=" })
        #expect(Self.signature(signed) == "9c4e8bea0443cdd39771c75424509177aec497a7ca1f038217df5eb0a5d9e977")
    }

    @Test func sqsJSONRequest() {
        let signer = SigV4Signer(credentials: Self.suiteCredentials, region: "us-east-1", service: "sqs")
        let body = Array(#"{"QueueUrl":"q"}"#.utf8)
        let signed = signer.sign(.init(method: "POST", host: "127.0.0.1:5055", path: "/", headers: [
            ("Content-Type", "application/x-amz-json-1.0"), ("X-Amz-Target", "AmazonSQS.ReceiveMessage"),
        ], payloadHash: Digest.hex(Digest.sha256(body))), date: Self.goldenDate)
        #expect(!signed.headers.contains { $0.name == "x-amz-content-sha256" })
        #expect(Self.signature(signed) == "21ce516375ad23117725bae3be12eb9e8408c555b8dc7a1c8f8bd851b50ab9a0")
    }

    @Test func headerValuesAreTrimmedAndCollapsed() {
        let signer = SigV4Signer(credentials: Self.suiteCredentials, region: "us-east-1", service: "service")
        let signed = signer.sign(.init(method: "GET", host: "example.amazonaws.com", path: "/",
                                       headers: [("My-Header1", "  value1  with   spaces ")]), date: Self.suiteDate)
        #expect(signed.canonicalRequest.contains("my-header1:value1 with spaces\n"))
    }

    @Test func credentialsNeverAppearInDescriptions() {
        let credentials = AWSCredentials(accessKeyId: "AKID", secretAccessKey: "TOPSECRET", sessionToken: "TOKENSECRET")
        #expect(!"\(credentials)".contains("TOPSECRET"))
        #expect(!"\(credentials)".contains("TOKENSECRET"))
        #expect(!String(reflecting: credentials).contains("TOPSECRET"))
    }

    @Test func amzDateFormatsUTC() {
        #expect(AMZDate(secondsSince1970: 0).timestamp == "19700101T000000Z")
        #expect(AMZDate(secondsSince1970: 1_440_938_160).timestamp == "20150830T123600Z")
        #expect(AMZDate(secondsSince1970: 951_825_599).timestamp == "20000229T115959Z")
        #expect(AMZDate(secondsSince1970: 1_795_586_400).day == "20261125")
    }
}

@Suite(.timeLimit(.minutes(2))) struct SigV4HeaderValueTests {
    @Test(arguments: [
        ("application/json", "application/json"),
        ("  padded  ", "padded"),
        ("a   b\t\tc", "a b c"),
        ("a\tb", "a b"),
        ("", ""),
        ("   ", ""),
        ("multi word value", "multi word value"),
    ])
    func trimsAndCollapsesLikeTheSpec(input: String, expected: String) {
        #expect(SigV4Signer.trimAndCollapse(input) == expected)
    }

    @Test func aCachedSigningKeyGivesTheSameSignature() {
        let signer = SigV4Signer(credentials: AWSCredentials(accessKeyId: "AKID", secretAccessKey: "secret"), region: "us-east-1", service: "s3")
        let date = AMZDate(secondsSince1970: 1_795_600_800)
        let request = SigV4Signer.Request(method: "GET", host: "example.com", path: "/b/k")
        #expect(signer.sign(request, date: date).headers.map(\.value)
            == signer.sign(request, date: date, signingKey: signer.signingKey(day: date.day)).headers.map(\.value))
    }
}
