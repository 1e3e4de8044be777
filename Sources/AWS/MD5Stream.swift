internal import CCrypto

/// An MD5 computed over data that arrives in pieces (an S3 Inventory file as it is
/// downloaded), to check it against the manifest's `MD5checksum`. Not for security.
///
/// Not thread-safe: one owner feeds it. The `EVP_MD_CTX` is created in `init` and freed exactly
/// once, in `deinit`.
public final class MD5Stream {
    private let context: OpaquePointer

    public init() {
        guard let context = EVP_MD_CTX_new(), EVP_DigestInit_ex(context, EVP_md5(), nil) == 1 else {
            fatalError("OpenSSL has no MD5 implementation")
        }
        self.context = context
    }

    deinit { EVP_MD_CTX_free(context) }

    public func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { _ = EVP_DigestUpdate(context, $0.baseAddress, $0.count) }
    }

    /// The digest, as lower-case hex. Call once, at the end.
    public func finish() -> String {
        var digest = [UInt8](repeating: 0, count: 16)
        var length: UInt32 = 0
        _ = EVP_DigestFinal_ex(context, &digest, &length)
        return Digest.hex(Array(digest.prefix(Int(length))))
    }
}
