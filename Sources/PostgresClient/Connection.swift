internal import CLibPQ

#if canImport(Glibc)
internal import Glibc
#elseif canImport(Darwin)
internal import Darwin
#endif

/// One libpq connection to a PostgreSQL server.
///
/// A connection is single-threaded, as libpq's `PGconn` is: it is not `Sendable`, and must not be
/// used from two threads at once. To share connections across tasks, use ``ConnectionPool``.
/// The connection closes when the object is released.
///
/// ```swift
/// let db = try Connection(conninfo: "postgres://localhost/esw")
/// let names = try db.query("SELECT name FROM person WHERE id_number = \(id)")
/// ```
///
/// Related PostgreSQL documentation: <https://www.postgresql.org/docs/current/libpq-connect.html>
public final class Connection {
    private let handle: OpaquePointer
    private var transactionDepth = 0
    private var savepointCounter = 0
    /// How many statements the server has answered on this connection (with rows or with an error).
    /// ``ConnectionPool`` compares it before and after a failure to know whether anything got through.
    private(set) var answeredStatements = 0

    /// Connects with a libpq conninfo string (`host=... dbname=...`) or a `postgres://` URL,
    /// passed to libpq verbatim. With nil or an empty string, libpq's PG* environment variables,
    /// ~/.pgpass and its defaults decide everything.
    ///
    /// - Throws: ``PostgresError`` with kind `.connection` when the server cannot be reached.
    public init(conninfo: String? = nil) throws(PostgresError) {
        let handle: OpaquePointer? = PQconnectdb(conninfo ?? "")
        guard let handle else {
            throw PostgresError(kind: .connection, message: "libpq could not allocate a connection")
        }
        // Owned from here on, so deinit calls PQfinish even when the connect failed.
        self.handle = handle
        guard PQstatus(handle) == CONNECTION_OK else {
            throw PostgresError(kind: .connection, message: Connection.clientMessage(handle))
        }
        // Server notices ("relation already exists, skipping") are not for the user's terminal.
        PQsetNoticeProcessor(handle, { _, _ in }, nil)
        // Pin the settings that text decoding relies on, whatever the server's defaults are.
        try execute(script: "SET DateStyle = 'ISO, YMD'; SET client_encoding = 'UTF8'; SET extra_float_digits = 3")
    }

    deinit {
        PQfinish(handle)
    }

    /// True while libpq believes the connection works. After the server has gone away this turns
    /// false only once libpq has noticed, which ``checkHealth()`` forces without a round trip.
    public var isOK: Bool { PQstatus(handle) == CONNECTION_OK }

    /// Reads whatever the server has sent unasked (such as a termination notice) and reports
    /// whether the connection is still usable. Cheap: it does not send anything.
    public func checkHealth() -> Bool {
        guard PQstatus(handle) == CONNECTION_OK else { return false }
        // A terminated backend sends an error message, then closes the socket: the first read
        // consumes the message, the second sees the end of the stream. The socket is non-blocking,
        // so neither read waits.
        for _ in 0..<2 where PQconsumeInput(handle) != 1 { return false }
        return PQstatus(handle) == CONNECTION_OK && PQtransactionStatus(handle) == PQTRANS_IDLE
    }

    /// Asks the server for an empty round trip: true when the connection answers.
    public func ping() -> Bool {
        guard checkHealth() else { return false }
        guard let result = PQexec(handle, "") else { return false }
        defer { PQclear(result) }
        return PQresultStatus(result) == PGRES_EMPTY_QUERY && PQstatus(handle) == CONNECTION_OK
    }

    /// The server's process id for this session, as `pg_backend_pid()` reports it.
    public var backendPID: Int { Int(PQbackendPID(handle)) }

    /// The version of the libpq library in use, e.g. 150018 for 15.18.
    public static var libraryVersion: Int { Int(PQlibVersion()) }

    // MARK: Queries

