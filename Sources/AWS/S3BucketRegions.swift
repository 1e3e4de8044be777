import Synchronization

/// Which region each bucket is in: set from the settings, or learnt from `HeadBucket`'s
/// `x-amz-bucket-region` the first time a bucket is used. Shared by every copy of a client.
public final class S3BucketRegions: Sendable {
    private let regions = Mutex<[String: String]>([:])

    public init(_ known: [String: String] = [:]) {
        regions.withLock { $0 = known }
    }

    /// The region of `bucket`, when known.
    public func region(of bucket: String) -> String? { regions.withLock { $0[bucket] } }

    func set(_ region: String, for bucket: String) { regions.withLock { $0[bucket] = region } }

    /// Whether `text` is a region name (`us-east-1`, `eu-central-1`, `us-gov-west-1`): lower-case
    /// letters, digits and `-`, at most 32. What a response says of a region is checked against
    /// this before it reaches a host name or a signature.
    public static func isRegionName(_ text: String) -> Bool {
        (1...32).contains(text.utf8.count) && text.utf8.allSatisfy {
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || $0 == UInt8(ascii: "-")
        } && text.first != "-" && text.last != "-"
    }
}
