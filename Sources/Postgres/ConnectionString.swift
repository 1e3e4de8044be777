/// Helpers for the user's `DB_CONN_STRING`, which is passed to libpq unchanged.
public enum ConnectionString {
    /// The connection string with any password replaced by `***`, for messages and logs.
    ///
    /// Handles URIs (`postgresql://user:secret@host/db?password=secret`) and key/value
    /// strings (`host=h password='sec ret'`).
    public static func redacted(_ conninfo: String) -> String {
        if conninfo.hasPrefix("postgresql://") || conninfo.hasPrefix("postgres://") {
            return redactURI(conninfo)
        }
        return redactKeyValue(conninfo)
    }

    /// `message` (from libpq, about `conninfo`) with every secret of `conninfo` replaced by `***`.
    ///
    /// libpq quotes the offending token as written: a bad `%` escape in a URI's password gives
    /// `invalid percent-encoded token: "<the password>"`. Redacting the conninfo we print is not
    /// enough; its errors are scrubbed too.
    public static func scrubbed(_ message: String, conninfo: String) -> String {
        var text = message
        for secret in secrets(in: conninfo).sorted(by: { $0.utf8.count > $1.utf8.count }) where !secret.isEmpty {
            text = text.replacing(secret, with: "***")
        }
        return text
    }

    /// The password as written and as decoded, from a URI's userinfo or `password=` parameter, or
    /// from a key/value string's `password=`.
    static func secrets(in conninfo: String) -> [String] {
        var found: [String] = []
        func add(_ raw: Substring) {
            found.append(String(raw))
            if let decoded = percentDecoded(raw) { found.append(decoded) }
        }
        if conninfo.hasPrefix("postgresql://") || conninfo.hasPrefix("postgres://") {
            if let schemeEnd = conninfo.firstRange(of: "://") {
                let afterScheme = conninfo[schemeEnd.upperBound...]
                let authorityEnd = afterScheme.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? afterScheme.endIndex
                let authority = afterScheme[..<authorityEnd]
                if let at = authority.lastIndex(of: "@"), let colon = authority[..<at].firstIndex(of: ":") {
                    add(authority[authority.index(after: colon)..<at])
                }
            }
            if let query = conninfo.firstIndex(of: "?") {
                for part in conninfo[conninfo.index(after: query)...].split(separator: "&") where part.lowercased().hasPrefix("password=") {
                    add(part.dropFirst("password=".count))
                }
            }
        } else {
            _ = redactKeyValue(conninfo) { raw in
                found.append(String(raw))
                if raw.hasPrefix("'") {
                    // The value libpq sees: quotes removed, `\'` and `\\` unescaped.
                    var value = ""
                    var escaped = false
                    for character in raw.dropFirst() {
                        if escaped { value.append(character); escaped = false } else if character == "\\" { escaped = true }
                        else if character == "'" { break } else { value.append(character) }
                    }
                    found.append(value)
                }
            }
        }
        return found.filter { !$0.isEmpty }
    }

    private static func percentDecoded(_ text: Substring) -> String? {
        var bytes: [UInt8] = []
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "%") {
                guard let high = iterator.next(), let low = iterator.next(),
                      let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16) else { return nil }
                bytes.append(value)
            } else {
                bytes.append(byte)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func redactURI(_ uri: String) -> String {
        var text = uri
        if let schemeEnd = text.firstRange(of: "://") {
            let afterScheme = text[schemeEnd.upperBound...]
            let authorityEnd = afterScheme.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? afterScheme.endIndex
            let authority = afterScheme[..<authorityEnd]
            if let at = authority.lastIndex(of: "@"), let colon = authority[..<at].firstIndex(of: ":") {
                text.replaceSubrange(text.index(after: colon)..<at, with: "***")
            }
        }
        // password=... in the query string.
        if let query = text.firstIndex(of: "?") {
            let parameters = text[text.index(after: query)...].split(separator: "&", omittingEmptySubsequences: false).map { part in
                part.lowercased().hasPrefix("password=") ? "password=***" : String(part)
            }
            text = String(text[...query]) + parameters.joined(separator: "&")
        }
        return text
    }

    /// The key/value string with every password value replaced; `password` is told each raw value.
    private static func redactKeyValue(_ conninfo: String, password: (Substring) -> Void = { _ in }) -> String {
        var output = ""
        var index = conninfo.startIndex
        while index < conninfo.endIndex {
            // Copy whitespace.
            if conninfo[index].isWhitespace { output.append(conninfo[index]); index = conninfo.index(after: index); continue }
            // Read a key up to '='.
            let keyStart = index
            while index < conninfo.endIndex, conninfo[index] != "=", !conninfo[index].isWhitespace { index = conninfo.index(after: index) }
            let key = conninfo[keyStart..<index]
            output += key
            while index < conninfo.endIndex, conninfo[index].isWhitespace { index = conninfo.index(after: index) }
            guard index < conninfo.endIndex, conninfo[index] == "=" else { continue }
            output += "="
            index = conninfo.index(after: index)
            while index < conninfo.endIndex, conninfo[index].isWhitespace { index = conninfo.index(after: index) }
            // Read the value: quoted with backslash escapes, or up to whitespace.
            let valueStart = index
            if index < conninfo.endIndex, conninfo[index] == "'" {
                index = conninfo.index(after: index)
                while index < conninfo.endIndex, conninfo[index] != "'" {
                    if conninfo[index] == "\\" { index = conninfo.index(after: index) }
                    if index < conninfo.endIndex { index = conninfo.index(after: index) }
                }
                if index < conninfo.endIndex { index = conninfo.index(after: index) }
            } else {
                while index < conninfo.endIndex, !conninfo[index].isWhitespace { index = conninfo.index(after: index) }
            }
            let value = conninfo[valueStart..<index]
            if key.lowercased() == "password" { password(value) }
            output += key.lowercased() == "password" ? "***" : String(value)
        }
        return output
    }
}

import FoundationEssentials
