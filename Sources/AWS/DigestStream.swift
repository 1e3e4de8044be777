internal import CCrypto

/// A digest computed over data that arrives in pieces: an S3 Inventory file's MD5 as it is
/// downloaded (to check it against the manifest's `MD5checksum`; not for security), or an
/// object's SHA-256 as it is read (to prove a copy identical byte for byte).
///
/// Not thread-safe: one owner feeds it. The `EVP_MD_CTX` is created in `init` and freed exactly
/// once, in `deinit`.
public final class DigestStream {
    /// The algorithms offered.
    public enum Algorithm: Sendable {
        case md5, sha256
    }

    private let context: OpaquePointer

    public init(_ algorithm: Algorithm) {
        let md = switch algorithm {
        case .md5: EVP_md5()
        case .sha256: EVP_sha256()
        }
        guard let context = EVP_MD_CTX_new(), EVP_DigestInit_ex(context, md, nil) == 1 else {
            fatalError("OpenSSL has no \(algorithm) implementation")
        }
        self.context = context
    }

    deinit { EVP_MD_CTX_free(context) }

    public func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { _ = EVP_DigestUpdate(context, $0.baseAddress, $0.count) }
    }

    /// The digest, as lower-case hex. Call once, at the end.
    public func finish() -> String {
        var digest = [UInt8](repeating: 0, count: 64)
        var length: UInt32 = 0
        _ = EVP_DigestFinal_ex(context, &digest, &length)
        return Digest.hex(Array(digest.prefix(Int(length))))
    }
}
