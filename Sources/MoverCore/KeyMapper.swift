/// Maps a source key to its destination key: `image/avatar-12.png` → `avatar/avatar-12.png`.
///
/// A key is ours when it lies under the source prefix and ends with the suffix; the remainder
/// (nested folders, empty segments and dot segments included) is kept unchanged under the
/// destination prefix.
///
/// Keys are opaque byte strings, as S3 treats them: every comparison here is on UTF-8 bytes,
/// never on Swift `Character`s, which would merge a combining mark with the `/` before it and
/// treat canonically equivalent keys as one.
public struct KeyMapper: Sendable, Hashable {
    /// The source folder, without a trailing slash (`image`).
    public let sourcePrefix: String
    /// The destination folder, without a trailing slash (`avatar`).
    public let destinationPrefix: String
    /// The required key suffix (`.png`); empty accepts every key under the prefix.
    public let suffix: String

    /// Creates a mapper. Leading and trailing slashes on the prefixes are ignored.
    public init(sourcePrefix: String = "image", destinationPrefix: String = "avatar", suffix: String = ".png") {
        self.sourcePrefix = Self.trimSlashes(sourcePrefix)
        self.destinationPrefix = Self.trimSlashes(destinationPrefix)
        self.suffix = suffix
    }

    /// `image/`: the listing prefix for the source.
    public var sourceListPrefix: String { sourcePrefix.isEmpty ? "" : sourcePrefix + "/" }
    /// `avatar/`: the listing prefix for the destination.
    public var destinationListPrefix: String { destinationPrefix.isEmpty ? "" : destinationPrefix + "/" }

    /// The destination key for `sourceKey`, or nil when the key is not ours.
    public func destinationKey(for sourceKey: String) -> String? {
        guard let remainder = remainder(of: sourceKey, under: sourceListPrefix) else { return nil }
        return destinationListPrefix + remainder
    }

    /// The source key a destination key came from, or nil when it is not under the destination prefix.
    public func sourceKey(for destinationKey: String) -> String? {
        guard let remainder = remainder(of: destinationKey, under: destinationListPrefix) else { return nil }
        return sourceListPrefix + remainder
    }

    /// Whether `key` lies under the destination prefix (and so must never be copied again).
    public func isDestinationKey(_ key: String) -> Bool {
        !destinationListPrefix.isEmpty && key.utf8.starts(with: destinationListPrefix.utf8)
    }

    /// Whether the two list prefixes overlap: equal, or one inside the other, byte for byte. With
    /// overlapping prefixes in one bucket a copy would land where the source is listed.
    public var prefixesOverlap: Bool {
        let source = sourceListPrefix.utf8, destination = destinationListPrefix.utf8
        return source.starts(with: destination) || destination.starts(with: source)
    }

    private func remainder(of key: String, under prefix: String) -> String? {
        let bytes = key.utf8
        guard bytes.starts(with: prefix.utf8), bytes.reversed().starts(with: suffix.utf8.reversed()) else { return nil }
        let remainder = bytes.dropFirst(prefix.utf8.count)
        guard !remainder.isEmpty, remainder.count >= suffix.utf8.count else { return nil }
        // The prefix ends with `/` (or is empty), so the remainder starts on a scalar boundary.
        return String(decoding: remainder, as: UTF8.self)
    }

    private static func trimSlashes(_ text: String) -> String {
        var value = Substring(text).utf8[...]
        while value.first == UInt8(ascii: "/") { value = value.dropFirst() }
        while value.last == UInt8(ascii: "/") { value = value.dropLast() }
        return String(decoding: value, as: UTF8.self)
    }
}
