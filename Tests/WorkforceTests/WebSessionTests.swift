import Foundation
import PostgresClient
import TestSupport
import Testing
import Workforce

/// Web sessions (sql/0030_web_sessions.sql, docs/access.md "Web sessions and API tokens"): idle
/// and absolute expiry, the once-a-minute touch, logout, throttled logins, the first-login rule.
/// Times are moved as the owner, never waited for.
@Suite(.database) struct WebSessionTests {
    /// A new user (with a one-time password), and a connection acting as them.
    static func signedIn(_ owner: Connection, _ conninfo: String, user: String = "zhang") throws
        -> (db: Connection, token: SessionToken, password: String)
    {
        let password = try Users(db: owner).add(name: user, role: .ministry, scope: nil)
        let db = try Connection(conninfo: conninfo)
        let token = try Session.open(db, user: user, password: password, address: "192.0.2.1")
        try Session.use(token, on: db)
        return (db, token, password)
    }

    static func moveSession(_ owner: Connection, _ token: SessionToken, _ assignment: SQLQuery) throws {
        let changed = try owner.execute(
            "UPDATE app_session SET \(assignment) WHERE token_hash = sha256(convert_to(\(token.textForClient), 'UTF8'))"
        )
        #expect(changed == 1)
    }

    @Test func aLoginSessionEndsAfterEightHoursWithoutARequestAndATouchDoesNotReviveIt() throws {
        try TestDatabase.withSchema { owner, conninfo in
            let (db, token, _) = try Self.signedIn(owner, conninfo)
            try Self.moveSession(owner, token, "last_used_at = now() - interval '7 hours 59 minutes'")
            #expect(try Session.actingUser(db) == "zhang")
            #expect(try Session.touch(db), "a request after 7 h 59 min keeps the session")
            try Self.moveSession(owner, token, "last_used_at = now() - interval '8 hours 1 minute'")
            #expect(try Session.actingUser(db) == nil)
            #expect(try !Session.touch(db))
            #expect(try Session.actingUser(db) == nil)
        }
    }

    @Test func aSessionInUseStillEndsAtItsAbsoluteLifetime() throws {
        try TestDatabase.withSchema { owner, conninfo in
            let (db, token, _) = try Self.signedIn(owner, conninfo)
            let lifetime: String = try owner.query(
                """
                SELECT (expires_at - created_at)::text FROM app_session
                WHERE token_hash = sha256(convert_to(\(token.textForClient), 'UTF8'))
                """
            ).single().decode(0)
            #expect(lifetime == "12:00:00")
            try Self.moveSession(owner, token, "expires_at = now() - interval '1 second'")
            #expect(try Session.actingUser(db) == nil)
            #expect(try !Session.touch(db))
        }
    }

    @Test func touchWritesAtMostOnceAMinuteAndNeverWaitsForAnotherRequestsTouch() throws {
        try TestDatabase.withSchema { owner, conninfo in
            let (db, token, _) = try Self.signedIn(owner, conninfo)
            #expect(try !Session.touch(db), "used at login, less than a minute ago")
            try Self.moveSession(owner, token, "last_used_at = now() - interval '61 seconds'")
            #expect(try Session.touch(db))
            #expect(try !Session.touch(db), "touched just now")
            let age: Double = try owner.query(
                """
                SELECT extract(epoch FROM now() - last_used_at)::float8 FROM app_session
                WHERE token_hash = sha256(convert_to(\(token.textForClient), 'UTF8'))
                """
            ).single().decode(0)
            #expect(age < 60)
            // Another request holds the row (its touch, in a transaction not yet ended): a second
            // request's touch skips it rather than waiting (a lock_timeout would fail it).
            try Self.moveSession(owner, token, "last_used_at = now() - interval '61 seconds'")
            let other = try Connection(conninfo: conninfo)
            try Session.use(token, on: other)
            try db.transaction { db in
                #expect(try Session.touch(db))
                try other.execute("SET lock_timeout = '2s'")
                #expect(try !Session.touch(other))
            }
            #expect(try Session.actingUser(other) == "zhang")
        }
    }

