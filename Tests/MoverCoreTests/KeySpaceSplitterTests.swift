import MoverCore
import Testing

@Suite struct KeySpaceSplitterTests {
    /// `firstKey` over a sorted array, counting the probes.
    final class Probe: @unchecked Sendable {  // used by one test task at a time
        let keys: [String]
        var probes = 0
        init(_ keys: [String]) { self.keys = keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) } }
        func first(after: String?) -> String? {
            probes += 1
            return keys.first { after == nil || after!.utf8.lexicographicallyPrecedes($0.utf8) }
        }
    }

    /// The keys of `ranges`, each range as listing it would give them.
    static func cover(_ ranges: [KeySpaceSplitter.Range], _ keys: [String]) -> [[String]] {
        ranges.map { range in
            keys.filter { key in
                (range.startAfter.map { $0.utf8.lexicographicallyPrecedes(key.utf8) } ?? true)
                    && (range.end.map { key.utf8.lexicographicallyPrecedes($0.utf8) } ?? true)
            }
        }
    }

    @Test func seededKeysSplitAfterTheirCommonPrefixAndCoverEverything() async throws {
        let keys = (1...5000).map { "image/avatar-\($0).png" }
        let probe = Probe(keys)
        let ranges = try await KeySpaceSplitter.ranges(prefix: "image/", startAfter: nil, parts: 4) { probe.first(after: $0) }
        #expect(ranges.count == 4)
        #expect(ranges.first?.startAfter == nil && ranges.last?.end == nil)
        #expect(ranges[0].end?.hasPrefix("image/avatar-") == true)
        let covered = Self.cover(ranges, probe.keys)
        #expect(Set(covered.joined()) == Set(keys) && covered.joined().count == keys.count, "disjoint and complete")
        // By byte, not by density (which probes cannot see): uneven, but no range is most of it.
        #expect(covered.allSatisfy { !$0.isEmpty && $0.count < keys.count / 2 }, "\(covered.map(\.count))")
        #expect(probe.probes < 200, "\(probe.probes) probes")
    }

    @Test func keysAfterAStartAndOddBytesAreStillCovered() async throws {
        let keys = ["image/a.png", "image/b c.png", "image/é.png", "image/ü/x.png", "image/z.png", "image/Z.png", "image/0.png", "image/~.png"]
        let probe = Probe(keys)
        let ranges = try await KeySpaceSplitter.ranges(prefix: "image/", startAfter: "image/0.png", parts: 8) { probe.first(after: $0) }
        let covered = Self.cover(ranges, probe.keys)
        #expect(Set(covered.joined()) == Set(keys.filter { $0 != "image/0.png" }))
        #expect(covered.joined().count == keys.count - 1)
    }

    @Test func fewKeysOrOnePartGiveOneRange() async throws {
        let probe = Probe(["image/a.png"])
        #expect(try await KeySpaceSplitter.ranges(prefix: "image/", startAfter: nil, parts: 8) { probe.first(after: $0) }.count == 1)
        #expect(try await KeySpaceSplitter.ranges(prefix: "image/", startAfter: nil, parts: 1) { probe.first(after: $0) }.count == 1)
        let empty = Probe([])
        #expect(try await KeySpaceSplitter.ranges(prefix: "image/", startAfter: nil, parts: 8) { empty.first(after: $0) }.count == 1)
    }
}
