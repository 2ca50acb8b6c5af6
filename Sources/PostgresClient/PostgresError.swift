/// A five-character SQLSTATE code, such as `23505` for a unique violation.
///
/// It is an open struct rather than an enum: the server may send any code, and callers only name
/// the ones they handle. Match it in a `catch` with `~=`:
///
/// ```swift
/// do { try connection.execute(insert) }
/// catch SQLState.uniqueViolation { ... }
/// ```
///
/// Related PostgreSQL documentation: <https://www.postgresql.org/docs/current/errcodes-appendix.html>
public struct SQLState: Hashable, Sendable, ExpressibleByStringLiteral, CustomStringConvertible {
    public let code: String

    public init(_ code: String) { self.code = code }
    public init(stringLiteral value: String) { self.code = value }

    /// The class of the code: its first two characters (`23` for integrity constraint violations).
    public var errorClass: String { String(code.prefix(2)) }
    public var description: String { code }

    // Every SQLSTATE this package names; nothing outside this list spells a code as a literal.
    public static let uniqueViolation: SQLState = "23505"
    public static let foreignKeyViolation: SQLState = "23503"
    public static let notNullViolation: SQLState = "23502"
    public static let checkViolation: SQLState = "23514"
    public static let exclusionViolation: SQLState = "23P01"
    /// The class 23 code itself; use its ``errorClass`` to match any integrity constraint violation.
    public static let integrityConstraintViolation: SQLState = "23000"
    /// The class 22 code itself; use its ``errorClass`` to match any data exception (bad input).
    public static let dataException: SQLState = "22000"
    public static let invalidTextRepresentation: SQLState = "22P02"
    public static let raiseException: SQLState = "P0001"
    public static let noDataFound: SQLState = "P0002"
    public static let undefinedTable: SQLState = "42P01"
    public static let undefinedFunction: SQLState = "42883"
    public static let syntaxError: SQLState = "42601"
    public static let insufficientPrivilege: SQLState = "42501"
    /// A password check refused (raised by esw_login, as the server does for a failed login).
    public static let invalidPassword: SQLState = "28P01"
    /// A write on a read-only transaction, e.g. on a streaming-replication standby.
    public static let readOnlySQLTransaction: SQLState = "25006"
    public static let serializationFailure: SQLState = "40001"
    public static let deadlockDetected: SQLState = "40P01"
    /// The class 08 code itself; use its ``errorClass`` to match any connection exception.
    public static let connectionException: SQLState = "08000"
    /// A statement was cancelled: `statement_timeout` ran out, or someone cancelled it. The
    /// connection stays usable.
    public static let queryCanceled: SQLState = "57014"
    /// The server terminated the session (`pg_terminate_backend`, a fast shutdown).
    public static let adminShutdown: SQLState = "57P01"
    public static let crashShutdown: SQLState = "57P02"
    public static let cannotConnectNow: SQLState = "57P03"
    public static let databaseDropped: SQLState = "57P04"
    public static let idleSessionTimeout: SQLState = "57P05"

    /// The codes with which the server ends a session: after them the connection is gone.
    static let sessionEnding: Set<SQLState> = [
        .adminShutdown, .crashShutdown, .cannotConnectNow, .databaseDropped, .idleSessionTimeout,
    ]

    /// Matches a thrown error that is a `PostgresError` with this SQLSTATE.
    public static func ~= (pattern: SQLState, error: any Error) -> Bool {
        (error as? PostgresError)?.sqlState == pattern
    }
}

