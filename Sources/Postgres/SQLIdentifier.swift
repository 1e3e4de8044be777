/// A validated SQL identifier (`avatars`, or `schema.avatars`), quoted for use in statements.
///
/// Table and column names cannot be bound as parameters, so they are checked against a strict
/// grammar instead of ever being pasted in raw.
public struct SQLIdentifier: Sendable, Hashable, CustomStringConvertible {
    /// The identifier as the user gave it.
    public let raw: String
    /// The double-quoted form, e.g. `"public"."avatars"`.
    public let quoted: String

    /// Validates `raw`: one or two dot-separated parts, each a letter or `_` followed by up to 62
    /// letters, digits or `_`. Returns nil otherwise. Like unquoted SQL, names fold to lower case.
    public init?(_ raw: String, allowSchema: Bool = true) {
        let parts = raw.split(separator: ".", omittingEmptySubsequences: false)
        guard !parts.isEmpty, parts.count <= (allowSchema ? 2 : 1) else { return nil }
        for part in parts {
            guard let first = part.utf8.first, part.utf8.count <= 63 else { return nil }
            let isLetter = { (byte: UInt8) in
                (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                    || byte == UInt8(ascii: "_")
            }
            guard isLetter(first), part.utf8.allSatisfy({ isLetter($0) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) else {
                return nil
            }
        }
        self.raw = raw
        self.quoted = parts.map { "\"\($0.lowercased())\"" }.joined(separator: ".")
    }

    public var description: String { quoted }
}
