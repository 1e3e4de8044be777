import Foundation

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

    private static func jsonObject(_ text: String) -> [String: Any]? {
        guard let data = text.data(using: .utf8),
              let value = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) else { return nil }
        return value as? [String: Any]
    }

    private static func parse(_ object: [String: Any], allowEnvelope: Bool) -> ParsedMessage {
        // SNS → SQS without raw message delivery.
        if allowEnvelope, object["Type"] as? String == "Notification" {
            guard let inner = object["Message"] as? String else { return .malformed(reason: "SNS envelope without a Message string") }
            guard let innerObject = jsonObject(inner) else { return .malformed(reason: "SNS Message is not a JSON object") }
            return parse(innerObject, allowEnvelope: false)
        }
        if object["Event"] as? String == "s3:TestEvent" {
            return .testEvent
        }
        if let records = object["Records"] {
            return parseRecords(records)
        }
        if object["source"] as? String == "aws.s3", let detailType = object["detail-type"] as? String {
            return parseEventBridge(object, detailType: detailType)
        }
        return .malformed(reason: "not an S3 event notification (no Records, Event or aws.s3 source)")
    }

    private static func parseRecords(_ value: Any) -> ParsedMessage {
        guard let records = value as? [Any], !records.isEmpty else { return .malformed(reason: "Records is not a non-empty array") }
        var events: [ObjectEvent] = []
        for (index, element) in records.enumerated() {
            guard let record = element as? [String: Any] else { return .malformed(reason: "Records[\(index)] is not an object") }
            if let version = record["eventVersion"] as? String, !version.hasPrefix("2.") {
                return .malformed(reason: "Records[\(index)] has unsupported eventVersion \(version)")
            }
            guard let eventName = record["eventName"] as? String,
                  let s3 = record["s3"] as? [String: Any],
                  let bucket = (s3["bucket"] as? [String: Any])?["name"] as? String,
                  let object = s3["object"] as? [String: Any],
                  let rawKey = object["key"] as? String else {
                return .malformed(reason: "Records[\(index)] lacks eventName, s3.bucket.name or s3.object.key")
            }
            guard let key = FormDecoding.decode(rawKey), !key.isEmpty else {
                return .malformed(reason: "Records[\(index)] has an undecodable key")
            }
            events.append(ObjectEvent(
                eventName: eventName, bucket: bucket, key: key, size: int64(object["size"]),
                eTag: unquoted(object["eTag"] as? String ?? object["etag"] as? String),
                versionId: nonEmpty(object["versionId"] as? String), sequencer: object["sequencer"] as? String,
                eventTime: record["eventTime"] as? String))
        }
        return .events(events)
    }

    private static func parseEventBridge(_ object: [String: Any], detailType: String) -> ParsedMessage {
        guard let detail = object["detail"] as? [String: Any],
              let bucket = (detail["bucket"] as? [String: Any])?["name"] as? String,
              let objectInfo = detail["object"] as? [String: Any],
              let key = objectInfo["key"] as? String, !key.isEmpty else {
            return .malformed(reason: "EventBridge event lacks detail.bucket.name or detail.object.key")
        }
        return .events([ObjectEvent(
            eventName: detailType, bucket: bucket, key: key, size: int64(objectInfo["size"]),
            eTag: unquoted(objectInfo["etag"] as? String), versionId: nonEmpty(objectInfo["version-id"] as? String),
            sequencer: objectInfo["sequencer"] as? String, eventTime: object["time"] as? String)])
    }

    private static func int64(_ value: Any?) -> Int64? {
        if let number = value as? NSNumber { return number.int64Value }
        if let text = value as? String { return Int64(text) }
        return nil
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
