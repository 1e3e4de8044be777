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

    /// Like ``init(environment:)``, but throws when only one of the key id and the secret is set:
    /// half a key pair is a mistake to report, not a reason to look elsewhere.
    public init?(checking environment: [String: String]) throws {
        let id = environment["AWS_ACCESS_KEY_ID"].map { !$0.isEmpty } ?? false
        let secret = environment["AWS_SECRET_ACCESS_KEY"].map { !$0.isEmpty } ?? false
        if id != secret {
            throw CredentialError(code: "InvalidConfiguration", source: "environment",
                                  message: "\(id ? "AWS_SECRET_ACCESS_KEY" : "AWS_ACCESS_KEY_ID") is not set but \(id ? "AWS_ACCESS_KEY_ID" : "AWS_SECRET_ACCESS_KEY") is")
        }
        self.init(environment: environment)
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
