import FoundationEssentials
import StrictJSON

/// The S3 event notification `backfill --enqueue` puts on the queue for each object: the same
/// shape S3 sends, so the worker fleet handles it exactly like a live event.
public enum SyntheticEvent {
    /// The message body for `key` in `bucket`.
    public static func body(bucket: String, key: String, size: Int64?, eTag: ETag?, eventTime: String) -> String {
        var object: [String: JSONValue] = ["key": .string(FormEncoding.encode(key))]
        if let size { object["size"] = .number(Double(size)) }
        if let eTag { object["eTag"] = .string(eTag.value) }
        let record: JSONValue = .object([
            "eventVersion": .string("2.1"), "eventSource": .string("aws:s3"), "eventTime": .string(eventTime),
            "eventName": .string("ObjectCreated:Copy"), "userIdentity": .object(["principalId": .string("s3-mover-backfill")]),
            "s3": .object([
                "s3SchemaVersion": .string("1.0"), "configurationId": .string("s3-mover-backfill"),
                "bucket": .object(["name": .string(bucket)]), "object": .object(object),
            ]),
        ])
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(JSONValue.object(["Records": .array([record])]))) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}
