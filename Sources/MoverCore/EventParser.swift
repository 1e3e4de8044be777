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
            events.append(ObjectEvent(
                eventName: eventName, bucket: bucket, key: key, size: object["size"]?.int64,
                eTag: unquoted(object["eTag"]?.string ?? object["etag"]?.string),
                versionId: nonEmpty(object["versionId"]?.string), sequencer: object["sequencer"]?.string,
                eventTime: record["eventTime"]?.string))
        }
        return .events(events)
    }

    private static func parseEventBridge(_ object: JSONValue, detailType: String) -> ParsedMessage {
        guard let detail = object["detail"],
              let bucket = detail["bucket"]?["name"]?.string,
              let objectInfo = detail["object"],
              let key = objectInfo["key"]?.string, !key.isEmpty else {
            return .malformed(reason: "EventBridge event lacks detail.bucket.name or detail.object.key")
        }
        return .events([ObjectEvent(
            eventName: detailType, bucket: bucket, key: key, size: objectInfo["size"]?.int64,
            eTag: unquoted(objectInfo["etag"]?.string), versionId: nonEmpty(objectInfo["version-id"]?.string),
            sequencer: objectInfo["sequencer"]?.string, eventTime: object["time"]?.string)])
    }

    private static func unquoted(_ value: String?) -> String? {
        guard var value, !value.isEmpty else { return nil }
        if value.hasPrefix("\"") && value.hasSuffix("\"") && value.count >= 2 { value = String(value.dropFirst().dropLast()) }
        return value.isEmpty ? nil : value
    }

    private static func nonEmpty(_ value: String?) -> String? {
        guard let value, !value.isEmpty, value != "null" else { return nil }
        return value
    }
}
