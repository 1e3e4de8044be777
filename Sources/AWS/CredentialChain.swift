public import CurlHTTP
import FoundationEssentials
public import Logging

/// The provider the default chain chose, and a description of it that is safe to log.
public struct ResolvedCredentials: Sendable {
    /// The shared provider (cached and refreshed before expiry).
    public let provider: any CredentialProvider
    /// Where the credentials come from, e.g. `environment`, `web identity (AWS_ROLE_ARN=…)`.
    public let source: String
}

/// The AWS SDKs' default credential chain, in their order:
///
/// 1. environment: `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`;
/// 2. web identity: `AWS_ROLE_ARN` + `AWS_WEB_IDENTITY_TOKEN_FILE` (EKS IRSA) through STS;
/// 3. the shared `credentials`/`config` files and `AWS_PROFILE`: static keys, or `role_arn` with
///    `source_profile`, `credential_source` or `web_identity_token_file` through STS;
/// 4. container credentials: `AWS_CONTAINER_CREDENTIALS_FULL_URI` (EKS Pod Identity) or
///    `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` (ECS);
/// 5. EC2 instance metadata (IMDSv2), unless `AWS_EC2_METADATA_DISABLED=true`.
///
/// The first source that is configured wins; a source configured wrongly is an error naming the
/// setting rather than a silent fall-through. The result is wrapped in one
/// ``RefreshingCredentialProvider`` that every client shares.
public enum CredentialChain {
    /// Chooses the provider for `environment`. Throws ``CredentialError`` for a broken configuration.
    public static func resolve(
        environment: [String: String], profiles: AWSProfileFiles, aws: AWSEnvironment, http: HTTPClient, logger: Logger
    ) throws -> ResolvedCredentials {
        let sts = { try STSClient(environment: aws, http: http) }
        func value(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        func shared(_ provider: any CredentialProvider, _ source: String) -> ResolvedCredentials {
            ResolvedCredentials(provider: RefreshingCredentialProvider(provider, logger: logger), source: source)
        }

        if let environmentProvider = try EnvironmentCredentialProvider(checking: environment) {
            return shared(environmentProvider, "environment (AWS_ACCESS_KEY_ID=\(value("AWS_ACCESS_KEY_ID") ?? ""))")
        }

        switch (value("AWS_ROLE_ARN"), value("AWS_WEB_IDENTITY_TOKEN_FILE")) {
        case let (roleArn?, tokenFile?):
            let source = "web identity (AWS_ROLE_ARN=\(roleArn))"
            let provider = WebIdentityCredentialProvider(
                roleArn: roleArn, tokenFile: tokenFile, sessionName: value("AWS_ROLE_SESSION_NAME") ?? defaultSessionName(),
                sts: try sts(), source: source)
            return shared(provider, source)
        case (nil, _?):
            throw CredentialError(code: "InvalidConfiguration", source: "web identity",
                                  message: "AWS_WEB_IDENTITY_TOKEN_FILE is set but AWS_ROLE_ARN is not")
        default:
            break
        }

        if profiles.current != nil {
            if let provider = try profileProvider(profiles.selected, profiles: profiles, visited: [],
                                                  environment: environment, http: http, sts: sts, logger: logger) {
                return shared(provider, "profile '\(profiles.selected)'")
            }
            if profiles.explicitlySelected {
                throw CredentialError(code: "InvalidProfile", source: "profile '\(profiles.selected)'",
                                      message: "AWS_PROFILE names a profile with no credentials (no aws_access_key_id, role_arn or web_identity_token_file)")
            }
        } else if profiles.explicitlySelected {
            throw CredentialError(code: "InvalidProfile", source: "profile '\(profiles.selected)'",
                                  message: "AWS_PROFILE names a profile that is not in AWS_CONFIG_FILE or AWS_SHARED_CREDENTIALS_FILE (~/.aws/config, ~/.aws/credentials)")
        }

        if let container = try ContainerCredentialProvider(environment: environment, http: http) {
            return shared(container, "container credentials (\(container.url))")
        }
        if let instance = try InstanceMetadataCredentialProvider(environment: environment, http: http) {
            return shared(instance, "EC2 instance metadata (\(instance.endpoint))")
        }
        throw CredentialError(
            code: "NoCredentials", source: "default chain",
            message: "no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, AWS_ROLE_ARN and AWS_WEB_IDENTITY_TOKEN_FILE, AWS_PROFILE, or AWS_CONTAINER_CREDENTIALS_FULL_URI (instance metadata is disabled)")
    }

    /// A profile's provider, following `source_profile` links; nil when the profile has no credentials.
    static func profileProvider(
        _ name: String, profiles: AWSProfileFiles, visited: [String], environment: [String: String],
        http: HTTPClient, sts: () throws -> STSClient, logger: Logger
    ) throws -> (any CredentialProvider)? {
        let label = "profile '\(name)'"
        guard let profile = profiles.profiles[name] else {
            throw CredentialError(code: "InvalidProfile", source: label, message: "source_profile chain names a missing profile '\(name)'")
        }
        func value(_ key: String) -> String? { profile[key].flatMap { $0.isEmpty ? nil : $0 } }
        let staticKeys: (any CredentialProvider)? = {
            guard let id = value("aws_access_key_id"), let secret = value("aws_secret_access_key") else { return nil }
            return StaticCredentialProvider(AWSCredentials(accessKeyId: id, secretAccessKey: secret, sessionToken: value("aws_session_token")))
        }()
        guard let roleArn = value("role_arn") else { return staticKeys }

        let sessionName = value("role_session_name") ?? defaultSessionName()
        if let tokenFile = value("web_identity_token_file") {
            return WebIdentityCredentialProvider(roleArn: roleArn, tokenFile: AWSProfileFiles.expandingHome(tokenFile, home: environment["HOME"]),
                                                 sessionName: sessionName, sts: try sts(), source: label)
        }
        let base: any CredentialProvider
        if let sourceProfile = value("source_profile") {
            if sourceProfile == name, let staticKeys {
                base = staticKeys // a profile may assume a role with its own keys
            } else {
                guard !visited.contains(sourceProfile), sourceProfile != name else {
                    throw CredentialError(code: "InvalidProfile", source: label,
                                          message: "source_profile forms a cycle: \((visited + [name, sourceProfile]).joined(separator: " -> "))")
                }
                guard let resolved = try profileProvider(sourceProfile, profiles: profiles, visited: visited + [name],
                                                         environment: environment, http: http, sts: sts, logger: logger) else {
                    throw CredentialError(code: "InvalidProfile", source: label,
                                          message: "source_profile '\(sourceProfile)' has no credentials")
                }
                base = resolved
            }
        } else if let credentialSource = value("credential_source") {
            switch credentialSource {
            case "Environment":
                guard let provider = try EnvironmentCredentialProvider(checking: environment) else {
                    throw CredentialError(code: "InvalidProfile", source: label,
                                          message: "credential_source = Environment but AWS_ACCESS_KEY_ID is not set")
                }
                base = provider
            case "Ec2InstanceMetadata":
                guard let provider = try InstanceMetadataCredentialProvider(environment: environment, http: http) else {
                    throw CredentialError(code: "InvalidProfile", source: label,
                                          message: "credential_source = Ec2InstanceMetadata but AWS_EC2_METADATA_DISABLED=true")
                }
                base = RefreshingCredentialProvider(provider, logger: logger)
            case "EcsContainer":
                guard let provider = try ContainerCredentialProvider(environment: environment, http: http) else {
                    throw CredentialError(code: "InvalidProfile", source: label,
                                          message: "credential_source = EcsContainer but no AWS_CONTAINER_CREDENTIALS_* URI is set")
                }
                base = RefreshingCredentialProvider(provider, logger: logger)
            default:
                throw CredentialError(code: "InvalidProfile", source: label,
                                      message: "credential_source '\(credentialSource)' is not Environment, Ec2InstanceMetadata or EcsContainer")
            }
        } else {
            throw CredentialError(code: "InvalidProfile", source: label,
                                  message: "role_arn needs source_profile, credential_source or web_identity_token_file")
        }
        return AssumeRoleCredentialProvider(
            roleArn: roleArn, sessionName: sessionName, externalId: value("external_id"),
            durationSeconds: value("duration_seconds").flatMap { Int($0) }, sourceCredentials: base, sts: try sts(), source: label)
    }

    static func defaultSessionName() -> String {
        "s3-mover-\(Int(Date().timeIntervalSince1970))"
    }
}
