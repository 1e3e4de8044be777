public import Logging

/// Whether the destination server takes conditional writes (`If-None-Match: *`, `If-Match`) on
/// `CopyObject`. Amazon S3 does; some S3-compatible servers answer 501 NotImplemented. After the
/// first refusal a run writes unguarded, with one warning: the decision then rests on the
/// inspection alone, and a write landing between the inspection and the copy is not caught.
public final class WriteGuards: Sendable {
    private let refusal = FirstTime()
    private let logger: Logger?

    public init(logger: Logger?) { self.logger = logger }

    /// Whether the server refused a guarded write.
    public var refused: Bool { refusal.claimed }

    /// Records the refusal; warns the first time.
    func refuse(_ error: any Error) {
        guard refusal.claim() else { return }
        logger?.warning("the destination server refuses conditional copies (If-None-Match, If-Match); copying unguarded for the rest of this run", metadata: [
            "error": "\(error)",
        ])
    }
}
