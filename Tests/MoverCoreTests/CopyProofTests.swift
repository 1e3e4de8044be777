import MoverCore
import Testing

@Suite(.timeLimit(.minutes(2))) struct CopyProofTests {
    static let md5 = ETag("9b2cf535f27731c974343645a3985328")!
    static let other = ETag("0123456789abcdef0123456789abcdef")!
    static let multipart = ETag("9b2cf535f27731c974343645a3985328-3")!

    @Test func theSameContentETagProvesIt() {
        #expect(CopyProof.compare(source: .init(size: 5, eTag: Self.md5), copy: .init(size: 5, eTag: Self.md5)) == .identical(by: "ETag"))
    }

    @Test func aDifferentSizeIsNeverIdentical() {
        guard case .different(let reason) = CopyProof.compare(source: .init(size: 5, eTag: Self.md5), copy: .init(size: 4, eTag: Self.md5))
        else { Issue.record("identical"); return }
        #expect(reason.contains("size 4"))
    }

    @Test func aDifferentContentETagIsNotIdentical() {
        #expect(CopyProof.compare(source: .init(size: 5, eTag: Self.md5), copy: .init(size: 5, eTag: Self.other))
                != .identical(by: "ETag"))
    }

    /// Multipart and SSE-KMS ETags are not MD5s of the content: they are not compared, and sizes
    /// that agree prove nothing: unproven, never identical.
    @Test func opaqueETagsWithoutChecksumsAreUnproven() {
        guard case .unproven = CopyProof.compare(source: .init(size: 5, eTag: Self.md5), copy: .init(size: 5, eTag: Self.multipart)) else {
            Issue.record("a multipart copy without a checksum was not unproven"); return
        }
        guard case .unproven = CopyProof.compare(source: .init(size: 5, eTag: Self.md5), copy: .init(size: 5, eTag: Self.other, eTagIsOpaque: true))
        else { Issue.record("an SSE-KMS copy without a checksum was not unproven"); return }
        #expect(CopyProof.compare(source: .init(size: 5, eTag: Self.md5, checksums: ["CRC32C": "abc="]),
                                  copy: .init(size: 5, eTag: Self.multipart, checksums: ["CRC32C": "abc="])) == .identical(by: "checksum CRC32C"))
        #expect(CopyProof.compare(source: .init(size: 5, eTag: Self.md5), copy: .init(size: 5, eTag: Self.multipart)).evidence == "size")
    }

    /// Both objects read: their SHA-256 decides.
    @Test func readBytesProveOrDisprove() {
        let a = ContentDigests(size: 5, sha256: "aa"), b = ContentDigests(size: 5, sha256: "bb")
        #expect(CopyProof.compare(source: a, copy: a) == .identical(by: "content SHA-256"))
        guard case .different(let reason) = CopyProof.compare(source: a, copy: b) else { Issue.record("identical"); return }
        #expect(reason.contains("SHA-256"))
    }

    @Test func aDifferentChecksumIsNotIdentical() {
        guard case .different(let reason) = CopyProof.compare(
            source: .init(size: 5, eTag: Self.md5, checksums: ["SHA256": "a=", "CRC32": "x="]),
            copy: .init(size: 5, eTag: Self.multipart, checksums: ["SHA256": "b="]))
        else { Issue.record("identical"); return }
        #expect(reason.contains("SHA256"))
    }

    @Test func nothingToCompareIsNotAProof() {
        #expect(CopyProof.compare(source: .init(size: nil, eTag: nil), copy: .init(size: 5, eTag: Self.md5))
                == .different("S3 reported nothing to compare"))
    }
}

@Suite(.timeLimit(.minutes(2))) struct StorageClassTests {
    @Test(arguments: ["STANDARD", "STANDARD_IA", "GLACIER_IR", "INTELLIGENT_TIERING", "DEEP_ARCHIVE"])
    func knownClassesParse(name: String) {
        #expect(StorageClass(name)?.name == name)
    }

    @Test(arguments: ["", "standard", "GLACIER IR", "STANDARD\r\nx-amz-acl: public-read", String(repeating: "A", count: 65)])
    func anythingElseIsRefused(text: String) {
        #expect(StorageClass(text) == nil)
    }
}