    @Test func logoutEndsOnlyThatSession() throws {
        try TestDatabase.withSchema { owner, conninfo in
            let (db, _, password) = try Self.signedIn(owner, conninfo)
            let second = try Connection(conninfo: conninfo)
            try Session.use(try Session.open(second, user: "zhang", password: password, address: nil), on: second)
            #expect(try Session.end(db))
            #expect(try Session.actingUser(db) == nil)
            #expect(try !Session.end(db), "nothing left to end")
            #expect(try Session.actingUser(second) == "zhang")
        }
    }

    @Test func fiveFailuresOfANameThrottleItWithoutCheckingThePasswordUntilTheWindowPasses() throws {
        try TestDatabase.withSchema { owner, conninfo in
            let password = try Users(db: owner).add(name: "zhang", role: .ministry, scope: nil)
            let db = try Connection(conninfo: conninfo)
            for attempt in 1...5 {
                // Each from another address: the name's count is across addresses.
                #expect(throws: LoginRefused.self) {
                    try Session.open(db, user: "zhang", password: "wrong-\(attempt)", address: "198.51.100.\(attempt)")
                }
            }
            // The refusals raised nothing in the database, so the failures were committed with them.
            func failures() throws -> Int64 { try owner.query("SELECT count(*) FROM login_failure").single().decode(0) }
            #expect(try failures() == 5)
            // The right password now is refused as well, said so without naming the part at fault, and
            // the attempt is not recorded (nothing to check: no bcrypt).
            var throttled: LoginThrottled?
            do {
                _ = try Session.open(db, user: "zhang", password: password, address: "203.0.113.9")
            } catch let error as LoginThrottled {
                throttled = error
            }
            let seconds = try #require(throttled).retryAfterSeconds
            #expect((890...900).contains(seconds))
            #expect("\(throttled!)" == "login refused: too many failed logins; try again in \(seconds) s")
            #expect(try failures() == 5)
            // The name is kept as a keyed hash only.
            let plainHash: Bool = try owner.query(
                "SELECT bool_or(name_key = sha256(convert_to('zhang', 'UTF8'))) FROM login_failure"
            ).single().decode(0)
            #expect(!plainHash)
            // Another name is not throttled (a wrong password is a plain refusal).
            #expect(throws: LoginRefused.self) {
                try Session.open(db, user: "li", password: "wrong", address: "203.0.113.9")
            }
            // Once the window has passed, the right password works and clears the name's failures.
            try owner.execute("UPDATE login_failure SET at = at - interval '15 minutes'")
            let token = try Session.open(db, user: "zhang", password: password, address: "203.0.113.9")
            try Session.use(token, on: db)
            #expect(try Session.actingUser(db) == "zhang")
            #expect(try failures() == 1, "li's failure stays")
        }
    }

    @Test func twentyFailuresFromOneAddressThrottleIt() throws {
        try TestDatabase.withSchema { owner, conninfo in
            let password = try Users(db: owner).add(name: "zhang", role: .ministry, scope: nil)
            let db = try Connection(conninfo: conninfo)
            // Twenty names, once each: no name reaches its limit. The IPv4-mapped form of an address
            // (as a dual-stack socket reports it) is the address.
            for attempt in 1...20 {
                let address = attempt <= 10 ? "198.51.100.7" : "::ffff:198.51.100.7"
                let outcome = try Session.attemptLogin(db, user: "guess\(attempt)", password: "x", address: address)
                guard case .refused = outcome else { Issue.record("attempt \(attempt): \(outcome)"); return }
            }
            guard
                case .throttled = try Session.attemptLogin(
                    db, user: "zhang", password: password, address: "198.51.100.7")
            else { Issue.record("the address is not throttled"); return }
            guard
                case .opened = try Session.attemptLogin(db, user: "zhang", password: password, address: "198.51.100.8")
            else { Issue.record("another address is throttled"); return }
        }
    }

    @Test func anIPv6SubscriberIsCountedByItsSlash64() throws {
        try TestDatabase.withSchema { owner, conninfo in
            let password = try Users(db: owner).add(name: "zhang", role: .ministry, scope: nil)
            let db = try Connection(conninfo: conninfo)
            for attempt in 1...20 {
                _ = try Session.attemptLogin(
                    db, user: "guess\(attempt)", password: "x", address: "2001:db8:5:6::\(attempt)")
            }
            guard
                case .throttled = try Session.attemptLogin(
                    db, user: "zhang", password: password, address: "2001:db8:5:6:ffff::1")
            else { Issue.record("the /64 is not throttled"); return }
            guard
                case .opened = try Session.attemptLogin(
                    db, user: "zhang", password: password, address: "2001:db8:5:7::1")
            else { Issue.record("another /64 is throttled"); return }
        }
    }

    /// Concurrent attempts on one name run one at a time: the sixth and later see five failures
    /// and are throttled, rather than all passing the count before any failure is recorded.
    @Test func concurrentAttemptsCannotOutrunTheCount() throws {
        try TestDatabase.withSchema { owner, conninfo in
            _ = try Users(db: owner).add(name: "zhang", role: .ministry, scope: nil)
            let outcomes = inParallel(Array(1...10), width: 10) { attempt -> String in
                do {
                    let db = try Connection(conninfo: conninfo)
                    switch try Session.attemptLogin(db, user: "zhang", password: "wrong-\(attempt)", address: nil) {
                    case .opened: return "opened"
                    case .refused: return "refused"
                    case .throttled: return "throttled"
                    }
                } catch {
                    return "\(error)"
                }
            }
            #expect(outcomes.filter { $0 == "refused" }.count == 5)
            #expect(outcomes.filter { $0 == "throttled" }.count == 5)
            #expect(try owner.query("SELECT count(*) FROM login_failure").single().decode(0) as Int64 == 5)
        }
    }

    @Test func failuresOlderThanADayArePurgedAtTheNextLogin() throws {
        try TestDatabase.withSchema { owner, conninfo in
            let db = try Connection(conninfo: conninfo)
            _ = try Session.attemptLogin(db, user: "old", password: "x", address: "192.0.2.7")
            try owner.execute("UPDATE login_failure SET at = now() - interval '25 hours'")
            _ = try Session.attemptLogin(db, user: "new", password: "x", address: "192.0.2.7")
            #expect(try owner.query("SELECT count(*) FROM login_failure").single().decode(0) as Int64 == 1)
        }
    }

    @Test func aUserMustReplaceTheirOneTimePasswordFirst() throws {
        try TestDatabase.withSchema { owner, conninfo in
            let (db, _, password) = try Self.signedIn(owner, conninfo)
            #expect(try Session.mustChangePassword(db))
            try Users(db: db).setPassword(current: password, new: "a password of my own")
            #expect(try !Session.mustChangePassword(db))
            #expect(try !Session.mustChangePassword(owner), "the owner acts as no user")
        }
    }

    @Test func theTwoArgumentLoginOfTheCommandLineStillWorks() throws {
        try TestDatabase.withSchema { owner, conninfo in
            let password = try Users(db: owner).add(name: "zhang", role: .ministry, scope: nil)
            let db = try Connection(conninfo: conninfo)
            try Session.signIn(db, user: "zhang", password: password)
            #expect(try Session.actingUser(db) == "zhang")
            #expect(throws: LoginRefused.self) { try Session.open(db, user: "zhang", password: "wrong") }
        }
    }
}

