import Synchronization
import Logging
import MoverCore
import Testing

@Suite(.timeLimit(.minutes(2))) struct MigrationHandlerTests {
    func handler(_ copier: MemoryCopier, _ table: MemoryTable, retry: RetryPolicy = .fast) -> MigrationHandler {
        MigrationHandler(mapper: KeyMapper(), copier: copier, repointer: table, retry: retry, logger: Logger(label: "test"))
    }

    @Test func copiesThenRepoints() async throws {
        let copier = MemoryCopier(sources: ["image/a.png"])
        let table = MemoryTable(rows: ["image/a.png", "image/b.png"])
        #expect(try await handler(copier, table).migrate(sourceKey: "image/a.png") == .migrated(rows: 1))
        #expect(table.rows == ["avatar/a.png", "image/b.png"])
        #expect(copier.state.withLock { $0.destination } == ["avatar/a.png"])
    }

    @Test func repeatIsANoOp() async throws {
        let copier = MemoryCopier(sources: ["image/a.png"])
        let table = MemoryTable(rows: ["image/a.png"])
        let handler = handler(copier, table)
        _ = try await handler.migrate(sourceKey: "image/a.png")
        #expect(try await handler.migrate(sourceKey: "image/a.png") == .alreadyMigrated)
        #expect(table.rows == ["avatar/a.png"])
    }

    @Test func noRowIsStillCopied() async throws {
        let copier = MemoryCopier(sources: ["image/a.png"])
        #expect(try await handler(copier, MemoryTable()).migrate(sourceKey: "image/a.png") == .copiedWithoutRow)
        #expect(copier.state.withLock { $0.destination } == ["avatar/a.png"])
    }

    @Test func keysThatAreNotOursAreSkipped() async throws {
        let handler = handler(MemoryCopier(), MemoryTable())
        #expect(try await handler.migrate(sourceKey: "other/a.png") == .skipped(.notSourceKey))
        #expect(try await handler.migrate(sourceKey: "avatar/a.png") == .skipped(.destinationKey))
    }

    @Test func staleETagIsSuperseded() async throws {
        let copier = MemoryCopier(sources: ["image/a.png"])
        let table = MemoryTable(rows: ["image/a.png"])
        #expect(try await handler(copier, table).migrate(sourceKey: "image/a.png", eTag: ETag("0123456789abcdef0123456789abcdef")) == .skipped(.superseded))
        #expect(table.rows == ["image/a.png"])
        #expect(try await handler(copier, table).migrate(sourceKey: "image/a.png", eTag: ETag(MemoryCopier.eTag(for: "image/a.png"))) == .migrated(rows: 1))
    }

    @Test func transientFailuresAreRetried() async throws {
        let copier = MemoryCopier(sources: ["image/a.png"])
        copier.state.withLock { $0.failuresBeforeSuccess = 2 }
        let table = MemoryTable(rows: ["image/a.png"])
        table.state.withLock { $0.failuresBeforeSuccess = 2 }
        #expect(try await handler(copier, table).migrate(sourceKey: "image/a.png") == .migrated(rows: 1))
    }

    @Test func copyFailureLeavesTheRowAlone() async throws {
        let copier = MemoryCopier(sources: ["image/a.png"])
        copier.state.withLock { $0.failuresBeforeSuccess = 1; $0.failure = TestError.permanent }
        let table = MemoryTable(rows: ["image/a.png"])
        await #expect(throws: MigrationError.self) { try await handler(copier, table).migrate(sourceKey: "image/a.png") }
        #expect(table.rows == ["image/a.png"])
    }

    @Test func updateFailureIsReportedAndRetryCompletes() async throws {
        let copier = MemoryCopier(sources: ["image/a.png"])
        let table = MemoryTable(rows: ["image/a.png"])
        table.state.withLock { $0.failuresBeforeSuccess = 3 }
        let handler = handler(copier, table)
        await #expect(throws: MigrationError.self) { try await handler.migrate(sourceKey: "image/a.png") }
        // The crash-between-steps state: copied, row not updated. Running again completes it.
        #expect(try await handler.migrate(sourceKey: "image/a.png") == .migrated(rows: 1))
    }

    @Test func missingSourceCompletesOnlyIfAlreadyCopied() async throws {
        let copier = MemoryCopier()
        let table = MemoryTable(rows: ["image/a.png"])
        await #expect(throws: MigrationError.self) { try await handler(copier, table).migrate(sourceKey: "image/a.png") }
        copier.state.withLock { _ = $0.destination.insert("avatar/a.png") }
        #expect(try await handler(copier, table).migrate(sourceKey: "image/a.png") == .migrated(rows: 1))
    }
}
