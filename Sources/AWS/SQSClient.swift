public import CurlHTTP
import FoundationEssentials
import StrictJSON

/// A client for the SQS operations s3-mover needs, over the AWS JSON 1.0 protocol.
///
/// Every method makes one attempt and throws ``SQSError`` for an error answer and
/// `HTTPClientError` for a transport failure.
public struct SQSClient: Sendable {
    public let endpoint: Endpoint
    let sender: AWSRequestSender
    /// Total timeout for calls other than long polls.
    public var requestTimeout: Duration = .seconds(30)

    /// Creates a client that posts to `endpoint`.
    public init(endpoint: Endpoint, region: String, credentials: any CredentialProvider, http: HTTPClient) {
        self.endpoint = endpoint
        self.sender = AWSRequestSender(service: "sqs", region: region, credentials: credentials, http: http)
    }

    /// Creates a client at `AWS_ENDPOINT_URL_SQS`/`AWS_ENDPOINT_URL`, or SQS in the region.
    public init(environment: AWSEnvironment, credentials: any CredentialProvider, http: HTTPClient) throws {
        self.init(endpoint: try environment.endpoint(for: "sqs"), region: environment.region, credentials: credentials, http: http)
    }

    /// Calls `AmazonSQS.<operation>` with a JSON body and decodes the JSON answer.
    func call<Input: Encodable, Output: Decodable>(
        _ operation: String, _ input: Input, as output: Output.Type, timeout: Duration? = nil
    ) async throws -> Output {
        let response = try await post(operation, input, timeout: timeout)
        if response.body.isEmpty, let empty = EmptyOutput() as? Output { return empty }
        do {
            return try JSONDecoder().decode(Output.self, from: Data(response.body))
        } catch {
            throw Self.unreadable(response, operation: operation, error)
        }
    }

    /// Calls `AmazonSQS.<operation>` and reads the answer with ``StrictJSON/JSONParser`` and
    /// `read`: for the calls made once per message batch, where `JSONDecoder` costs more than
    /// the rest of the call.
    func call<Input: Encodable, Output>(
        _ operation: String, _ input: Input, timeout: Duration? = nil, reading read: (JSONValue) -> Output?
    ) async throws -> Output {
        let response = try await post(operation, input, timeout: timeout)
        let value: JSONValue
        do {
            value = response.body.isEmpty ? .object([:]) : try JSONParser.parse(response.body)
        } catch {
            throw Self.unreadable(response, operation: operation, error)
        }
        guard let output = read(value) else {
            throw Self.unreadable(response, operation: operation, "unexpected shape")
        }
        return output
    }

    private func post<Input: Encodable>(_ operation: String, _ input: Input, timeout: Duration?) async throws -> HTTPResponse {
        let body = try JSONEncoder().encode(input)
        let response = try await sender.send(
            method: "POST", endpoint: endpoint, path: "/",
            headers: [("Content-Type", "application/x-amz-json-1.0"), ("X-Amz-Target", "AmazonSQS.\(operation)")],
            body: Array(body), timeout: timeout ?? requestTimeout)
        guard (200..<300).contains(response.status) else {
            throw Self.error(from: response, operation: operation)
        }
        return response
    }

    private static func unreadable(_ response: HTTPResponse, operation: String, _ reason: Any) -> SQSError {
        SQSError(code: "InvalidResponse", status: response.status, message: "unreadable answer: \(reason)",
                 requestId: response.header("x-amzn-requestid"), operation: operation)
    }

    static func error(from response: HTTPResponse, operation: String) -> SQSError {
        struct Body: Decodable {
            var type: String?
            var message: String?
            var Message: String?
            enum CodingKeys: String, CodingKey { case type = "__type", message, Message }
        }
        let requestId = response.header("x-amzn-requestid")
        // The query-compatible code (e.g. AWS.SimpleQueueService.NonExistentQueue) is the one users know.
        if let queryError = response.header("x-amzn-query-error"), let code = queryError.split(separator: ";").first {
            let parsed = try? JSONDecoder().decode(Body.self, from: Data(response.body))
            return SQSError(code: AWSErrorCode.validated(code), status: response.status, message: parsed?.message ?? parsed?.Message ?? "",
                            requestId: requestId, operation: operation)
        }
        if let parsed = try? JSONDecoder().decode(Body.self, from: Data(response.body)), let type = parsed.type {
            let code = AWSErrorCode.validated(type.split(separator: "#").last ?? Substring(type))
            return SQSError(code: code, status: response.status, message: parsed.message ?? parsed.Message ?? "",
                            requestId: requestId, operation: operation)
        }
        return SQSError(code: "HTTP\(response.status)", status: response.status,
                        message: String(response.bodyText.prefix(200)), requestId: requestId, operation: operation)
    }
}

struct EmptyOutput: Codable {}
