public import PostgresClient
public import Workforce

/// What one request runs as: the server's pool and the token of the user who presented it (a
/// session cookie or a bearer token), or none. Every database call of a page or an API handler
/// goes through ``transaction(_:)``, so PostgreSQL's row-level security decides what it sees.
///
/// The server's middleware sets ``current`` for the rest of the request; API handlers, which get
/// no request context from the generated code, read it there.
public struct RequestScope: Sendable {
    public let pool: ConnectionPool
    public let token: SessionToken?
    public let statementTimeoutMilliseconds: Int
    /// The most data rows an uploaded file may hold (`--rows-per-upload`); nil: no limit.
    public let rowsPerUpload: Int?
    /// What the access log line of the request says; a handler sets the user's name once known.
    public let notes: RequestNotes

    @TaskLocal public static var current: RequestScope?

    public init(
        pool: ConnectionPool, token: SessionToken?, statementTimeoutMilliseconds: Int, rowsPerUpload: Int? = nil,
        notes: RequestNotes = RequestNotes()
    ) {
        self.pool = pool
        self.token = token
        self.statementTimeoutMilliseconds = statementTimeoutMilliseconds
        self.rowsPerUpload = rowsPerUpload
        self.notes = notes
    }

    /// Import options for a file a user uploaded: ``rowsPerUpload`` applies.
    public func uploadOptions(_ options: ImportOptions) -> ImportOptions {
        var options = options
        options.maximumRows = rowsPerUpload
        return options
    }

    /// Runs `body` in one transaction on a pooled connection, as the request's user (or as nobody),
    /// with the request's statement timeout; it commits when `body` returns and rolls back when it
    /// throws. The user and the timeout end with the transaction. The request's first transaction
    /// also marks its session as used (a login session ends after 8 hours without a request).
    /// `body` may read the acting user in ``RequestNotes/actor`` (read with the settings, in the
    /// same round trip).
    public func transaction<T: Sendable>(_ body: @escaping @Sendable (Connection) throws -> T) async throws -> T {
        try await run(snapshot: false, body)
    }

    /// ``transaction(_:)`` as `REPEATABLE READ, READ ONLY`: every query of a report counts the same
    /// data while others commit. It cannot mark the session as used (a write), so a request reads
    /// its user in an ordinary transaction first.
    public func snapshot<T: Sendable>(_ body: @escaping @Sendable (Connection) throws -> T) async throws -> T {
        try await run(snapshot: true, body)
    }

    private func run<T: Sendable>(snapshot: Bool, _ body: @escaping @Sendable (Connection) throws -> T)
        async throws -> T
    {
        let token = self.token
        let timeout = statementTimeoutMilliseconds
        let touch = !snapshot && token != nil && notes.firstTouch()
        let notes = self.notes
        return try await pool.withConnection { db in
            try Session.transactionLocally(
                token, statementTimeoutMilliseconds: timeout, touch: touch, snapshot: snapshot, on: db
            ) { db, actor in
                notes.actor = actor
                return try body(db)
            }
        }
    }
}
