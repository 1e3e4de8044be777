/// Every setting s3-mover reads: its environment variable (the origin script's names) and flag.
public enum Setting: String, Sendable, CaseIterable {
    case dbConnString = "DB_CONN_STRING"
    case dbTable = "DB_TABLE"
    case dbPathColumn = "DB_PATH_COLUMN"
    case dbTargets = "DB_TARGETS"
    case sourcePathFormat = "DB_SOURCE_PATH_FORMAT"
    case destinationPathFormat = "DB_DEST_PATH_FORMAT"
    case sourceBucket = "S3_SOURCE_BUCKET_NAME"
    case destinationBucket = "S3_DEST_BUCKET_NAME"
    case sourcePrefix = "S3_OBJECT_SOURCE_PREFIX"
    case destinationPrefix = "S3_OBJECT_DEST_PREFIX"
    case suffix = "S3_OBJECT_SUFFIX"
    case queueURL = "SQS_QUEUE_URL"
    case multipartThreshold = "S3_MULTIPART_THRESHOLD"
    case partSize = "S3_MULTIPART_PART_SIZE"
    case metricsPort = "METRICS_PORT"
    case rowWait = "ROW_WAIT_SECONDS"
    case dbLockTimeout = "DB_LOCK_TIMEOUT_SECONDS"
    case dbStatementTimeout = "DB_STATEMENT_TIMEOUT_SECONDS"
    case storageClass = "S3_STORAGE_CLASS"
    case serverSideEncryption = "S3_SSE"
    case kmsKeyID = "S3_SSE_KMS_KEY_ID"
    case bucketKey = "S3_SSE_BUCKET_KEY"
    case acl = "S3_ACL"
    case sourceExpectedOwner = "S3_SOURCE_EXPECTED_OWNER"
    case destinationExpectedOwner = "S3_DEST_EXPECTED_OWNER"
    case sourceRequesterPays = "S3_SOURCE_REQUESTER_PAYS"
    case sourceRegion = "S3_SOURCE_REGION"
    case destinationRegion = "S3_DEST_REGION"

    /// The environment variable.
    public var variable: String { rawValue }

    /// The command-line flag that overrides the variable.
    public var flag: String {
        switch self {
        case .dbConnString: "--db-conn-string"
        case .dbTable: "--db-table"
        case .dbPathColumn: "--db-path-column"
        case .dbTargets: "--db-targets"
        case .sourcePathFormat: "--db-source-path-format"
        case .destinationPathFormat: "--db-dest-path-format"
        case .sourceBucket: "--source-bucket"
        case .destinationBucket: "--dest-bucket"
        case .sourcePrefix: "--source-prefix"
        case .destinationPrefix: "--dest-prefix"
        case .suffix: "--suffix"
        case .queueURL: "--queue-url"
        case .multipartThreshold: "--multipart-threshold"
        case .partSize: "--part-size"
        case .metricsPort: "--metrics-port"
        case .rowWait: "--row-wait"
        case .dbLockTimeout: "--db-lock-timeout"
        case .dbStatementTimeout: "--db-statement-timeout"
        case .storageClass: "--storage-class"
        case .serverSideEncryption: "--sse"
        case .kmsKeyID: "--sse-kms-key-id"
        case .bucketKey: "--sse-bucket-key"
        case .acl: "--acl"
        case .sourceExpectedOwner: "--source-expected-owner"
        case .destinationExpectedOwner: "--dest-expected-owner"
        case .sourceRequesterPays: "--source-requester-pays"
        case .sourceRegion: "--source-region"
        case .destinationRegion: "--dest-region"
        }
    }

    /// The value used when the setting is absent, if it has one.
    public var defaultValue: String? {
        switch self {
        case .dbTable: "avatars"
        case .dbPathColumn: "path"
        case .sourcePathFormat, .destinationPathFormat: "{key}"
        case .sourcePrefix: "image"
        case .destinationPrefix: "avatar"
        case .suffix: ".png"
        case .multipartThreshold: "5368709120"
        case .partSize: "536870912"
        case .rowWait: "300"
        case .dbLockTimeout: "10"
        case .dbStatementTimeout: "120"
        default: nil
        }
    }
}