    /// Runs one parameterized statement and returns its rows.
    ///
    /// - Throws: ``PostgresError`` carrying the SQLSTATE, message, hint, constraint, table and column
    ///   (the server's DETAIL only as ``PostgresError/diagnosticDetail``); also before anything is
    ///   sent when a bound string contains a NUL byte, which PostgreSQL text cannot hold: that error
    ///   names the parameter's position, not its value.
    @discardableResult
    public func query(_ query: SQLQuery) throws(PostgresError) -> QueryResult {
        let result = try withParameters(query.binds, sql: query.sql) { types, values, count in
            PQexecParams(handle, query.sql, count, types, values, nil, nil, 0)
        }
        return try check(result, sql: query.sql, accepting: [PGRES_TUPLES_OK, PGRES_COMMAND_OK])
    }

    /// Runs one parameterized statement and returns the number of rows it affected.
    @discardableResult
    public func execute(_ query: SQLQuery) throws(PostgresError) -> Int {
        try self.query(query).affectedRows
    }

    /// Runs SQL text that may hold several statements and no parameters, such as a migration file.
    /// Only for trusted text shipped with the program, never for anything a user typed.
    public func execute(script sql: String) throws(PostgresError) {
        let result = PQexec(handle, sql)
        _ = try check(result, sql: sql, accepting: [PGRES_TUPLES_OK, PGRES_COMMAND_OK, PGRES_EMPTY_QUERY])
    }

    /// Runs several parameterized statements in one round trip (libpq's pipeline mode): all are
    /// sent, then every result is read. Returns each statement's result in order. When one fails,
    /// the server skips the rest, and its error is thrown once the pipeline is drained. Outside a
    /// transaction the statements are one implicit transaction (nothing of a failed pipeline is
    /// kept); inside one, the transaction is then failed, as after any error.
    ///
    /// For a few small statements that do not depend on each other's results, such as the
    /// settings and the lookups that open a web request's transaction.
    ///
    /// Related libpq documentation: <https://www.postgresql.org/docs/current/libpq-pipeline-mode.html>
    public func pipeline(_ queries: [SQLQuery]) throws(PostgresError) -> [QueryResult] {
        guard PQenterPipelineMode(handle) == 1 else {
            throw PostgresError(kind: .client, message: Connection.clientMessage(handle), sql: queries.first?.sql ?? "")
        }
        var sendError: PostgresError?
        var sent = 0
        for query in queries {
            do {
                let accepted = try withParameters(query.binds, sql: query.sql) { types, values, count in
                    PQsendQueryParams(handle, query.sql, count, types, values, nil, nil, 0)
                }
                guard accepted == 1 else {
                    sendError = PostgresError(
                        kind: PQstatus(handle) == CONNECTION_OK ? .client : .connection,
                        message: Connection.clientMessage(handle), sql: query.sql)
                    break
                }
                sent += 1
            } catch {
                sendError = error
                break
            }
        }
        var results: [QueryResult] = []
        var firstError = sendError
        if PQpipelineSync(handle) == 1 {
            for query in queries.prefix(sent) {
                let result = PQgetResult(handle)
                if result.map({ PQresultStatus($0) }) == PGRES_PIPELINE_ABORTED {
                    PQclear(result)
                } else {
                    do {
                        results.append(
                            try check(result, sql: query.sql, accepting: [PGRES_TUPLES_OK, PGRES_COMMAND_OK]))
                    } catch {
                        if firstError == nil { firstError = error }
                    }
                }
                // Each statement's results end with a null result.
                while let extra = PQgetResult(handle) { PQclear(extra) }
            }
            // The sync point's own result, then the end of the pipeline.
            while let result = PQgetResult(handle) {
                let status = PQresultStatus(result)
                PQclear(result)
                if status == PGRES_PIPELINE_SYNC { break }
            }
        } else if firstError == nil {
            firstError = PostgresError(kind: .connection, message: Connection.clientMessage(handle), sql: "")
        }
        PQexitPipelineMode(handle)
        if let firstError { throw firstError }
        return results
    }

    // MARK: Transactions

