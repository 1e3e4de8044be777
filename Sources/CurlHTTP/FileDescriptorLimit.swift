#if canImport(Glibc)
import Glibc
#endif

/// The process's limit on open file descriptors (`RLIMIT_NOFILE`), and whether it is reached.
public enum FileDescriptorLimit {
    /// The soft and hard limits now in effect; nil where `getrlimit` fails.
    public static var current: (soft: UInt64, hard: UInt64)? {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return nil }
        return (UInt64(limit.rlim_cur), UInt64(limit.rlim_max))
    }

    /// Raises the soft limit to the hard limit, as the Go runtime and nginx do: the default soft
    /// limit (1024 in many containers) is far below what a busy copy engine and a metrics port
    /// under attack need. Returns the limits in effect afterwards.
    @discardableResult
    public static func raiseSoftToHard() -> (soft: UInt64, hard: UInt64)? {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return nil }
        if limit.rlim_cur < limit.rlim_max {
            var raised = limit
            raised.rlim_cur = limit.rlim_max
            _ = setrlimit(Int32(RLIMIT_NOFILE.rawValue), &raised)
        }
        return current
    }

    /// Whether the process cannot open one more descriptor now (EMFILE or ENFILE): probed by
    /// duplicating standard error, which is closed again at once.
    static var isExhausted: Bool {
        let probe = dup(2)
        if probe >= 0 {
            close(probe)
            return false
        }
        return errno == EMFILE || errno == ENFILE
    }
}
