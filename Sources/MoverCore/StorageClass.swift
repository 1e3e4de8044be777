/// An S3 storage class name, validated: upper-case letters, digits and `_` (`STANDARD`,
/// `GLACIER_IR`, `INTELLIGENT_TIERING`, ...), at most 64 characters. Anything else, from a listing,
/// a response or a setting, never reaches a header.
public struct StorageClass: Sendable, Hashable, CustomStringConvertible {
    public let name: String

    /// The class of an object whose listing entry or `HeadObject` names none.
    public static let standard = StorageClass(validated: "STANDARD")

    /// Parses `text`; nil outside the grammar.
    public init?(_ text: String) {
        guard (1...64).contains(text.utf8.count), text.utf8.allSatisfy({
            (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || $0 == UInt8(ascii: "_")
        }) else { return nil }
        name = text
    }

    private init(validated name: String) { self.name = name }

    public var description: String { name }
}
