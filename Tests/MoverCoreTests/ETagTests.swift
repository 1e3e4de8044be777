import MoverCore
import Testing

@Suite(.timeLimit(.minutes(2))) struct ETagTests {
    @Test(arguments: [
        ("0123456789abcdef0123456789abcdef", "0123456789abcdef0123456789abcdef"),
        ("\"0123456789abcdef0123456789abcdef\"", "0123456789abcdef0123456789abcdef"),
        ("\"d41d8cd98f00b204e9800998ecf8427e-3\"", "d41d8cd98f00b204e9800998ecf8427e-3"),
        ("ABCDEF0123456789ABCDEF0123456789-10000", "ABCDEF0123456789ABCDEF0123456789-10000"),
    ])
    func parsesTheGrammar(text: String, value: String) throws {
        let tag = try #require(ETag(text))
        #expect(tag.value == value)
        #expect(tag.quoted == "\"\(value)\"")
        #expect(ETag(tag.quoted) == tag)
    }

    @Test(arguments: [
        "", "\"\"", "\"", "xyz", "W/\"0123456789abcdef\"", "0123 4567", "0123456789abcdef\r\nx-amz-acl: public-read",
        "abc-", "abc-0", "abc-123456", "abc--1", "-1", "\"abc", "abc\"", String(repeating: "a", count: 65), "abc\u{0}",
    ])
    func refusesEverythingElse(text: String) {
        #expect(ETag(text) == nil)
    }

    @Test func comparesHexCaseInsensitively() {
        #expect(ETag("ABCDEF") == ETag("\"abcdef\""))
        #expect(ETag("abcdef")?.isMultipart == false)
        #expect(ETag("abcdef-2")?.isMultipart == true)
    }

    @Test(arguments: ["3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY", "a/b=c_d.e-f", "0f2b1e54-1c4a-4cde-9b0a-6f3f1b2c3d4e"])
    func versionIDs(text: String) {
        #expect(VersionID(text)?.value == text)
    }

    @Test(arguments: ["", "null", "a b", "v1\r\nx-amz-acl: public-read", "a%20", String(repeating: "a", count: 1025), "ü"])
    func refusedVersionIDs(text: String) {
        #expect(VersionID(text) == nil)
    }
}
