import Foundation
public import PostgresClient

/// A login refused because of too many recent failures of the same name, or from the same
/// address (sql/0030: `esw_login(name, password, address)`). The password was not checked. It says
/// neither which limit was reached nor whether the user exists, only when to try again.
public struct LoginThrottled: Error, Sendable, Equatable, CustomStringConvertible {
    /// Seconds until an attempt is counted again (at least 1).
    public let retryAfterSeconds: Int

    public init(retryAfterSeconds: Int) {
        self.retryAfterSeconds = retryAfterSeconds
    }

    public var description: String {
        "login refused: too many failed logins; try again in \(retryAfterSeconds) s"
    }
}

/// What a throttled login attempt came to (``Session/attemptLogin(_:user:password:address:)``).
public enum LoginOutcome: Sendable {
    /// The password matched: the session's token.
    case opened(SessionToken)
    /// Wrong name or password, disabled user, or an expired one-time password; the failure is
    /// recorded in the caller's transaction.
    case refused
    /// Too many recent failures of this name or from this address; nothing was checked or recorded.
    case throttled(retryAfterSeconds: Int)
}

/// Web sessions: throttled logins, a session's last use, logout and the first-login password rule
/// (sql/0030_web_sessions.sql, docs/access.md "Web sessions and API tokens").
extension Session {
    /// Has the database check the password with throttling (`esw_login(name, password, address)`)
    /// and says what came of it, without throwing for a refusal: a refused attempt is recorded in
    /// the current transaction, which the caller must commit for throttling to count it (in a
    /// transaction of its own, as a web request's, commit, then answer). `address` is the client's
    /// IP address as the server saw it (IPv6 counts by its /64); nil: no address throttling (the
    /// name's still applies). Acts as whatever role `db` has: the application role or the owner.
    ///
    /// - Throws: `PostgresError` only (the connection, a role that may not call `esw_login`).
    public static func attemptLogin(_ db: Connection, user: String, password: String, address: String?) throws
        -> LoginOutcome
    {
        let row = try db.query(
            "SELECT status, token, retry_after_seconds FROM esw_login(\(user), \(password), \(address))"
        ).single()
        switch try row.decode(0) as String {
        case "opened": return .opened(SessionToken(presented: try row.decode(1)))
        case "throttled": return .throttled(retryAfterSeconds: try row.decode(2))
        default: return .refused
        }
    }

    /// ``open(_:user:password:)`` with throttling by name and by `address`: `db` acts as the
    /// application role from then on, and (outside a transaction) the failure of a refused attempt
    /// is committed with it. Inside a transaction, use ``attemptLogin(_:user:password:address:)``
    /// and commit before answering, else the rollback forgets the failure.
    ///
    /// - Throws: ``LoginRefused``, ``LoginThrottled`` (whose message says neither which part was
    ///   wrong nor whether the user exists); `PostgresError` as ``open(_:user:password:)``.
    public static func open(_ db: Connection, user: String, password: String, address: String?) throws
        -> SessionToken
    {
        try db.execute("SET ROLE \(identifier: applicationRole)")
        switch try attemptLogin(db, user: user, password: password, address: address) {
        case .opened(let token): return token
        case .refused: throw LoginRefused()
        case .throttled(let seconds): throw LoginThrottled(retryAfterSeconds: seconds)
        }
    }

    /// Marks the acting session as used now (`esw_touch_session()`), once per request, on the
    /// primary: a login session ends after 8 hours without a request. It writes at most once a
    /// minute per session, never waits for another request's touch of the same session, and does
    /// not revive a session that has ended. Returns whether it wrote.
    @discardableResult
    public static func touch(_ db: Connection) throws -> Bool {
        try db.query(touchQuery).single().decode(0)
    }

    static let touchQuery: SQLQuery = "SELECT esw_touch_session()"

    /// Ends the acting login session (`esw_logout()`): its token names nobody from then on, on
    /// every connection. An API token is not ended (an admin revokes it). Returns whether a
    /// session ended.
    @discardableResult
    public static func end(_ db: Connection) throws -> Bool {
        try db.query("SELECT esw_logout()").single().decode(0)
    }

    /// Whether the acting user still has a one-time password (from `esw user add` or
    /// `reset-password`), which they must replace before anything else; false without a user.
    public static func mustChangePassword(_ db: Connection) throws -> Bool {
        try db.query("SELECT esw_must_change_password()").single().decode(0)
    }
}

/// An API token as its user's admin sees it: never the token.
public struct APIToken: Sendable, Equatable {
    public let id: Int
    public let label: String?
    /// When, in Beijing time, to the second (`2013-06-01 09:30:05`).
    public let created: String
    public let expires: String
    /// The last request made with it (to the minute); nil when never used.
    public let lastUsed: String?
    public let expired: Bool
}

