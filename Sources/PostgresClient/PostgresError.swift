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

    public static let uniqueViolation: SQLState = "23505"
    public static let foreignKeyViolation: SQLState = "23503"
    public static let notNullViolation: SQLState = "23502"
    public static let checkViolation: SQLState = "23514"
    public static let exclusionViolation: SQLState = "23P01"
    public static let raiseException: SQLState = "P0001"
    public static let undefinedTable: SQLState = "42P01"
    public static let syntaxError: SQLState = "42601"
    public static let invalidTextRepresentation: SQLState = "22P02"
    public static let serializationFailure: SQLState = "40001"
    public static let deadlockDetected: SQLState = "40P01"
    public static let adminShutdown: SQLState = "57P01"
    public static let queryCanceled: SQLState = "57014"

    /// Matches a thrown error that is a `PostgresError` with this SQLSTATE.
    public static func ~= (pattern: SQLState, error: any Error) -> Bool {
        (error as? PostgresError)?.sqlState == pattern
    }
}

/// The one error type of this module: anything the server or libpq reported.
///
/// `description` shows the SQLSTATE, the message and the SQL text, never the bound values, so
/// errors can be logged without leaking personal data such as ID numbers.
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
    public var message: String
    public var detail: String?
    public var hint: String?
    public var constraint: String?
    public var table: String?
    public var column: String?
    /// The SQL text of the failed statement, without its bound values.
    public var sql: String?

    public init(
        kind: Kind, sqlState: SQLState? = nil, message: String, detail: String? = nil,
        hint: String? = nil, constraint: String? = nil, table: String? = nil,
        column: String? = nil, sql: String? = nil
    ) {
        self.kind = kind
        self.sqlState = sqlState
        self.message = message
        self.detail = detail
        self.hint = hint
        self.constraint = constraint
        self.table = table
        self.column = column
        self.sql = sql
    }

    /// True when the connection itself is gone (server shutdown, killed backend, network).
    public var isConnectionFailure: Bool {
        kind == .connection || sqlState?.errorClass == "08" || sqlState?.errorClass == "57"
    }

    /// The message, detail and hint as a person should read them, without SQL text.
    public var userMessage: String {
        var text = message
        if let detail { text += " (\(detail))" }
        if let hint { text += " Hint: \(hint)" }
        return text
    }

    public var description: String {
        var text = sqlState.map { "\($0): \(message)" } ?? message
        if let detail { text += " (\(detail))" }
        if let sql { text += " [SQL: \(sql.trimmingWhitespace)]" }
        return text
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
