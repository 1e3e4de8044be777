internal import CLibPQ
#if canImport(Glibc)
import Glibc
#endif

/// One libpq connection. Owns its `PGconn*` and finishes it exactly once in `deinit`.
///
/// Not thread-safe by design: only ``PostgresClient``'s dedicated thread creates and uses it.
final class PostgresConnection {
    private let handle: OpaquePointer

    /// Connects with `conninfo` (key/value or URI), passed to libpq unchanged. Blocks.
    init(conninfo: String, applicationName: String, limits: SessionLimits = SessionLimits()) throws {
        // Keyword arrays, so nothing is ever pasted into the conninfo. Our defaults come first:
        // later keywords win, so whatever the user's conninfo sets takes precedence.
        let defaults = [("application_name", applicationName), ("connect_timeout", "10")] + limits.connectionParameters
        let keywords = defaults.map(\.0) + ["dbname"]
        let values = defaults.map(\.1) + [conninfo]
        let connection: OpaquePointer? = withCStringArray(keywords) { keywordPointers in
            withCStringArray(values) { valuePointers in
                PQconnectdbParams(keywordPointers, valuePointers, 1)  // expand_dbname: dbname holds the conninfo
            }
        }
        guard let connection else {
            throw PostgresError(code: .connectionFailed, message: "out of memory creating the connection")
        }
        handle = connection
        guard PQstatus(handle) == CONNECTION_OK else {
            // Every stored property is set, so deinit runs on this throw and finishes the handle.
            let message = ConnectionString.scrubbed(Self.errorMessage(handle), conninfo: conninfo)
            throw PostgresError(code: Self.isRefusal(message) ? .authenticationFailed : .connectionFailed, message: message)
        }
        // Server NOTICEs would otherwise go to stderr.
        PQsetNoticeProcessor(handle, { _, _ in }, nil)
    }

    deinit {
        PQfinish(handle)
    }

    /// Sends this connection's cancel requests; made on first use.
    private lazy var canceller: PostgresCanceller? = PQgetCancel(handle).map(PostgresCanceller.init)

    /// Whether the current job's caller has gone; set for the length of each job.
    var isCancelled: (@Sendable () -> Bool)?

    /// Whether the connection is still usable.
    var isHealthy: Bool { PQstatus(handle) == CONNECTION_OK }

    /// Runs one parameterised statement (`$1`, `$2`, ...) in text format. Blocks, but no longer
    /// than it takes the server to act on a cancel request once ``isCancelled`` says so.
    func execute(_ sql: String, _ parameters: [String?]) throws -> PostgresRows {
        if isCancelled?() == true { throw PostgresError.cancelledBeforeStart }
        let sent = withOptionalCStringArray(parameters) { values in
            PQsendQueryParams(handle, sql, Int32(parameters.count), nil, values, nil, nil, 0)
        }
        guard sent == 1 else { throw failure() }
        // One statement gives one result; read to the end (NULL) so the connection is idle again.
        var first: OpaquePointer?
        defer { if let first { PQclear(first) } }
        while true {
            try awaitResult()
            guard let result = PQgetResult(handle) else { break }
            if first == nil { first = result } else { PQclear(result) }
        }
        guard let result = first else { throw failure() }
        switch PQresultStatus(result) {
        case PGRES_TUPLES_OK, PGRES_COMMAND_OK:
            return Self.rows(of: result)
        default:
            let sqlState = PQresultErrorField(result, Int32(UInt8(ascii: "C"))).map { String(cString: $0) }
            let message = PQresultErrorMessage(result).map { String(cString: $0) } ?? "unknown error"
            let code: PostgresError.Code = isHealthy ? .statementFailed : .connectionLost
            throw PostgresError(code: code, sqlState: sqlState, message: message.trimmingTrailingWhitespace())
        }
    }

    /// Waits until a result can be read without blocking. While the caller is gone, sends a
    /// cancel request, and again every second: one that reaches the server before the statement
    /// does is lost.
    private func awaitResult() throws {
        var lastCancel: ContinuousClock.Instant?
        while PQisBusy(handle) == 1 {
            if isCancelled?() == true, lastCancel.map({ ContinuousClock.now - $0 >= .seconds(1) }) ?? true {
                canceller?.cancel()
                lastCancel = .now
            }
            let socket = PQsocket(handle)
            guard socket >= 0 else { throw failure() }
            var descriptor = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
            let ready = poll(&descriptor, 1, 100)
            if ready < 0 && errno != EINTR { throw failure() }
            if ready > 0, PQconsumeInput(handle) == 0 { throw failure() }
        }
    }

    /// The connection's own error, when there is no result to read it from.
    private func failure() -> PostgresError {
        PostgresError(code: isHealthy ? .statementFailed : .connectionLost, message: Self.errorMessage(handle))
    }

    private static func rows(of result: OpaquePointer) -> PostgresRows {
        let columnCount = Int(PQnfields(result))
        let rowCount = Int(PQntuples(result))
        var output = PostgresRows()
        output.columns = (0..<columnCount).map { String(cString: PQfname(result, Int32($0))) }
        output.rows.reserveCapacity(rowCount)
        for row in 0..<rowCount {
            var values: [String?] = []
            values.reserveCapacity(columnCount)
            for column in 0..<columnCount {
                if PQgetisnull(result, Int32(row), Int32(column)) == 1 {
                    values.append(nil)
                } else {
                    values.append(String(cString: PQgetvalue(result, Int32(row), Int32(column))))
                }
            }
            output.rows.append(values)
        }
        output.affectedRows = Int(String(cString: PQcmdTuples(result))) ?? 0
        return output
    }

    /// Whether a failed connection was refused rather than unreachable. libpq reports no SQLSTATE
    /// for a failed connection, only the server's (or its own) message, so this reads the message:
    /// a refused password or pg_hba.conf entry (28P01, 28000), or a TLS or certificate failure.
    static func isRefusal(_ message: String) -> Bool {
        let text = message.lowercased()
        return ["authentication failed", "pg_hba.conf", "certificate", "ssl", "role \"", "does not exist"].contains { text.contains($0) }
            && !text.contains("connection refused") && !text.contains("timeout expired")
    }

    private static func errorMessage(_ handle: OpaquePointer) -> String {
        PQerrorMessage(handle).map { String(cString: $0).trimmingTrailingWhitespace() } ?? "unknown error"
    }
}

private func withCStringArray<R>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> R) -> R {
    withOptionalCStringArray(strings) { body($0) }
}

/// Calls `body` with a NULL-terminated array of C strings (nil entries stay NULL) that lives for the call.
private func withOptionalCStringArray<R>(_ strings: [String?], _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> R) -> R {
    let duplicated: [UnsafeMutablePointer<CChar>?] = strings.map { $0.flatMap { strdup($0) } }
    defer { duplicated.forEach { free($0) } }
    let pointers: [UnsafePointer<CChar>?] = duplicated.map { $0.map { UnsafePointer($0) } } + [nil]
    return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
}

extension String {
    func trimmingTrailingWhitespace() -> String {
        var copy = self
        while let last = copy.last, last.isWhitespace { copy.removeLast() }
        return copy
    }
}

