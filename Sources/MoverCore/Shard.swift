/// One of N disjoint slices of the key space, by a stable hash of the key's bytes (64-bit
/// FNV-1a): `--shard I/N` makes a backfill take only its slice, so N processes (a Kubernetes
/// Indexed Job) share a bucket with every key in exactly one slice.
///
/// The hash is of the bytes, so it is the same on every machine and in every run, and spreads
/// keys with common prefixes (`image/avatar-1…`) evenly.
public struct Shard: Sendable, Hashable, CustomStringConvertible {
    /// 0 ..< count.
    public let index: Int
    public let count: Int

    /// The most slices allowed.
    public static let maximumCount = 10_000

    public init?(index: Int, count: Int) {
        guard (1...Self.maximumCount).contains(count), (0..<count).contains(index) else { return nil }
        self.index = index
        self.count = count
    }

    /// Parses `I/N`.
    public init?(parsing text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]) else { return nil }
        self.init(index: index, count: count)
    }

    /// Whether `key` is in this slice.
    public func owns(_ key: String) -> Bool {
        Int(Self.hash(key) % UInt64(count)) == index
    }

    static func hash(_ key: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in key.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01b3
        }
        return hash
    }

    public var description: String { "\(index)/\(count)" }
}
