import FoundationEssentials
public import MoverCore
public import StrictJSON
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// `--report FILE`: one JSON object per line, for each failed object and for the final summary.
/// Also the writer behind `--ledger FILE`.
///
/// Every write is checked: interrupted and short writes are resumed, and a write that fails
/// (a full disk, a closed pipe, an I/O error) stops the process with exit 3 and a message naming
/// the file and the errno. An audit trail that silently loses lines is worse than a stopped run:
/// the worker's unfinished messages come back after their visibility timeout, and a backfill
/// resumes with `--start-after`.
public final class JSONLinesReport: Sendable {
    /// The open file descriptor; -1 once closed.
    private let descriptor: Mutex<Int32>
    private let path: String
    private let flag: String

    /// Creates (or truncates) the file at `path`; `flag` names it in an error.
    ///
    /// - Parameter append: add to an existing file instead of truncating it.
    public init(path: String, flag: String = "--report", append: Bool = false) throws {
        let fd = open(path, O_WRONLY | O_CREAT | (append ? O_APPEND : O_TRUNC) | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw SettingsError(variable: flag, flag: nil, problem: "cannot create '\(path)' (errno \(errno))")
        }
        self.path = path
        self.flag = flag
        descriptor = Mutex(fd)
    }

    /// Writes one line.
    public func write(_ object: [String: JSONValue]) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(object) else { return }
        let line = Array(data) + [UInt8(ascii: "\n")]
        let failure = descriptor.withLock { fd -> Int32? in
            guard fd >= 0 else { return nil }
            return SystemWrite.all(fd, line)
        }
        if let failure { stop(errno: failure) }
    }

    /// The audit trail cannot be written: say so, naming the file, and stop (exit 3).
    private func stop(errno code: Int32) -> Never {
        let reason = String(cString: strerror(code))
        let message = "error: cannot write \(flag) '\(path)': \(reason) (errno \(code)); stopping, so that no line of it is lost silently\n"
        _ = SystemWrite.all(2, Array(message.utf8))
        exit(3)
    }

    /// Records a failed object.
    public func failure(key: String, error: any Error) {
        var line: [String: JSONValue] = ["type": .string("failure"), "key": .string(key), "error": .string("\(error)")]
        if let error = error as? MigrationError {
            line["step"] = .string(error.step.rawValue)
            line["code"] = .string(error.code)
        }
        write(line)
    }

    /// Records an object worth a line of its own: a conflict (the destination's newer bytes
    /// kept), or a source `finalize` kept, with its reason. Other outcomes are in the summary only.
    public func outcome(key: String, _ outcome: MigrationOutcome) {
        if case .conflict(let rows, let reason) = outcome {
            write(["type": .string("conflict"), "key": .string(key), "reason": .string(reason), "rows": .number(Double(rows))])
        } else if let reason = outcome.keptReason {
            write(["type": .string("kept"), "key": .string(key), "reason": .string(reason.rawValue)])
        }
    }

    public func close() {
        descriptor.withLock { fd in
            if fd >= 0 { Glibc.close(fd) }
            fd = -1
        }
    }
}
