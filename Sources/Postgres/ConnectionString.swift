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

    private static func redactKeyValue(_ conninfo: String) -> String {
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
            output += key.lowercased() == "password" ? "***" : String(conninfo[valueStart..<index])
        }
        return output
    }
}

import FoundationEssentials
