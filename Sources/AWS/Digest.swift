internal import CCrypto

/// SHA-256 and HMAC-SHA256 through OpenSSL's EVP interface.
///
/// OpenSSL 3's one-shot `SHA256()` and `HMAC()` look the algorithm up by name on every call
/// (a locked provider lookup and several allocations); at thousands of signed requests a second
/// that cost more than the hashing itself. The SHA-256 implementation is fetched once, and HMAC
/// is built on it as RFC 2104 defines it.
public enum Digest {
    /// SHA-256 of `data`.
    public static func sha256(_ data: some Collection<UInt8>) -> [UInt8] {
        data.withContiguousStorageIfAvailable { SHA256Implementation.shared.digest(UnsafeRawBufferPointer($0)) }
            ?? Array(data).withUnsafeBytes { SHA256Implementation.shared.digest($0) }
    }

    /// SHA-256 of the UTF-8 bytes of `string`.
    public static func sha256(_ string: String) -> [UInt8] {
        var string = string
        return string.withUTF8 { SHA256Implementation.shared.digest(UnsafeRawBufferPointer($0)) }
    }

    /// HMAC-SHA256 of `message` under `key` (RFC 2104: H((K ⊕ opad) ‖ H((K ⊕ ipad) ‖ message))).
    public static func hmacSHA256(key: [UInt8], message: [UInt8]) -> [UInt8] {
        let blockSize = 64
        var block = key.count > blockSize ? sha256(key) : key
        block += [UInt8](repeating: 0, count: blockSize - block.count)
        var inner = [UInt8]()
        inner.reserveCapacity(blockSize + message.count)
        for byte in block { inner.append(byte ^ 0x36) }
        inner += message
        var outer = [UInt8]()
        outer.reserveCapacity(blockSize + 32)
        for byte in block { outer.append(byte ^ 0x5c) }
        outer += sha256(inner)
        return sha256(outer)
    }

    /// Lower-case hexadecimal.
    public static func hex(_ bytes: [UInt8]) -> String {
        String(unsafeUninitializedCapacity: bytes.count * 2) { out in
            let digits: StaticString = "0123456789abcdef"
            let table = UnsafeBufferPointer(start: digits.utf8Start, count: 16)
            for (index, byte) in bytes.enumerated() {
                out[2 * index] = table[Int(byte >> 4)]
                out[2 * index + 1] = table[Int(byte & 0x0f)]
            }
            return bytes.count * 2
        }
    }

    /// Hex SHA-256 of the empty string, the payload hash of every bodiless request.
    public static let emptySHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
}

/// Owns OpenSSL's SHA-256 implementation, fetched once for the life of the process.
///
/// `@unchecked Sendable`: an `EVP_MD` is immutable after the fetch and OpenSSL documents fetched
/// algorithms as safe to share between threads; each digest uses its own `EVP_MD_CTX`.
final class SHA256Implementation: @unchecked Sendable {
    static let shared = SHA256Implementation()

    private let algorithm: OpaquePointer

    private init() {
        guard let algorithm = EVP_MD_fetch(nil, "SHA256", nil) else {
            fatalError("OpenSSL has no SHA256 implementation (default provider not loaded)")
        }
        self.algorithm = algorithm
    }

    deinit { EVP_MD_free(algorithm) }

    func digest(_ bytes: UnsafeRawBufferPointer) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: 32) { output, count in
            var length: UInt32 = 0
            let ok = EVP_Digest(bytes.baseAddress, bytes.count, output.baseAddress, &length, algorithm, nil)
            precondition(ok == 1 && length == 32, "EVP_Digest(SHA256) failed")
            count = 32
        }
    }
}
