import FoundationEssentials
import StrictJSON
public import Logging
import MoverCore

/// A swift-log handler writing one JSON object per line to standard error: what log collectors
/// (Fluent Bit, CloudWatch, Loki) expect from a container. Metadata values are written as strings.
public struct JSONLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level
    public var metadataProvider: Logger.MetadataProvider?
    private let label: String
    private let write: @Sendable (String) -> Void

    /// - Parameter write: where lines go; standard error by default.
    public init(label: String, level: Logger.Level = .info, write: @escaping @Sendable (String) -> Void = StandardError.write) {
        self.label = label
        self.logLevel = level
        self.write = write
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// UTC, with milliseconds: many lines share a second when the worker is busy.
    private static let timestampStyle = Date.ISO8601FormatStyle(includingFractionalSeconds: true)

    public func log(event: LogEvent) {
        var fields: [String: JSONValue] = [
            "timestamp": .string(Date.now.formatted(Self.timestampStyle)),
            "level": .string(event.level.rawValue),
            "message": .string(event.message.description),
            "logger": .string(label),
            "source": .string(event.source),
        ]
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, new in new } }
        if let extra = event.metadata { merged.merge(extra) { _, new in new } }
        for (key, value) in merged where fields[key] == nil {
            fields[key] = .string("\(value)")
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(fields) else { return }
        write(String(decoding: data, as: UTF8.self) + "\n")
    }
}
