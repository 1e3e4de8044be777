import MoverCore
import Testing

@Suite(.timeLimit(.minutes(2))) struct ShardTests {
    /// Every key is in exactly one slice, and the slices are about even.
    @Test func slicesAreDisjointCoveringAndEven() throws {
        let shards = try (0..<4).map { try #require(Shard(index: $0, count: 4)) }
        let keys = (1...4000).map { "image/avatar-\($0).png" }
        var sizes = [0, 0, 0, 0]
        for key in keys {
            let owners = shards.filter { $0.owns(key) }
            #expect(owners.count == 1, "\(key)")
            sizes[owners[0].index] += 1
        }
        #expect(sizes.allSatisfy { (800...1200).contains($0) }, "\(sizes)")
    }

    /// The hash is of the bytes: canonically equivalent keys may land in different slices, and
    /// the same key always lands in the same one.
    @Test func theSliceOfAKeyIsStable() throws {
        let shard = try #require(Shard(parsing: "2/7"))
        #expect(shard.index == 2 && shard.count == 7)
        #expect(shard.owns("image/a.png") == Shard(index: 2, count: 7)!.owns("image/a.png"))
    }

    @Test(arguments: ["", "1", "4/4", "-1/4", "0/0", "a/b", "1/2/3", "0/10001"])
    func badSlicesAreRefused(text: String) {
        #expect(Shard(parsing: text) == nil)
    }
}
