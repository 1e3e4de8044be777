/// A complete HTTP response.
///
/// The header lines are kept as received and looked up on demand: a client reads two or three
/// of them, and turning every line into a dictionary entry cost more than the lookups.
public struct HTTPResponse: Sendable {
    /// The status code of the final response (after any `100 Continue`).
    public var status: Int
    /// The response body.
    public var body: [UInt8]
    /// The final response's header lines, `name: value` each ending in a line break.
    var headerLines: [UInt8]

    /// Creates a response.
    public init(status: Int, headers: [String: String], body: [UInt8]) {
        var lines: [UInt8] = []
        for (name, value) in headers { lines += Array("\(name): \(value)\r\n".utf8) }
        self.init(status: status, headerLines: lines, body: body)
    }

    init(status: Int, headerLines: [UInt8], body: [UInt8]) {
        self.status = status
        self.headerLines = headerLines
        self.body = body
    }

    /// Response headers with lower-cased names. A repeated header keeps its last value.
    public var headers: [String: String] {
        var headers: [String: String] = [:]
        forEachHeader { name, value in
            headers[String(decoding: name.map(Self.lowercased), as: UTF8.self)] = String(decoding: value, as: UTF8.self)
        }
        return headers
    }

    /// The value of a header, looked up case-insensitively. A repeated header gives its last value.
    public func header(_ name: String) -> String? {
        let wanted = Array(name.utf8).map(Self.lowercased)
        var found: String?
        forEachHeader { candidate, value in
            if candidate.count == wanted.count, zip(candidate, wanted).allSatisfy({ Self.lowercased($0) == $1 }) {
                found = String(decoding: value, as: UTF8.self)
            }
        }
        return found
    }

    /// The body decoded as UTF-8 (invalid sequences replaced).
    public var bodyText: String {
        String(decoding: body, as: UTF8.self)
    }

    /// Calls `body` with each header's name and trimmed value, in order.
    private func forEachHeader(_ body: (ArraySlice<UInt8>, ArraySlice<UInt8>) -> Void) {
        var lineStart = headerLines.startIndex
        while lineStart < headerLines.endIndex {
            let lineEnd = headerLines[lineStart...].firstIndex(of: UInt8(ascii: "\n")) ?? headerLines.endIndex
            let line = headerLines[lineStart..<lineEnd]
            lineStart = lineEnd + 1
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { continue }
            var start = colon + 1
            var end = line.endIndex
            while start < end, Self.isSpace(line[start]) { start += 1 }
            while end > start, Self.isSpace(line[end - 1]) { end -= 1 }
            body(line[..<colon], line[start..<end])
        }
    }

    private static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0d || byte == 0x0a }
    private static func lowercased(_ byte: UInt8) -> UInt8 { (0x41...0x5a).contains(byte) ? byte | 0x20 : byte }
}
