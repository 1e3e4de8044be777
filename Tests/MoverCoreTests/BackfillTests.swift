import Foundation
import Logging
import MoverCore
import Synchronization
import Testing
import TestSupport

@Suite(.timeLimit(.minutes(2))) struct BackfillTests {
    final class PagedLister: SourceLister {
        let keys: [String]
        let pageSize: Int
        let pages = Mutex(0)

        init(keys: [String], pageSize: Int) {
            self.keys = keys
            self.pageSize = pageSize
        }

        func page(token: String?, startAfter: String?) async throws -> SourcePage {
            pages.withLock { $0 += 1 }
            var start = Int(token ?? "0")!
            if let startAfter { start = keys.firstIndex { $0 > startAfter } ?? keys.count }
            let end = min(start + pageSize, keys.count)
            return SourcePage(objects: keys[start..<end].map { SourceObject(key: $0) }, nextToken: end < keys.count ? String(end) : nil)
        }
    }

    func backfill(_ lister: any SourceLister, _ copier: MemoryCopier, _ table: MemoryTable, concurrency: Int = 8) -> Backfill {
        let logger = Logger(label: "test")
        let hold = OutageHold(maxHold: .seconds(60), backoffCap: .milliseconds(10), logger: logger)
        let handler = MigrationHandler(mapper: KeyMapper(), copier: copier, repointer: table, retry: RetryPolicy.fast.holding(through: hold),
                                       logger: logger)
        return Backfill(lister: lister, process: Backfill.migrating(handler), retry: .fast, tally: MigrationTally(),
                        concurrency: concurrency, health: hold.health, logger: logger)
    }

    @Test func migratesEveryPage() async {
        let keys = (1...250).map { String(format: "image/a%04d.png", $0) } + ["image/readme.txt"]
        let lister = PagedLister(keys: keys, pageSize: 100)
        let table = MemoryTable(rows: Array(keys.prefix(250)))
        let result = await backfill(lister, MemoryCopier(sources: keys), table).run()
        #expect(result.succeeded)
        #expect(result.listed == 251)
        #expect(result.tally.migrated == 250)
        #expect(result.tally.skipped[.notSourceKey] == 1)
        #expect(lister.pages.withLock { $0 } == 3)
        #expect(table.rows.allSatisfy { $0.hasPrefix("avatar/") })
    }

    @Test func failuresMakeTheRunFail() async {
        let keys = ["image/a.png", "image/b.png"]
        let copier = MemoryCopier(sources: ["image/a.png"])  // b is missing
        let result = await backfill(PagedLister(keys: keys, pageSize: 10), copier, MemoryTable(rows: keys)).run()
        #expect(!result.succeeded)
        #expect(result.tally.failed == 1)
        #expect(result.tally.migrated == 1)
    }

    @Test func startAfterResumes() async {
        let keys = ["image/a.png", "image/b.png", "image/c.png"]
        let result = await backfill(PagedLister(keys: keys, pageSize: 10), MemoryCopier(sources: keys), MemoryTable(rows: keys))
            .run(startAfter: "image/a.png")
        #expect(result.listed == 2)
    }

    @Test func outagesAreHeldNotFailed() async {
        let keys = (1...20).map { "image/h\($0).png" }
        let table = MemoryTable(rows: keys)
        table.state.withLock { $0.failuresBeforeSuccess = 100 }
        let result = await backfill(PagedLister(keys: keys, pageSize: 10), MemoryCopier(sources: keys), table).run()
        #expect(result.succeeded)
        #expect(result.tally.migrated == 20)
    }

    /// A server that answers, however wrongly (a 5xx, a 2xx that is not a result), is not an
    /// outage: once the ordinary retry budget is spent the object fails, at once, and the others go on.
    @Test func aPersistentTransientAnswerFailsTheObjectNotTheRun() async {
        let keys = (1...4).map { "image/t\($0).png" }
        let copier = MemoryCopier(sources: keys)
        copier.state.withLock { $0.failuresBeforeSuccess = 3; $0.failure = TestError.transient }  // the first object's three attempts
        let started = ContinuousClock.now
        let result = await backfill(PagedLister(keys: keys, pageSize: 10), copier, MemoryTable(rows: keys), concurrency: 1).run()
        #expect(ContinuousClock.now - started < .seconds(30), "not held for the outage hold")
        #expect(result.tally.failed == 1, "\(result.tally)")
        #expect(result.tally.migrated == 3)
    }
}

