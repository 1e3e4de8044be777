import FoundationEssentials
import TextSupport

/// Region and endpoints resolved as the AWS SDKs resolve them, from an injected environment.
public struct AWSEnvironment: Sendable {
    /// The region: `AWS_REGION`, then `AWS_DEFAULT_REGION`.
    public var region: String
    private let environment: [String: String]

    /// Resolves from `environment`. Throws when no region is set.
    public init(environment: [String: String], defaultRegion: String? = nil) throws {
        self.environment = environment
        if let region = Self.nonEmpty(environment["AWS_REGION"]) ?? Self.nonEmpty(environment["AWS_DEFAULT_REGION"]) ?? defaultRegion {
            self.region = region
        } else {
            throw AWSConfigurationError(setting: "AWS_REGION", message: "no region is set (set AWS_REGION or AWS_DEFAULT_REGION, e.g. us-east-1)")
        }
    }

    /// The configured endpoint for `service` (`S3`, `SQS`, `STS`): `AWS_ENDPOINT_URL_<SERVICE>`
    /// over `AWS_ENDPOINT_URL`, both ignored when `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true`.
    /// Nil means the AWS default endpoint.
    public func customEndpoint(for service: String) throws -> Endpoint? {
        if Self.nonEmpty(environment["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"])?.lowercased() == "true" { return nil }
        let specific = "AWS_ENDPOINT_URL_\(service.uppercased())"
        if let url = Self.nonEmpty(environment[specific]) { return try Endpoint(parsing: url, setting: specific) }
        if let url = Self.nonEmpty(environment["AWS_ENDPOINT_URL"]) { return try Endpoint(parsing: url, setting: "AWS_ENDPOINT_URL") }
        return nil
    }

    /// The endpoint to use for `service`: the custom one, or `https://<service>.<region>.amazonaws.com`.
    public func endpoint(for service: String) throws -> Endpoint {
        if let custom = try customEndpoint(for: service) { return custom }
        return try Endpoint(parsing: "https://\(service.lowercased()).\(region).amazonaws.com", setting: "AWS_REGION")
    }

    private static func nonEmpty(_ value: String?) -> String? {
        guard let value, !value.trimmingWhitespace().isEmpty else { return nil }
        return value.trimmingWhitespace()
    }
}
