import FoundationEssentials
import Logging

/// Bootstraps swift-log once for the process: stderr, level from `LOG_LEVEL` (default `info`).
enum LogSetup {
    static func bootstrap() {
        let level = ProcessInfo.processInfo.environment["LOG_LEVEL"].flatMap { Logger.Level(rawValue: $0.lowercased()) } ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
    }

    static func logger(_ label: String = "s3-mover") -> Logger {
        Logger(label: label)
    }
}
