import Postgres
import Testing

@Suite struct ConnectionStringTests {
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
}