    /// Runs `body` in a transaction: committed when it returns, rolled back when it throws.
    ///
    /// Nested calls become savepoints. If the rollback itself fails, the original error is the one
    /// rethrown.
    ///
    /// Related PostgreSQL documentation: <https://www.postgresql.org/docs/current/sql-begin.html>
    public func transaction<T>(_ body: (Connection) throws -> T) throws -> T {
        if transactionDepth > 0 { return try savepoint(body) }
        try execute(script: "BEGIN")
        transactionDepth = 1
        defer { transactionDepth = 0 }
        do {
            let value = try body(self)
            try execute(script: "COMMIT")
            return value
        } catch {
            try? execute(script: "ROLLBACK")
            throw error
        }
    }

    /// Runs `body` in a transaction like ``transaction(_:)``, whose first statements, `opening`,
    /// travel with its BEGIN in one round trip (``pipeline(_:)``); `body` gets their results.
    /// Not nested: it must start a transaction.
    public func transaction<T>(opening: [SQLQuery], _ body: (Connection, [QueryResult]) throws -> T) throws -> T {
        precondition(transactionDepth == 0, "a transaction with opening statements cannot be nested")
        transactionDepth = 1
        defer { transactionDepth = 0 }
        do {
            let results = try pipeline(["BEGIN"] + opening)
            let value = try body(self, Array(results.dropFirst()))
            try execute(script: "COMMIT")
            return value
        } catch {
            try? execute(script: "ROLLBACK")
            throw error
        }
    }

    /// Runs `body` inside a savepoint of the current transaction: released when it returns,
    /// rolled back to when it throws, so the outer transaction can go on.
    public func savepoint<T>(_ body: (Connection) throws -> T) throws -> T {
        guard transactionDepth > 0 else { return try transaction(body) }
        savepointCounter += 1
        let name = "esw_savepoint_\(savepointCounter)"
        try execute(script: "SAVEPOINT \(name)")
        transactionDepth += 1
        defer { transactionDepth -= 1 }
        do {
            let value = try body(self)
            try execute(script: "RELEASE SAVEPOINT \(name)")
            return value
        } catch {
            try? execute(script: "ROLLBACK TO SAVEPOINT \(name)")
            throw error
        }
    }

    /// True inside ``transaction(_:)``.
    public var isInTransaction: Bool { transactionDepth > 0 }

    // MARK: COPY

    /// Streams rows into the server with `COPY ... FROM STDIN`.
    ///
    /// `body` writes data in the format the COPY statement names (text by default) through the
    /// writer it is given; when it returns, the copy is ended and the server's verdict (a constraint
    /// violation, a malformed line) is thrown as a ``PostgresError``. When `body` throws, the copy is
    /// aborted and nothing is written.
    ///
    /// The statement is a ``CopyStatement``, built from identifiers only: COPY takes no parameters,
    /// so it has no place for a value.
    ///
    /// ```swift
    /// let copy = CopyStatement(table: "staging", columns: ["id_number", "name"])
    /// let rows = try db.copyIn(copy) { writer in
    ///     try writer.writeRow(["110105199003071239", "张三"])
    /// }
    /// ```
    ///
    /// - Returns: the number of rows the server stored.
    /// Related PostgreSQL documentation: <https://www.postgresql.org/docs/current/libpq-copy.html>
    @discardableResult
    public func copyIn(_ copyStatement: CopyStatement, _ body: (CopyWriter) throws -> Void) throws -> Int {
        let start = PQexec(handle, copyStatement.sql)
        _ = try check(start, sql: copyStatement.sql, accepting: [PGRES_COPY_IN])
        let writer = CopyWriter(connection: self)
        do {
            try body(writer)
            try writer.flush()
        } catch {
            _ = PQputCopyEnd(handle, "aborted by the client")
            if let result = PQgetResult(handle) { PQclear(result) }
            drainResults()
            throw error
        }
        guard PQputCopyEnd(handle, nil) == 1 else {
            throw PostgresError(kind: failureKind, message: Connection.clientMessage(handle), sql: copyStatement.sql)
        }
        let final = PQgetResult(handle)
        defer { drainResults() }
        return try check(final, sql: copyStatement.sql, accepting: [PGRES_COMMAND_OK]).affectedRows
    }

