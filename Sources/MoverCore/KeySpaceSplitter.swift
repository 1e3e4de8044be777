/// Splits the keys under a prefix into disjoint ranges for parallel listing, by probing: a
/// listing of one key after a given one finds which bytes follow the keys' common prefix
/// (`image/avatar-` then `1` … `9`, say), and those bytes become the ranges' boundaries.
///
/// The ranges cover every key whatever the probes found: the first starts where the listing
/// would, the last has no end, and each boundary is both an end and (just below it) the next
/// range's start. Only ASCII bytes become boundaries, so every start-after is valid UTF-8;
/// keys that continue with other bytes fall into the last range.
public enum KeySpaceSplitter {
    /// One range: keys after `startAfter` (nil: from the start) and below `end` (nil: no end).
    public struct Range: Sendable, Hashable {
        public var startAfter: String?
        public var end: String?
    }

    /// The largest code point: a start-after of `x + U+10FFFF` skips every key that starts with `x`.
    static let top = "\u{10FFFF}"

    /// Finds up to `parts` ranges of the keys under `prefix` after `startAfter`. Ask for several
    /// times as many as will be listed at once: probes see which bytes start keys, not how many.
    ///
    /// - Parameter firstKey: the first key under the prefix after the one given (nil: the first
    ///   of all), or nil when there is none; one `ListObjectsV2` of one key.
    public static func ranges(prefix: String, startAfter: String?, parts: Int,
                              firstKey: (_ after: String?) async throws -> String?) async throws -> [Range] {
        let whole = [Range(startAfter: startAfter, end: nil)]
        guard parts > 1, let first = try await firstKey(startAfter) else { return whole }
        var common = Array(prefix.utf8)
        var followers: [UInt8] = []
        for _ in 0..<64 {
            // Which bytes follow `common`: from the first key on, skip each byte's keys in one probe.
            followers = []
            var current: String? = first
            while let key = current, key.utf8.count > common.count, key.utf8.starts(with: common), followers.count < 96 {
                let byte = Array(key.utf8)[common.count]
                guard (0x21...0x7E).contains(byte) else { break }  // not ASCII: the last range takes the rest
                followers.append(byte)
                current = try await firstKey(String(decoding: common + [byte], as: UTF8.self) + top)
            }
            // All keys share the next byte too: descend (the first key is still the first).
            guard followers.count == 1, current == nil else { break }
            common.append(followers[0])
        }
        guard followers.count > 1 else { return whole }
        // One level deeper, so that a crowded first byte (`1` of 1…20000) splits too: the
        // candidates are every byte pair that starts keys, in order.
        var candidates: [[UInt8]] = []
        for byte in followers {
            let head = common + [byte]
            var current = try await firstKey(String(decoding: head, as: UTF8.self))
            var seconds = 0
            while let key = current, key.utf8.count > head.count, key.utf8.starts(with: head), seconds < 96 {
                let next = Array(key.utf8)[head.count]
                guard (0x21...0x7E).contains(next) else { break }
                candidates.append(head + [next])
                seconds += 1
                current = try await firstKey(String(decoding: head + [next], as: UTF8.self) + top)
            }
            if seconds == 0 { candidates.append(head) }
        }
        // Every candidate but the first can start a range; take parts - 1 of them, evenly.
        let starts = Array(candidates.dropFirst())
        let count = min(parts - 1, starts.count)
        let boundaries = (0..<count).map { starts[(($0 + 1) * starts.count) / (count + 1)] }
        var ranges: [Range] = []
        var start = startAfter
        for boundary in boundaries where start.map({ $0.utf8.lexicographicallyPrecedes(boundary) }) ?? true {
            ranges.append(Range(startAfter: start, end: String(decoding: boundary, as: UTF8.self)))
            start = String(decoding: boundary.dropLast() + [boundary.last! - 1], as: UTF8.self) + top
        }
        ranges.append(Range(startAfter: start, end: nil))
        return ranges
    }
}