/// The one error type of this module: anything the server or libpq reported.
///
/// It never carries a bound value or row contents where they could be printed: `description`
/// and ``userMessage`` show the SQLSTATE, a reason, the constraint, table and column names and (in
/// `description`) the SQL text with its `$n` placeholders. The server's DETAIL, which quotes values
/// ("Key (id_number)=(…) already exists", "Failing row contains (…)"), is kept apart in
/// ``diagnosticDetail``, and values the server quotes in a data exception's message
/// (`invalid input syntax for type date: "…"`) are redacted from ``message``.
public struct PostgresError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The server rejected a statement; `sqlState` says why.
        case server
        /// The connection could not be made or was lost.
        case connection
        /// libpq or this wrapper failed on the client side (COPY protocol, out of memory, ...).
        case client
    }

    public var kind: Kind
    public var sqlState: SQLState?
    /// The reason, with any value the server quoted in it replaced by ``redactedValue``.
    public var message: String
    /// PostgreSQL's DETAIL field, verbatim. **Contains personal data** (the key or the whole row that
    /// broke a constraint), so it is not part of `description` or ``userMessage``: use it only in
    /// debug-level diagnostics that are never printed by default.
    public var diagnosticDetail: String?
    public var hint: String?
    public var constraint: String?
    public var table: String?
    public var column: String?
    /// The SQL text of the failed statement, without its bound values.
    public var sql: String?

    /// What replaces a value quoted in a server message.
    public static let redactedValue = "\"…\""

    public init(
        kind: Kind, sqlState: SQLState? = nil, message: String, diagnosticDetail: String? = nil,
        hint: String? = nil, constraint: String? = nil, table: String? = nil,
        column: String? = nil, sql: String? = nil
    ) {
        self.kind = kind
        self.sqlState = sqlState
        self.message = message
        self.diagnosticDetail = diagnosticDetail
        self.hint = hint
        self.constraint = constraint
        self.table = table
        self.column = column
        self.sql = sql
    }

    /// True when the connection itself is gone (server shutdown, killed backend, network).
    ///
    /// A cancelled statement (``SQLState/queryCanceled``, a statement timeout) is not one: the
    /// connection goes on working.
    public var isConnectionFailure: Bool {
        if kind == .connection { return true }
        guard let sqlState else { return false }
        return sqlState.errorClass == SQLState.connectionException.errorClass
            || SQLState.sessionEnding.contains(sqlState)
    }

    /// True when a connection that worked was lost while a statement ran (the server stopped or
    /// restarted, the backend was terminated, the network failed), as opposed to a connection that
    /// could not be made at all. Whatever the statement's transaction had not committed, the server
    /// rolled back; a COMMIT in flight may or may not have taken effect.
    public var isLostConnection: Bool { isConnectionFailure && sql != nil }

    /// The reason as a person should read it, with the SQLSTATE, the constraint, table and column
    /// names and the hint; no SQL text, no values.
    public var userMessage: String {
        var text = message
        let context = contextFields
        if !context.isEmpty { text += " (\(context.joined(separator: ", ")))" }
        if let hint { text += " Hint: \(hint)" }
        return text
    }

    public var description: String {
        var text = sqlState.map { "\($0): \(message)" } ?? message
        let names = contextFields.dropFirst(sqlState == nil ? 0 : 1)
        if !names.isEmpty { text += " (\(names.joined(separator: ", ")))" }
        if let sql { text += " [SQL: \(sql.trimmingWhitespace)]" }
        return text
    }

    /// "SQLSTATE 23505", "constraint person_id_number_key", "table person", "column name": the
    /// names that locate the problem, leaving out a constraint the message already names.
    private var contextFields: [String] {
        var fields: [String] = []
        if let sqlState { fields.append("SQLSTATE \(sqlState)") }
        if let constraint, !message.contains("\"\(constraint)\"") { fields.append("constraint \(constraint)") }
        if let table { fields.append("table \(table)") }
        if let column { fields.append("column \(column)") }
        return fields
    }

    /// Replaces every double-quoted part of a data exception's message (class 22, such as
    /// `invalid input syntax for type date: "2013-02-30"`) with ``redactedValue``: in that class the
    /// quotes hold the offending value. Other classes quote identifiers (constraint, column and
    /// table names), which stay.
    static func redactingValues(in message: String, sqlState: SQLState?) -> String {
        guard sqlState?.errorClass == SQLState.dataException.errorClass else { return message }
        var result = ""
        var quoted = false
        for character in message {
            if character == "\"" {
                if !quoted { result += PostgresError.redactedValue }
                quoted.toggle()
            } else if !quoted {
                result.append(character)
            }
        }
        return result
    }
}

extension String {
    var trimmingWhitespace: String {
        var slice = Substring(self)
        while let first = slice.first, first.isWhitespace { slice.removeFirst() }
        while let last = slice.last, last.isWhitespace { slice.removeLast() }
        return String(slice)
    }
}
