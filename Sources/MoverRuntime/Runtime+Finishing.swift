import AWS
import MoverCore

extension Runtime {
    /// `rollback`'s per-row work, after checking the source bucket and the table.
    public func rollbackProcess(dryRun: Bool, output: @escaping @Sendable (String) -> Void) async throws -> RollbackProcess {
        let s3 = try s3()
        let sourceBucket = try settings.bucket(.sourceBucket)
        let mapper = try settings.keyMapper()
        // Fail fast, before touching anything: wrong credentials, a missing bucket or table.
        _ = try await s3.listObjectsPage(bucket: sourceBucket, prefix: mapper.sourceListPrefix, maxKeys: 1)
        try await checkDatabase()
        let targets = try pathTargets()
        return RollbackProcess(buckets: BucketPair(s3: s3, source: sourceBucket, destination: try settings.bucket(.destinationBucket), retry: retry),
                               mapper: mapper, format: targets.destinationFormat,
                               repointer: Self.repointer(try database(), targets, back: true),
                               counter: dryRun ? RowCounter(database: try database(), targets: targets) : nil, output: output)
    }

    /// `finalize --delete-source`'s per-object work, after checking both buckets and the table.
    public func finalizeProcess(delete: Bool, keepUnproven: Bool = false, output: @escaping @Sendable (String) -> Void) async throws -> FinalizeProcess {
        let s3 = try s3()
        let sourceBucket = try settings.bucket(.sourceBucket)
        let destinationBucket = try settings.bucket(.destinationBucket)
        let mapper = try settings.keyMapper()
        _ = try await s3.listObjectsPage(bucket: sourceBucket, prefix: mapper.sourceListPrefix, maxKeys: 1)
        _ = try await s3.listObjectsPage(bucket: destinationBucket, prefix: mapper.destinationListPrefix, maxKeys: 1)
        try await checkDatabase()
        return FinalizeProcess(buckets: BucketPair(s3: s3, source: sourceBucket, destination: destinationBucket, retry: retry), mapper: mapper,
                               format: try pathTargets().sourceFormat,
                               rows: RowCounter(database: try database(), targets: try pathTargets()), delete: delete,
                               keepUnproven: keepUnproven, output: output)
    }
}

extension Runtime {
    /// `backfill --manifest URL`'s source: an S3 Inventory `manifest.json`, or a plain CSV of
    /// `bucket,key[,versionId]`, at `s3://bucket/key`.
    public func manifestLister(_ url: String) async throws -> ManifestSourceLister {
        guard let (bucket, key) = InventoryManifest.location(url) else {
            throw SettingsError(variable: "--manifest", flag: nil, problem: "'\(url)' is not s3://bucket/key")
        }
        let s3 = try s3()
        let manifest: InventoryManifest
        if key.hasSuffix(".json") {
            let body = try await retry.run { try await s3.getObject(bucket: bucket, key: key) }
            manifest = try InventoryManifest.parse(body, inventoryBucket: bucket)
        } else {
            manifest = InventoryManifest.plainCSV(bucket: bucket, key: key)
        }
        return ManifestSourceLister(client: s3, manifest: manifest, sourceBucket: try settings.bucket(.sourceBucket))
    }
}
