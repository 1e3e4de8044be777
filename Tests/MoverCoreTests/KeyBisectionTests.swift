@testable import MoverCore
import PropertyBased
import Testing

/// Points between keys in S3's order (UTF-8 bytes), for cutting listing ranges.
@Suite(.timeLimit(.minutes(2))) struct KeyBisectionTests {
    /// Characters at the edges: control, space, DEL, the last before the surrogates, the first
    /// after, the largest code point, and ordinary ones.
    static let edgy = Gen<Character?>.element(of: ["a", "b", "0", "9", " ", "\u{1}", "\u{7F}", "é", "\u{D7FF}", "\u{E000}", "\u{10FFFF}", "😀", "~"] as [Character])
        .map { $0! }.string(of: 0...5)

    static func precedes(_ a: String, _ b: String) -> Bool { a.utf8.lexicographicallyPrecedes(b.utf8) }

    @Test func aMidpointIsStrictlyBetweenAndPrintable() async {
        await propertyCheck(count: 500, input: Self.edgy, Self.edgy) { a, b in
            guard a != b else { return }
            let (lower, upper) = Self.precedes(a, b) ? (a, b) : (b, a)
            guard let point = KeyBisection.midpoint(after: KeyBisection.scalars(lower), before: KeyBisection.scalars(upper)) else { return }
            let text = KeyBisection.string(point)
            #expect(Self.precedes(lower, text) && Self.precedes(text, upper), "\(lower.debugDescription) < \(text.debugDescription) < \(upper.debugDescription)")
            // What it does not take from the lower key is printable.
            #expect(point.last.map { $0 >= 0x20 && !(0xD800...0xDFFF).contains($0) && $0 <= 0x10_FFFF } ?? false)
        }
    }

    @Test func theMidpointOfAnOpenRangeHalvesTheCodePoints() {
        let prefix = KeyBisection.scalars("image/")
        #expect(KeyBisection.midpoint(after: prefix, before: prefix + [KeyBisection.infinity]) == prefix + [0x4F])  // 'O', halfway through printable ASCII
        // avatar-1… and avatar-2 differ by one at the digit: the point continues avatar-15.
        let point = KeyBisection.midpoint(after: KeyBisection.scalars("avatar-15"), before: KeyBisection.scalars("avatar-2"))
        #expect(point == KeyBisection.scalars("avatar-1") + [0x5A])  // avatar-1Z
        // Only control characters between: no point.
        #expect(KeyBisection.midpoint(after: KeyBisection.scalars("a"), before: KeyBisection.scalars("a\u{1}")) == nil)
        #expect(KeyBisection.midpoint(after: KeyBisection.scalars("b"), before: KeyBisection.scalars("a")) == nil)
        // Past ASCII: halfway through the code points, around the surrogates.
        #expect(KeyBisection.midpoint(after: KeyBisection.scalars("~"), before: [0x1_0000]) == [0x8000 + 0x3F])
        #expect(KeyBisection.midpoint(after: [0xD000], before: [0xE800]) == [0xD7FF])
    }

    /// Over any key set, a cut point lies above the lower bound, and the range still holds a key
    /// after it.
    @Test func aCutPointLeavesAKeyAfterIt() async throws {
        await propertyCheck(count: 200, input: Self.edgy.array(of: 1...40), Self.edgy) { names, lowerName in
            let keys = Set(names.map { "image/" + $0 }).sorted(by: Self.precedes)
            let lower = "image/" + lowerName
            let point = try await KeyBisection.cutPoint(prefix: "image/", lower: lower, through: nil) { after in
                keys.first { Self.precedes(after, $0) }
            }
            guard let point else { return }
            #expect(Self.precedes(lower, point))
            #expect(keys.contains { Self.precedes(point, $0) })
        }
    }

    @Test func aDenseRangeIsCutNearItsDensity() async throws {
        let keys = (1...200_000).map { "image/avatar-\($0).png" }.sorted(by: Self.precedes)
        var probes = 0
        let point = try await KeyBisection.cutPoint(prefix: "image/", lower: keys[0], through: nil) { after in
            probes += 1
            let index = keys.partitioningIndex { Self.precedes(after, $0) }
            return index < keys.count ? keys[index] : nil
        }
        let cut = try #require(point)
        let below = keys.count { !Self.precedes(cut, $0) }
        // Both parts hold a good share of the keys, found in a few dozen one-key listings.
        #expect(below > 10_000 && keys.count - below > 10_000, "\(cut.debugDescription): \(below) below")
        #expect(probes < 20, "\(probes) probes")
    }
}

extension Array {
    func partitioningIndex(where belongs: (Element) -> Bool) -> Int {
        var low = 0, high = count
        while low < high {
            let middle = (low + high) / 2
            if belongs(self[middle]) { high = middle } else { low = middle + 1 }
        }
        return low
    }
}
