@testable import AWS
import Testing

/// The streaming listing reader must read what the document parser read, on every server's style.
@Suite(.timeLimit(.minutes(2))) struct ListBucketResultReaderTests {
    /// The same fields through the libxml2 document and `XMLElement`, for comparison.
    static func viaDocument(_ text: String) throws -> ListBucketResultReader.Page {
        let root = try XMLElement.parse(Array(text.utf8))
        var page = ListBucketResultReader.Page()
        page.rootName = root.name
        page.entries = root.children("Contents").map { ($0.text(of: "Key"), $0.text(of: "Size"), $0.text(of: "ETag"), $0.text(of: "StorageClass")) }
        page.isTruncated = root.text(of: "IsTruncated")
        page.nextContinuationToken = root.text(of: "NextContinuationToken")
        page.encodingType = root.text(of: "EncodingType")
        return page
    }

    static func same(_ lhs: ListBucketResultReader.Page, _ rhs: ListBucketResultReader.Page) -> Bool {
        lhs.rootName == rhs.rootName && lhs.isTruncated == rhs.isTruncated
            && lhs.nextContinuationToken == rhs.nextContinuationToken && lhs.encodingType == rhs.encodingType
            && lhs.entries.count == rhs.entries.count
            && zip(lhs.entries, rhs.entries).allSatisfy { $0.key == $1.key && $0.size == $1.size && $0.eTag == $1.eTag && $0.storageClass == $1.storageClass }
    }

    static let aws = """
        <?xml version="1.0" encoding="UTF-8"?>
        <ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>b</Name><Prefix>image/</Prefix><KeyCount>2</KeyCount><MaxKeys>1000</MaxKeys><EncodingType>url</EncodingType><IsTruncated>true</IsTruncated><Contents><Key>image%2Fa+b.png</Key><LastModified>2026-12-01T10:00:00.000Z</LastModified><ETag>&quot;abc&quot;</ETag><Size>3</Size><StorageClass>STANDARD</StorageClass></Contents><Contents><Key>image/%E2%9C%93.png</Key><ETag>"def"</ETag><Size>42</Size><Owner><ID>x</ID><DisplayName>y</DisplayName></Owner></Contents><NextContinuationToken>1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=</NextContinuationToken></ListBucketResult>
        """

    /// `rclone serve s3`: indented, quotes as character references.
    static let rclone = """
        <?xml version="1.0" encoding="UTF-8"?>
        <ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
          <Name>src</Name>
          <IsTruncated>false</IsTruncated>
          <Contents>
            <Key>image/avatar-1.png</Key>
            <LastModified>2026-12-01T15:53:46.494Z</LastModified>
            <ETag>&#34;764efa883dda1e11db47671c4a3bbd9e&#34;</ETag>
            <Size>68</Size>
          </Contents>
          <Contents>
            <Key>image/a&amp;b &lt;c&gt;.png</Key>
            <ETag></ETag>
            <Size>0</Size>
          </Contents>
          <KeyCount>2</KeyCount>
          <NextContinuationToken/>
        </ListBucketResult>
        """

    @Test(arguments: [aws, rclone])
    func readsWhatTheDocumentParserReads(text: String) throws {
        let streamed = try ListBucketResultReader.read(Array(text.utf8))
        #expect(Self.same(streamed, try Self.viaDocument(text)))
    }

    @Test func readsTheFieldsOfEachEntry() throws {
        let page = try ListBucketResultReader.read(Array(Self.aws.utf8))
        #expect(page.rootName == "ListBucketResult")
        #expect(page.isTruncated == "true" && page.encodingType == "url")
        #expect(page.nextContinuationToken == "1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=")
        #expect(page.entries.map(\.key) == ["image%2Fa+b.png", "image/%E2%9C%93.png"])
        #expect(page.entries.map(\.eTag) == ["\"abc\"", "\"def\""])
        #expect(page.entries.map(\.size) == ["3", "42"])  // the Owner's text does not leak in

        let indented = try ListBucketResultReader.read(Array(Self.rclone.utf8))
        #expect(indented.isTruncated == "false" && indented.encodingType == nil)
        #expect(indented.nextContinuationToken == "")  // an empty element is an empty text
        #expect(indented.entries.map(\.key) == ["image/avatar-1.png", "image/a&b <c>.png"])
        #expect(indented.entries.map(\.eTag) == ["\"764efa883dda1e11db47671c4a3bbd9e\"", ""])
    }

    @Test func keysOfWhitespaceCDATAAndAnEmptyListingAreKept() throws {
        let text = "<ListBucketResult><Contents><Key>   </Key></Contents><Contents><Key><![CDATA[a<b]]></Key></Contents></ListBucketResult>"
        let page = try ListBucketResultReader.read(Array(text.utf8))
        #expect(page.entries.map(\.key) == ["   ", "a<b"])
        #expect(Self.same(page, try Self.viaDocument(text)))
        let empty = try ListBucketResultReader.read(Array("<ListBucketResult><KeyCount>0</KeyCount></ListBucketResult>".utf8))
        #expect(empty.entries.isEmpty && empty.isTruncated == nil)
    }

    @Test func anotherRootIsReportedByName() throws {
        #expect(try ListBucketResultReader.read(Array("<Error><Code>AccessDenied</Code></Error>".utf8)).rootName == "Error")
    }

    @Test func brokenXMLIsAnError() {
        for text in ["<ListBucketResult><Contents><Key>x</Contents></ListBucketResult>", "", "<a/><b/>", "not xml"] {
            #expect(throws: XMLParseError.self, "\(text)") { try ListBucketResultReader.read(Array(text.utf8)) }
        }
    }
}
