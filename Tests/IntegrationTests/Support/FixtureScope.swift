import Synchronization
import Testing

/// Tears down every ``Fixture`` a test made, after the test returns or throws, and awaits it:
/// no test leaves a table behind or a connection open, and no teardown outlives its test.
///
/// Apply it to a suite (`@Suite(.tearsDownFixtures, …)`); ``Fixture/make(_:server:queue:visibilityTimeout:maxReceiveCount:)``
/// registers each fixture with the scope of the test that runs it.
struct FixtureScope: SuiteTrait, TestTrait, TestScoping {
    /// The fixtures made by the test running in this task.
    @TaskLocal static var current: FixtureRegistry?

    var isRecursive: Bool { true }

    /// One scope per test case (each argument of a parameterised test), none for the suite itself.
    func scopeProvider(for test: Test, testCase: Test.Case?) -> FixtureScope? {
        testCase == nil ? nil : self
    }

    func provideScope(for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void) async throws {
        let registry = FixtureRegistry()
        try await Self.$current.withValue(registry) {
            do {
                try await function()
            } catch {
                await registry.tearDownAll()
                throw error
            }
            await registry.tearDownAll()
        }
    }
}

extension Trait where Self == FixtureScope {
    /// Awaits the teardown of every fixture the test made.
    static var tearsDownFixtures: Self { FixtureScope() }
}

/// The fixtures of one test.
final class FixtureRegistry: Sendable {
    private let fixtures = Mutex<[Fixture]>([])

    func add(_ fixture: Fixture) { fixtures.withLock { $0.append(fixture) } }

    func tearDownAll() async {
        let all = fixtures.withLock { fixtures in
            defer { fixtures = [] }
            return fixtures
        }
        for fixture in all { await fixture.tearDown() }
    }
}
