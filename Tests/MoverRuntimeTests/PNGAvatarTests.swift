import MoverRuntime
import Testing

@Suite(.timeLimit(.minutes(2))) struct PNGAvatarTests {
    @Test func isAPNGWithValidChunkCRCs() {
        let png = PNGAvatar.image(seed: 12)
        #expect(Array(png.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        var offset = 8
        var types: [String] = []
        while offset < png.count {
            let length = png[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) }
            let typeAndData = Array(png[offset + 4..<offset + 8 + length])
            let stored = png[offset + 8 + length..<offset + 12 + length].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            #expect(PNGAvatar.crc32(typeAndData) == stored)
            types.append(String(decoding: typeAndData.prefix(4), as: UTF8.self))
            offset += 12 + length
        }
        #expect(types == ["IHDR", "IDAT", "tEXt", "IEND"])
    }

    @Test func seedsDiffer() {
        #expect(PNGAvatar.image(seed: 1) != PNGAvatar.image(seed: 2))
    }
}
