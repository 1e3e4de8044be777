import FoundationEssentials
import Glibc
import Logging
import MoverRuntime

/// Bootstraps swift-log once for the process, on standard error.
///
/// `LOG_FORMAT` is `json` (one object per line) or `text`; by default JSON when stderr is not a
/// terminal (a container), text when a person is watching. `LOG_LEVEL` defaults to `info`.
enum LogSetup {
    static func bootstrap() {
        let environment = ProcessInfo.processInfo.environment
        let level = environment["LOG_LEVEL"].flatMap { Logger.Level(rawValue: $0.lowercased()) } ?? .info
        let json: Bool = switch environment["LOG_FORMAT"]?.lowercased() {
        case "json": true
        case "text": false
        default: isatty(STDERR_FILENO) != 1
        }
        LoggingSystem.bootstrap { label in
            if json { return JSONLogHandler(label: label, level: level) }
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
    }

    static func logger(_ label: String = "s3-mover") -> Logger {
        Logger(label: label)
    }
}
