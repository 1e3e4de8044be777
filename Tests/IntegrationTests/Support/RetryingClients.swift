import AWS
import MoverCore
import MoverRuntime

/// The tests' own S3 calls (uploads, reads, set-up), retried on transient answers as the
/// product's are: a busy moto answers a plain PutObject with 500 InternalError now and then, and
/// connects time out under load. Every call here is idempotent.
struct TestS3: Sendable {
    /// The client itself, for code under test that takes one.
    let client: S3Client
    let retry: RetryPolicy

    init(_ client: S3Client) {
        self.client = client
        retry = .testFixtures
    }

    @discardableResult
    func putObject(bucket: String, key: String, body: [UInt8], contentType: String, metadata: [String: String] = [:],
                   headers: [(name: String, value: String)] = []) async throws -> String? {
        try await retry.run { try await client.putObject(bucket: bucket, key: key, body: body, contentType: contentType, metadata: metadata, headers: headers) }
    }

    func getObject(bucket: String, key: String) async throws -> [UInt8] {
        try await retry.run { try await client.getObject(bucket: bucket, key: key) }
    }

    func headObject(bucket: String, key: String, checksums: Bool = false) async throws -> S3ObjectMetadata? {
        try await retry.run { try await client.headObject(bucket: bucket, key: key, checksums: checksums) }
    }

    func objectTagging(bucket: String, key: String) async throws -> String {
        try await retry.run { try await client.objectTagging(bucket: bucket, key: key) }
    }

    func deleteObject(bucket: String, key: String, ifMatch: String? = nil) async throws {
        try await retry.run { try await client.deleteObject(bucket: bucket, key: key, ifMatch: ifMatch) }
    }

    func createBucket(_ bucket: String) async throws {
        try await retry.run { try await client.createBucket(bucket) }
    }

    func listObjects(bucket: String, prefix: String? = nil) -> S3ObjectListing {
        client.listObjects(bucket: bucket, prefix: prefix)
    }
}

/// The tests' own SQS calls, retried on transient answers. A retried SendMessage may enqueue a
/// message twice, which at-least-once delivery allows anyway: no test counts messages exactly.
struct TestSQS: Sendable {
    let client: SQSClient
    let retry: RetryPolicy

    init(_ client: SQSClient) {
        self.client = client
        retry = .testFixtures
    }

    @discardableResult
    func sendMessage(queueURL: String, body: String) async throws -> String {
        try await retry.run { try await client.sendMessage(queueURL: queueURL, body: body) }
    }

    func queueAttributes(queueURL: String, names: [String] = ["All"]) async throws -> [String: String] {
        try await retry.run { try await client.queueAttributes(queueURL: queueURL, names: names) }
    }

    func receiveMessages(queueURL: String, maxMessages: Int = 10, waitSeconds: Int = 20, visibilityTimeout: Int? = nil) async throws -> [SQSMessage] {
        try await retry.run {
            try await client.receiveMessages(queueURL: queueURL, maxMessages: maxMessages, waitSeconds: waitSeconds, visibilityTimeout: visibilityTimeout)
        }
    }

    /// `CreateQueue`; moto's is not thread-safe (two at once can fail with a 500 in its
    /// dead-letter set-up), and creating a queue again with the same attributes is a no-op.
    func createQueue(name: String, attributes: [String: String] = [:]) async throws -> String {
        try await retry.run { try await client.createQueue(name: name, attributes: attributes) }
    }
}

extension RetryPolicy {
    /// More patient than the product's default: a fixture's call failing fails a whole test.
    static var testFixtures: RetryPolicy {
        RetryPolicy(maxAttempts: 8, baseDelay: .milliseconds(200), throttledBaseDelay: .milliseconds(500), maxDelay: .seconds(5))
    }
}
