public import MoverCore

extension Runtime {
    /// `lister`, with a listing of the destination per page (``DestinationScan``): a backfill
    /// into an empty destination then inspects no destination object one by one.
    public func scanningDestination(_ lister: some SourceLister, mapper: KeyMapper) throws -> any SourceLister {
        let scan = DestinationScan(client: try s3(), bucket: try settings.bucket(.destinationBucket), mapper: mapper, retry: retry,
                                   logger: logger)
        if let splittable = lister as? any SplittableSourceLister {
            return Self.scanning(splittable, scan: scan)
        }
        return DestinationScanningLister(lister, scan: scan)
    }

    private static func scanning(_ lister: some SplittableSourceLister, scan: DestinationScan) -> any SourceLister {
        DestinationScanningLister(lister, scan: scan)
    }
}
