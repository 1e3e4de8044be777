import MoverCore
import Postgres
import MoverRuntime
import Testing

@Suite(.timeLimit(.minutes(2))) struct SettingsTests {
    @Test func flagsWinOverEnvironmentWhichWinsOverDefaults() throws {
        let settings = Settings(environment: ["S3_SOURCE_BUCKET_NAME": "from-env", "DB_TABLE": "env_table"],
                                overrides: [.sourceBucket: "from-flag"])
        #expect(try settings.bucket(.sourceBucket) == "from-flag")
        #expect(try settings.table().quoted == "\"env_table\"")
        #expect(try settings.pathColumn().quoted == "\"path\"")
        #expect(try settings.keyMapper().destinationKey(for: "image/a.png") == "avatar/a.png")
    }

    @Test func missingSettingNamesVariableAndFlag() {
        #expect {
            try Settings(environment: [:]).bucket(.destinationBucket)
        } throws: { error in
            "\(error)" == "S3_DEST_BUCKET_NAME is not set (set S3_DEST_BUCKET_NAME or pass --dest-bucket)"
        }
    }

    @Test(arguments: ["Bad_Bucket", "ab", "-leading", "has space"])
    func invalidBucketNamesAreRejected(name: String) {
        #expect(throws: SettingsError.self) { try Settings(environment: ["S3_SOURCE_BUCKET_NAME": name]).bucket(.sourceBucket) }
    }

    @Test func identifiersAreValidated() {
        #expect {
            try Settings(environment: ["DB_TABLE": "avatars; DROP TABLE x"]).table()
        } throws: { error in
            (error as? SettingsError)?.variable == "DB_TABLE"
        }
    }

    @Test func samePrefixesAreRejected() {
        #expect(throws: SettingsError.self) {
            try Settings(environment: ["S3_OBJECT_SOURCE_PREFIX": "x/", "S3_OBJECT_DEST_PREFIX": "x"]).keyMapper()
        }
    }

    @Test func queueURLMustBeHTTP() {
        #expect(throws: SettingsError.self) { try Settings(environment: ["SQS_QUEUE_URL": "my-queue"]).queueURL() }
        let url = try? Settings(environment: ["SQS_QUEUE_URL": "https://sqs.us-east-1.amazonaws.com/1/q"]).queueURL()
        #expect(url?.hasPrefix("https") == true)
    }

    @Test func emptyValuesCountAsUnset() {
        #expect(Settings(environment: ["DB_TABLE": "  "]).value(.dbTable) == "avatars")
    }
}

@Suite(.timeLimit(.minutes(2))) struct MetricsSettingTests {
    @Test func metricsPortIsOffByDefaultAndValidated() throws {
        #expect(try Settings(environment: [:]).metricsPort() == nil)
        #expect(try Settings(environment: ["METRICS_PORT": "9090"]).metricsPort() == 9090)
        #expect {
            try Settings(environment: ["METRICS_PORT": "ninety"]).metricsPort()
        } throws: { ($0 as? SettingsError)?.variable == "METRICS_PORT" }
    }
}
