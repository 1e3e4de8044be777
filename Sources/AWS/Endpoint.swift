import FoundationEssentials

/// A service endpoint: `scheme://host[:port][/base]`.
public struct Endpoint: Sendable, Hashable, CustomStringConvertible {
    /// `http` or `https`.
    public var scheme: String
    /// The host name or address (IPv6 in brackets).
    public var host: String
    /// The explicit port, if any.
    public var port: Int?
    /// A base path without a trailing slash (usually empty).
    public var basePath: String

    /// Parses an endpoint URL; throws ``AWSConfigurationError`` naming `setting` when it is not one.
    public init(parsing url: String, setting: String) throws {
        let invalid = AWSConfigurationError(setting: setting, message: "'\(Self.redacted(url))' is not an http(s) URL such as http://127.0.0.1:9000")
        guard let schemeEnd = url.firstRange(of: "://") else { throw invalid }
        scheme = url[..<schemeEnd.lowerBound].lowercased()
        guard scheme == "http" || scheme == "https" else { throw invalid }
        var rest = url[schemeEnd.upperBound...]
        if let query = rest.firstIndex(where: { $0 == "?" || $0 == "#" }) { rest = rest[..<query] }
        let authority: Substring
        if let slash = rest.firstIndex(of: "/") {
            authority = rest[..<slash]
            var path = String(rest[slash...])
            while path.hasSuffix("/") { path.removeLast() }
            basePath = path
        } else {
            authority = rest
            basePath = ""
        }
        guard !authority.isEmpty, !authority.contains("@") else { throw invalid }
        if let colon = authority.lastIndex(of: ":"), !authority[colon...].contains("]") {
            guard let number = Int(authority[authority.index(after: colon)...]), (1...65535).contains(number) else { throw invalid }
            host = String(authority[..<colon])
            port = number
        } else {
            host = String(authority)
            port = nil
        }
        guard !host.isEmpty else { throw invalid }
    }

    /// `url` fit for a message: userinfo (`user:secret@`) and the query and fragment (presigned
    /// signatures, tokens) are replaced, whatever else is wrong with the URL.
    public static func redacted(_ url: String) -> String {
        var text = Substring(url)
        var suffix = ""
        if let query = text.firstIndex(where: { $0 == "?" || $0 == "#" }) {
            text = text[..<query]
            suffix = "?…"
        }
        let authorityStart = text.firstRange(of: "://")?.upperBound ?? text.startIndex
        let authorityEnd = text[authorityStart...].firstIndex(of: "/") ?? text.endIndex
        if let at = text[authorityStart..<authorityEnd].lastIndex(of: "@") {
            return String(text[..<authorityStart]) + "***" + String(text[at...]) + suffix
        }
        return String(text) + suffix
    }

    /// The `Host` header value: the host, plus the port when it is not the scheme's default.
    public var hostHeader: String {
        guard let port, !(scheme == "http" && port == 80), !(scheme == "https" && port == 443) else { return host }
        return "\(host):\(port)"
    }

    /// A copy whose host has `label.` in front (virtual-hosted-style S3).
    public func prefixingHost(with label: String) -> Endpoint {
        var copy = self
        copy.host = "\(label).\(host)"
        return copy
    }

    /// `scheme://host[:port]`.
    public var origin: String { "\(scheme)://\(hostHeader)" }

    public var description: String { origin + basePath }
}
