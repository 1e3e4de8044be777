import FoundationEssentials
public import MoverCore
public import StrictJSON
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// `--report FILE`: one JSON object per line, for each failed object and for the final summary.
/// Also the writer behind `--ledger FILE`.
public final class JSONLinesReport: Sendable {
    /// The open file descriptor; -1 once closed.
    private let descriptor: Mutex<Int32>
    private let path: String

    /// Creates (or truncates) the file at `path`; `flag` names it in an error.
    ///
    /// - Parameter append: add to an existing file instead of truncating it.
    public init(path: String, flag: String = "--report", append: Bool = false) throws {
        let fd = open(path, O_WRONLY | O_CREAT | (append ? O_APPEND : O_TRUNC) | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw SettingsError(variable: flag, flag: nil, problem: "cannot create '\(path)' (errno \(errno))")
        }
        self.path = path
        descriptor = Mutex(fd)
    }

    /// Writes one line.
    public func write(_ object: [String: JSONValue]) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(object) else { return }
        descriptor.withLock { fd in
            guard fd >= 0 else { return }
            let line = Array(data) + [UInt8(ascii: "\n")]
            _ = line.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        }
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
