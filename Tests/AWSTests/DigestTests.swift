import Testing
@testable import AWS

@Suite(.timeLimit(.minutes(2))) struct DigestTests {
    @Test func sha256OfKnownInputs() {
        #expect(Digest.hex(Digest.sha256("")) == Digest.emptySHA256)
        #expect(Digest.hex(Digest.sha256("abc")) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(Digest.sha256(Array("abc".utf8)) == Digest.sha256("abc"))
        #expect(Digest.sha256(Array("abc".utf8)[...]) == Digest.sha256("abc"))  // a slice takes the same path
    }

    /// RFC 4231 test cases 1, 2, 6 and 7 (6 and 7 use a 131-byte key, longer than the block).
    @Test(arguments: [
        ([UInt8](repeating: 0x0b, count: 20), Array("Hi There".utf8),
         "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
        (Array("Jefe".utf8), Array("what do ya want for nothing?".utf8),
         "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
        ([UInt8](repeating: 0xaa, count: 131), Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8),
         "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"),
        ([UInt8](repeating: 0xaa, count: 131),
         Array("This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm.".utf8),
         "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"),
    ])
    func hmacSHA256MatchesRFC4231(key: [UInt8], message: [UInt8], expected: String) {
        #expect(Digest.hex(Digest.hmacSHA256(key: key, message: message)) == expected)
    }

    @Test func hmacWithABlockSizedKeyAndEmptyMessage() {
        // Computed with Python's hmac module: hmac.new(bytes(range(64)), b"", "sha256").hexdigest()
        let key = (0..<64).map { UInt8($0) }
        #expect(Digest.hex(Digest.hmacSHA256(key: key, message: []))
            == "3499f163f48604c0b15ac89e4e7c66f314fb3b203b8ac2f564828e62f6be9d9d")
    }

    @Test func hexOfEveryByteValue() {
        let hex = Digest.hex((0...255).map { UInt8($0) })
        #expect(hex.count == 512)
        #expect(hex.hasPrefix("000102") && hex.hasSuffix("fdfeff"))
        #expect(Digest.hex([]) == "")
    }
}
