import MoverRuntime
import Testing

@Suite(.timeLimit(.minutes(2))) struct DotEnvTests {
    @Test func parsesCommentsExportsAndQuotes() {
        let values = DotEnv.parse("""
        # comment
        export DB_CONN_STRING="host=db password='x y'"
        S3_SOURCE_BUCKET_NAME=legacy # trailing comment
        EMPTY=
        SINGLE='a # not a comment'
        not a pair
        """)
        #expect(values["DB_CONN_STRING"] == "host=db password='x y'")
        #expect(values["S3_SOURCE_BUCKET_NAME"] == "legacy")
        #expect(values["EMPTY"] == "")
        #expect(values["SINGLE"] == "a # not a comment")
        #expect(values.count == 4)
    }

    @Test func realEnvironmentWins() {
        let merged = DotEnv.merged(environment: ["A": "real"], dotEnv: ["A": "file", "B": "file"])
        #expect(merged == ["A": "real", "B": "file"])
    }
}
