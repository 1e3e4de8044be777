/// Pulls sorted keys one at a time from a paged source.
public typealias SortedKeyCursor = SortedCursor<String>

/// Pulls sorted entries (keys, or listing entries with their key) one at a time from a paged source.
///
/// Entries must arrive in byte (UTF-8) order of their keys, as S3 lists them and as PostgreSQL
/// sorts with `COLLATE "C"`. Holds one page at a time.
public final class SortedCursor<Element> {
    private let fetch: (_ after: String?) async throws -> (keys: [Element], next: String?)
    private var buffer: [Element] = []
    private var index = 0
    private var token: String?
    private var exhausted = false
    private var started = false

    /// `fetch(token)` returns a page of sorted keys and the token for the next page (nil at the end).
    public init(fetch: @escaping (_ token: String?) async throws -> (keys: [Element], next: String?)) {
        self.fetch = fetch
    }

    /// The next entry, or nil at the end.
    public func next() async throws -> Element? {
        while index >= buffer.count {
            if exhausted || (started && token == nil) { return nil }
            let page = try await fetch(token)
            started = true
            buffer = page.keys
            index = 0
            token = page.next
            if token == nil && buffer.isEmpty { exhausted = true }
        }
        defer { index += 1 }
        return buffer[index]
    }
}

/// Set differences of sorted key streams in constant memory.
public enum SortedDifference {
    /// Byte-order comparison (UTF-8), matching S3 and `COLLATE "C"`.
    public static func precedes(_ lhs: String, _ rhs: String) -> Bool {
        lhs.utf8.lexicographicallyPrecedes(rhs.utf8)
    }

    /// Calls `report` for every key of `left` that is not in `right`. Returns how many there were.
    @discardableResult
    public static func keys(
        in left: SortedKeyCursor, notIn right: SortedKeyCursor, report: (String) -> Void
    ) async throws -> Int {
        var missing = 0
        var rightKey = try await right.next()
        while let leftKey = try await left.next() {
            while let current = rightKey, precedes(current, leftKey) {
                rightKey = try await right.next()
            }
            // Bytes, not String equality: canonically equivalent keys are still different S3 keys.
            if !(rightKey.map { $0.utf8.elementsEqual(leftKey.utf8) } ?? false) {
                missing += 1
                report(leftKey)
            }
        }
        return missing
    }

    /// Calls `both` for every key present in `left` and in `right`, with the two entries.
    public static func pairs<Element>(
        _ left: SortedCursor<Element>, _ right: SortedCursor<Element>, key: (Element) -> String,
        both: (Element, Element) async throws -> Void
    ) async throws {
        var rightEntry = try await right.next()
        while let leftEntry = try await left.next() {
            let leftKey = key(leftEntry)
            while let current = rightEntry, precedes(key(current), leftKey) {
                rightEntry = try await right.next()
            }
            if let current = rightEntry, key(current).utf8.elementsEqual(leftKey.utf8) {
                try await both(leftEntry, current)
            }
        }
    }
}
