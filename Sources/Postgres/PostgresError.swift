/// A PostgreSQL failure, carrying the SQLSTATE when the server sent one.
///
/// The description never contains the connection string's password.
public struct PostgresError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of failure this is.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        fileprivate let name: String
        /// No connection could be established (server down, bad host, bad password).
        public static let connectionFailed = Code(name: "connection failed")
        /// The server refused the credentials, or TLS failed (a certificate, say): retrying will not help.
        public static let authenticationFailed = Code(name: "authentication failed")
        /// The connection broke during a statement; whether it committed is unknown.
        public static let connectionLost = Code(name: "connection lost")
        /// The server rejected the statement; see ``PostgresError/sqlState``.
        public static let statementFailed = Code(name: "statement failed")
        /// The client was shut down.
        public static let clientShutDown = Code(name: "client shut down")
        public var description: String { name }
    }

    public var code: Code
    /// The five-character SQLSTATE (`23505`, `57P01`, ...), when the server sent one.
    public var sqlState: String?
    /// The server's or libpq's message.
    public var message: String

    public init(code: Code, sqlState: String? = nil, message: String) {
        self.code = code
        self.sqlState = sqlState
        self.message = message
    }

    /// Failures that a later attempt may not repeat, by allow-list: the connection (libpq could not
    /// connect, or lost it), SQLSTATE class 08 (connection exception), class 40 (serialization
    /// failure, deadlock) and 57P01–57P03 (admin or crash shutdown, cannot connect now).
    /// Every other SQLSTATE is permanent.
    public var isTransient: Bool {
        if code == .connectionLost { return true }
        guard let sqlState else { return code == .connectionFailed }
        return sqlState.hasPrefix("08") || sqlState.hasPrefix("40") || ["57P01", "57P02", "57P03"].contains(sqlState)
    }

    /// The row's own fault, not the statement's or the server's: data exceptions (class 22, a
    /// value too long for its column, say) and integrity violations (class 23).
    public var isDataError: Bool {
        guard code == .statementFailed, let sqlState else { return false }
        return sqlState.hasPrefix("22") || sqlState.hasPrefix("23")
    }

    /// A statement not started because its caller had been cancelled (SQLSTATE 57014, as if the
    /// server had cancelled it).
    static var cancelledBeforeStart: PostgresError {
        PostgresError(code: .statementFailed, sqlState: "57014", message: "canceling statement due to user request (before it started)")
    }

    public var description: String {
        "PostgreSQL \(code)\(sqlState.map { " (SQLSTATE \($0))" } ?? ""): \(message)"
    }
}
