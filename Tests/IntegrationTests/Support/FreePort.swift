import Glibc

/// A TCP port on 127.0.0.1 that nothing is using now, chosen by the kernel (bind to port 0).
///
/// A random pick from a fixed range could land on a port in use, including the local end of an
/// outgoing connection, since such ranges overlap the ephemeral ports (32768–60999).
func freeLoopbackPort() -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    precondition(fd >= 0, "socket() failed")
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = 0
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { generic in
            bind(fd, generic, length) == 0 && getsockname(fd, generic, &length) == 0
        }
    }
    precondition(bound, "could not bind a loopback port")
    return Int(UInt16(bigEndian: address.sin_port))
}
