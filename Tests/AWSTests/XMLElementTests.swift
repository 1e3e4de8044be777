import AWS
import Testing

@Suite(.timeLimit(.minutes(2))) struct XMLElementTests {
    @Test func parsesNamespacedListing() throws {
        let xml = """
        <?xml version="1.0" encoding="UTF-8"?>
        <ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>b</Name><IsTruncated>true</IsTruncated>
        <Contents><Key>image%2Fa+b.png</Key><Size>3</Size><ETag>&quot;abc&quot;</ETag></Contents>
        <NextContinuationToken>tok</NextContinuationToken><EncodingType>url</EncodingType></ListBucketResult>
        """
        let root = try XMLElement.parse(Array(xml.utf8))
        #expect(root.name == "ListBucketResult")
        #expect(root.text(of: "IsTruncated") == "true")
        #expect(root.children("Contents").first?.text(of: "ETag") == "\"abc\"")
        #expect(root.children("Contents").first?.text(of: "Key") == "image%2Fa+b.png")
    }

    @Test func rejectsBrokenXML() {
        #expect(throws: XMLParseError.self) { try XMLElement.parse(Array("<Error><Code>x</Error>".utf8)) }
        #expect(throws: XMLParseError.self) { try XMLElement.parse([]) }
    }

    @Test func doesNotFetchExternalEntities() throws {
        let xml = #"<?xml version="1.0"?><!DOCTYPE r [<!ENTITY e SYSTEM "http://127.0.0.1:1/x">]><r>&e;</r>"#
        let root = try? XMLElement.parse(Array(xml.utf8))
        #expect(root?.text ?? "" == "")
    }
}
