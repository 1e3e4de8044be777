public import AWS
public import MoverCore

/// The handler's object store: S3 `CopyObject` from the source bucket to the destination bucket.
public struct S3ObjectCopier: ObjectCopier {
    public let client: S3Client
    public let sourceBucket: String
    public let destinationBucket: String

    public init(client: S3Client, sourceBucket: String, destinationBucket: String) {
        self.client = client
        self.sourceBucket = sourceBucket
        self.destinationBucket = destinationBucket
    }

    public func copy(sourceKey: String, destinationKey: String, ifMatch: String?, versionId: String?, size: Int64?) async throws -> CopyOutcome {
        do {
            try await client.copyObject(sourceBucket: sourceBucket, sourceKey: sourceKey, destinationBucket: destinationBucket,
                                        destinationKey: destinationKey, ifMatch: ifMatch, sourceVersionId: versionId)
            return .copied
        } catch let error as S3Error where error.code == "NoSuchKey" || (error.status == 404 && error.code != "NoSuchBucket") {
            return .sourceMissing
        } catch let error as S3Error where error.status == 412 || error.code == "PreconditionFailed" {
            return .sourceChanged
        }
    }

    public func destinationExists(_ key: String) async throws -> Bool {
        try await client.headObject(bucket: destinationBucket, key: key) != nil
    }
}
