import Foundation
import PostgresClient
import TestSupport
import Testing
import Workforce
import WorkforceOutput

/// Listings and reports through the CLI as each role: each user sees its scope and nothing of
/// another's (docs/access.md).
@Suite(.database) struct AccessListingTests {
    /// The users and the enterprises (sides) each one's scope holds.
    static let scopes: [(user: String, sees: Set<String>)] = [
        ("sz-coordinator", ["SZ"]), ("sz-hr", ["SZ"]), ("bj-coordinator", ["BJ"]), ("shenzhen-city", ["SZ"]),
        ("guangdong", ["SZ", "GZ"]), ("ministry", ["SZ", "GZ", "BJ"]), ("admin", ["SZ", "GZ", "BJ"]),
    ]

    /// What of a side may show in a listing: its USCC, its name (in its enterprise's, its person's
    /// "P…" and its event's "E-…"), its person's ID number whole or masked.
    static func marks(_ side: AccessWorld.Side) -> [String] {
        [side.uscc, side.name, side.idNumber, maskedIDNumber(side.idNumber)]
    }

    static func shown(_ side: AccessWorld.Side, in text: String) -> Bool {
        marks(side).contains { text.contains($0) }
    }

    func run(_ world: AccessWorld, _ user: String, _ arguments: [String]) throws -> ESWRun {
        try esw(
            arguments + ["--database-url", world.conninfo, "--user", user],
            environment: ["ESW_PASSWORD": world.passwords[user]!])
    }

    @Test func listingsShowEachUserTheirScopeAndNothingOfAnothers() throws {
        try TestDatabase.withSchema { owner, conninfo in
            let world = try AccessWorld(owner: owner, conninfo: conninfo)
            let session: Int = try owner.query("SELECT id FROM exam_session").single().decode(0)
            // Each person attended their enterprise's event, so that hours are credited.
            try owner.execute("UPDATE enrollment SET status = 'attended', hours = 3")
            let listings: [[String]] = [
                ["enterprise", "list", "--format", "csv"],
                ["post", "list", "--format", "csv"],
                ["service", "list", "--format", "csv"],
                ["funding", "list", "--format", "csv"],
                ["certificate", "status", "--as-of", "2013-12-31", "--format", "csv"],
                ["event", "list", "--format", "csv"],
                ["training", "hours", "--format", "csv"],
                ["exam", "results", "--session", String(session), "--format", "csv"],
                ["pilot", "list", "--format", "csv"],
            ]
            for (user, sees) in AccessListingTests.scopes {
                for listing in listings {
                    let listed = try run(world, user, listing)
                    let command = "\(user): esw \(listing.prefix(2).joined(separator: " "))"
                    #expect(listed.status == 0, "\(command): \(listed.stderr)")
                    for side in AccessWorld.sides {
                        #expect(
                            AccessListingTests.shown(side, in: listed.stdout) == sees.contains(side.name),
                            "\(command) and \(side.name)")
                    }
                }
            }
        }
    }

    @Test func trainingGapsOfAnEnterpriseOutsideTheScopeIsRefusedAsOneThatDoesNotExist() throws {
        try TestDatabase.withSchema { owner, conninfo in
            let world = try AccessWorld(owner: owner, conninfo: conninfo)
            func gaps(_ user: String, _ uscc: String) throws -> ESWRun {
                try run(
                    world, user, ["training", "gaps", "--enterprise", uscc, "--as-of", "2013-12-31", "--format", "csv"])
            }
            let nowhere = Fixtures.uscc(serial: 99)
            for (user, sees) in AccessListingTests.scopes {
                let unknown = try gaps(user, nowhere)
                #expect(unknown.status == 3)
                for side in AccessWorld.sides {
                    let gaps = try gaps(user, side.uscc)
                    let command = "\(user): esw training gaps of \(side.name)"
                    if sees.contains(side.name) {
                        #expect(gaps.status == 0, "\(command): \(gaps.stderr)")
                    } else {
                        #expect(gaps.status == 3, "\(command): \(gaps.stderr)")
                        #expect(gaps.stdout.isEmpty, "\(command)")
                        // The same words as for a USCC on record nowhere: nothing tells it exists.
                        #expect(
                            gaps.stderr == unknown.stderr.replacingOccurrences(of: nowhere, with: side.uscc),
                            "\(command): \(gaps.stderr)")
                    }
                    for other in AccessWorld.sides where other.name != side.name {
                        #expect(!AccessListingTests.shown(other, in: gaps.stdout), "\(command) shows \(other.name)")
                    }
                }
            }
        }
    }

    @Test func reportsShowEachUserTheirScopeWithTheScopesOwnTotals() throws {
        try TestDatabase.withSchema { owner, conninfo in
            let world = try AccessWorld(owner: owner, conninfo: conninfo)
            var applications: [String: Int] = [:]
            for side in AccessWorld.sides {
                applications[side.name] = try owner.query(
                    """
                    SELECT a.id FROM pilot_application a JOIN enterprise e ON e.id = a.enterprise_id
                    WHERE e.uscc = \(side.uscc)
                    """
                ).single().decode(0)
            }
            for (user, sees) in AccessListingTests.scopes {
                for (province, inside) in [("440000", ["SZ", "GZ"]), ("110000", ["BJ"])] {
                    let report = try run(
                        world, user,
                        ["report", "province", "--region", province, "--as-of", "2013-12-31", "--format", "json"])
                    let command = "\(user): esw report province --region \(province)"
                    #expect(report.status == 0, "\(command): \(report.stderr)")
                    let visible = AccessWorld.sides.filter { sees.contains($0.name) && inside.contains($0.name) }
                    for side in AccessWorld.sides {
                        #expect(
                            AccessListingTests.shown(side, in: report.stdout)
                                == visible.contains { $0.name == side.name },
                            "\(command) and \(side.name)")
                    }
                    let json = try JSONSerialization.jsonObject(with: Data(report.stdout.utf8)) as? [String: Any]
                    let total = json?["total"] as? [String: Any]
                    #expect(total?["tracked"] as? Int == visible.count, "\(command)")
                    #expect(total?["certified"] as? Int == visible.count, "\(command)")
                }
                for side in AccessWorld.sides {
                    let report = try run(
                        world, user,
                        ["report", "pilot", "--application", String(applications[side.name]!), "--format", "json"])
                    let command = "\(user): esw report pilot of \(side.name)"
                    if sees.contains(side.name) {
                        #expect(report.status == 0, "\(command): \(report.stderr)")
                        #expect(AccessListingTests.shown(side, in: report.stdout), "\(command)")
                    } else {
                        #expect(report.status == 3, "\(command): \(report.stderr)")
                        #expect(report.stdout.isEmpty, "\(command)")
                    }
                    for other in AccessWorld.sides where other.name != side.name {
                        #expect(!AccessListingTests.shown(other, in: report.stdout), "\(command) shows \(other.name)")
                    }
                }
            }
        }
    }
}
