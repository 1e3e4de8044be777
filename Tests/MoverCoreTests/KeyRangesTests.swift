import MoverCore
import Testing

/// The range table of parallel listing: cuts never lose or repeat a key, and the resume point
/// is always a listed key.
@Suite(.timeLimit(.minutes(2))) struct KeyRangesTests {
    static func page(_ keys: [String], more: Bool = true) -> SourcePage {
        SourcePage(objects: keys.map { SourceObject(key: $0) }, nextToken: more ? "next" : nil)
    }

    @Test func aRangeIsCutOnlyAfterAFullPageAndEndsAtTheCut() throws {
        let ranges = KeyRanges(startAfter: nil)
        let first = try #require(ranges.claim())
        #expect(ranges.claim() == nil && ranges.victim() == nil, "nothing to cut before its first page")
        _ = ranges.accept(Self.page(["image/a", "image/b"]), into: first.id)
        let victim = try #require(ranges.victim())
        #expect(victim.lower == "image/b" && victim.through == nil)
        #expect(ranges.victim() == nil, "one cut at a time per range")
        let second = try #require(ranges.cut(victim.id, at: "image/m"))
        #expect(second.startAfter == "image/m" && ranges.count == 2)
        // The first range's next page runs past the cut: it is cut there and ends.
        let (objects, ended) = ranges.accept(Self.page(["image/c", "image/m", "image/n"]), into: first.id)
        #expect(objects.map(\.key) == ["image/c", "image/m"] && ended)
        let (rest, last) = ranges.accept(Self.page(["image/n", "image/z"], more: false), into: second.id)
        #expect(rest.count == 2 && last && ranges.allListed)
    }

    @Test func aCutBelowWhatTheRangeListedIsRefused() throws {
        let ranges = KeyRanges(startAfter: nil)
        let first = try #require(ranges.claim())
        _ = ranges.accept(Self.page(["image/a"]), into: first.id)
        let victim = try #require(ranges.victim())
        _ = ranges.accept(Self.page(["image/p", "image/q"]), into: first.id)  // listed on meanwhile
        #expect(ranges.cut(victim.id, at: "image/m") == nil)
        #expect(ranges.victim() != nil, "it can be tried again")
    }

    @Test func theResumePointIsTheFirstUnfinishedRangesAndAlwaysAKey() throws {
        let ranges = KeyRanges(startAfter: "image/0")
        let first = try #require(ranges.claim())
        _ = ranges.accept(Self.page(["image/a"]), into: first.id)
        let victim = try #require(ranges.victim())
        let second = try #require(ranges.cut(victim.id, at: "image/m\u{88000}"))
        let a = first.tracker.started("image/a")
        _ = ranges.accept(Self.page(["image/b", "image/x"], more: false), into: first.id)
        ranges.consumed(first.id)
        let b = first.tracker.started("image/b")
        #expect(ranges.resumePoint == "image/0")
        first.tracker.finished(a)
        #expect(ranges.resumePoint == "image/a")
        first.tracker.finished(b)
        // The first range is done; the second has not confirmed a key: the point stays at b.
        #expect(ranges.resumePoint == "image/b")
        let (objects, _) = ranges.accept(Self.page(["image/x"], more: false), into: second.id)
        let x = second.tracker.started(objects[0].key)
        second.tracker.finished(x)
        ranges.consumed(second.id)
        #expect(ranges.resumePoint == "image/x" && ranges.allConsumed)
    }

    @Test func aWaiterWakesOnAChangeAndOnCancellation() async throws {
        let ranges = KeyRanges(startAfter: nil)
        let first = try #require(ranges.claim())
        let version = ranges.version
        async let woken: Void = ranges.waitForChange(after: version)
        _ = ranges.accept(Self.page(["image/a"], more: false), into: first.id)
        await woken
        let stale = ranges.version
        let waiter = Task { await ranges.waitForChange(after: stale) }
        waiter.cancel()
        await waiter.value
    }
}
