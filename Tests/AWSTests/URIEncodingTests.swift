import AWS
import Testing

@Suite(.timeLimit(.minutes(2))) struct URIEncodingTests {
    @Test func encodesEverythingButUnreserved() {
        #expect(URIEncoding.encode("AZaz09-._~") == "AZaz09-._~")
        #expect(URIEncoding.encode("a b+c/d%e") == "a%20b%2Bc%2Fd%25e")
        #expect(URIEncoding.encode("ü") == "%C3%BC")
    }

    @Test func pathKeepsSlashes() {
        #expect(URIEncoding.encodePath("image/a b/c+d.png") == "image/a%20b/c%2Bd.png")
    }

    @Test(arguments: [
        ("a%20b", false, "a b"), ("a+b", false, "a+b"), ("a+b", true, "a b"), ("%2B", true, "+"), ("caf%C3%A9", false, "café"),
    ])
    func decodes(input: String, plus: Bool, expected: String) {
        #expect(URIEncoding.decode(input, plusAsSpace: plus) == expected)
    }

    @Test func rejectsBrokenEscapes() {
        #expect(URIEncoding.decode("%") == nil)
        #expect(URIEncoding.decode("%G1") == nil)
        #expect(URIEncoding.decode("%FF") == nil)  // not UTF-8
    }
}
