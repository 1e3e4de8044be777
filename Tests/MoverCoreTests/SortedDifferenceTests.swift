import MoverCore
import Testing

@Suite(.timeLimit(.minutes(2))) struct SortedDifferenceTests {
    func cursor(_ keys: [String], pageSize: Int = 2) -> SortedKeyCursor {
        SortedKeyCursor { token in
            let start = Int(token ?? "0")!
            let end = min(start + pageSize, keys.count)
            return (Array(keys[start..<end]), end < keys.count ? String(end) : nil)
        }
    }

    @Test func findsKeysMissingOnTheRight() async throws {
        var found: [String] = []
        let count = try await SortedDifference.keys(in: cursor(["a", "b", "c", "d", "e"]), notIn: cursor(["b", "d", "z"])) { found.append($0) }
        #expect(count == 3)
        #expect(found == ["a", "c", "e"])
    }

    @Test func emptySides() async throws {
        #expect(try await SortedDifference.keys(in: cursor([]), notIn: cursor(["a"])) { _ in } == 0)
        #expect(try await SortedDifference.keys(in: cursor(["a"]), notIn: cursor([])) { _ in } == 1)
    }

    @Test func byteOrderNotUnicodeOrder() {
        // "é" precomposed (C3 A9) sorts after "e\u{301}" (65 CC 81) in bytes.
        #expect(SortedDifference.precedes("e\u{301}", "\u{e9}"))
        #expect(SortedDifference.precedes("Z", "a"))
    }

    @Test func canonicallyEquivalentKeysAreDifferent() async throws {
        let count = try await SortedDifference.keys(in: cursor(["\u{e9}"]), notIn: cursor(["e\u{301}"])) { _ in }
        #expect(count == 1)
    }
}
