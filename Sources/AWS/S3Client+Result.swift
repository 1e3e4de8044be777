import CurlHTTP

extension S3Client {
    /// The result document of a 2xx answer, which counts as a success only when its root element
    /// is `expected` (or one of `aliases`, names a compatible server is known to use instead).
    ///
    /// S3 can fail a copy or a completion after it has started answering `200 OK`, with an
    /// `<Error>` body; proxies and middleboxes answer 200 with an HTML page, an empty body or a
    /// truncated document. Those are `InvalidResponse` errors, which are transient: retried, and
    /// never taken for a finished copy.
    func resultDocument(_ response: HTTPResponse, operation: String, expected: String, aliases: Set<String> = [],
                        resource: String) throws -> XMLElement {
        let root: XMLElement
        do {
            root = try XMLElement.parse(response.body)
        } catch {
            throw S3Error.invalidResponse(response, operation: operation, resource: resource,
                                          "expected <\(expected)>, got \(response.body.isEmpty ? "an empty body" : "a body that is not XML")")
        }
        if root.name == "Error" {
            throw S3Error(code: root.text(of: "Code").map(AWSErrorCode.validated) ?? "InternalError", status: response.status,
                          message: root.text(of: "Message") ?? "", requestId: root.text(of: "RequestId") ?? response.header("x-amz-request-id"),
                          operation: operation, resource: resource)
        }
        guard root.name == expected || aliases.contains(root.name) else {
            throw S3Error.invalidResponse(response, operation: operation, resource: resource, "expected <\(expected)>, got <\(root.name.prefix(64))>")
        }
        return root
    }
}

extension S3Error {
    /// A 2xx answer that is not the result it should be (see ``S3Client/resultDocument``).
    /// Its message names the status and the content type (a middlebox's `text/html`, say).
    static func invalidResponse(_ response: HTTPResponse, operation: String, resource: String, _ message: String) -> S3Error {
        S3Error(code: invalidResponseCode, status: response.status,
                message: "\(message) (HTTP \(response.status), Content-Type \(printableContentType(response)))",
                requestId: response.header("x-amz-request-id"), operation: operation, resource: resource)
    }

    /// The answer's Content-Type as printable ASCII, at most 64 characters: it comes off the wire.
    private static func printableContentType(_ response: HTTPResponse) -> String {
        guard let value = response.header("content-type"), !value.isEmpty else { return "none" }
        let printable = value.unicodeScalars.prefix(64).map { (0x20...0x7e).contains($0.value) ? Character($0) : "?" }
        return String(printable)
    }

    /// The code of an answer that is not the document its operation returns.
    static let invalidResponseCode = "InvalidResponse"
}
