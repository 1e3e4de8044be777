/// Bounds on every statement of a session, so a lock or a dead peer never wedges a caller.
///
/// A statement waiting on a lock blocks its connection until the lock is released, whatever the
/// caller does; `lock_timeout` and `statement_timeout` turn that wait into an error (SQLSTATE
/// 55P03 or 57014), and TCP keepalives notice a peer that vanished without closing.
public struct SessionLimits: Sendable, Hashable {
    /// Longest wait for a lock (`lock_timeout`).
    public var lockTimeout: Duration
    /// Longest run of one statement (`statement_timeout`).
    public var statementTimeout: Duration
    /// Idle time before the first keepalive probe, and the time between probes (3 are sent).
    public var keepaliveIdle: Duration

    /// 10 s for a lock, 120 s for a statement (a batch of 1,000 updates on an unindexed table
    /// scans it once), keepalives after 30 s idle.
    public init(lockTimeout: Duration = .seconds(10), statementTimeout: Duration = .seconds(120), keepaliveIdle: Duration = .seconds(30)) {
        self.lockTimeout = lockTimeout
        self.statementTimeout = statementTimeout
        self.keepaliveIdle = keepaliveIdle
    }

    /// Connection keywords and values, before the user's conninfo (which wins where it sets the same).
    var connectionParameters: [(keyword: String, value: String)] {
        let idle = max(1, Self.milliseconds(keepaliveIdle) / 1000)
        return [
            ("keepalives", "1"), ("keepalives_idle", String(idle)), ("keepalives_interval", String(max(1, idle / 3))),
            ("keepalives_count", "3"),
            // Whole milliseconds we computed: no user text is pasted into this option string.
            ("options", "-c lock_timeout=\(Self.milliseconds(lockTimeout)) -c statement_timeout=\(Self.milliseconds(statementTimeout))"),
        ]
    }

    private static func milliseconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        return max(0, Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000))
    }
}
