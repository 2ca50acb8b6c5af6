import Foundation
public import PostgresClient

/// What a user may do: one role, applied within one scope (docs/access.md; sql/0014_access.sql).
public enum AccessRole: String, Sendable, CaseIterable {
    case enterpriseCoordinator = "enterprise_coordinator"
    case enterpriseHR = "enterprise_hr"
    case regionCoordinator = "region_coordinator"
    case provincialBureau = "provincial_bureau"
    case ministry
    case admin

    /// What the scope of this role is, in the words a refusal uses.
    var scopeKind: String {
        switch self {
        case .enterpriseCoordinator, .enterpriseHR: "an enterprise's USCC"
        case .regionCoordinator: "a city or county code"
        case .provincialBureau: "a province code (xx0000)"
        case .ministry, .admin: "nothing (the whole country)"
        }
    }
}

/// An esw user as an admin sees them; never the password or its hash.
public struct AppUser: Sendable, Equatable {
    public let name: String
    public let role: AccessRole
    /// The USCC or region code of the scope; nil for the whole country.
    public let scope: String?
    /// The password is a one-time one (from add or reset-password), not yet replaced.
    public let oneTimePassword: Bool
    public let disabled: Bool
}

/// The user a session acts as, as the web pages need them: who, in which role and scope, and
/// whether they must replace a one-time password first.
public struct SignedInUser: Sendable, Equatable {
    public let name: String
    public let role: AccessRole
    /// The USCC or region code of the scope; nil for the whole country.
    public let scope: String?
    public let oneTimePassword: Bool
}

/// A login the database refused: wrong name or password, a disabled user, or an expired one-time
/// password. It says no more than that, on purpose.
public struct LoginRefused: Error, Sendable, CustomStringConvertible {
    public init() {}
    public var description: String {
        "login refused: wrong user name or password, disabled user, or expired one-time password"
    }
}

/// A session opened by ``Session/open(_:user:password:)``: what another connection (to the same
/// server or to a standby of it) sets to act as the same user. Its text is never shown.
public struct SessionToken: Sendable, CustomStringConvertible {
    fileprivate let value: String
    public var description: String { "a session token" }

    /// A token as a client presented it (a cookie, a bearer header); the database decides whether
    /// it names a session.
    public init(presented value: String) { self.value = value }

    /// The text to hand back to the client that signed in (a cookie's value), and nowhere else.
    public var textForClient: String { value }
}

/// A standby that had not replayed a session opened on its primary after the wait: it lags (or
/// replays another server's changes), and as the session's user it would have shown nothing.
public struct SessionNotReplayed: Error, Sendable, CustomStringConvertible {
    public let seconds: Double
    public var description: String {
        "the server read from had not replayed the sign-in made on the primary after \(Int(seconds)) s"
    }
}

/// Acting as an esw user on a connection.
public enum Session {
    /// The group role every esw user acts through; it cannot bypass row-level security.
    public static let applicationRole = "esw_app"

    /// Makes `db` act as `user` from now on: it drops to the application role, has the database
    /// check the password (`esw_login`) and sets the session token it returns for the rest of the
    /// session. The password is bound, never logged; a refusal of any kind is ``LoginRefused``.
    ///
    /// - Throws: ``LoginRefused``; `PostgresError` when the connecting role may not act as
    ///   `esw_app` (it must be the tables' owner, a superuser, or a member of `esw_app`).
    public static func signIn(_ db: Connection, user: String, password: String) throws {
        try use(open(db, user: user, password: password), on: db)
    }

    /// Has the database check the password (`esw_login`, which writes a session row: it needs a
    /// server that takes writes) and returns the session's token, for ``use(_:on:)``; `db` acts
    /// as the application role from then on. The password is bound, never logged.
    ///
    /// - Throws: ``LoginRefused``; `PostgresError` as ``signIn(_:user:password:)``.
    public static func open(_ db: Connection, user: String, password: String) throws -> SessionToken {
        try db.execute("SET ROLE \(identifier: applicationRole)")
        let result: QueryResult
        do {
            result = try db.query("SELECT esw_login(\(user), \(password))")
        } catch {
            if error.sqlState == .invalidPassword { throw LoginRefused() }
            throw error
        }
        return SessionToken(presented: try result.single().decode(0))
    }

    /// The acting user of `db` with their role and scope, and whether their password is still a
    /// one-time one (the web pages ask for a new one first); nil when no user is set, or when the
    /// session is unknown, expired or its user disabled. Users read their own row (sql/0014).
    public static func actor(_ db: Connection) throws -> SignedInUser? {
        try actor(in: db.query(actorQuery))
    }

    private static let actorQuery: SQLQuery = """
        SELECT a.user_name, a.role::text, coalesce(a.enterprise_uscc, a.region_code), u.password_one_time
        FROM esw_actor() a JOIN app_user u ON u.id = a.user_id
        """

    private static func actor(in rows: QueryResult) throws -> SignedInUser? {
        guard let row = rows.first else { return nil }
        return SignedInUser(
            name: try row.decode(0), role: AccessRole(rawValue: try row.decode(1))!, scope: try row.decode(2),
            oneTimePassword: try row.decode(3))
    }

