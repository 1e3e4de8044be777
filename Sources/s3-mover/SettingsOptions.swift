import ArgumentParser
import FoundationEssentials
import MoverRuntime

/// The flags that override settings; shared by every subcommand.
struct SettingsOptions: ParsableArguments {
    @Option(name: .customLong("db-conn-string"), help: "Overrides DB_CONN_STRING (visible in ps; prefer the variable).")
    var dbConnString: String?
    @Option(name: .customLong("db-table"), help: "Overrides DB_TABLE (default avatars).")
    var dbTable: String?
    @Option(name: .customLong("db-path-column"), help: "Overrides DB_PATH_COLUMN (default path).")
    var dbPathColumn: String?
    @Option(name: .customLong("db-targets"), help: "Overrides DB_TARGETS: every column that references the objects, e.g. avatars.path,users.avatar_url (repointed in one transaction per batch; default DB_TABLE.DB_PATH_COLUMN).")
    var dbTargets: String?
    @Option(name: .customLong("db-source-path-format"), help: "Overrides DB_SOURCE_PATH_FORMAT: how a column stores a source object, with one {key}, e.g. https://cdn.example.com/{key} (default {key}).")
    var dbSourcePathFormat: String?
    @Option(name: .customLong("db-dest-path-format"), help: "Overrides DB_DEST_PATH_FORMAT: how a column stores a destination object, e.g. https://img.example.com/{key} (default {key}).")
    var dbDestPathFormat: String?
    @Option(name: .customLong("source-bucket"), help: "Overrides S3_SOURCE_BUCKET_NAME.")
    var sourceBucket: String?
    @Option(name: .customLong("dest-bucket"), help: "Overrides S3_DEST_BUCKET_NAME.")
    var destBucket: String?
    @Option(name: .customLong("source-prefix"), help: "Overrides S3_OBJECT_SOURCE_PREFIX (default image).")
    var sourcePrefix: String?
    @Option(name: .customLong("dest-prefix"), help: "Overrides S3_OBJECT_DEST_PREFIX (default avatar).")
    var destPrefix: String?
    @Option(name: .customLong("suffix"), help: "Overrides S3_OBJECT_SUFFIX (default .png).")
    var suffix: String?
    @Option(name: .customLong("queue-url"), help: "Overrides SQS_QUEUE_URL.")
    var queueURL: String?
    @Option(name: .customLong("multipart-threshold"), help: "Overrides S3_MULTIPART_THRESHOLD: objects above this many bytes are copied in parts (default 5 GiB).")
    var multipartThreshold: String?
    @Option(name: .customLong("part-size"), help: "Overrides S3_MULTIPART_PART_SIZE: bytes per part of a multipart copy (default 512 MiB, at least 5 MiB).")
    var partSize: String?
    @Option(name: .customLong("db-lock-timeout"), help: "Overrides DB_LOCK_TIMEOUT_SECONDS: longest wait for a row lock before the statement fails and its objects are retried later (default 10).")
    var dbLockTimeout: String?
    @Option(name: .customLong("db-statement-timeout"), help: "Overrides DB_STATEMENT_TIMEOUT_SECONDS: longest run of one statement (default 120).")
    var dbStatementTimeout: String?
    @Option(name: .customLong("storage-class"), help: "Overrides S3_STORAGE_CLASS: the copies' storage class (default: each source object's own).")
    var storageClass: String?
    @Option(name: .customLong("sse"), help: "Overrides S3_SSE: encrypt copies with AES256, aws:kms or aws:kms:dsse (default: the destination bucket's default).")
    var sse: String?
    @Option(name: .customLong("sse-kms-key-id"), help: "Overrides S3_SSE_KMS_KEY_ID: the KMS key for --sse aws:kms (id, alias or ARN).")
    var sseKmsKeyID: String?
    @Option(name: .customLong("sse-bucket-key"), help: "Overrides S3_SSE_BUCKET_KEY: true or false, use an S3 Bucket Key with --sse aws:kms.")
    var sseBucketKey: String?
    @Option(name: .customLong("acl"), help: "Overrides S3_ACL: a canned ACL for the copies, e.g. bucket-owner-full-control for another account's bucket.")
    var acl: String?
    @Option(name: .customLong("source-expected-owner"), help: "Overrides S3_SOURCE_EXPECTED_OWNER: the 12-digit account that must own the source bucket.")
    var sourceExpectedOwner: String?
    @Option(name: .customLong("dest-expected-owner"), help: "Overrides S3_DEST_EXPECTED_OWNER: the 12-digit account that must own the destination bucket.")
    var destExpectedOwner: String?
    @Option(name: .customLong("source-requester-pays"), help: "Overrides S3_SOURCE_REQUESTER_PAYS: true when the source bucket is requester-pays.")
    var sourceRequesterPays: String?
    @Option(name: .customLong("source-region"), help: "Overrides S3_SOURCE_REGION: the source bucket's region (default: asked of S3 with HeadBucket).")
    var sourceRegion: String?
    @Option(name: .customLong("dest-region"), help: "Overrides S3_DEST_REGION: the destination bucket's region (default: asked of S3 with HeadBucket).")
    var destRegion: String?
    @Option(name: .customLong("metrics-port"), help: "Overrides METRICS_PORT: serve /metrics, /healthz and /readyz on this port (default: off).")
    var metricsPort: String?

    /// Environment (with `.env` beneath it) plus these flags.
    /// - Parameter extra: flags of one subcommand that override settings too.
    func settings(_ extra: [Setting: String?] = [:]) throws -> Settings {
        let environment = ProcessInfo.processInfo.environment
        let dotEnv = try DotEnv.load(path: FileManager.default.currentDirectoryPath + "/.env")
        var overrides: [Setting: String] = [:]
        overrides[.dbConnString] = dbConnString
        overrides[.dbTable] = dbTable
        overrides[.dbPathColumn] = dbPathColumn
        overrides[.dbTargets] = dbTargets
        overrides[.sourcePathFormat] = dbSourcePathFormat
        overrides[.destinationPathFormat] = dbDestPathFormat
        overrides[.sourceBucket] = sourceBucket
        overrides[.destinationBucket] = destBucket
        overrides[.sourcePrefix] = sourcePrefix
        overrides[.destinationPrefix] = destPrefix
        overrides[.suffix] = suffix
        overrides[.queueURL] = queueURL
        overrides[.multipartThreshold] = multipartThreshold
        overrides[.partSize] = partSize
        overrides[.metricsPort] = metricsPort
        overrides[.dbLockTimeout] = dbLockTimeout
        overrides[.dbStatementTimeout] = dbStatementTimeout
        overrides[.storageClass] = storageClass
        overrides[.serverSideEncryption] = sse
        overrides[.kmsKeyID] = sseKmsKeyID
        overrides[.bucketKey] = sseBucketKey
        overrides[.acl] = acl
        overrides[.sourceExpectedOwner] = sourceExpectedOwner
        overrides[.destinationExpectedOwner] = destExpectedOwner
        overrides[.sourceRequesterPays] = sourceRequesterPays
        overrides[.sourceRegion] = sourceRegion
        overrides[.destinationRegion] = destRegion
        for (setting, value) in extra { overrides[setting] = value }
        return Settings(environment: DotEnv.merged(environment: environment, dotEnv: dotEnv), overrides: overrides)
    }
}