/// API tokens (sql/0030): issued by an admin or the owner, stored hashed, working as a session
/// token does, revocable, expiring, never idle-expiring, dead with their disabled user.
@Suite(.database) struct APITokenTests {
    static func acting(_ token: SessionToken, _ conninfo: String) throws -> Connection {
        let db = try Connection(conninfo: conninfo)
        try Session.use(SessionToken(presented: token.textForClient), on: db)
        return db
    }

    @Test func aTokenActsAsItsUserUntilRevokedAndNeverIdles() throws {
        try TestDatabase.withSchema { owner, conninfo in
            _ = try Users(db: owner).add(name: "hr-system", role: .provincialBureau, scope: "440000")
            let tokens = APITokens(db: owner)
            let issued = try tokens.issue(user: "hr-system", days: 30, label: "HR import")
            #expect(issued.token.textForClient.count == 68 && issued.token.textForClient.hasPrefix("esw_"))
            let db = try Self.acting(issued.token, conninfo)
            #expect(try Session.actingUser(db) == "hr-system")
            #expect(try Session.scope(db).region == "440000")
            // Stored as its hash only.
            let stored: Int64 = try owner.query(
                "SELECT count(*) FROM app_session WHERE token_hash = convert_to(\(issued.token.textForClient), 'UTF8')"
            ).single().decode(0)
            #expect(stored == 0)
            // A month without a request: still valid.
            try owner.execute(
                "UPDATE app_session SET last_used_at = now() - interval '29 days' WHERE id = \(issued.id)")
            #expect(try Session.actingUser(db) == "hr-system")
            #expect(try Session.touch(db))
            #expect(try !Session.end(db), "logout does not end a token")
            let listed = try tokens.list(user: "hr-system")
            #expect(listed.map(\.id) == [issued.id] && listed[0].label == "HR import" && !listed[0].expired)
            #expect(listed[0].lastUsed != nil && listed[0].expires == issued.expires)
            try tokens.revoke(user: "hr-system", id: issued.id)
            #expect(try Session.actingUser(db) == nil)
            #expect(try tokens.list(user: "hr-system").isEmpty)
            #expect(throws: WorkforceError.self) { try tokens.revoke(user: "hr-system", id: issued.id) }
        }
    }

