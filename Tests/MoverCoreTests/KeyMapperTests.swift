import MoverCore
import Testing

@Suite(.timeLimit(.minutes(2))) struct KeyMapperTests {
    let mapper = KeyMapper()

    @Test(arguments: [
        ("image/avatar-12.png", "avatar/avatar-12.png"),
        ("image/a/b.png", "avatar/a/b.png"),
        ("image/sp ace+plus%/ü.png", "avatar/sp ace+plus%/ü.png"),
        // Opaque bytes: dot segments, empty segments and a leading combining mark are all keys of their own.
        ("image/x/../y.png", "avatar/x/../y.png"),
        ("image/./z.png", "avatar/./z.png"),
        ("image/a//b.png", "avatar/a//b.png"),
        ("image//a.png", "avatar//a.png"),
        ("image/\u{301}x.png", "avatar/\u{301}x.png"),
        ("image/x.png\u{301}.png", "avatar/x.png\u{301}.png"),
    ])
    func mapsKeysUnderThePrefix(source: String, destination: String) {
        #expect(mapper.destinationKey(for: source) == destination)
        #expect(mapper.sourceKey(for: destination) == source)
    }

    @Test(arguments: ["images/a.png", "image/a.jpg", "image/", "image.png", "avatar/a.png", "x/image/a.png", "image/a.PNG",
                       // The suffix is bytes too: a combining mark after it makes a different ending.
                       "image/a.png\u{301}", "image\u{301}/a.png"])
    func skipsEverythingElse(key: String) {
        #expect(mapper.destinationKey(for: key) == nil)
    }

    @Test func prefixesIgnoreSlashes() {
        let custom = KeyMapper(sourcePrefix: "/legacy/img/", destinationPrefix: "new/", suffix: "")
        #expect(custom.destinationKey(for: "legacy/img/x.gif") == "new/x.gif")
        #expect(custom.sourceListPrefix == "legacy/img/")
    }

    @Test func canonicallyEquivalentKeysStayDistinct() {
        let composed = "image/\u{e9}.png", decomposed = "image/e\u{301}.png"
        #expect(composed == decomposed)  // Swift's String equality, which S3 does not share
        let mapped = [composed, decomposed].compactMap { mapper.destinationKey(for: $0) }
        #expect(mapped.count == 2)
        #expect(!mapped[0].utf8.elementsEqual(mapped[1].utf8))
        #expect(mapper.sourceKey(for: mapped[1]).map { Array($0.utf8) } == Array(decomposed.utf8))
    }

    @Test(arguments: [
        ("image", "image", true), ("image", "image/new", true), ("img/avatars", "img", true),
        ("image", "images", false), ("image", "image\u{301}", false), ("image", "avatar", false),
    ])
    func overlapIsByteWise(source: String, destination: String, overlaps: Bool) {
        #expect(KeyMapper(sourcePrefix: source, destinationPrefix: destination).prefixesOverlap == overlaps)
    }

    @Test func recognisesDestinationKeys() {
        #expect(mapper.isDestinationKey("avatar/a.png"))
        #expect(!mapper.isDestinationKey("image/a.png"))
    }
}
