import Foundation
import PostgresClient
import TestSupport
import Testing
import Workforce

/// A session opened on one connection and used on another: how `--read-url` signs in on the
/// primary and reads from a standby (docs/scaling.md). The standby itself is in
/// Tests/Scripts/replica.sh; here a second connection stands for it.
@Suite(.database) struct SessionTokenTests {
    @Test func aSessionOpenedOnOneConnectionActsOnAnother() throws {
        try TestDatabase.withSchema { owner, conninfo in
            let password = try Users(db: owner).add(name: "bureau-gd", role: .provincialBureau, scope: "440000")
            let token = try Session.open(try Connection(conninfo: conninfo), user: "bureau-gd", password: password)
            let reader = try Connection(conninfo: conninfo)
            try Session.use(token, on: reader)
            try Session.waitForReplay(reader, seconds: 1)
            #expect(try Session.actingUser(reader) == "bureau-gd")
            #expect(try Session.scope(reader).region == "440000")
            #expect(try reader.query("SELECT current_user").single().decode(0) as String == Session.applicationRole)
            #expect("\(token)" == "a session token", "the token's text is never shown")
        }
    }

    /// A server that has not got the session row (a standby that has not replayed it) would show
    /// the user nothing at all: the wait ends in an error instead of an empty answer.
    @Test func aSessionTheReadServerHasNotGotIsAnErrorNotAnEmptyScope() throws {
        try TestDatabase.withSchema { primary, primaryInfo in
            let password = try Users(db: primary).add(name: "ministry", role: .ministry, scope: nil)
            let token = try Session.open(try Connection(conninfo: primaryInfo), user: "ministry", password: password)
            try TestDatabase.withSchema { other, otherInfo in
                _ = try Users(db: other).add(name: "ministry", role: .ministry, scope: nil)
                let reader = try Connection(conninfo: otherInfo)
                try Session.use(token, on: reader)
                #expect(try Session.actingUser(reader) == nil)
                #expect(throws: SessionNotReplayed.self) { try Session.waitForReplay(reader, seconds: 0.3) }
            }
        }
    }

    @Test func aWrongPasswordOpensNoSession() throws {
        try TestDatabase.withSchema { owner, conninfo in
            _ = try Users(db: owner).add(name: "hr", role: .ministry, scope: nil)
            #expect(throws: LoginRefused.self) {
                try Session.open(try Connection(conninfo: conninfo), user: "hr", password: "not the password")
            }
            #expect(try owner.query("SELECT count(*) FROM app_session").single().decode(0) as Int64 == 0)
        }
    }
}
