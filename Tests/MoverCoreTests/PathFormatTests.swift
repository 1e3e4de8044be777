import MoverCore
import Testing

@Suite(.timeLimit(.minutes(2))) struct PathFormatTests {
    @Test(arguments: [
        ("{key}", "image/a.png", "image/a.png"),
        ("https://cdn.example.com/{key}", "image/a.png", "https://cdn.example.com/image/a.png"),
        ("s3://legacy/{key}", "image/sommer 2026/café + ✓%.png", "s3://legacy/image/sommer 2026/café + ✓%.png"),
        ("https://img.example.com/{key}?v=1", "avatar/a.png", "https://img.example.com/avatar/a.png?v=1"),
    ])
    func valuesRoundTrip(template: String, key: String, value: String) throws {
        let format = try #require(PathFormat(template: template))
        #expect(format.value(for: key) == value)
        #expect(format.key(from: value) == key)
    }

    @Test func valuesOfAnotherFormatAreNotKeys() throws {
        let format = try #require(PathFormat(template: "https://cdn.example.com/{key}"))
        #expect(format.key(from: "https://other.example.com/image/a.png") == nil)
        #expect(format.key(from: "image/a.png") == nil)
        let suffixed = try #require(PathFormat(template: "{key}?v=1"))
        #expect(suffixed.key(from: "image/a.png?v=2") == nil)
    }

    /// Canonically equivalent keys are different keys: bytes, not String equality.
    @Test func keysAreReadByteForByte() throws {
        let format = try #require(PathFormat(template: "https://cdn.example.com/{key}"))
        let composed = "image/caf\u{E9}.png", decomposed = "image/cafe\u{301}.png"
        #expect(Array(format.key(from: format.value(for: decomposed))!.utf8) == Array(decomposed.utf8))
        #expect(Array(format.key(from: format.value(for: composed))!.utf8) == Array(composed.utf8))
    }

    @Test(arguments: ["", "https://cdn.example.com/", "{key}{key}", "{Key}", "a\n{key}"])
    func badTemplatesAreRefused(template: String) {
        #expect(PathFormat(template: template) == nil)
    }
}
