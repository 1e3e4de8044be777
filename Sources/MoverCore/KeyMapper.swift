/// Maps a source key to its destination key: `image/avatar-12.png` → `avatar/avatar-12.png`.
///
/// A key is ours when it lies under the source prefix and ends with the suffix; the remainder
/// (nested folders included) is kept unchanged under the destination prefix.
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
        !destinationListPrefix.isEmpty && key.hasPrefix(destinationListPrefix)
    }

    private func remainder(of key: String, under prefix: String) -> String? {
        guard key.hasPrefix(prefix), key.hasSuffix(suffix) else { return nil }
        let remainder = String(key.dropFirst(prefix.count))
        guard !remainder.isEmpty, remainder.count >= suffix.count, !remainder.hasPrefix("/") else { return nil }
        return remainder
    }

    private static func trimSlashes(_ text: String) -> String {
        var value = Substring(text)
        while value.hasPrefix("/") { value = value.dropFirst() }
        while value.hasSuffix("/") { value = value.dropLast() }
        return String(value)
    }
}
