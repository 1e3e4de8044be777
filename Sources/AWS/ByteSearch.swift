/// Byte-level search for small, fixed ASCII markers in response bodies.
///
/// The standard library's `firstRange(of:)` and `contains(_:)` on `Substring` go through
/// `_StringProcessing`'s generic searcher, which costs more than the rest of reading a short
/// answer; these loops compare bytes directly.
extension ArraySlice<UInt8> {
    /// The first occurrence of `pattern` at or after `from` (default: the start).
    func firstRange(ofBytes pattern: StaticString, from: Int? = nil) -> Range<Int>? {
        let count = pattern.utf8CodeUnitCount
        let start = from ?? startIndex
        guard count > 0, endIndex - start >= count else { return nil }
        return pattern.withUTF8Buffer { needle -> Range<Int>? in
            withUnsafeBufferPointer { haystack -> Range<Int>? in
                let first = needle[0]
                let offset = start - startIndex
                var i = offset
                let last = haystack.count - count
                while i <= last {
                    if haystack[i] == first {
                        var j = 1
                        while j < count && haystack[i + j] == needle[j] { j += 1 }
                        if j == count { return (startIndex + i)..<(startIndex + i + count) }
                    }
                    i += 1
                }
                return nil
            }
        }
    }

    /// Whether the slice begins with `pattern`.
    func hasPrefix(bytes pattern: StaticString) -> Bool {
        pattern.withUTF8Buffer { needle in count >= needle.count && zip(self, needle).allSatisfy { $0 == $1 } }
    }

    /// Whether the slice ends with `pattern`.
    func hasSuffix(bytes pattern: StaticString) -> Bool {
        pattern.withUTF8Buffer { needle in count >= needle.count && zip(self.suffix(needle.count), needle).allSatisfy { $0 == $1 } }
    }

    /// The slice without XML whitespace (space, tab, CR, LF) at either end.
    func trimmingXMLWhitespace() -> ArraySlice<UInt8> {
        let isSpace = { (byte: UInt8) in byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else { return [] }
        return self[first...last]
    }
}