    /// Makes `db` act, from now on, as the user whose session `token` opened: on the server that
    /// opened it, or on a streaming-replication standby of that server once it has replayed the
    /// session row (see ``waitForReplay(_:seconds:)``). Only sets: works on a read-only server.
    public static func use(_ token: SessionToken, on db: Connection) throws {
        try db.execute("SET ROLE \(identifier: applicationRole)")
        try db.execute("SELECT set_config('esw.session', \(token.value), false)")
    }

    private static func localSettings(_ token: SessionToken?, statementTimeoutMilliseconds: Int) -> SQLQuery {
        """
        SELECT set_config('role', \(applicationRole), true), set_config('esw.session', \(token?.value ?? ""), true),
               set_config('statement_timeout', \(String(statementTimeoutMilliseconds)), true)
        """
    }

    /// Runs `body` in a new transaction on `db` acting as the user whose session `token` opened,
    /// and for no longer than the statement timeout per statement: the role, the session and the
    /// timeout are all LOCAL, so a pooled connection goes back to the pool as its own role (with
    /// no token it acts as the application role with no user, and sees nothing). It marks the
    /// session as used first when `touch` (``touch(_:)``), and hands `body` the acting user as
    /// ``actor(_:)`` reads them (nil for none). The settings, the touch and the
    /// lookup travel with the BEGIN in one round trip: a web request's fixed cost. With `snapshot`
    /// the transaction is `REPEATABLE READ, READ ONLY` (every query of a report counts the same
    /// data), and then cannot `touch`.
    public static func transactionLocally<T>(
        _ token: SessionToken?, statementTimeoutMilliseconds: Int, touch: Bool, snapshot: Bool = false,
        on db: Connection, _ body: (Connection, SignedInUser?) throws -> T
    ) throws -> T {
        precondition(!(snapshot && touch), "a read-only snapshot cannot mark the session as used")
        var opening: [SQLQuery] = snapshot ? ["SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"] : []
        opening.append(localSettings(token, statementTimeoutMilliseconds: statementTimeoutMilliseconds))
        if touch { opening.append(touchQuery) }
        opening.append(actorQuery)
        return try db.transaction(opening: opening) { db, results in try body(db, try actor(in: results.last!)) }
    }

    /// Waits until the session set on `db` (``use(_:on:)``) names its user there, i.e. until a
    /// standby has replayed the session row written on its primary, polling every 20 ms.
    ///
    /// - Throws: ``SessionNotReplayed`` when it does not within `seconds`: the standby lags
    ///   behind the primary (or replays another server's changes).
    public static func waitForReplay(_ db: Connection, seconds: Double) throws {
        let deadline = Date().addingTimeInterval(seconds)
        while try db.query("SELECT (esw_actor()).user_id IS NULL").single().decode(0) as Bool {
            if Date() >= deadline { throw SessionNotReplayed(seconds: seconds) }
            usleep(20_000)
        }
    }

    /// The acting user's name, or nil when the connection acts as its own database role.
    public static func actingUser(_ db: Connection) throws -> String? {
        try db.query("SELECT (esw_actor()).user_name").single().decode(0)
    }

    /// Whether the acting user's role may write `kind` of data (a `data_kind` of role_permission:
    /// `exam_registrations`, `exam_results`, …) within its scope: what a page asks before it
    /// offers a form. False when no user acts. The policies decide each write all the same.
    public static func mayWrite(_ db: Connection, _ kind: String) throws -> Bool {
        try db.query(
            """
            SELECT coalesce((esw_actor()).role = 'admin' OR EXISTS (
                SELECT 1 FROM role_permission p
                WHERE p.role = (esw_actor()).role AND p.data_kind = \(kind)::data_kind), false)
            """
        ).single().decode(0)
    }

    /// The acting user's scope: an enterprise's USCC, or a region code (a province for a bureau);
    /// both nil for the country roles and when no user is set.
    public static func scope(_ db: Connection) throws -> (uscc: String?, region: String?) {
        let row = try db.query("SELECT enterprise_uscc, region_code FROM esw_actor()").single()
        return (try row.decode(0), try row.decode(1))
    }

    /// True when an esw user whose scope is short of the country acts: what they do not see may
    /// exist, so a lookup that finds nothing must not say that nothing exists.
    public static func hasScope(_ db: Connection) throws -> Bool {
        try db.query("SELECT esw_has_scope()").single().decode(0)
    }
}

/// Users: added with a one-time password, listed, disabled, given a new one-time password by an
/// admin (or the database owner), and replacing their own password.
public struct Users {
    public let db: Connection

    public init(db: Connection) {
        self.db = db
    }