    func putCopyData(_ bytes: UnsafeRawBufferPointer) throws(PostgresError) {
        guard !bytes.isEmpty else { return }
        let status = bytes.withMemoryRebound(to: CChar.self) { chars in
            PQputCopyData(handle, chars.baseAddress, Int32(chars.count))
        }
        guard status == 1 else {
            throw PostgresError(kind: failureKind, message: Connection.clientMessage(handle), sql: "COPY")
        }
    }

    /// The kind of a libpq call's failure: `.connection` once libpq has marked the connection bad.
    private var failureKind: PostgresError.Kind { PQstatus(handle) == CONNECTION_OK ? .client : .connection }

    private func drainResults() {
        while let extra = PQgetResult(handle) { PQclear(extra) }
    }

    // MARK: libpq plumbing

    /// Binds every parameter as text with an explicit type OID, keeping the C strings alive only
    /// for the duration of the call. A text holding a NUL byte would be cut short by libpq, so it
    /// is refused here, naming the parameter's position and not its value.
    private func withParameters<R>(
        _ binds: [any PostgresEncodable], sql: String,
        _ call: (UnsafePointer<Oid>?, UnsafePointer<UnsafePointer<CChar>?>?, Int32) -> R
    ) throws(PostgresError) -> R {
        if binds.isEmpty { return call(nil, nil, 0) }
        let texts = binds.map(\.postgresText)
        if let position = texts.firstIndex(where: { $0?.utf8.contains(0) == true }) {
            throw PostgresError(
                kind: .client,
                message: "parameter $\(position + 1) contains a NUL byte, which PostgreSQL text cannot hold",
                sql: sql)
        }
        let types: [Oid] = binds.map { Oid(type(of: $0).postgresType.oid) }
        let cStrings: [UnsafeMutablePointer<CChar>?] = texts.map { text in text.map { strdup($0) } ?? nil }
        defer { cStrings.forEach { free($0) } }
        let values = cStrings.map { UnsafePointer($0) }
        return types.withUnsafeBufferPointer { typeBuffer in
            values.withUnsafeBufferPointer { valueBuffer in
                call(typeBuffer.baseAddress, valueBuffer.baseAddress, Int32(binds.count))
            }
        }
    }

    private func check(_ result: OpaquePointer?, sql: String, accepting: [ExecStatusType]) throws(PostgresError)
        -> QueryResult
    {
        guard let result else {
            throw PostgresError(
                kind: PQstatus(handle) == CONNECTION_OK ? .client : .connection,
                message: Connection.clientMessage(handle), sql: sql)
        }
        let owned = QueryResult(owning: result)
        let connectionLost = PQstatus(handle) != CONNECTION_OK
        if !connectionLost { answeredStatements += 1 }
        let status = PQresultStatus(result)
        if accepting.contains(status) { return owned }
        func field(_ code: Int32) -> String? {
            PQresultErrorField(result, code).map { String(cString: $0) }
        }
        let sqlState = field(clibpq_diag_sqlstate).map { SQLState($0) }
        let message = field(clibpq_diag_message_primary) ?? Connection.clientMessage(handle)
        throw PostgresError(
            kind: sqlState == nil || connectionLost ? (connectionLost ? .connection : .client) : .server,
            sqlState: sqlState,
            message: PostgresError.redactingValues(in: message, sqlState: sqlState),
            diagnosticDetail: field(clibpq_diag_message_detail),
            hint: field(clibpq_diag_message_hint),
            constraint: field(clibpq_diag_constraint_name),
            table: field(clibpq_diag_table_name),
            column: field(clibpq_diag_column_name),
            sql: sql
        )
    }

    private static func clientMessage(_ handle: OpaquePointer) -> String {
        guard let message = PQerrorMessage(handle) else { return "unknown libpq error" }
        return String(cString: message).trimmingWhitespace
    }
}
