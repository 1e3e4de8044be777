internal import CLibXML2

/// Reads a `ListObjectsV2` answer with libxml2's streaming reader: one `<Contents>` at a time,
/// never the whole document.
///
/// A page holds up to 1,000 keys; as a libxml2 document plus a value tree it took a few
/// megabytes and most of the listing's CPU. The reader frees each entry's nodes as it moves on,
/// so a page costs its body and the summaries it yields.
struct ListBucketResultReader {
    /// What one page says, keys still as sent (URL-encoded when `encodingType` is `url`).
    struct Page {
        var rootName = ""
        /// Each `<Contents>`: its first `Key`, `Size`, `ETag` and `StorageClass` texts.
        var entries: [(key: String?, size: String?, eTag: String?, storageClass: String?)] = []
        var isTruncated: String?
        var nextContinuationToken: String?
        var encodingType: String?
    }

    /// Reads `body`. Throws ``XMLParseError`` when it is not well-formed XML.
    static func read(_ body: [UInt8]) throws -> Page {
        XMLRuntime.ensureInitialised()
        // The reader points into `body`'s storage, so all of the reading happens in this scope.
        return try body.withUnsafeBufferPointer { buffer in
            try buffer.withMemoryRebound(to: CChar.self) { chars in
                guard let reader = xmlReaderForMemory(chars.baseAddress, Int32(chars.count), "response.xml", nil, XMLRuntime.options) else {
                    throw XMLParseError(message: "could not start reading the listing")
                }
                defer { xmlFreeTextReader(reader) }
                return try read(reader)
            }
        }
    }

    private static func read(_ reader: xmlTextReaderPtr) throws -> Page {
        var page = Page()
        var path: [String] = []        // element names from the root down to the current one
        var text = ""                   // direct text of the current element
        var entry: (key: String?, size: String?, eTag: String?, storageClass: String?) = (nil, nil, nil, nil)
        var sawRoot = false

        func close() {
            switch (path.count, path.last) {
            case (2, "IsTruncated"): page.isTruncated = page.isTruncated ?? text
            case (2, "NextContinuationToken"): page.nextContinuationToken = page.nextContinuationToken ?? text
            case (2, "EncodingType"): page.encodingType = page.encodingType ?? text
            case (2, "Contents"): page.entries.append(entry); entry = (nil, nil, nil, nil)
            case (3, "Key") where path[1] == "Contents": entry.key = entry.key ?? text
            case (3, "Size") where path[1] == "Contents": entry.size = entry.size ?? text
            case (3, "ETag") where path[1] == "Contents": entry.eTag = entry.eTag ?? text
            case (3, "StorageClass") where path[1] == "Contents": entry.storageClass = entry.storageClass ?? text
            default: break
            }
            path.removeLast()
            text = ""
        }

        while true {
            let status = xmlTextReaderRead(reader)
            if status == 0 { break }
            guard status == 1 else {
                throw XMLParseError(message: XMLRuntime.lastErrorMessage() ?? "not well-formed XML")
            }
            switch xmlReaderTypes(UInt32(bitPattern: xmlTextReaderNodeType(reader))) {
            case XML_READER_TYPE_ELEMENT:
                let name = xmlTextReaderConstLocalName(reader).map { String(cString: $0) } ?? ""
                if path.isEmpty {
                    guard !sawRoot else { throw XMLParseError(message: "more than one root element") }
                    sawRoot = true
                    page.rootName = name
                }
                path.append(name)
                text = ""
                if xmlTextReaderIsEmptyElement(reader) == 1 { close() }
            case XML_READER_TYPE_END_ELEMENT:
                close()
            case XML_READER_TYPE_TEXT, XML_READER_TYPE_CDATA, XML_READER_TYPE_WHITESPACE, XML_READER_TYPE_SIGNIFICANT_WHITESPACE:
                // Whitespace counts too: a key may be nothing but spaces.
                if path.count == 2 || path.count == 3, let value = xmlTextReaderConstValue(reader) {
                    text += String(cString: value)
                }
            default:
                break
            }
        }
        guard sawRoot else { throw XMLParseError(message: "document has no root element") }
        return page
    }
}
