import FoundationEssentials
import StrictJSON

/// Turns an SQS message body into object events.
///
/// Understands S3 event notifications (`Records`, `eventVersion` 2.x, form-URL-encoded keys),
/// the same wrapped in an SNS envelope, EventBridge `aws.s3` events, and `s3:TestEvent`.
/// Anything else is ``ParsedMessage/malformed(reason:)``: the caller leaves it on the queue.
public enum EventParser {
    /// SQS's own maximum message size; anything larger cannot be a real notification.
    public static let maximumBodyBytes = 256 * 1024

    /// Parses one message body.
    public static func parse(_ body: String) -> ParsedMessage {
        guard body.utf8.count <= maximumBodyBytes else {
            return .malformed(reason: "body of \(body.utf8.count) bytes exceeds \(maximumBodyBytes)")
        }
        guard let object = jsonObject(body) else {
            return .malformed(reason: "body is not a JSON object")
        }
        return parse(object, allowEnvelope: true)
    }

    private static func jsonObject(_ text: String) -> JSONValue? {
        guard let value = try? JSONParser.parse(text), value.object != nil else { return nil }
        return value
    }

    private static func parse(_ object: JSONValue, allowEnvelope: Bool) -> ParsedMessage {
        // SNS → SQS without raw message delivery.
        if allowEnvelope, object["Type"]?.string == "Notification" {
            guard let inner = object["Message"]?.string else { return .malformed(reason: "SNS envelope without a Message string") }
            guard let innerObject = jsonObject(inner) else { return .malformed(reason: "SNS Message is not a JSON object") }
            return parse(innerObject, allowEnvelope: false)
        }
        if object["Event"]?.string == "s3:TestEvent" {
            return .testEvent
        }
        if let records = object["Records"] {
            return parseRecords(records)
        }
        if object["source"]?.string == "aws.s3", let detailType = object["detail-type"]?.string {
            return parseEventBridge(object, detailType: detailType)
        }
        return .malformed(reason: "not an S3 event notification (no Records, Event or aws.s3 source)")
    }

    private static func parseRecords(_ value: JSONValue) -> ParsedMessage {
        guard let records = value.array, !records.isEmpty else { return .malformed(reason: "Records is not a non-empty array") }
        var events: [ObjectEvent] = []
        for (index, record) in records.enumerated() {
            guard record.object != nil else { return .malformed(reason: "Records[\(index)] is not an object") }
            if let version = record["eventVersion"]?.string, !version.hasPrefix("2.") {
                return .malformed(reason: "Records[\(index)] has unsupported eventVersion \(version)")
            }
            guard let eventName = record["eventName"]?.string,
                  let s3 = record["s3"],
                  let bucket = s3["bucket"]?["name"]?.string,
                  let object = s3["object"],
                  let rawKey = object["key"]?.string else {
                return .malformed(reason: "Records[\(index)] lacks eventName, s3.bucket.name or s3.object.key")
            }
            guard let key = FormDecoding.decode(rawKey), !key.isEmpty else {
                return .malformed(reason: "Records[\(index)] has an undecodable key")
            }
            guard let key = validKey(key) else {
                return .malformed(reason: "Records[\(index)] has a key longer than \(maximumKeyBytes) bytes or containing NUL")
            }
            let eTag: ETag?
            let versionId: VersionID?
            switch (tag(object["eTag"] ?? object["etag"]), version(object["versionId"])) {
            case (.invalid, _): return .malformed(reason: "Records[\(index)] has an eTag that is not an S3 ETag")
            case (_, .invalid): return .malformed(reason: "Records[\(index)] has a versionId that is not an S3 version id")
            case (.valid(let tag), .valid(let version)): (eTag, versionId) = (tag, version)
            }
            events.append(ObjectEvent(
                eventName: eventName, bucket: bucket, key: key, size: object["size"]?.int64,
                eTag: eTag, versionId: versionId, sequencer: object["sequencer"]?.string,
                eventTime: record["eventTime"]?.string))
        }
        return .events(events)
    }

    private static func parseEventBridge(_ object: JSONValue, detailType: String) -> ParsedMessage {
        guard let detail = object["detail"],
              let bucket = detail["bucket"]?["name"]?.string,
              let objectInfo = detail["object"],
              let rawKey = objectInfo["key"]?.string, !rawKey.isEmpty else {
            return .malformed(reason: "EventBridge event lacks detail.bucket.name or detail.object.key")
        }
        guard let key = validKey(rawKey) else {
            return .malformed(reason: "EventBridge event has a key longer than \(maximumKeyBytes) bytes or containing NUL")
        }
        switch (tag(objectInfo["etag"]), version(objectInfo["version-id"])) {
        case (.invalid, _): return .malformed(reason: "EventBridge event has an etag that is not an S3 ETag")
        case (_, .invalid): return .malformed(reason: "EventBridge event has a version-id that is not an S3 version id")
        case (.valid(let eTag), .valid(let versionId)):
            return .events([ObjectEvent(
                eventName: detailType, bucket: bucket, key: key, size: objectInfo["size"]?.int64,
                eTag: eTag, versionId: versionId, sequencer: objectInfo["sequencer"]?.string, eventTime: object["time"]?.string)])
        }
    }

    /// S3's longest key, in UTF-8 bytes.
    public static let maximumKeyBytes = 1024

    /// The key if S3 could hold it: 1 to 1,024 bytes (NUL cannot reach a path or a row).
    private static func validKey(_ key: String) -> String? {
        guard (1...maximumKeyBytes).contains(key.utf8.count), !key.utf8.contains(0) else { return nil }
        return key
    }

    /// An optional field that, when present, must match its grammar.
    private enum Checked<Value> {
        case valid(Value?)
        case invalid
    }

    /// Absent, JSON null and empty mean no ETag; anything else must be one.
    private static func tag(_ value: JSONValue?) -> Checked<ETag> {
        guard let value, value != .null else { return .valid(nil) }
        guard let text = value.string else { return .invalid }
        if text.isEmpty { return .valid(nil) }
        return ETag(text).map { .valid($0) } ?? .invalid
    }

    /// Absent, JSON null, empty and `null` mean no version (unversioned bucket); anything else must be one.
    private static func version(_ value: JSONValue?) -> Checked<VersionID> {
        guard let value, value != .null else { return .valid(nil) }
        guard let text = value.string else { return .invalid }
        if text.isEmpty || text == "null" { return .valid(nil) }
        return VersionID(text).map { .valid($0) } ?? .invalid
    }
}
