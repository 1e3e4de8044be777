/// Points between two keys, for cutting a range of the key space in two.
///
/// S3 orders keys by their UTF-8 bytes, which is the order of their Unicode scalars, so keys and
/// bounds are handled here as arrays of scalar values. A bound may end in ``infinity``, which
/// stands above every scalar: `prefix + [infinity]` is above every key under `prefix`.
package enum KeyBisection {
    /// Above every Unicode scalar (U+10FFFF is the largest).
    package static let infinity: UInt32 = 0x11_0000

    /// The scalar values of a key.
    package static func scalars(_ key: String) -> [UInt32] { key.unicodeScalars.map(\.value) }

    /// The key of scalar values that contain no ``infinity``.
    package static func string(_ scalars: [UInt32]) -> String {
        var text = String.UnicodeScalarView()
        text.append(contentsOf: scalars.compactMap(Unicode.Scalar.init))
        return String(text)
    }

    /// A key strictly between `lower` and `upper` (`lower < upper`), halfway through the scalars
    /// that can stand at the first position where they differ (the printable ASCII ones first);
    /// nil when there is none worth a probe (only control characters between them).
    ///
    /// When the two differ by one at that position (`avatar-1…` and `avatar-2`), the point
    /// continues `lower`: halfway between `lower`'s next scalar and ``infinity``. The point is
    /// made of printable scalars (U+0020 and up, no surrogates), so it is a valid start-after.
    package static func midpoint(after lower: [UInt32], before upper: [UInt32]) -> [UInt32]? {
        guard lower.lexicographicallyPrecedes(upper) else { return nil }
        var index = 0
        while index < lower.count, index < upper.count, lower[index] == upper[index] { index += 1 }
        guard index < upper.count else { return nil }
        var head = Array(lower.prefix(index))
        var low = index < lower.count ? Int(lower[index]) : -1
        var high = Int(upper[index])
        while true {
            if let middle = scalar(above: low, below: high) { return head + [middle] }
            // Nothing between the two: the point continues `lower` past this position.
            guard low >= 0 else { return nil }
            head.append(UInt32(low))
            low = head.count < lower.count ? Int(lower[head.count]) : -1
            high = Int(infinity)
        }
    }

    /// A printable scalar strictly between `low` (-1: none) and `high`, near the middle of the
    /// printable ASCII between them if there is any (where most keys' characters are), else of
    /// the code points between them.
    static func scalar(above low: Int, below high: Int) -> UInt32? {
        let first = max(low + 1, 0x20), last = min(high - 1, 0x10_FFFF)
        guard first <= last else { return nil }
        if first <= 0x7E { return UInt32((first + min(last, 0x7E)) / 2) }
        let middle = (first + last) / 2
        guard (0xD800...0xDFFF).contains(middle) else { return UInt32(middle) }
        if first <= 0xD7FF { return 0xD7FF }
        if last >= 0xE000 { return 0xE000 }
        return nil
    }
}

extension KeyBisection {
    /// The most one cut may cost in one-key listings.
    static let probeBudget = 64

    /// A point to cut a range at, inside its unlisted part, such that the range still holds a
    /// key after the point; nil when none turns up within ``probeBudget`` one-key listings.
    ///
    /// First it descends through what every unlisted key shares (`image/avatar-`), one probe a
    /// character: a listing after everything that continues the lower key's next character
    /// shows whether any key branches off there. At the first branch it halves the characters
    /// that can follow until a probe finds a key above the point.
    ///
    /// - Parameters:
    ///   - lower: keys after this one are unlisted (nil: every key under `prefix`).
    ///   - through: the range's last possible key (nil: no end).
    ///   - firstKey: the first key under `prefix` after the one given, or nil.
    package static func cutPoint(prefix: String, lower: String?, through: String?,
                                 firstKey: (_ after: String) async throws -> String?) async throws -> String? {
        let root = scalars(prefix)
        var low = lower.map(scalars) ?? root
        if low.lexicographicallyPrecedes(root) { low = root }
        var high = through.map(scalars) ?? root + [infinity]
        guard low.lexicographicallyPrecedes(high) else { return nil }
        func inRange(_ key: String?) -> Bool { key.map { !high.lexicographicallyPrecedes(scalars($0)) } ?? false }
        var probes = 0
        var index = zip(low, high).prefix { $0 == $1 }.count
        while index < low.count, index < high.count, probes < probeBudget {
            // Past every key that continues low[index] (all but those continuing it with U+10FFFF).
            let subtree = Array(low.prefix(index + 1))
            probes += 1
            if inRange(try await firstKey(string(subtree + [0x10_FFFF]))) { break }
            high = subtree + [infinity]  // every unlisted key continues low[index]
            index += 1
        }
        while probes < probeBudget {
            guard let point = midpoint(after: low, before: high) else { return nil }
            probes += 1
            let text = string(point)
            if inRange(try await firstKey(text)) { return text }
            high = point  // nothing between the point and the range's end: look below it
        }
        return nil
    }
}
