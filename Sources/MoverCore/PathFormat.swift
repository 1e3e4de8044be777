/// How a database column stores an object: a template with one `{key}` placeholder, such as
/// `{key}` (the key itself, the default), `https://cdn.example.com/{key}` or `s3://legacy/{key}`.
///
/// The key is put in as it is (no URL encoding), and read back byte for byte: a value is the
/// template's text before `{key}`, the key, then the text after it.
public struct PathFormat: Sendable, Hashable, CustomStringConvertible {
    /// The text before `{key}`.
    public let prefix: String
    /// The text after `{key}`.
    public let suffix: String

    /// The key itself: today's schema.
    public static let key = PathFormat(prefix: "", suffix: "")

    private init(prefix: String, suffix: String) {
        self.prefix = prefix
        self.suffix = suffix
    }

    /// Parses `template`; nil unless it holds `{key}` exactly once, and nothing that could not be
    /// stored in a text column (control characters).
    public init?(template: String) {
        let parts = template.split(separator: "{key}", omittingEmptySubsequences: false)
        guard parts.count == 2, !template.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else { return nil }
        self.init(prefix: String(parts[0]), suffix: String(parts[1]))
    }

    /// The column's value for `key`.
    public func value(for key: String) -> String { prefix + key + suffix }

    /// The key in `value`, or nil when the value is not of this format.
    public func key(from value: String) -> String? {
        let bytes = Array(value.utf8)
        let head = Array(prefix.utf8), tail = Array(suffix.utf8)
        guard bytes.count >= head.count + tail.count, bytes.starts(with: head), bytes.reversed().starts(with: tail.reversed()) else {
            return nil
        }
        return String(decoding: bytes[head.count..<(bytes.count - tail.count)], as: UTF8.self)
    }

    /// The value prefix of every key that starts with `keyPrefix` (for `starts_with` on the column).
    public func valuePrefix(forKeysStartingWith keyPrefix: String) -> String { prefix + keyPrefix }

    public var description: String { prefix + "{key}" + suffix }
}
