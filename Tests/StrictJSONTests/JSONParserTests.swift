import Foundation
import StrictJSON
import Testing

/// The hand-written parser must agree with `JSONDecoder` on everything s3-mover reads, and
/// refuse what it refuses.
@Suite(.timeLimit(.minutes(2))) struct JSONParserTests {
    /// The repository's `sample-events/` directory: real S3, SNS and EventBridge bodies.
    static let sampleEvents = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("sample-events")

    func decoder(_ text: String) -> JSONValue? { try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)) }
    func parser(_ text: String) -> JSONValue? { try? JSONParser.parse(text) }

    @Test func agreesWithJSONDecoderOnEverySampleEvent() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.sampleEvents.path).sorted()
        #expect(files.count >= 13)
        for file in files {
            let text = try String(contentsOf: Self.sampleEvents.appendingPathComponent(file), encoding: .utf8)
            #expect(parser(text) == decoder(text), "\(file)")
        }
    }

    @Test(arguments: [
        #"{"a":1,"b":[true,false,null],"c":{"d":"e"}}"#,
        #"  [ 1 , -2.5e3 , 0 , 0.25 , 1E+2 ]  "#,
        #""caf\u00e9 \ud83d\ude00 \"quoted\" \\ \/ \b\f\n\r\t""#,
        #"{"key":"image%2Favatar+1%2Bx.png","size":-0}"#,
        #"{"emoji":"😀","plain":"été"}"#,
        #"[]"#, #"{}"#, "\"\"", "123456789012345678",
    ])
    func agreesWithJSONDecoder(text: String) {
        #expect(parser(text) != nil)
        #expect(parser(text) == decoder(text))
    }

    @Test(arguments: [
        "", " ", "{", "[1,]", #"{"a":1,}"#, "01", "1.", ".5", "-", "1e", "tru", "nul", #"{"a" 1}"#,
        #""\x""#, #""\u12""#, #""\ud83d""#, #""\ude00""#, "\"tab\there\"", "[1] 2", "{'a':1}", "1e400", "NaN",
    ])
    func refusesWhatIsNotJSON(text: String) {
        #expect(parser(text) == nil, "\(text)")
    }

    @Test func refusesInvalidUTF8AndDeepNesting() {
        let invalid: [UInt8] = [0x22, 0xff, 0xfe, 0x22]
        #expect((try? invalid.withUnsafeBufferPointer { try JSONParser.parse($0) }) == nil)
        #expect(parser(String(repeating: "[", count: 300) + String(repeating: "]", count: 300)) == nil)
        #expect(parser(String(repeating: "[", count: 100) + String(repeating: "]", count: 100)) != nil)
    }
}
