import FoundationEssentials
import TextSupport

/// The shared `credentials` and `config` files, merged per profile as the AWS SDKs merge them.
///
/// `AWS_SHARED_CREDENTIALS_FILE` and `AWS_CONFIG_FILE` override `~/.aws/credentials` and
/// `~/.aws/config`. The config file names profiles `[profile NAME]` (and `[default]`); the
/// credentials file names them `[NAME]`, and its values win.
public struct AWSProfileFiles: Sendable {
    /// Settings per profile name, keys lowercased.
    public private(set) var profiles: [String: [String: String]]
    /// The profile in use: `AWS_PROFILE`, else `default`.
    public let selected: String
    /// True when `AWS_PROFILE` chose the profile, so a missing profile is an error.
    public let explicitlySelected: Bool

    /// Reads the files named by `environment` (missing files are empty).
    public init(environment: [String: String]) throws {
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 }
        func path(_ variable: String, _ fallback: String) -> String? {
            if let value = environment[variable], !value.isEmpty { return Self.expandingHome(value, home: home) }
            return home.map { $0 + "/.aws/" + fallback }
        }
        let config = try path("AWS_CONFIG_FILE", "config").map { try Self.read($0, setting: "AWS_CONFIG_FILE") } ?? ""
        let credentials = try path("AWS_SHARED_CREDENTIALS_FILE", "credentials").map {
            try Self.read($0, setting: "AWS_SHARED_CREDENTIALS_FILE")
        } ?? ""
        self.init(config: config, credentials: credentials, profile: environment["AWS_PROFILE"])
    }

    /// Merges the given file contents; `profile` is `AWS_PROFILE`'s value.
    public init(config: String, credentials: String, profile: String?) {
        var merged: [String: [String: String]] = [:]
        for (section, values) in Self.parse(config) {
            let name: String
            if section == "default" {
                name = "default"
            } else if section.hasPrefix("profile ") || section.hasPrefix("profile\t") {
                name = section.dropFirst("profile".count).trimmingWhitespace()
            } else {
                continue // sso-session, services and other sections are not profiles
            }
            merged[name, default: [:]].merge(values) { _, new in new }
        }
        for (section, values) in Self.parse(credentials) {
            merged[section, default: [:]].merge(values) { _, new in new }
        }
        profiles = merged
        if let profile, !profile.isEmpty {
            selected = profile
            explicitlySelected = true
        } else {
            selected = "default"
            explicitlySelected = false
        }
    }

    /// The selected profile's settings, or nil when it does not exist.
    public var current: [String: String]? { profiles[selected] }

    /// The selected profile's `region`.
    public var region: String? { current?["region"].flatMap { $0.isEmpty ? nil : $0 } }

    /// INI sections in order; keys lowercased, values trimmed, comments (`#`, `;`) dropped.
    static func parse(_ text: String) -> [(String, [String: String])] {
        var sections: [(String, [String: String])] = []
        var currentName: String?
        var current: [String: String] = [:]
        var lastKey: String?
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            let line = rawLine.trimmingWhitespace()
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("[") {
                if let name = currentName { sections.append((name, current)) }
                let inner = line.dropFirst().prefix { $0 != "]" }
                currentName = String(inner).trimmingWhitespace()
                current = [:]
                lastKey = nil
                continue
            }
            guard currentName != nil else { continue }
            if rawLine.first == " " || rawLine.first == "\t" {
                // A continuation line belongs to a nested block (e.g. `s3 =`); keep it out of the value.
                if let key = lastKey, current[key]?.isEmpty == true { continue }
            }
            guard let equals = line.firstIndex(of: "=") else { continue }
            let key = line[..<equals].trimmingWhitespace().lowercased()
            var value = line[line.index(after: equals)...].trimmingWhitespace()
            if let comment = value.firstRange(of: " #") ?? value.firstRange(of: " ;") { value = value[..<comment.lowerBound].trimmingWhitespace() }
            current[key] = value
            lastKey = key
        }
        if let name = currentName { sections.append((name, current)) }
        return sections
    }

    private static func read(_ path: String, setting: String) throws -> String {
        guard FileManager.default.fileExists(atPath: path) else { return "" }
        do {
            return try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw CredentialError(code: "InvalidProfile", source: setting, message: "cannot read \(path): \(error)")
        }
    }

    static func expandingHome(_ path: String, home: String?) -> String {
        guard path.hasPrefix("~/"), let home else { return path }
        return home + path.dropFirst()
    }
}