    @Test func anExpiredTokenAndADisabledUsersTokenNameNobody() throws {
        try TestDatabase.withSchema { owner, conninfo in
            let users = Users(db: owner)
            _ = try users.add(name: "a", role: .ministry, scope: nil)
            _ = try users.add(name: "b", role: .ministry, scope: nil)
            let tokens = APITokens(db: owner)
            let expiring = try tokens.issue(user: "a")
            let disabled = try tokens.issue(user: "b")
            try owner.execute(
                "UPDATE app_session SET expires_at = now() - interval '1 second' WHERE id = \(expiring.id)")
            #expect(try Session.actingUser(try Self.acting(expiring.token, conninfo)) == nil)
            #expect(try tokens.list(user: "a").map(\.expired) == [true])
            let db = try Self.acting(disabled.token, conninfo)
            #expect(try Session.actingUser(db) == "b")
            try users.disable(name: "b")
            #expect(try Session.actingUser(db) == nil)
            #expect(throws: WorkforceError.conflict("the user is disabled: a token would not work")) {
                try tokens.issue(user: "b")
            }
        }
    }

    @Test func onlyAnAdminIssuesListsAndRevokesOthersTokens() throws {
        try TestDatabase.withSchema { owner, conninfo in
            let world = try AccessWorld(owner: owner, conninfo: conninfo)
            let admin = APITokens(db: try world.connect(as: "admin"))
            let issued = try admin.issue(user: "sz-hr")
            #expect(try admin.list(user: "sz-hr").map(\.id) == [issued.id])
            let hr = APITokens(db: try world.connect(as: "sz-hr"))
            // A user sees their own tokens but may not issue or revoke them.
            #expect(try hr.list(user: "sz-hr").map(\.id) == [issued.id])
            #expect {
                try hr.issue(user: "sz-hr")
            } throws: { ($0 as? PostgresError)?.sqlState == .insufficientPrivilege }
            #expect {
                try hr.revoke(user: "sz-hr", id: issued.id)
            } throws: { ($0 as? PostgresError)?.sqlState == .insufficientPrivilege }
            // Another user's tokens are out of sight: no such user.
            #expect(throws: WorkforceError.self) { try hr.list(user: "admin") }
            // No esw user reads a token's hash.
            #expect {
                try world.connect(as: "admin").query("SELECT token_hash FROM app_session")
            } throws: { ($0 as? PostgresError)?.sqlState == .insufficientPrivilege }
            try admin.revoke(user: "sz-hr", id: issued.id)
        }
    }

    @Test func daysAndLabelAreChecked() throws {
        try TestDatabase.withSchema { owner in
            _ = try Users(db: owner).add(name: "a", role: .ministry, scope: nil)
            let tokens = APITokens(db: owner)
            for days in [0, 366] {
                #expect(throws: WorkforceError.self) { try tokens.issue(user: "a", days: days) }
            }
            #expect(throws: WorkforceError.self) {
                try tokens.issue(user: "a", label: String(repeating: "x", count: 101))
            }
            #expect(throws: WorkforceError.self) { try tokens.issue(user: "nobody") }
            #expect(try owner.query("SELECT count(*) FROM app_session").single().decode(0) as Int64 == 0)
        }
    }
}
