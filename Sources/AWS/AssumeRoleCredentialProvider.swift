/// Role credentials from STS `AssumeRole`, signed with a source provider's credentials: a
/// profile's `role_arn` with `source_profile` or `credential_source`.
public struct AssumeRoleCredentialProvider: CredentialProvider {
    public let roleArn: String
    public let sessionName: String
    public let externalId: String?
    public let durationSeconds: Int?
    let sourceCredentials: any CredentialProvider
    let sts: STSClient
    let source: String

    public init(
        roleArn: String, sessionName: String, externalId: String? = nil, durationSeconds: Int? = nil,
        sourceCredentials: any CredentialProvider, sts: STSClient, source: String
    ) {
        self.roleArn = roleArn
        self.sessionName = sessionName
        self.externalId = externalId
        self.durationSeconds = durationSeconds
        self.sourceCredentials = sourceCredentials
        self.sts = sts
        self.source = source
    }

    public func credentials() async throws -> AWSCredentials {
        let base = try await sourceCredentials.credentials()
        return try await sts.assumeRole(roleArn: roleArn, sessionName: sessionName, externalId: externalId,
                                        durationSeconds: durationSeconds, credentials: base, source: source)
    }
}
