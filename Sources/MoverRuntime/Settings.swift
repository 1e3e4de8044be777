public import AWS
public import CurlHTTP
public import Logging
public import MoverCore
public import Postgres
import TextSupport

/// The resolved configuration of one run. Flags win over the environment, which wins over
/// `.env`; each command asks only for the settings it needs.
public struct Settings: Sendable {
    /// Environment merged with `.env` (real variables win); AWS settings are read from here too.
    public let environment: [String: String]
    private let overrides: [Setting: String]

    /// Creates settings from an environment and flag overrides.
    public init(environment: [String: String], overrides: [Setting: String] = [:]) {
        self.environment = environment
        self.overrides = overrides.filter { !$0.value.isEmpty }
    }

    /// The raw value of `setting` (flag, then environment, then default), or nil.
    public func value(_ setting: Setting) -> String? {
        if let flag = overrides[setting] { return flag }
        if let env = environment[setting.variable], !env.trimmingWhitespace().isEmpty { return env }
        return setting.defaultValue
    }

    /// The value of a required setting.
    public func required(_ setting: Setting) throws -> String {
        guard let value = value(setting) else {
            throw SettingsError(variable: setting.variable, flag: setting.flag, problem: "is not set")
        }
        return value
    }

    /// The PostgreSQL connection string (passed to libpq unchanged).
    public func connectionString() throws -> String { try required(.dbConnString) }

    /// The table holding the avatar paths, validated.
    public func table() throws -> SQLIdentifier { try identifier(.dbTable, allowSchema: true) }

    /// The column holding the path, validated.
    public func pathColumn() throws -> SQLIdentifier { try identifier(.dbPathColumn, allowSchema: false) }

    /// The columns that reference objects, and the value formats: `DB_TARGETS`
    /// (`avatars.path,users.avatar_url`, each `[schema.]table.column`), or `DB_TABLE` and
    /// `DB_PATH_COLUMN`; `DB_SOURCE_PATH_FORMAT` and `DB_DEST_PATH_FORMAT` (default `{key}`).
    public func pathTargets() throws -> PathTargets {
        var tables: [AvatarTable] = []
        if let list = value(.dbTargets) {
            for entry in list.split(separator: ",", omittingEmptySubsequences: false) {
                let text = entry.trimmingWhitespace()
                let parts = text.split(separator: ".", omittingEmptySubsequences: false)
                guard (2...3).contains(parts.count), let column = SQLIdentifier(String(parts.last!), allowSchema: false),
                      let table = SQLIdentifier(parts.dropLast().joined(separator: "."), allowSchema: true) else {
                    throw invalid(.dbTargets, "'\(text)' is not table.column or schema.table.column (letters, digits and _)")
                }
                let target = AvatarTable(table: table, column: column)
                guard !tables.contains(where: { $0.table == table && $0.column == column }) else {
                    throw invalid(.dbTargets, "names \(text) twice")
                }
                tables.append(target)
            }
        } else {
            tables = [AvatarTable(table: try table(), column: try pathColumn())]
        }
        func format(_ setting: Setting) throws -> PathFormat {
            let template = try required(setting)
            guard let format = PathFormat(template: template) else {
                throw invalid(setting, "'\(template)' must hold {key} exactly once (e.g. https://cdn.example.com/{key})")
            }
            // Values with a common prefix sort as their keys do, which verify's merge with the
            // bucket listing relies on; text after the key would break that order.
            guard format.suffix.isEmpty else {
                throw invalid(setting, "'\(template)' has text after {key}; only text before it is supported (e.g. https://cdn.example.com/{key})")
            }
            return format
        }
        return PathTargets(tables: tables, sourceFormat: try format(.sourcePathFormat), destinationFormat: try format(.destinationPathFormat))
    }

    private func identifier(_ setting: Setting, allowSchema: Bool) throws -> SQLIdentifier {
        let raw = try required(setting)
        guard let identifier = SQLIdentifier(raw, allowSchema: allowSchema) else {
            throw SettingsError(variable: setting.variable, flag: setting.flag,
                                problem: "'\(raw)' is not a plain SQL identifier (letters, digits and _\(allowSchema ? ", optionally schema.table" : ""))")
        }
        return identifier
    }

