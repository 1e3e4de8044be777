public import MoverCore
public import Postgres

/// `--dry-run`: says what would be copied and how many rows would be repointed, changing nothing.
/// Row counts come from one read-only query per batch of objects.
public final class DryRunPlanner: Sendable {
    private let counter: RowCounter
    private let format: PathFormat
    private let mapper: KeyMapper
    private let sourceBucket: String
    private let destinationBucket: String
    private let output: @Sendable (String) -> Void

    public init(database: PostgresClient, targets: PathTargets, mapper: KeyMapper, sourceBucket: String, destinationBucket: String,
                output: @escaping @Sendable (String) -> Void) {
        self.mapper = mapper
        self.sourceBucket = sourceBucket
        self.destinationBucket = destinationBucket
        self.output = output
        counter = RowCounter(database: database, targets: targets)
        format = targets.sourceFormat
    }

    public func process(_ object: SourceObject) async throws -> MigrationOutcome {
        if mapper.isDestinationKey(object.key) { return .skipped(.destinationKey) }
        guard let destination = mapper.destinationKey(for: object.key) else { return .skipped(.notSourceKey) }
        let rows = try await counter.rows(at: format.value(for: object.key))
        output("would copy s3://\(sourceBucket)/\(object.key) → s3://\(destinationBucket)/\(destination) and repoint \(rows) row(s)")
        return .planned(rows: rows)
    }
}
