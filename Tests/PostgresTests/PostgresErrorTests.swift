import Postgres
import Testing

/// Only known-transient failures are retried or held as an outage.
@Suite(.timeLimit(.minutes(2))) struct PostgresErrorTests {
    @Test(arguments: ["08006", "08001", "40001", "40P01", "57P01", "57P02", "57P03"])
    func transientStates(sqlState: String) {
        #expect(PostgresError(code: .statementFailed, sqlState: sqlState, message: "").isTransient)
    }

    @Test(arguments: ["22001", "23505", "42P01", "42501", "28P01", "55P03", "57014", "57P04", "53300", "XX000"])
    func everythingElseIsPermanent(sqlState: String) {
        #expect(!PostgresError(code: .statementFailed, sqlState: sqlState, message: "").isTransient)
    }

    @Test func connectionsAreTransientAndDataErrorsAreTheRows() {
        #expect(PostgresError(code: .connectionFailed, message: "could not connect").isTransient)
        #expect(PostgresError(code: .connectionLost, message: "server closed the connection").isTransient)
        #expect(!PostgresError(code: .statementFailed, message: "no state").isTransient)
        #expect(!PostgresError(code: .authenticationFailed, message: "password authentication failed").isTransient)
        #expect(PostgresError(code: .statementFailed, sqlState: "22001", message: "").isDataError)
        #expect(PostgresError(code: .statementFailed, sqlState: "23502", message: "").isDataError)
        #expect(!PostgresError(code: .statementFailed, sqlState: "40001", message: "").isDataError)
    }
}
