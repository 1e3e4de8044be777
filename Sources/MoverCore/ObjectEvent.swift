/// One object event, whatever envelope it arrived in (S3 notification, SNS, EventBridge).
public struct ObjectEvent: Sendable, Hashable {
    /// `ObjectCreated:Put`, `ObjectRemoved:Delete`, `Object Created` (EventBridge), ...
    public var eventName: String
    /// The bucket the event names.
    public var bucket: String
    /// The decoded object key.
    public var key: String
    public var size: Int64?
    /// The ETag, when the event carries one.
    public var eTag: ETag?
    /// The version the event reports, when the bucket is versioned.
    public var versionId: VersionID?
    public var sequencer: String?
    /// ISO 8601 `eventTime`, as sent.
    public var eventTime: String?

    public init(eventName: String, bucket: String, key: String, size: Int64? = nil, eTag: ETag? = nil,
                versionId: VersionID? = nil, sequencer: String? = nil, eventTime: String? = nil) {
        self.eventName = eventName
        self.bucket = bucket
        self.key = key
        self.size = size
        self.eTag = eTag
        self.versionId = versionId
        self.sequencer = sequencer
        self.eventTime = eventTime
    }

    /// Whether this event reports a new object (`ObjectCreated:*` or EventBridge `Object Created`).
    public var isObjectCreated: Bool {
        eventName.hasPrefix("ObjectCreated:") || eventName == "Object Created"
    }
}

/// What a queue message turned out to hold.
public enum ParsedMessage: Sendable, Hashable {
    /// `s3:TestEvent`, sent when a notification configuration is set: acknowledge, nothing else.
    case testEvent
    /// One or more object events.
    case events([ObjectEvent])
    /// Not a message we understand; it stays on the queue for the redrive policy.
    case malformed(reason: String)
}
