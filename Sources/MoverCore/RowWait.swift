/// How long the handler waits for a row that does not exist yet.
///
/// The usual application flow is "upload the image, then save the row", and the event reaches
/// the worker before the application's transaction commits. With a row wait, an object that is
/// copied but referenced by no row is not given up at once: its repoint is tried again, with
/// backoff, until a row appears or ``window`` passes. Graceful shutdown (or cancellation) ends
/// the wait early and leaves the object for redelivery.
public struct RowWait: Sendable {
    /// The longest wait for a row, from the first miss.
    public var window: Duration
    /// The pauses between rechecks; short, so a row is repointed within a second or two of its commit.
    public var backoff: Backoff
    /// Told once, when the wait begins: the object holds no resource worth keeping meanwhile
    /// (the worker frees the message's processing permit).
    public var began: @Sendable () -> Void
    /// The clock the window and the pauses are measured on.
    public var clock: any Clock<Duration>

    /// The default window: long enough for an application's transaction after its upload.
    public static let defaultWindow: Duration = .seconds(300)

    public init(window: Duration = RowWait.defaultWindow, backoff: Backoff = Backoff(initial: .milliseconds(200), cap: .seconds(1), jitter: 0.75...1),
                began: @escaping @Sendable () -> Void = {}, clock: any Clock<Duration> = ContinuousClock()) {
        self.clock = clock
        self.window = window
        self.backoff = backoff
        self.began = began
    }
}
