import Foundation

/// The S3 event notification `backfill --enqueue` puts on the queue for each object: the same
/// shape S3 sends, so the worker fleet handles it exactly like a live event.
public enum SyntheticEvent {
    /// The message body for `key` in `bucket`.
    public static func body(bucket: String, key: String, size: Int64?, eTag: String?, eventTime: String) -> String {
        var object: [String: Any] = ["key": FormEncoding.encode(key)]
        if let size { object["size"] = size }
        if let eTag { object["eTag"] = eTag.trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }
        let record: [String: Any] = [
            "eventVersion": "2.1", "eventSource": "aws:s3", "eventTime": eventTime, "eventName": "ObjectCreated:Copy",
            "userIdentity": ["principalId": "s3-mover-backfill"],
            "s3": ["s3SchemaVersion": "1.0", "configurationId": "s3-mover-backfill", "bucket": ["name": bucket], "object": object],
        ]
        let data = (try? JSONSerialization.data(withJSONObject: ["Records": [record]], options: [.sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}
