import HTTPTypes
public import Hummingbird
public import PostgresClient
public import Workforce

/// The session token a request presented, and how.
public struct PresentedSession: Sendable {
    public enum Carrier: Sendable {
        /// The `esw_session` cookie of the pages: form posts must carry the CSRF token.
        case cookie
        /// `Authorization: Bearer`: another program, which no other site can make send it.
        case bearer
    }
    public let token: SessionToken
    public let carrier: Carrier
}

/// Reads the session a request presents, from `Authorization: Bearer <token>` or else the
/// `esw_session` cookie, into ``WebContext/session``, and runs the rest of the request inside a
/// ``RequestScope`` with that token (or none), so that every database call the request makes acts
/// as its user. The token is not checked here: the database decides whether it names a session,
/// so an unknown or expired one acts as nobody and sees nothing.
public struct SessionMiddleware: RouterMiddleware {
    public typealias Context = WebContext
    /// The cookie that carries the esw_login token.
    public static let cookieName = "esw_session"

    let pool: ConnectionPool
    let statementTimeoutMilliseconds: Int
    let rowsPerUpload: Int?

    public init(pool: ConnectionPool, statementTimeoutMilliseconds: Int, rowsPerUpload: Int? = nil) {
        self.pool = pool
        self.statementTimeoutMilliseconds = statementTimeoutMilliseconds
        self.rowsPerUpload = rowsPerUpload
    }

    public func handle(_ request: Request, context: WebContext, next: (Request, WebContext) async throws -> Response)
        async throws -> Response
    {
        var context = context
        context.session = Self.presented(by: request)
        let sessionContext = context
        let scope = RequestScope(
            pool: pool, token: context.session?.token, statementTimeoutMilliseconds: statementTimeoutMilliseconds,
            rowsPerUpload: rowsPerUpload, notes: context.notes)
        return try await RequestScope.$current.withValue(scope) {
            try await next(request, sessionContext)
        }
    }

    /// The bearer token, else the cookie's; a value that no token could be (empty, over 256
    /// characters, or with characters outside letters, digits, - _ . ~) counts as none.
    static func presented(by request: Request) -> PresentedSession? {
        if let authorization = request.headers[.authorization] {
            let parts = authorization.split(separator: " ", maxSplits: 1)
            if parts.count == 2, parts[0].lowercased() == "bearer", plausible(parts[1]) {
                return PresentedSession(token: SessionToken(presented: String(parts[1])), carrier: .bearer)
            }
            return nil
        }
        if let value = request.cookies[cookieName]?.value, plausible(Substring(value)) {
            return PresentedSession(token: SessionToken(presented: value), carrier: .cookie)
        }
        return nil
    }

    static func plausible(_ text: Substring) -> Bool {
        !text.isEmpty && text.utf8.count <= 256
            && text.utf8.allSatisfy { byte in
                (48...57).contains(byte) || (65...90).contains(byte) || (97...122).contains(byte)
                    || "-_.~".utf8.contains(byte)
            }
    }
}
