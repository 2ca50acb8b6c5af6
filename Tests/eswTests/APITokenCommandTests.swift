import Foundation
import PostgresClient
import TestSupport
import Testing
import Workforce

/// `esw user token`, `tokens` and `revoke-token` as an admin meets them (docs/access.md "Web
/// sessions and API tokens").
@Suite(.database) struct APITokenCommandTests {
    @Test func aTokenIsPrintedAloneOnceListedWithoutItAndRevokedByID() throws {
        try TestDatabase.withSchema { owner, conninfo in
            let world = try AccessWorld(owner: owner, conninfo: conninfo)
            let database = ["--database-url", conninfo]
            let issue = try esw(["user", "token", "sz-hr", "--days", "30", "--label", "HR system"] + database)
            #expect(issue.status == 0, "\(issue.stderr)")
            let token = issue.stdout.trimmingCharacters(in: .newlines)
            #expect(issue.stdout == token + "\n" && token.hasPrefix("esw_") && token.count == 68)
            // It acts as its user, as a login would.
            let db = try Connection(conninfo: conninfo)
            try Session.use(SessionToken(presented: token), on: db)
            #expect(try Session.actingUser(db) == "sz-hr")
            // An admin lists it, in every format, never with the token.
            var id = ""
            for format in ["table", "csv", "json"] {
                let list = try esw(
                    ["user", "tokens", "sz-hr", "--format", format, "--user", "admin"] + database,
                    environment: ["ESW_PASSWORD": world.passwords["admin"]!])
                #expect(list.status == 0, "\(list.stderr)")
                #expect(list.stdout.contains("HR system") && !list.stdout.contains(token))
                #expect(!list.stdout.contains(String(token.dropFirst(4).prefix(16))))
                if format == "csv" {
                    let lines = list.stdout.split(whereSeparator: \.isNewline)
                    try #require(lines.count == 2)
                    #expect(lines[0].hasSuffix("id,label,created,expires,last_used,state"))
                    id = String(lines[1].split(separator: ",")[0])
                }
            }
            let revoke = try esw(["user", "revoke-token", "sz-hr", id] + database)
            #expect(revoke.status == 0 && revoke.stdout == "revoked\n", "\(revoke.stderr)")
            #expect(try Session.actingUser(db) == nil)
            let again = try esw(["user", "revoke-token", "sz-hr", id] + database)
            #expect(again.status == 3)
            #expect(again.stderr == "esw: this user has no API token with this id\n")
        }
    }

    @Test func badInputExitsThreeANonAdminExitsOneAndNothingIsIssued() throws {
        try TestDatabase.withSchema { owner, conninfo in
            let world = try AccessWorld(owner: owner, conninfo: conninfo)
            let database = ["--database-url", conninfo]
            let refusals: [([String], Int32, String)] = [
                (["user", "token", "nobody"], 3, "esw: no user has this name\n"),
                (["user", "tokens", "nobody"], 3, "esw: no user has this name\n"),
                (["user", "revoke-token", "nobody", "1"], 3, "esw: no user has this name\n"),
                (
                    ["user", "token", "sz-hr", "--days", "0"], 3,
                    "esw: --days '0': must be a whole number from 1 to 365\n"
                ),
                (
                    ["user", "token", "sz-hr", "--label", String(repeating: "标", count: 101)], 3,
                    "esw: --label: must be at most 100 characters\n"
                ),
            ]
            for (arguments, status, message) in refusals {
                let run = try esw(arguments + database)
                #expect(run.status == status, "\(arguments)")
                #expect(run.stderr == message, "\(arguments)")
                #expect(run.stdout.isEmpty)
            }
            try Users(db: owner).disable(name: "sz-hr")
            let disabled = try esw(["user", "token", "sz-hr"] + database)
            #expect(disabled.status == 3)
            #expect(disabled.stderr == "esw: the user is disabled: a token would not work\n")
            let coordinator = try esw(
                ["user", "token", "sz-coordinator", "--user", "sz-coordinator"] + database,
                environment: ["ESW_PASSWORD": world.passwords["sz-coordinator"]!])
            #expect(coordinator.status == 1)
            #expect(coordinator.stderr.hasPrefix("esw: not allowed for this user: "))
            #expect(coordinator.stdout.isEmpty)
            let tokens: Int64 = try owner.query("SELECT count(*) FROM app_session WHERE kind = 'api'").single()
                .decode(0)
            #expect(tokens == 0)
        }
    }
}
