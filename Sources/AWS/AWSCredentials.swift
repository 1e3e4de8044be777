/// A set of AWS credentials. Its descriptions never reveal the secret or the token.
public struct AWSCredentials: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The access key id (not secret; safe to log).
    public var accessKeyId: String
    /// The secret access key.
    public var secretAccessKey: String
    /// The session token of temporary credentials.
    public var sessionToken: String?

    /// Creates credentials.
    public init(accessKeyId: String, secretAccessKey: String, sessionToken: String? = nil) {
        self.accessKeyId = accessKeyId
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
    }

    public var description: String {
        "AWSCredentials(accessKeyId: \(accessKeyId), secretAccessKey: <redacted>\(sessionToken == nil ? "" : ", sessionToken: <redacted>"))"
    }

    public var debugDescription: String { description }
}

/// Something that can produce credentials for a request.
public protocol CredentialProvider: Sendable {
    /// Returns credentials valid for at least the next request.
    func credentials() async throws -> AWSCredentials
}

/// Credentials read once from `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN`.
public struct EnvironmentCredentialProvider: CredentialProvider {
    private let value: AWSCredentials

    /// Reads the variables from `environment`; returns nil when the key id or secret is missing.
    public init?(environment: [String: String]) {
        guard let id = environment["AWS_ACCESS_KEY_ID"], !id.isEmpty,
              let secret = environment["AWS_SECRET_ACCESS_KEY"], !secret.isEmpty else { return nil }
        let token = environment["AWS_SESSION_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
        value = AWSCredentials(accessKeyId: id, secretAccessKey: secret, sessionToken: token)
    }

    public func credentials() async throws -> AWSCredentials { value }
}

/// Fixed credentials, for tests and for callers that resolve credentials themselves.
public struct StaticCredentialProvider: CredentialProvider {
    private let value: AWSCredentials
    /// Creates a provider that always returns `credentials`.
    public init(_ credentials: AWSCredentials) { value = credentials }
    public func credentials() async throws -> AWSCredentials { value }
}
