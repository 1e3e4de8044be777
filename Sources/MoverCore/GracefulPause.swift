import ServiceLifecycle

/// A pause that ends early on graceful shutdown or cancellation: the waits between receives
/// and between a copied object's row checks, which must never hold up a shutdown.
public enum GracefulPause {
    /// Sleeps for `duration` on `clock`, returning early on graceful shutdown or cancellation.
    public static func sleep(for duration: Duration, on clock: any Clock<Duration> = ContinuousClock()) async {
        _ = try? await cancelWhenGracefulShutdown { try await clock.sleep(for: duration) }
    }
}
