import TestSupport
import MoverCore
import Synchronization

/// An in-memory object store: source and destination key sets, with scripted failures.
final class MemoryCopier: ObjectCopier {
    struct State {
        var source: [String: String] = [:]  // key → etag
        var destination: Set<String> = []
        var failuresBeforeSuccess = 0
        var failure: any Error = TestError.outage
        var copies = 0
        /// A key whose copy waits (up to 30 s: only a wrong design waits that long) until this many
        /// other copies have been made.
        var slow: (key: String, untilCopies: Int)?
        /// Copies made while the slow key was waiting.
        var copiesDuringSlow = 0
    }

    let state = Mutex(State())

    init(sources: [String] = []) {
        state.withLock { state in for key in sources { state.source[key] = Self.eTag(for: key) } }
    }

    func copy(sourceKey: String, destinationKey: String, hints: SourceHints) async throws -> CopyOutcome {
        if let slow = state.withLock({ $0.slow }), slow.key == sourceKey {
            let start = state.withLock { $0.copies }
            try? await waitUntil("\(slow.untilCopies) other copies", timeout: .seconds(30)) {
                state.withLock { $0.copies } - start >= slow.untilCopies
            }
            state.withLock { $0.copiesDuringSlow = $0.copies - start }
        }
        return try state.withLock { state in
            if state.failuresBeforeSuccess > 0 {
                state.failuresBeforeSuccess -= 1
                throw state.failure
            }
            guard let etag = state.source[sourceKey] else { return .sourceMissing }
            if let eTag = hints.eTag, eTag.value != etag { return .sourceChanged }
            state.copies += 1
            state.destination.insert(destinationKey)
            return .copied(CopiedObject(sourceETag: ETag(etag), destinationETag: ETag(etag)))
        }
    }

    /// A stable, valid ETag for `key`: the hex of its first 16 bytes, padded.
    static func eTag(for key: String) -> String {
        let hex = key.utf8.prefix(16).map { byte in String(byte, radix: 16).count == 1 ? "0" + String(byte, radix: 16) : String(byte, radix: 16) }
        return String((hex.joined() + String(repeating: "0", count: 32)).prefix(32))
    }

    func destinationExists(_ key: String) async throws -> Bool {
        state.withLock { $0.destination.contains(key) }
    }
}

/// An in-memory avatars table.
final class MemoryTable: PathRepointer {
    struct State {
        var rows: [String] = []
        var failuresBeforeSuccess = 0
        var failure: TestError = .outage
        var attempts = 0
    }

    let state = Mutex(State())

    init(rows: [String] = []) { state.withLock { $0.rows = rows } }

    func repoint(from oldPath: String, to newPath: String) async throws -> RepointOutcome {
        try state.withLock { state in
            state.attempts += 1
            if state.failuresBeforeSuccess > 0 {
                state.failuresBeforeSuccess -= 1
                throw state.failure
            }
            var updated = 0
            let alreadyThere = state.rows.contains(newPath)
            for index in state.rows.indices where state.rows[index] == oldPath {
                state.rows[index] = newPath
                updated += 1
            }
            if updated > 0 { return .updated(rows: updated) }
            return alreadyThere ? .alreadyRepointed : .noRow
        }
    }

    var rows: [String] { state.withLock { $0.rows } }
}

enum TestError: Error, ClassifiedError {
    case transient, outage, permanent, throttled
    var failureClass: FailureClass {
        switch self {
        case .transient: .transient
        case .outage: .outage
        case .permanent: .permanent
        case .throttled: .throttled
        }
    }
    var failureCode: String { "\(self)" }
}

extension RetryPolicy {
    /// Real policy, tiny delays.
    static let fast = RetryPolicy(maxAttempts: 3, baseDelay: .milliseconds(1), throttledBaseDelay: .milliseconds(1), maxDelay: .milliseconds(2))
}
