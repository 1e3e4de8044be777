import FoundationEssentials
import TextSupport

/// Reads a `.env` file: `KEY=value` lines, `#` comments, optional `export `, and single or
/// double quotes around values.
public enum DotEnv {
    /// The variables in the file at `path`, or an empty dictionary when there is no such file.
    public static func load(path: String) throws -> [String: String] {
        guard FileManager.default.fileExists(atPath: path) else { return [:] }
        return parse(try String(contentsOfFile: path, encoding: .utf8))
    }

    /// The variables in `text`.
    public static func parse(_ text: String) -> [String: String] {
        var values: [String: String] = [:]
        for rawLine in text.split(whereSeparator: \.isNewline) {
            var line = rawLine.trimmingWhitespace()
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("export ") { line = String(line.dropFirst(7)).trimmingWhitespace() }
            guard let equals = line.firstIndex(of: "=") else { continue }
            let key = line[..<equals].trimmingWhitespace()
            var value = line[line.index(after: equals)...].trimmingWhitespace()
            if value.count >= 2, let first = value.first, first == "\"" || first == "'", value.last == first {
                value = String(value.dropFirst().dropLast())
            } else if let hash = value.firstRange(of: " #") {
                value = value[..<hash.lowerBound].trimmingWhitespace()
            }
            guard !key.isEmpty else { continue }
            values[key] = value
        }
        return values
    }

    /// `environment` with `.env` values added where the environment has none.
    public static func merged(environment: [String: String], dotEnv: [String: String]) -> [String: String] {
        environment.merging(dotEnv) { real, _ in real }
    }
}
