#if canImport(Glibc)
import Glibc
#endif

/// The one chokepoint for write(2): every file and stream this program writes (`--report`,
/// `--ledger`, stderr) goes through it.
enum SystemWrite {
    /// Writes every byte of `bytes` to `fd`, resuming after EINTR and short writes; returns the
    /// errno of a failure (EIO for a write that wrote nothing and said nothing), nil on success.
    static func all(_ fd: Int32, _ bytes: [UInt8]) -> Int32? {
        bytes.withUnsafeBytes { buffer -> Int32? in
            var offset = 0
            while offset < buffer.count {
                let written = Glibc.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if written > 0 {
                    offset += written
                } else if written < 0 && errno == EINTR {
                    continue
                } else {
                    return written < 0 ? errno : EIO
                }
            }
            return nil
        }
    }
}
