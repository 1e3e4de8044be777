import MoverCore
import Testing

@Suite(.timeLimit(.minutes(2))) struct EventParserTests {
    func events(_ file: String) throws -> [ObjectEvent] {
        guard case .events(let events) = EventParser.parse(try SampleEvents.text(file)) else {
            Issue.record("\(file) did not parse as events")
            return []
        }
        return events
    }

    @Test func objectCreatedPut() throws {
        let events = try events("s3-object-created-put.json")
        #expect(events == [ObjectEvent(eventName: "ObjectCreated:Put", bucket: "legacy-avatars", key: "image/avatar-12.png", size: 303,
                                       eTag: ETag("0123456789abcdef0123456789abcdef"), sequencer: "0062E99A88DC407460",
                                       eventTime: "2026-11-25T06:00:00.000Z")])
        #expect(events[0].isObjectCreated)
    }

    @Test func testEvent() throws {
        #expect(EventParser.parse(try SampleEvents.text("s3-test-event.json")) == .testEvent)
    }

    @Test func multiRecord() throws {
        #expect(try events("s3-multi-record.json").map(\.key) == ["image/avatar-21.png", "image/avatar-22.png"])
    }

    @Test func keysAreFormDecoded() throws {
        #expect(try events("s3-encoded-key.json").first?.key == "image/summer 2026/café + friends%.png")
    }

    @Test func versionIdIsKept() throws {
        #expect(try events("s3-versioned.json").first?.versionId?.value == "3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY")
    }

    @Test func snsEnvelopeIsUnwrapped() throws {
        #expect(try events("sns-wrapped-s3-event.json").map(\.key) == ["image/avatar-41.png"])
    }

    @Test func eventBridge() throws {
        let event = try #require(try events("eventbridge-object-created.json").first)
        #expect(event.bucket == "legacy-avatars")
        #expect(event.key == "image/avatar-51.png")
        #expect(event.isObjectCreated)
    }

    @Test func removedIsNotCreated() throws {
        #expect(try events("s3-object-removed.json").first?.isObjectCreated == false)
    }

    @Test(arguments: ["malformed-not-json.txt", "malformed-wrong-shape.json", "malformed-hostile-etag.json"])
    func malformedSamples(file: String) throws {
        guard case .malformed = EventParser.parse(try SampleEvents.text(file)) else {
            Issue.record("\(file) should be malformed")
            return
        }
    }

    @Test(arguments: [
        "", "null", "[]", "42", #"{"Records": []}"#, #"{"Records": [{"eventName": "ObjectCreated:Put"}]}"#,
        #"{"Records": [{"eventVersion": "1.0", "eventName": "ObjectCreated:Put", "s3": {"bucket": {"name": "b"}, "object": {"key": "k"}}}]}"#,
        #"{"Records": [{"eventName": "ObjectCreated:Put", "s3": {"bucket": {"name": "b"}, "object": {"key": "%ZZ"}}}]}"#,
        #"{"Type": "Notification", "Message": "not json"}"#,
        #"{"Type": "Notification", "Message": "{\"Type\": \"Notification\", \"Message\": \"{}\"}"}"#,
    ])
    func malformedShapes(body: String) {
        guard case .malformed = EventParser.parse(body) else {
            Issue.record("\(body) should be malformed")
            return
        }
    }

    /// An eTag or versionId outside its grammar never reaches a request header: the whole
    /// message is malformed and kept for the dead-letter queue.
    @Test(arguments: [
        ("eTag", #""0123456789abcdef0123456789abcdef\r\nx-amz-acl: public-read""#),
        ("eTag", #""W/\"0123456789abcdef0123456789abcdef\"""#),
        ("eTag", #""not hex""#),
        ("eTag", "42"),
        ("versionId", #""v1\r\nx-amz-acl: public-read""#),
        ("versionId", #""a b""#),
        ("versionId", "true"),
    ])
    func hostileFieldsAreMalformed(field: String, json: String) {
        let body = #"{"Records": [{"eventName": "ObjectCreated:Put", "s3": {"bucket": {"name": "b"}, "object": {"key": "image/a.png", "#
            + "\"\(field)\": \(json)}}}]}"
        guard case .malformed(let reason) = EventParser.parse(body) else {
            Issue.record("\(body) should be malformed")
            return
        }
        #expect(reason.contains(field))
    }

    @Test(arguments: [#""""#, "null", #""null""#])
    func absentVersionsAreNotMalformed(json: String) {
        let body = #"{"Records": [{"eventName": "ObjectCreated:Put", "s3": {"bucket": {"name": "b"}, "object": {"key": "image/a.png", "#
            + #""versionId": \#(json), "eTag": "\"0123456789ABCDEF0123456789abcdef-12\""}}}]}"#
        guard case .events(let events) = EventParser.parse(body) else {
            Issue.record("\(body) should parse")
            return
        }
        #expect(events.first?.versionId == nil)
        #expect(events.first?.eTag == ETag("0123456789abcdef0123456789abcdef-12"))
    }

    @Test func keysOverS3sLimitAreMalformed() {
        let key = "image/" + String(repeating: "a", count: EventParser.maximumKeyBytes) + ".png"
        let body = #"{"Records": [{"eventName": "ObjectCreated:Put", "s3": {"bucket": {"name": "b"}, "object": {"key": "\#(key)"}}}]}"#
        guard case .malformed = EventParser.parse(body) else {
            Issue.record("a key over 1,024 bytes parsed")
            return
        }
    }

    @Test func absurdSizeIsMalformed() {
        let huge = "{\"Records\": \"" + String(repeating: "x", count: EventParser.maximumBodyBytes) + "\"}"
        guard case .malformed(let reason) = EventParser.parse(huge) else {
            Issue.record("oversized body accepted")
            return
        }
        #expect(reason.contains("exceeds"))
    }
}