    /// A bucket name, validated against S3's naming rules.
    public func bucket(_ setting: Setting) throws -> String {
        let name = try required(setting)
        let allowed = name.utf8.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
        }
        guard (3...63).contains(name.utf8.count), allowed, name.first?.isLetter == true || name.first?.isNumber == true else {
            throw SettingsError(variable: setting.variable, flag: setting.flag,
                                problem: "'\(name)' is not a valid bucket name (3-63 lower-case letters, digits, '-' and '.')")
        }
        return name
    }

    /// The key mapping from the prefix and suffix settings.
    public func keyMapper() throws -> KeyMapper {
        let source = try required(.sourcePrefix)
        let destination = try required(.destinationPrefix)
        let mapper = KeyMapper(sourcePrefix: source, destinationPrefix: destination, suffix: value(.suffix) ?? "")
        if mapper.prefixesOverlap {
            throw SettingsError(variable: Setting.destinationPrefix.variable, flag: Setting.destinationPrefix.flag,
                                problem: "'\(mapper.destinationPrefix)' must not equal, contain or lie inside \(Setting.sourcePrefix.variable) ('\(mapper.sourcePrefix)')")
        }
        return mapper
    }

    /// A byte count from `minimum` to `maximum` (5 GiB by default: S3's largest CopyObject and part).
    public func bytes(_ setting: Setting, minimum: Int64, maximum: Int64 = 5 * 1024 * 1024 * 1024) throws -> Int64 {
        let raw = try required(setting)
        guard let value = Int64(raw.trimmingWhitespace()), (minimum...maximum).contains(value) else {
            throw SettingsError(variable: setting.variable, flag: setting.flag,
                                problem: "'\(raw)' is not a byte count from \(minimum) to \(maximum)")
        }
        return value
    }

    /// How long the worker waits for the row of an object it copied (``RowWait``): seconds,
    /// 0 (off) to 86,400; fractions allowed.
    public func rowWait() throws -> Duration { try seconds(.rowWait, in: 0...86_400) }

    /// `lock_timeout`, `statement_timeout` and keepalives for every database session.
    public func sessionLimits() throws -> SessionLimits {
        SessionLimits(lockTimeout: try seconds(.dbLockTimeout, in: 0.001...3_600),
                      statementTimeout: try seconds(.dbStatementTimeout, in: 0.001...86_400))
    }

    /// A duration in seconds (fractions allowed) within `range`; NaN, infinities and anything
    /// outside the range are refused, naming the variable and the flag.
    public func seconds(_ setting: Setting, in range: ClosedRange<Double>) throws -> Duration {
        let raw = try required(setting)
        guard let seconds = Double(raw.trimmingWhitespace()), seconds.isFinite, range.contains(seconds) else {
            throw SettingsError(variable: setting.variable, flag: setting.flag,
                                problem: "'\(raw)' is not a number of seconds from \(Self.format(range.lowerBound)) to \(Self.format(range.upperBound))")
        }
        return .milliseconds(Int64((seconds * 1000).rounded()))
    }

    private static func format(_ value: Double) -> String {
        value.rounded() == value ? String(Int64(value)) : String(value)
    }

    /// How copies are written: `S3_STORAGE_CLASS` (default: the source's), `S3_SSE` with
    /// `S3_SSE_KMS_KEY_ID` and `S3_SSE_BUCKET_KEY`, and `S3_ACL`. Each value is checked against
    /// what S3 accepts before it reaches a header.
    public func copyOptions() throws -> S3CopyOptions {
        var options = S3CopyOptions()
        if let text = value(.storageClass) {
            guard let storageClass = StorageClass(text) else {
                throw invalid(.storageClass, "'\(text)' is not a storage class (STANDARD, STANDARD_IA, INTELLIGENT_TIERING, GLACIER_IR, ...)")
            }
            options.storageClass = storageClass.name
        }
        if let text = value(.serverSideEncryption) {
            guard S3CopyOptions.encryptions.contains(text) else {
                throw invalid(.serverSideEncryption, "'\(text)' is not one of \(S3CopyOptions.encryptions.sorted().joined(separator: ", "))")
            }
            options.serverSideEncryption = text
        }
        if let text = value(.kmsKeyID) {
            guard options.serverSideEncryption?.hasPrefix("aws:kms") == true else {
                throw invalid(.kmsKeyID, "needs S3_SSE=aws:kms (or aws:kms:dsse)")
            }
            let allowed = text.utf8.allSatisfy { byte in
                (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                    || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || ":/_-.".utf8.contains(byte)
            }
            guard (1...2048).contains(text.utf8.count), allowed else {
                throw invalid(.kmsKeyID, "is not a KMS key id, alias or ARN")
            }
            options.kmsKeyID = text
        }
        if value(.bucketKey) != nil {
            options.bucketKeyEnabled = try flag(.bucketKey)
            guard options.serverSideEncryption?.hasPrefix("aws:kms") == true else {
                throw invalid(.bucketKey, "needs S3_SSE=aws:kms (or aws:kms:dsse)")
            }
        }
        if let text = value(.acl) {
            guard S3CopyOptions.cannedACLs.contains(text) else {
                throw invalid(.acl, "'\(text)' is not a canned ACL (\(S3CopyOptions.cannedACLs.sorted().joined(separator: ", ")))")
            }
            options.acl = text
        }
        return options
    }

    /// The source and destination buckets' expected owners and the source's requester-pays.
    public func bucketAccess() throws -> [String: S3BucketAccess] {
        func owner(_ setting: Setting) throws -> String? {
            guard let text = value(setting) else { return nil }
            guard S3BucketAccess.isAccountID(text) else { throw invalid(setting, "'\(text)' is not a 12-digit AWS account id") }
            return text
        }
        let source = S3BucketAccess(expectedOwner: try owner(.sourceExpectedOwner),
                                    requesterPays: value(.sourceRequesterPays) == nil ? false : try flag(.sourceRequesterPays))
        let destination = S3BucketAccess(expectedOwner: try owner(.destinationExpectedOwner))
        var access: [String: S3BucketAccess] = [:]
        if let bucket = value(.destinationBucket), destination != S3BucketAccess() { access[bucket] = destination }
        if let bucket = value(.sourceBucket), source != S3BucketAccess() { access[bucket] = source }
        return access
    }

    /// The source and destination buckets' regions, where set (`S3_SOURCE_REGION`,
    /// `S3_DEST_REGION`); the others are discovered.
    public func bucketRegions() throws -> [String: String] {
        var regions: [String: String] = [:]
        for (bucket, setting) in [(Setting.destinationBucket, Setting.destinationRegion), (.sourceBucket, .sourceRegion)] {
            guard let region = value(setting) else { continue }
            guard S3BucketRegions.isRegionName(region) else { throw invalid(setting, "'\(region)' is not a region name (like eu-central-1)") }
            if let name = value(bucket) { regions[name] = region }
        }
        return regions
    }

    /// The backfill's slice: `--shard I/N`, or `--shards N` with I from `JOB_COMPLETION_INDEX`
    /// (a Kubernetes Indexed Job); nil for the whole key space.
    public func shard(explicit: String?, shards: Int?) throws -> Shard? {
        if let explicit {
            guard shards == nil else { throw SettingsError(variable: "--shard", flag: nil, problem: "and --shards exclude each other") }
            guard let shard = Shard(parsing: explicit) else {
                throw SettingsError(variable: "--shard", flag: nil, problem: "'\(explicit)' is not I/N with 0 ≤ I < N ≤ \(Shard.maximumCount)")
            }
            return shard
        }
        guard let shards else { return nil }
        let text = environment["JOB_COMPLETION_INDEX"]?.trimmingWhitespace() ?? ""
        guard !text.isEmpty else {
            throw SettingsError(variable: "JOB_COMPLETION_INDEX", flag: nil,
                                problem: "is not set: --shards takes this process's index from it (a Kubernetes Indexed Job sets it); use --shard I/N elsewhere")
        }
        guard let index = Int(text), let shard = Shard(index: index, count: shards) else {
            throw SettingsError(variable: "JOB_COMPLETION_INDEX", flag: nil,
                                problem: "'\(text)' is not an index from 0 to \(shards - 1) (--shards \(shards))")
        }
        return shard
    }

    /// A true/false setting (`true`, `false`, `1`, `0`, `yes`, `no`).
    func flag(_ setting: Setting) throws -> Bool {
        switch value(setting)?.lowercased() {
        case "true", "1", "yes": return true
        case "false", "0", "no", nil: return false
        case let text?: throw invalid(setting, "'\(text)' is not true or false")
        }
    }

    private func invalid(_ setting: Setting, _ problem: String) -> SettingsError {
        SettingsError(variable: setting.variable, flag: setting.flag, problem: problem)
    }

    /// The port for /metrics, /healthz and /readyz; nil when unset (off).
    public func metricsPort() throws -> Int? {
        guard let text = value(.metricsPort) else { return nil }
        guard let port = Int(text), (0...65535).contains(port) else {
            throw SettingsError(variable: Setting.metricsPort.variable, flag: Setting.metricsPort.flag,
                                problem: "'\(text)' is not a port number (0-65535)")
        }
        return port
    }

    /// The SQS queue URL, checked to be an http(s) URL.
    public func queueURL() throws -> String {
        let url = try required(.queueURL)
        guard (try? Endpoint(parsing: url, setting: Setting.queueURL.variable)) != nil else {
            throw SettingsError(variable: Setting.queueURL.variable, flag: Setting.queueURL.flag,
                                problem: "'\(Endpoint.redacted(url))' is not an http(s) queue URL")
        }
        return url
    }

    /// The shared AWS config and credentials files (`AWS_CONFIG_FILE`, `AWS_SHARED_CREDENTIALS_FILE`, `AWS_PROFILE`).
    public func awsProfiles() throws -> AWSProfileFiles {
        try AWSProfileFiles(environment: environment)
    }

    /// Region and endpoints as the AWS SDKs resolve them: `AWS_REGION`, `AWS_DEFAULT_REGION`,
    /// then the profile's `region`.
    public func awsEnvironment(profiles: AWSProfileFiles? = nil) throws -> AWSEnvironment {
        do {
            let profiles = try profiles ?? awsProfiles()
            return try AWSEnvironment(environment: environment, defaultRegion: profiles.region)
        } catch let error as AWSConfigurationError {
            throw SettingsError(variable: error.setting, flag: nil, problem: error.message)
        }
    }

    /// The default credential chain's choice for these settings (see ``CredentialChain``).
    public func credentials(aws: AWSEnvironment, profiles: AWSProfileFiles, http: HTTPClient, logger: Logger) throws -> ResolvedCredentials {
        do {
            return try CredentialChain.resolve(environment: environment, profiles: profiles, aws: aws, http: http, logger: logger)
        } catch let error as AWSConfigurationError {
            throw SettingsError(variable: error.setting, flag: nil, problem: error.message)
        }
    }
}

import FoundationEssentials