/// A token just issued: the only time its text exists outside the client that keeps it.
public struct IssuedAPIToken: Sendable {
    public let id: Int
    public let token: SessionToken
    public let expires: String
}

/// Bearer tokens for the JSON API (sql/0030): issued for a user by an admin or the database
/// owner, stored as their SHA-256 only, in `app_session` (kind `api`) with their expiry; they work
/// exactly as a login session's token (``SessionToken/init(presented:)``,
/// ``Session/transactionLocally(_:statementTimeoutMilliseconds:touch:snapshot:on:_:)``) but never
/// idle-expire. A disabled user's tokens stop working at once.
public struct APITokens {
    public let db: Connection

    public init(db: Connection) {
        self.db = db
    }

    /// The longest and the default lifetime of a token, in days.
    public static let maximumDays = 365
    public static let defaultDays = 90

    /// Issues a token for `user`, valid for `days`, and returns it (shown once).
    ///
    /// - Throws: `WorkforceError.invalid` for days out of 1...365 or a label over 100 characters;
    ///   `.notFound` for a user not on record (or not visible to the acting user); `.conflict` for
    ///   a disabled user; `PostgresError` 42501 when the acting user is not an admin.
    public func issue(user: String, days: Int = APITokens.defaultDays, label: String? = nil) throws
        -> IssuedAPIToken
    {
        guard (1...APITokens.maximumDays).contains(days) else {
            throw WorkforceError.invalid(
                field: "days", value: String(days), reason: "must be a whole number from 1 to \(APITokens.maximumDays)")
        }
        let label = label.map(\.trimmingSpaces).flatMap { $0.isEmpty ? nil : $0 }
        if let label, label.unicodeScalars.count > 100 {
            throw WorkforceError.invalid(field: "label", value: "", reason: "must be at most 100 characters")
        }
        let holder = try userID(user)
        guard !holder.disabled else {
            throw WorkforceError.conflict("the user is disabled: a token would not work")
        }
        let token = SessionToken(presented: APITokens.newTokenText())
        return try db.transaction { db in
            let row = try db.query(
                """
                INSERT INTO app_session (token_hash, user_id, kind, label, expires_at)
                VALUES (sha256(convert_to(\(token.textForClient), 'UTF8')), \(holder.id), 'api', \(label),
                        now() + make_interval(days => \(days)::integer))
                RETURNING id, to_char(expires_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI:SS')
                """
            ).single()
            let issued = IssuedAPIToken(id: try row.decode(0), token: token, expires: try row.decode(1))
            try Audit.record(
                on: db, action: "user token", subject: user, detail: ["token_id": issued.id, "days": days])
            return issued
        }
    }

    /// The tokens of `user` (an admin: anyone's; a user: their own), oldest first, expired ones
    /// too until the next login purges them. Never a token or its hash.
    public func list(user: String) throws -> [APIToken] {
        let holder = try userID(user)
        return try db.query(
            """
            SELECT id, label, to_char(created_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI:SS'),
                   to_char(expires_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI:SS'),
                   CASE WHEN last_used_at > created_at
                        THEN to_char(last_used_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI:SS') END,
                   expires_at <= now()
            FROM app_session WHERE user_id = \(holder.id) AND kind = 'api' ORDER BY id
            """
        ).map { row in
            APIToken(
                id: try row.decode(0), label: try row.decode(1), created: try row.decode(2),
                expires: try row.decode(3), lastUsed: try row.decode(4), expired: try row.decode(5))
        }
    }

    /// Revokes token `id` of `user`: it names nobody from then on.
    ///
    /// - Throws: `WorkforceError.notFound` when `user` has no token with this id;
    ///   `PostgresError` 42501 when the acting user is not an admin.
    public func revoke(user: String, id: Int) throws {
        let holder = try userID(user)
        try db.transaction { db in
            let changed = try db.execute(
                "DELETE FROM app_session WHERE id = \(id) AND user_id = \(holder.id) AND kind = 'api'")
            if changed == 0 { throw WorkforceError.notFound("this user has no API token with this id") }
            try Audit.record(on: db, action: "user revoke-token", subject: user, detail: ["token_id": id])
        }
    }

    private func userID(_ name: String) throws -> (id: Int, disabled: Bool) {
        let rows = try db.query("SELECT id, disabled_at IS NOT NULL FROM app_user WHERE name = \(name)")
        guard let row = rows.first else { throw WorkforceError.notFound("no user has this name") }
        return (try row.decode(0), try row.decode(1))
    }

    /// `esw_` and 32 random bytes in hex (256 bits): the prefix lets secret scanners and people
    /// tell an esw API token from other secrets.
    static func newTokenText() -> String {
        var generator = SystemRandomNumberGenerator()
        return "esw_"
            + (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }
            .joined()
    }
}
