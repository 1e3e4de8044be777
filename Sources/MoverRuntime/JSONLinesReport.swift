import Foundation
import Synchronization

/// `--report FILE`: one JSON object per line, for each failed object and for the final summary.
public final class JSONLinesReport: Sendable {
    private let handle: Mutex<FileHandle>

    /// Creates (or truncates) the file at `path`.
    public init(path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil) else {
            throw SettingsError(variable: "--report", flag: nil, problem: "cannot create '\(path)'")
        }
        handle = Mutex(try FileHandle(forWritingTo: URL(fileURLWithPath: path)))
    }

    /// Writes one line.
    public func write(_ object: [String: any Sendable]) {
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else { return }
        handle.withLock { $0.write(data + Data("\n".utf8)) }
    }

    /// Records a failed object.
    public func failure(key: String, error: any Error) {
        var line: [String: any Sendable] = ["type": "failure", "key": key, "error": "\(error)"]
        if let error = error as? MigrationError {
            line["step"] = error.step.rawValue
            line["code"] = error.code
        }
        write(line)
    }

    public func close() {
        handle.withLock { try? $0.close() }
    }
}

import MoverCore
