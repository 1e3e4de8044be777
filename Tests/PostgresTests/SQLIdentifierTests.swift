import Postgres
import Testing

@Suite(.timeLimit(.minutes(2))) struct SQLIdentifierTests {
    @Test(arguments: [("avatars", "\"avatars\""), ("public.avatars", "\"public\".\"avatars\""), ("Avatars_2", "\"avatars_2\"")])
    func validIdentifiersAreQuoted(raw: String, quoted: String) {
        #expect(SQLIdentifier(raw)?.quoted == quoted)
    }

    @Test(arguments: ["", "1abc", "a-b", "a;drop table x", "a\"b", "a.b.c", "a b", String(repeating: "a", count: 64), "é"])
    func injectionShapesAreRejected(raw: String) {
        #expect(SQLIdentifier(raw) == nil)
    }

    @Test func columnsTakeNoSchema() {
        #expect(SQLIdentifier("a.b", allowSchema: false) == nil)
    }
}
