import PostgresClient
import TestSupport
import Testing
import Workforce
import WorkforceWeb

@Suite(.database) struct RequestScopeTests {
    @Test func eachRequestActsAsItsOwnUserOnASharedConnection() async throws {
        try await TestDatabase.withSchema { (conninfo: String) async throws in
            let users = Users(db: try Connection(conninfo: conninfo))
            let first = try users.add(name: "chen", role: .ministry, scope: nil)
            let second = try users.add(name: "zhou", role: .ministry, scope: nil)
            let chen = try Session.open(try Connection(conninfo: conninfo), user: "chen", password: first)
            let zhou = try Session.open(try Connection(conninfo: conninfo), user: "zhou", password: second)
            // One connection, so both requests and the anonymous one get the same backend in turn.
            let pool = ConnectionPool(conninfo: conninfo, maximumConnections: 1)
            func actingUser(_ token: SessionToken?) async throws -> String? {
                try await RequestScope(pool: pool, token: token, statementTimeoutMilliseconds: 2_000)
                    .transaction { db in try Session.actingUser(db) }
            }
            #expect(try await actingUser(chen) == "chen")
            #expect(try await actingUser(zhou) == "zhou")
            #expect(try await actingUser(nil) == nil)
            #expect(try await actingUser(chen) == "chen")
        }
    }
}
