import FoundationEssentials
import TextSupport

/// Role credentials for a web identity token file, as EKS IRSA provides:
/// `AWS_ROLE_ARN` + `AWS_WEB_IDENTITY_TOKEN_FILE` (+ `AWS_ROLE_SESSION_NAME`), or a profile's
/// `role_arn` + `web_identity_token_file`.
///
/// The token file is read on every fetch, since the kubelet rotates it. Wrap in
/// ``RefreshingCredentialProvider`` so that fetches happen only near expiry.
public struct WebIdentityCredentialProvider: CredentialProvider {
    public let roleArn: String
    public let tokenFile: String
    public let sessionName: String
    let sts: STSClient
    let source: String

    public init(roleArn: String, tokenFile: String, sessionName: String, sts: STSClient, source: String = "web identity") {
        self.roleArn = roleArn
        self.tokenFile = tokenFile
        self.sessionName = sessionName
        self.sts = sts
        self.source = source
    }

    public func credentials() async throws -> AWSCredentials {
        let token: String
        do {
            token = try String(contentsOfFile: tokenFile, encoding: .utf8).trimmingWhitespace()
        } catch {
            throw CredentialError(code: "InvalidIdentityToken", source: source,
                                  message: "cannot read the web identity token file \(tokenFile)", isTransient: true)
        }
        guard !token.isEmpty else {
            throw CredentialError(code: "InvalidIdentityToken", source: source, message: "the token file \(tokenFile) is empty")
        }
        return try await sts.assumeRoleWithWebIdentity(roleArn: roleArn, sessionName: sessionName, webIdentityToken: token, source: source)
    }
}
