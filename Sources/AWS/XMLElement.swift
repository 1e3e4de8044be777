internal import CLibXML2
import TextSupport

/// A parsed XML element: name (namespace dropped), text and child elements.
///
/// The answers read this way are small documents (errors, multipart uploads, STS), so they are
/// parsed with libxml2 and copied into this value tree; the libxml2 document is freed at once.
/// Listing pages, which hold up to 1,000 keys, are streamed instead (`ListBucketResultReader`).
public struct XMLElement: Sendable {
    /// The local name, without namespace prefix.
    public var name: String
    /// The concatenated text of this element's direct text and CDATA children.
    public var text: String
    /// Child elements, in document order.
    public var children: [XMLElement]

    /// The first child named `name`.
    public func child(_ name: String) -> XMLElement? {
        children.first { $0.name == name }
    }

    /// All children named `name`.
    public func children(_ name: String) -> [XMLElement] {
        children.filter { $0.name == name }
    }

    /// The text of the first child named `name`.
    public func text(of name: String) -> String? {
        child(name)?.text
    }

    /// Parses a document and returns its root element.
    ///
    /// Uses ``XMLRuntime/options``: a broken document is an error, not a guess.
    public static func parse(_ bytes: [UInt8]) throws -> XMLElement {
        XMLRuntime.ensureInitialised()
        let parsed: xmlDocPtr? = bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { chars in
                xmlReadMemory(chars.baseAddress, Int32(chars.count), "response.xml", nil, XMLRuntime.options)
            }
        }
        guard let document = parsed else {
            throw XMLParseError(message: XMLRuntime.lastErrorMessage() ?? "not well-formed XML")
        }
        defer { xmlFreeDoc(document) }
        guard let root = xmlDocGetRootElement(document) else {
            throw XMLParseError(message: "document has no root element")
        }
        return convert(root)
    }

    private static func convert(_ node: xmlNodePtr) -> XMLElement {
        var element = XMLElement(name: String(cString: node.pointee.name), text: "", children: [])
        var child = node.pointee.children
        while let current = child {
            switch current.pointee.type {
            case XML_ELEMENT_NODE:
                element.children.append(convert(current))
            case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                if let content = current.pointee.content {  // read in place: no copy to free
                    element.text += String(cString: content)
                }
            default:
                break
            }
            child = current.pointee.next
        }
        return element
    }
}

/// The response body was not well-formed XML.
public struct XMLParseError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { "invalid XML: \(message)" }
}

enum XMLRuntime {
    private static let initialised: Bool = {
        xmlInitParser()
        return true
    }()

    static func ensureInitialised() { _ = initialised }

    /// How every answer is read: `XML_PARSE_NONET` (no network access for entities), never
    /// `XML_PARSE_RECOVER` (a broken document is an error, not a guess), and `XML_PARSE_COMPACT`
    /// (short text stored inside its node, one allocation fewer per value).
    static let options = Int32(bitPattern: XML_PARSE_NONET.rawValue | XML_PARSE_COMPACT.rawValue
                                   | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue)

    static func lastErrorMessage() -> String? {
        guard let error = xmlGetLastError(), let message = error.pointee.message else { return nil }
        return String(cString: message).trimmingWhitespace()
    }
}

import FoundationEssentials
