import Foundation
import Logging
import MoverCore
import Synchronization
import Testing

@Suite struct BackfillTests {
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

    func backfill(_ lister: any SourceLister, _ copier: MemoryCopier, _ table: MemoryTable) -> Backfill {
        let logger = Logger(label: "test")
        let handler = MigrationHandler(mapper: KeyMapper(), copier: copier, repointer: table, retry: .fast, logger: logger)
        return Backfill(lister: lister, handler: handler, tally: MigrationTally(), concurrency: 8,
                        hold: OutageHold(maxHold: .seconds(60), backoffCap: .milliseconds(10), logger: logger), logger: logger)
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
}

/// Several ranges listed at once: every object once, and a resume point that the first
/// unfinished range holds back.
@Suite struct ParallelRangesBackfillTests {
    struct RangeLister: SourceLister {
        let keys: [String]
        let lowerBound: String?
        func page(token: String?, startAfter: String?) async throws -> SourcePage {
            let start = Int(token ?? "0")!
            let end = min(start + 7, keys.count)
            return SourcePage(objects: keys[start..<end].map { SourceObject(key: $0) }, nextToken: end < keys.count ? String(end) : nil)
        }
    }

    static let ranges = [
        (1...40).map { String(format: "image/a%03d.png", $0) },
        (1...40).map { String(format: "image/b%03d.png", $0) },
        (1...40).map { String(format: "image/c%03d.png", $0) },
    ]

    func run(_ copier: MemoryCopier, table: MemoryTable) async -> Backfill.Result {
        let logger = Logger(label: "test")
        let handler = MigrationHandler(mapper: KeyMapper(), copier: copier, repointer: table, retry: .fast, logger: logger)
        let listers = Self.ranges.enumerated().map { index, keys in
            RangeLister(keys: keys, lowerBound: index == 0 ? nil : Self.ranges[index - 1].last)
        }
        return await Backfill(listers: listers, handler: handler, tally: MigrationTally(), concurrency: 8,
                              hold: OutageHold(maxHold: .milliseconds(1), backoffCap: .milliseconds(1), logger: logger), logger: logger).run()
    }

    @Test func everyRangeIsMigratedOnce() async {
        let keys = Self.ranges.flatMap { $0 }
        let table = MemoryTable(rows: keys)
        let result = await run(MemoryCopier(sources: keys), table: table)
        #expect(result.succeeded && result.listed == 120 && result.tally.migrated == 120)
        #expect(result.resumePoint == "image/c040.png")
        #expect(table.rows.allSatisfy { $0.hasPrefix("avatar/") })
    }

    /// An object of the middle range cannot be copied (not in the source): the resume point stops
    /// before it, however far the last range got.
    @Test func aFailureInAMiddleRangeHoldsTheResumePointThere() async {
        let keys = Self.ranges.flatMap { $0 }
        let result = await run(MemoryCopier(sources: keys.filter { $0 != "image/b020.png" }), table: MemoryTable(rows: keys))
        #expect(!result.succeeded && result.tally.failed == 1)
        #expect(result.resumePoint == "image/b019.png", "\(result.resumePoint ?? "nil")")
    }
}
