import Postgres
import Testing

@Suite(.timeLimit(.minutes(2))) struct ConnectionStringTests {
    @Test(arguments: [
        ("postgresql://user:s3cret@db.example.com:5432/app", "postgresql://user:***@db.example.com:5432/app"),
        ("postgres://user:p%40ss@host/db?sslmode=require&password=other", "postgres://user:***@host/db?sslmode=require&password=***"),
        ("postgresql://user@host/db", "postgresql://user@host/db"),
        ("host=db user=app password=s3cret dbname=x", "host=db user=app password=*** dbname=x"),
        ("host=db password = 'sp ace\\' s3cret' dbname=x", "host=db password=*** dbname=x"),
        ("host=db PASSWORD=s3cret", "host=db PASSWORD=***"),
    ])
    func passwordsAreRedacted(input: String, expected: String) {
        #expect(ConnectionString.redacted(input) == expected)
    }

    /// libpq quotes the offending token as written; its messages are scrubbed of every password.
    @Test(arguments: [
        ("postgresql://u:Sup3r%zzS3cret@host/db", #"invalid percent-encoded token: "Sup3r%zzS3cret""#, "Sup3r%zzS3cret"),
        ("postgresql://u:p%40ssw0rd@host/db", "password authentication failed for p@ssw0rd", "p@ssw0rd"),
        ("postgresql://u@host/db?password=T0ken%2Fx", "bad token T0ken%2Fx or T0ken/x", "T0ken"),
        ("host=h password='sp ace\\' s3cret' dbname=x", "something about sp ace' s3cret", "s3cret"),
        ("host=h password=plainS3cret", #"token "plainS3cret""#, "plainS3cret"),
    ])
    func libpqMessagesAreScrubbed(conninfo: String, message: String, secret: String) {
        let scrubbed = ConnectionString.scrubbed(message, conninfo: conninfo)
        #expect(!scrubbed.contains(secret), "\(scrubbed)")
        #expect(scrubbed.contains("***"))
    }
}