/// Parallel listing: idle listers cut the ranges being listed; every object once, and a resume
/// point that the first unfinished range holds back.
@Suite(.timeLimit(.minutes(2))) struct ParallelRangesBackfillTests {
    /// A sorted listing in S3's order (UTF-8 bytes), `pageSize` keys a page, one-key probes
    /// counted. While `holdFirstRange` is set, the first range's second page waits until a
    /// range after a cut asks for its first page (or 5 s pass), so the cut is sure to happen.
    final class SortedLister: SplittableSourceLister {
        let keys: [String]
        let pageSize: Int
        let prefix = "image/"
        let probes = Mutex(0)
        let cutStarts = Mutex<[String]>([])
        let holdFirstRange: Bool

        init(keys: [String], pageSize: Int, holdFirstRange: Bool = false) {
            self.keys = keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            self.pageSize = pageSize
            self.holdFirstRange = holdFirstRange
        }

        func index(after key: String?) -> Int {
            guard let key else { return 0 }
            return keys.firstIndex { key.utf8.lexicographicallyPrecedes($0.utf8) } ?? keys.count
        }

        func page(token: String?, startAfter: String?) async throws -> SourcePage {
            if token == nil, let startAfter, !keys.contains(startAfter) {
                cutStarts.withLock { $0.append(startAfter) }
            }
            if holdFirstRange, token == String(pageSize) {
                // Bounded: the test then reports that no cut was made.
                try? await waitUntil("an idle lister to cut the first range", timeout: .seconds(5)) { !cutStarts.withLock { $0 }.isEmpty }
            }
            let start = token.map { Int($0)! } ?? index(after: startAfter)
            let end = min(start + pageSize, keys.count)
            return SourcePage(objects: keys[start..<end].map { SourceObject(key: $0) }, nextToken: end < keys.count ? String(end) : nil)
        }

        func firstKey(after key: String) async throws -> String? {
            probes.withLock { $0 += 1 }
            let index = index(after: key)
            return index < keys.count ? keys[index] : nil
        }
    }

    /// Runs a backfill whose work only records each key it is given (failing `failing`).
    func run(_ lister: SortedLister, listers: Int = 8, failing: String? = nil, startAfter: String? = nil) async -> (Backfill.Result, [String]) {
        let logger = Logger(label: "test")
        let seen = Mutex<[String]>([])
        let backfill = Backfill(lister: lister, listingParallelism: listers, process: { object, _ in
                                    seen.withLock { $0.append(object.key) }
                                    if object.key == failing { throw TestError.permanent }
                                    return .migrated(rows: 1)
                                }, retry: .fast, tally: MigrationTally(), concurrency: 16, logger: logger)
        let result = await backfill.run(startAfter: startAfter)
        return (result, seen.withLock { $0 })
    }

    static let avatars = (1...2000).map { "image/avatar-\($0).png" }

    @Test func idleListersCutTheRangeAndEveryKeyIsListedOnce() async {
        let lister = SortedLister(keys: Self.avatars, pageSize: 50, holdFirstRange: true)
        let (result, seen) = await run(lister)
        #expect(result.succeeded && result.listed == 2000 && seen.count == 2000 && Set(seen) == Set(Self.avatars))
        #expect(!lister.cutStarts.withLock { $0 }.isEmpty, "the range was cut")
        #expect(result.resumePoint == lister.keys.last)
    }

    @Test func aListingOfOnePageIsNeverCut() async {
        let lister = SortedLister(keys: Array(Self.avatars.prefix(40)), pageSize: 50)
        let (result, seen) = await run(lister)
        #expect(result.succeeded && seen.count == 40)
        #expect(lister.probes.withLock { $0 } == 0)
    }

    @Test func oneListerNeverProbes() async {
        let lister = SortedLister(keys: Self.avatars, pageSize: 50)
        let (result, seen) = await run(lister, listers: 1)
        #expect(result.succeeded && seen.count == 2000)
        #expect(lister.probes.withLock { $0 } == 0 && lister.cutStarts.withLock { $0 }.isEmpty)
    }

    /// Keys of every shape: spaces, control characters, non-ASCII, the largest code point,
    /// keys that are prefixes of others.
    @Test(arguments: [1, 7, 64])
    func oddKeysAreEachListedOnce(pageSize: Int) async {
        var keys = ["image/", "image/a", "image/a ", "image/a\u{1}", "image/a\u{7F}", "image/é", "image/\u{10FFFF}", "image/\u{10FFFF}\u{10FFFF}x",
                    "image/\u{D7FF}", "image/\u{E000}", "image/😀/deep", "image/~", "image/ ", "image/0"]
        keys += (0..<300).map { "image/k\($0 * 7919 % 1000)-\(String(UnicodeScalar(UInt8(0x21 + $0 % 90))))" }
        keys += (0..<100).map { "image/\u{4E00}\($0)" }
        let unique = Array(Set(keys))
        let lister = SortedLister(keys: unique, pageSize: pageSize, holdFirstRange: pageSize == 7)
        let (result, seen) = await run(lister)
        #expect(result.succeeded && seen.count == unique.count && Set(seen) == Set(unique), "\(seen.count) of \(unique.count)")
    }

    /// An object of the middle of the key space fails: the resume point stops before it, however
    /// far the other ranges got.
    @Test func aFailureHoldsTheResumePointBeforeIt() async {
        let lister = SortedLister(keys: Self.avatars, pageSize: 50, holdFirstRange: true)
        let failing = lister.keys[1000]
        let (result, seen) = await run(lister, failing: failing)
        #expect(!result.succeeded && result.tally.failed == 1 && seen.count == 2000)
        #expect(result.resumePoint == lister.keys[999], "\(result.resumePoint ?? "nil")")
    }

    @Test func startAfterStartsTheFirstRange() async {
        let lister = SortedLister(keys: Self.avatars, pageSize: 50, holdFirstRange: true)
        let (result, seen) = await run(lister, startAfter: lister.keys[499])
        #expect(result.succeeded && seen.count == 1500 && Set(seen) == Set(lister.keys.dropFirst(500)))
    }
}