    /// Adds a user and returns their one-time password (shown once; only its bcrypt hash is kept).
    ///
    /// - Throws: `WorkforceError.invalid` for a bad name or a scope that does not fit the role,
    ///   `.conflict` when the name is taken, `.notFound` for an enterprise that is not on record.
    public func add(name: String, role: AccessRole, scope: String?) throws -> String {
        try Users.checkName(name)
        let (uscc, region) = try Users.scopeColumns(role: role, scope: scope)
        if let region { _ = try Regions(db: db).known(region, field: "scope") }
        let password = Users.oneTimePassword()
        do {
            try db.execute(
                """
                INSERT INTO app_user (name, role, enterprise_uscc, region_code, password_hash)
                VALUES (\(name), \(role.rawValue)::app_role, \(uscc), \(region), password_hash_of(\(password)))
                """)
        } catch {
            if error.sqlState == .uniqueViolation {
                throw WorkforceError.conflict("a user named \(name) exists already")
            }
            if error.sqlState == .foreignKeyViolation {
                throw WorkforceError.invalid(
                    field: "scope", value: scope ?? "",
                    reason: "no enterprise has this USCC; \(remedy: .listEnterprises)")
            }
            if error.constraint == "region_code_known" {
                throw WorkforceError.invalid(
                    field: "scope", value: scope ?? "", reason: "is not a region code of GB/T 2260")
            }
            throw error
        }
        return password
    }

    /// Every user the acting user may see (an admin or the owner: all), by name.
    public func list() throws -> [AppUser] {
        try db.query(
            """
            SELECT name, role::text, coalesce(enterprise_uscc, region_code), password_one_time, disabled_at IS NOT NULL
            FROM app_user ORDER BY name
            """
        ).map { row in
            AppUser(
                name: try row.decode(0), role: AccessRole(rawValue: try row.decode(1))!, scope: try row.decode(2),
                oneTimePassword: try row.decode(3), disabled: try row.decode(4))
        }
    }

    /// Disables a user: their logins and open sessions stop working at once.
    public func disable(name: String) throws {
        let changed = try db.execute("UPDATE app_user SET disabled_at = now() WHERE name = \(name)")
        if changed == 0 { throw WorkforceError.notFound("no user is named \(name)") }
    }

    /// Gives a user a new one-time password and returns it (an admin's or the owner's reset).
    public func resetPassword(name: String) throws -> String {
        let password = Users.oneTimePassword()
        let changed = try db.execute(
            """
            UPDATE app_user SET password_hash = password_hash_of(\(password)), password_one_time = true,
                                password_set_at = now()
            WHERE name = \(name)
            """)
        if changed == 0 { throw WorkforceError.notFound("no user is named \(name)") }
        return password
    }

    /// The acting user replaces their own password; `current` must match.
    public func setPassword(current: String, new: String) throws {
        guard new.count >= 12 else {
            throw WorkforceError.invalid(field: "new_password", value: "", reason: "needs at least 12 characters")
        }
        do {
            try db.execute("SELECT esw_set_password(\(current), \(new))")
        } catch {
            if error.sqlState == .invalidPassword { throw LoginRefused() }
            throw error
        }
    }

    /// 20 characters from 56 that cannot be mistaken for each other (no 0/O, 1/l/I): about 116 bits.
    static func oneTimePassword() -> String {
        let alphabet = Array("23456789abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ")
        var generator = SystemRandomNumberGenerator()
        return String((0..<20).map { _ in alphabet.randomElement(using: &generator)! })
    }

    static func checkName(_ name: String) throws {
        let allowed = name.utf8.allSatisfy { $0.isASCIIDigit || $0.isASCIILetter || "._@-".utf8.contains($0) }
        guard !name.isEmpty, name.utf8.count <= 100, allowed, name.first != ".", name.first != "@",
            name.first != "_", name.first != "-"
        else {
            throw WorkforceError.invalid(
                field: "name", value: name,
                reason: "must be 1 to 100 letters, digits and . _ @ -, starting with a letter or digit")
        }
    }

    /// The scope as the two columns of app_user, checked against the role.
    static func scopeColumns(role: AccessRole, scope: String?) throws -> (uscc: String?, region: String?) {
        let given = scope?.trimmingSpaces ?? ""
        func refuse(_ why: String) -> WorkforceError {
            .invalid(field: "scope", value: given, reason: "the role \(role.rawValue) takes \(role.scopeKind); \(why)")
        }
        switch role {
        case .ministry, .admin:
            guard given.isEmpty else { throw refuse("leave it out") }
            return (nil, nil)
        case .enterpriseCoordinator, .enterpriseHR:
            switch Codes.checkUSCC(given) {
            case .valid(let uscc): return (uscc, nil)
            case .invalid(let reason): throw refuse(reason)
            }
        case .regionCoordinator, .provincialBureau:
            switch Codes.checkRegion(given) {
            case .invalid(let reason): throw refuse(reason)
            case .valid(let code):
                let isProvince = code.hasSuffix("0000")
                if role == .provincialBureau && !isProvince { throw refuse("this is not a province code") }
                if role == .regionCoordinator && isProvince { throw refuse("this is a province code") }
                return (nil, code)
            }
        }
    }
}

extension UInt8 {
    fileprivate var isASCIILetter: Bool { (65...90).contains(self) || (97...122).contains(self) }
}
