/// An S3 entity tag, validated against its grammar: hex digits, optionally `-N` for a multipart
/// upload's part count, with or without the surrounding quotes S3 sends.
///
/// The one place quotes are removed and added back: events carry ETags bare, S3's headers and
/// listings quote them, and `x-amz-copy-source-if-match` wants them quoted. Anything else (a CR or
/// LF, a `W/` weak tag, spaces) is not an S3 ETag and never reaches a request.
public struct ETag: Sendable, Hashable, CustomStringConvertible {
    /// The tag without quotes, e.g. `9b2cf535f27731c974343645a3985328` or `…-3`.
    public let value: String

    /// The longest hex run accepted: MD5 is 32 digits; S3-compatible servers use up to 64 (SHA-256).
    static let maximumHexDigits = 64

    /// Parses `text` (quoted or not); nil unless it is hex digits, optionally followed by `-N`.
    public init?(_ text: String) {
        var bytes = Substring(text).utf8[...]
        if bytes.count >= 2, bytes.first == UInt8(ascii: "\""), bytes.last == UInt8(ascii: "\"") {
            bytes = bytes.dropFirst().dropLast()
        }
        let dash = bytes.firstIndex(of: UInt8(ascii: "-"))
        let hex = bytes[..<(dash ?? bytes.endIndex)]
        guard (1...Self.maximumHexDigits).contains(hex.count), hex.allSatisfy(Self.isHexDigit) else { return nil }
        if let dash {
            let parts = bytes[bytes.index(after: dash)...]
            guard (1...5).contains(parts.count), parts.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }),
                  parts.first != UInt8(ascii: "0") else { return nil }
        }
        value = String(decoding: bytes, as: UTF8.self)
    }

    /// The tag in quotes, as S3 sends it and as conditional headers take it.
    public var quoted: String { "\"" + value + "\"" }

    /// Whether this tag is a multipart upload's (`…-N`), which is not an MD5 of the content.
    public var isMultipart: Bool { value.utf8.contains(UInt8(ascii: "-")) }

    public var description: String { quoted }

    /// Case-insensitive: S3 writes lower-case hex, some compatible servers upper-case.
    public static func == (lhs: ETag, rhs: ETag) -> Bool { lhs.value.lowercased() == rhs.value.lowercased() }
    public func hash(into hasher: inout Hasher) { hasher.combine(value.lowercased()) }

    private static func isHexDigit(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "f"), UInt8(ascii: "A")...UInt8(ascii: "F"): true
        default: false
        }
    }
}

/// An S3 object version id, validated: what S3 and compatible servers issue (URL-safe base64
/// letters, digits, `.`, `_`, `-`, `+`, `/`, `=`; at most 1,024 bytes). `null`, the id of an
/// object written while versioning was off, is not a version to pin to and parses as nil.
public struct VersionID: Sendable, Hashable, CustomStringConvertible {
    public let value: String

    /// Parses `text`; nil when it is empty, `null` or outside the grammar.
    public init?(_ text: String) {
        guard text != "null", (1...1024).contains(text.utf8.count), text.utf8.allSatisfy(Self.isAllowed) else { return nil }
        value = text
    }

    public var description: String { value }

    private static func isAllowed(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "/"), UInt8(ascii: "="):
            true
        default:
            false
        }
    }
}
