public import AWS
public import Logging
public import MoverCore

/// One `ListObjectsV2` of the destination per page of the source listing, so that a copy whose
/// destination is absent does not `HeadObject` it first (the common case of a backfill into an
/// empty destination costs one request per 1,000 objects, not one per object).
///
/// The listing covers the page's destination keys from the second to the last (the first is
/// the listing's exclusive start, and is inspected as before), reading at most
/// ``maxPages`` pages: where the destination holds many keys between them, the keys beyond what
/// was read are inspected as before. Pages whose keys are not in S3's order (UTF-8 bytes) are
/// not marked at all. A listing that fails leaves the page unmarked, with one warning.
///
/// What the listing says holds when it was read: an application write landing between the
/// listing and the copy is caught by the copy's `If-None-Match: *` where the server honours it
/// (Amazon S3). Where it does not, the window is that of the listing, at most two source pages
/// ahead of the copies.
public struct DestinationScan: Sendable {
    public let client: S3Client
    public let bucket: String
    public let mapper: KeyMapper
    /// At most this many destination pages are read per source page.
    public let maxPages: Int
    public let retry: RetryPolicy
    private let failure = FirstTime()
    private let logger: Logger

    public init(client: S3Client, bucket: String, mapper: KeyMapper, retry: RetryPolicy, maxPages: Int = 3, logger: Logger) {
        self.retry = retry
        self.client = client
        self.bucket = bucket
        self.mapper = mapper
        self.maxPages = max(1, maxPages)
        self.logger = logger
    }

    /// The objects, with ``SourceObject/destinationAbsent`` set where the listing shows no destination.
    public func mark(_ objects: [SourceObject]) async -> [SourceObject] {
        let keys = objects.map { mapper.destinationKey(for: $0.key) }
        let mapped = keys.compactMap { $0 }
        guard let first = mapped.first, let last = mapped.last, mapped.count > 1,
              zip(mapped, mapped.dropFirst()).allSatisfy({ $0.utf8.lexicographicallyPrecedes($1.utf8) }) else { return objects }
        let coverage: Coverage
        do {
            coverage = try await list(after: first, through: last)
        } catch is CancellationError {
            return objects
        } catch {
            if failure.claim() {
                logger.warning("listing the destination failed; its objects are inspected one by one instead", metadata: ["error": "\(error)"])
            }
            return objects
        }
        var marked = objects
        for index in marked.indices {
            guard let key = keys[index], key != first, coverage.covers(key), !coverage.present.contains(key) else { continue }
            marked[index].destinationAbsent = true
        }
        return marked
    }

    /// The destination keys after `first`, up to `last` or as far as ``maxPages`` reach.
    private func list(after first: String, through last: String) async throws -> Coverage {
        var coverage = Coverage()
        var token: String?
        for _ in 0..<maxPages {
            let page = try await retry.run { [token] in
                try await client.listObjectsPage(bucket: bucket, prefix: mapper.destinationListPrefix,
                                                 continuationToken: token, startAfter: token == nil ? first : nil)
            }
            coverage.present.formUnion(page.objects.map(\.key))
            coverage.through = page.objects.last?.key ?? coverage.through
            guard let next = page.nextContinuationToken else {
                coverage.complete = true
                return coverage
            }
            if let through = coverage.through, !through.utf8.lexicographicallyPrecedes(last.utf8) { return coverage }
            token = next
        }
        return coverage
    }

    /// What a destination listing saw.
    private struct Coverage {
        var present: Set<String> = []
        /// The last key listed.
        var through: String?
        /// The listing reached the end of the prefix.
        var complete = false

        func covers(_ key: String) -> Bool {
            if complete { return true }
            guard let through else { return false }
            return !through.utf8.lexicographicallyPrecedes(key.utf8)
        }
    }
}

/// A source listing whose objects are marked by a ``DestinationScan``.
public struct DestinationScanningLister<Inner: SourceLister>: SourceLister {
    public let inner: Inner
    public let scan: DestinationScan

    public init(_ inner: Inner, scan: DestinationScan) {
        self.inner = inner
        self.scan = scan
    }

    public func page(token: String?, startAfter: String?) async throws -> SourcePage {
        var page = try await inner.page(token: token, startAfter: startAfter)
        page.objects = await scan.mark(page.objects)
        return page
    }
}

extension DestinationScanningLister: SplittableSourceLister where Inner: SplittableSourceLister {
    public var prefix: String { inner.prefix }
    public func firstKey(after key: String) async throws -> String? { try await inner.firstKey(after: key) }
}
