import AWS
public import MoverCore

/// `finalize --delete-source`: the safe finish. A source object is deleted only when its copy
/// is proven identical **by its content** (``CopyProof``: an MD5 ETag or a full-object checksum
/// on both sides, or both objects read and hashed) and no row references the source path any
/// more; every other object is kept, with the reason (`copy-missing`, `copy-differs`,
/// `unproven`, `still-referenced`). Sizes that agree prove nothing. Without `--yes` nothing is
/// deleted: each object is reported as it would be.
///
/// Driven by a ``Backfill`` over the source listing.
public struct FinalizeProcess: Sendable {
    /// Both buckets, and the retry policy every read and the delete go through.
    public let buckets: BucketPair
    public let mapper: KeyMapper
    /// How the source side stores a key (a row referencing the source holds this value).
    public let format: PathFormat
    public let rows: RowCounter
    /// `--yes`: really delete.
    public let delete: Bool
    /// `--keep-unproven`: keep a source whose copy nothing but the size compares with, instead
    /// of reading both objects to prove it.
    public let keepUnproven: Bool
    public let output: @Sendable (String) -> Void

    public func process(_ object: SourceObject) async throws -> MigrationOutcome {
        if mapper.isDestinationKey(object.key) { return .skipped(.destinationKey) }
        guard let destinationKey = mapper.destinationKey(for: object.key) else { return .skipped(.notSourceKey) }
        let source = "s3://\(buckets.source)/\(object.key)"
        do {
            let referencing = try await rows.rows(at: format.value(for: object.key))
            guard referencing == 0 else {
                output("kept \(source): \(referencing) row(s) still reference it")
                return .skipped(.rowAtSource)
            }
            let heads = try await buckets.heads(sourceKey: object.key, destinationKey: destinationKey)
            guard let sourceHead = heads.source else { return .skipped(.superseded) }  // gone meanwhile
            guard let copyHead = heads.destination else {
                output("kept \(source): no copy at s3://\(buckets.destination)/\(destinationKey)")
                return .skipped(.noCopy)
            }
            var proof = CopyProof.compare(source: S3ObjectCopier.fingerprint(sourceHead), copy: S3ObjectCopier.fingerprint(copyHead))
            if case .unproven(let reason) = proof {
                if keepUnproven {
                    output("kept \(source): unproven (\(reason)); --keep-unproven")
                    return .skipped(.unproven)
                }
                proof = try await buckets.compareContent(sourceKey: object.key, sourceSize: sourceHead.contentLength,
                                                         destinationKey: destinationKey, destinationSize: copyHead.contentLength)
            }
            let evidence: String
            switch proof {
            case .identical(let by): evidence = by
            case .unproven(let reason):
                output("kept \(source): unproven (\(reason))")
                return .skipped(.unproven)
            case .different(let reason):
                output("kept \(source): its copy differs (\(reason))")
                return .skipped(.copyDiffers)
            }
            guard delete else {
                output("would delete \(source) (copy proven identical by \(evidence), no row references it)")
                return .wouldDelete
            }
            // Only the version that was compared: a newer upload since is not ours to delete.
            let condition = sourceHead.eTag.flatMap(ETag.init)?.quoted
            do {
                try await buckets.retry.run { [buckets] in
                    try await buckets.s3.deleteObject(bucket: buckets.source, key: object.key, ifMatch: condition)
                }
            } catch {
                throw MigrationError.wrapping(error, step: .delete, key: object.key)
            }
            output("deleted \(source) (copy proven identical by \(evidence))")
            return .deleted
        } catch {
            throw MigrationError.wrapping(error, step: .check, key: object.key)
        }
    }
}
