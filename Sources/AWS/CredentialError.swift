/// Credentials could not be resolved or fetched. Never carries a secret, a token or a signature.
public struct CredentialError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A stable code, e.g. `NoCredentials`, `InvalidProfile`, `CredentialsEndpointError`, or the
    /// STS error code (`AccessDenied`, `InvalidIdentityToken`, …).
    public var code: String
    /// The provider at fault, e.g. `web identity (AWS_ROLE_ARN)` or `profile 'dev'`.
    public var source: String
    /// What went wrong, naming the setting or file to fix.
    public var message: String
    /// True when waiting and trying again may help (the endpoint was unreachable or answered 5xx).
    public var isTransient: Bool

    public init(code: String, source: String, message: String, isTransient: Bool = false) {
        self.code = code
        self.source = source
        self.message = message
        self.isTransient = isTransient
    }

    /// True for a broken configuration (a missing variable, a bad profile), as opposed to a
    /// failed fetch: worth exit code 2 at start-up.
    public var isConfigurationError: Bool { ["InvalidConfiguration", "InvalidProfile", "NoCredentials"].contains(code) }

    public var description: String { "credentials from \(source): \(code): \(message)" }
}
