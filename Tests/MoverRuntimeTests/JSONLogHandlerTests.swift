import FoundationEssentials
import StrictJSON
import Logging
import MoverCore
import MoverRuntime
import Synchronization
import Testing

@Suite(.timeLimit(.minutes(2))) struct JSONLogHandlerTests {
    @Test func writesOneJSONObjectPerLine() throws {
        let lines = Mutex<[String]>([])
        var logger = Logger(label: "s3-mover") { label in
            JSONLogHandler(label: label, level: .debug) { line in lines.withLock { $0.append(line) } }
        }
        logger[metadataKey: "run"] = "r1"
        logger.warning("object failed", metadata: ["key": "image/a \"b\".png", "error_code": "SlowDown"])
        let line = try #require(lines.withLock { $0.first })
        #expect(line.hasSuffix("}\n"))
        let object = try JSONDecoder().decode(JSONValue.self, from: Data(line.utf8))
        #expect(object["level"]?.string == "warning")
        #expect(object["message"]?.string == "object failed")
        #expect(object["key"]?.string == "image/a \"b\".png")
        #expect(object["error_code"]?.string == "SlowDown")
        #expect(object["run"]?.string == "r1")
        // UTC with milliseconds, e.g. 2026-11-25T12:00:00.123Z.
        let timestamp = try #require(object["timestamp"]?.string)
        #expect(timestamp.count == 24 && timestamp.hasSuffix("Z") && timestamp.dropFirst(19).first == ".", "\(timestamp)")
    }

    @Test func respectsTheLevel() {
        let lines = Mutex<[String]>([])
        let logger = Logger(label: "x") { label in JSONLogHandler(label: label, level: .warning) { line in lines.withLock { $0.append(line) } } }
        logger.info("quiet")
        #expect(lines.withLock { $0.isEmpty })
    }
}
