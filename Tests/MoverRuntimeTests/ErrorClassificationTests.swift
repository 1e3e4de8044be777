import AWS
import MoverCore
import MoverRuntime
import StrictJSON
import Testing

/// Every error type carries a code from the bounded set and a class from the one table.
@Suite(.timeLimit(.minutes(2)))
struct ErrorClassificationTests {
    @Test func inputAndConfigurationErrorsArePermanentWithCodesOfTheirOwn() throws {
        let json = try #require(throws: JSONParser.Failure.self) { try JSONParser.parse("{") }
        let errors: [(any Error, String)] = [
            (AWSConfigurationError(setting: "AWS_REGION", message: "invalid"), "InvalidAWSSetting"),
            (SettingsError(variable: "S3_SOURCE_BUCKET_NAME", flag: nil, problem: "is missing"), "InvalidSetting"),
            (ManifestError("no files"), "InvalidManifest"),
            (json, "InvalidJSON"),
            (RuntimeError("no such column", code: "NoSuchColumn"), "NoSuchColumn"),
            (MigrationError(step: .copy, key: "image/a.png", code: "SlowDown", underlying: "slow down", failureClass: .throttled), "SlowDown"),
        ]
        for (error, code) in errors {
            #expect(error.failureCode == code, "\(error)")
            #expect(RetryTable.boundedCode(error.failureCode) == code, "a code the metrics keep: \(code)")
        }
        #expect(errors.dropLast().allSatisfy { $0.0.failureClass == .permanent })
        #expect(errors.last?.0.failureClass == .throttled, "a MigrationError keeps its cause's class")
    }

    @Test func wrappingKeepsTheCauseAndLeavesAMigrationErrorAsItIs() {
        let cause = SettingsError(variable: "X", flag: nil, problem: "bad")
        let wrapped = MigrationError.wrapping(cause, step: .check, key: "image/a.png")
        #expect(wrapped.code == "InvalidSetting" && wrapped.step == .check && wrapped.failureClass == .permanent)
        let again = MigrationError.wrapping(wrapped, step: .copy, key: "other")
        #expect(again.step == .check && again.key == "image/a.png")
    }
}
