import MoverCore
import Testing

@Suite struct KeyMapperTests {
    let mapper = KeyMapper()

    @Test(arguments: [
        ("image/avatar-12.png", "avatar/avatar-12.png"),
        ("image/a/b.png", "avatar/a/b.png"),
        ("image/sp ace+plus%/ü.png", "avatar/sp ace+plus%/ü.png"),
    ])
    func mapsKeysUnderThePrefix(source: String, destination: String) {
        #expect(mapper.destinationKey(for: source) == destination)
        #expect(mapper.sourceKey(for: destination) == source)
    }

    @Test(arguments: ["images/a.png", "image/a.jpg", "image/", "image.png", "avatar/a.png", "x/image/a.png", "image//a.png", "image/a.PNG"])
    func skipsEverythingElse(key: String) {
        #expect(mapper.destinationKey(for: key) == nil)
    }

    @Test func prefixesIgnoreSlashes() {
        let custom = KeyMapper(sourcePrefix: "/legacy/img/", destinationPrefix: "new/", suffix: "")
        #expect(custom.destinationKey(for: "legacy/img/x.gif") == "new/x.gif")
        #expect(custom.sourceListPrefix == "legacy/img/")
    }

    @Test func recognisesDestinationKeys() {
        #expect(mapper.isDestinationKey("avatar/a.png"))
        #expect(!mapper.isDestinationKey("image/a.png"))
    }
}
