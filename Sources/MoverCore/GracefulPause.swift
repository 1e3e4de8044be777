import ServiceLifecycle

/// A pause that ends early on graceful shutdown or cancellation: the waits between receives
/// and between a copied object's row checks, which must never hold up a shutdown.
public enum GracefulPause {
    /// Sleeps for `duration`, returning early on graceful shutdown or cancellation.
    public static func sleep(for duration: Duration) async {
        _ = try? await cancelWhenGracefulShutdown { try await Task.sleep(for: duration) }
    }
}
