import Gzip
import Testing

@Suite(.timeLimit(.minutes(2))) struct GzipInflaterTests {
    /// `printf 'hello\\n' | gzip -n` and `printf 'world\\n' | gzip -n`, concatenated.
    static let hello: [UInt8] = [
        0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0xcb, 0x48, 0xcd, 0xc9, 0xc9, 0xe7, 0x02, 0x00,
        0x20, 0x30, 0x3a, 0x36, 0x06, 0x00, 0x00, 0x00,
    ]
    static let world: [UInt8] = [
        0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x2b, 0xcf, 0x2f, 0xca, 0x49, 0xe1, 0x02, 0x00,
        0xa8, 0x61, 0x38, 0xdd, 0x06, 0x00, 0x00, 0x00,
    ]

    @Test func inflatesInPiecesOfAnySize() throws {
        for size in [1, 3, 7, 100] {
            let inflater = try GzipInflater()
            var output: [UInt8] = []
            let input = Self.hello + Self.world
            for start in stride(from: 0, to: input.count, by: size) {
                output += try inflater.feed(Array(input[start..<min(start + size, input.count)]))
            }
            #expect(String(decoding: output, as: UTF8.self) == "hello\nworld\n", "pieces of \(size)")
            #expect(inflater.isComplete)
        }
    }

    @Test func aTruncatedStreamIsNotComplete() throws {
        let inflater = try GzipInflater()
        _ = try inflater.feed(Array(Self.hello.prefix(15)))
        #expect(!inflater.isComplete)
    }

    @Test func whatIsNotGzipIsRefused() throws {
        let inflater = try GzipInflater()
        #expect(throws: GzipError.self) { try inflater.feed(Array("bucket,key\n".utf8)) }
    }
}
