/// Pulls sorted keys one at a time from a paged source.
///
/// Keys must arrive in byte (UTF-8) order, as S3 lists them and as PostgreSQL sorts with
/// `COLLATE "C"`. Holds one page at a time.
public final class SortedKeyCursor {
    private let fetch: (_ after: String?) async throws -> (keys: [String], next: String?)
    private var buffer: [String] = []
    private var index = 0
    private var token: String?
    private var exhausted = false
    private var started = false

    /// `fetch(token)` returns a page of sorted keys and the token for the next page (nil at the end).
    public init(fetch: @escaping (_ token: String?) async throws -> (keys: [String], next: String?)) {
        self.fetch = fetch
    }

    /// The next key, or nil at the end.
    public func next() async throws -> String? {
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
}
