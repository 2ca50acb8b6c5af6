import Foundation
import PostgresClient
import TestSupport
import Testing
import Workforce

/// Users and roles as a user meets them on the command line (docs/access.md).
@Suite(.database) struct AccessCommandLineTests {
    @Test func eswRatioShowsEachUserTheirScopeOnly() throws {
        try TestDatabase.withSchema { owner, conninfo in
            let world = try AccessWorld(owner: owner, conninfo: conninfo)
            let (shenzhen, guangzhou, beijing) = (AccessWorld.shenzhen, AccessWorld.guangzhou, AccessWorld.beijing)
            let expectations: [(String?, [AccessWorld.Side])] = [
                (nil, [shenzhen, guangzhou, beijing]),
                ("sz-coordinator", [shenzhen]), ("sz-hr", [shenzhen]), ("bj-coordinator", [beijing]),
                ("shenzhen-city", [shenzhen]), ("guangdong", [shenzhen, guangzhou]),
                ("ministry", [shenzhen, guangzhou, beijing]), ("admin", [shenzhen, guangzhou, beijing]),
            ]
            for (user, sees) in expectations {
                let arguments = ["ratio", "--as-of", "2013-12-31", "--format", "csv", "--database-url", conninfo]
                let run = try esw(
                    arguments + (user.map { ["--user", $0] } ?? []),
                    environment: user.map { ["ESW_PASSWORD": world.passwords[$0]!] } ?? [:])
                #expect(run.status == 0, "\(user ?? "owner"): \(run.stderr)")
                for side in AccessWorld.sides {
                    #expect(
                        run.stdout.contains(side.uscc) == sees.contains { $0.uscc == side.uscc },
                        "\(user ?? "owner") and \(side.name)")
                }
            }
            // Without a filter a scoped user gets their scope, its total named as such.
            let bureau = try esw(
                [
                    "ratio", "--as-of", "2013-12-31", "--format", "csv", "--database-url", conninfo, "--user",
                    "guangdong",
                ],
                environment: ["ESW_PASSWORD": world.passwords["guangdong"]!])
            #expect(bureau.stdout.contains("440000") && !bureau.stdout.contains("全国"))
            // ESW_USER works as --user does.
            let byEnvironment = try esw(
                ["ratio", "--as-of", "2013-12-31", "--format", "csv", "--database-url", conninfo],
                environment: ["ESW_USER": "guangdong", "ESW_PASSWORD": world.passwords["guangdong"]!])
            #expect(byEnvironment.status == 0)
            #expect(byEnvironment.stdout.contains(guangzhou.uscc) && !byEnvironment.stdout.contains(beijing.uscc))
        }
    }

    @Test func aRefusedLoginExitsOneWithoutSayingWhichPartWasWrong() throws {
        try TestDatabase.withSchema { owner, conninfo in
            let world = try AccessWorld(owner: owner, conninfo: conninfo)
            try Users(db: owner).disable(name: "sz-hr")
            let attempts: [(String, String)] = [
                ("sz-coordinator", "wrong-password-123"), ("nobody", world.passwords["admin"]!),
                ("sz-hr", world.passwords["sz-hr"]!),
            ]
            for (user, password) in attempts {
                let run = try esw(
                    ["ratio", "--database-url", conninfo, "--user", user], environment: ["ESW_PASSWORD": password])
                #expect(run.status == 1)
                let refusal = "login refused: wrong user name or password, disabled user, or expired one-time password"
                #expect(run.stderr == "esw: \(refusal)\n")
                #expect(run.stdout.isEmpty)
            }
            // No terminal and no ESW_PASSWORD: a usage error, not a prompt that hangs.
            let noPassword = try esw(["ratio", "--database-url", conninfo, "--user", "admin"])
            #expect(noPassword.status == 2)
        }
    }

    @Test func userAddPrintsTheOneTimePasswordAloneAndOnlyAnAdminManagesUsers() throws {
        try TestDatabase.withSchema { owner, conninfo in
            let world = try AccessWorld(owner: owner, conninfo: conninfo)
            let database = ["--database-url", conninfo]
            let add = try esw(
                ["user", "add", "--name", "gz-hr", "--role", "enterprise_hr", "--scope", AccessWorld.guangzhou.uscc]
                    + database)
            #expect(add.status == 0)
            let password = add.stdout.trimmingCharacters(in: .newlines)
            #expect(add.stdout == password + "\n" && password.count >= 16 && !password.contains(" "))
            let list = try esw(["user", "list", "--format", "csv"] + database)
            #expect(list.stdout.contains("gz-hr,enterprise_hr,\(AccessWorld.guangzhou.uscc),yes,no"))
            #expect(!list.stdout.contains(password))
            let ratio = try esw(
                ["ratio", "--as-of", "2013-12-31", "--format", "csv", "--user", "gz-hr"] + database,
                environment: ["ESW_PASSWORD": password])
            #expect(ratio.status == 0 && ratio.stdout.contains(AccessWorld.guangzhou.uscc))
            // A coordinator may not add users; the refusal names no value.
            let coordinator = try esw(
                ["user", "add", "--name", "mine", "--role", "admin", "--user", "sz-coordinator"] + database,
                environment: ["ESW_PASSWORD": world.passwords["sz-coordinator"]!])
            #expect(coordinator.status == 1)
            #expect(coordinator.stderr.hasPrefix("esw: not allowed for this user: "))
            #expect(!coordinator.stderr.contains(world.passwords["sz-coordinator"]!))
            // A scope that does not fit the role: exit 3, the option named.
            let misfit = try esw(
                ["user", "add", "--name", "x", "--role", "provincial_bureau", "--scope", "440300"] + database)
            #expect(misfit.status == 3)
            #expect(misfit.stderr.contains("--scope '440300': the role provincial_bureau takes a province code"))
            // set-password: the user replaces the one-time password.
            let set = try esw(
                ["user", "set-password", "--user", "gz-hr"] + database,
                environment: ["ESW_PASSWORD": password, "ESW_NEW_PASSWORD": "correct horse battery"])
            #expect(set.status == 0)
            let reset = try esw(["user", "reset-password", "gz-hr"] + database)
            #expect(reset.status == 0 && reset.stdout.count >= 17)
            #expect(try esw(["user", "disable", "gz-hr"] + database).status == 0)
            #expect(try esw(["user", "disable", "nobody"] + database).status == 3)
        }
    }

    @Test func eswAuditShowsTheTrailOfTheUsersScopeWithTheImportsSource() throws {
        try TestDatabase.withSchema { owner, conninfo in
            let world = try AccessWorld(owner: owner, conninfo: conninfo)
            let database = ["--database-url", conninfo]
            let roster = try temporaryFile(
                "roster.csv",
                text: FixtureWorld.staff([
                    .init(.shenzhen, 11, "张伟", "union", hired: "2012-01-01"),
                    .init(.beijing, 12, "李娜", "party", hired: "2012-01-01"),
                ]))
            #expect(try esw(["staff", "import", roster] + database).status == 0)
            let all = try esw(["audit", "--table", "employment", "--format", "csv"] + database)
            #expect(all.status == 0)
            #expect(all.stdout.contains("staff import roster.csv"))
            #expect(!all.stdout.contains(Fixtures.idNumber(sequence: 11)))
            let beijing = try esw(
                ["audit", "--format", "csv", "--user", "bj-coordinator"] + database,
                environment: ["ESW_PASSWORD": world.passwords["bj-coordinator"]!])
            #expect(beijing.status == 0)
            #expect(beijing.stdout.contains(AccessWorld.beijing.uscc))
            #expect(!beijing.stdout.contains(AccessWorld.shenzhen.uscc))
            let unknown = try esw(["audit", "--enterprise", Fixtures.uscc(serial: 99)] + database)
            #expect(unknown.status == 3)
        }
    }

    @Test func aCoordinatorsStaffImportOfAnotherEnterprisesRowsExitsThreeNamingThemAndWritesNothing() throws {
        try TestDatabase.withSchema { owner, conninfo in
            let world = try AccessWorld(owner: owner, conninfo: conninfo)
            let asCoordinator = ["--database-url", conninfo, "--user", "sz-coordinator"]
            let password = ["ESW_PASSWORD": world.passwords["sz-coordinator"]!]
            let mixed = try temporaryFile(
                "roster.csv",
                text: FixtureWorld.staff([
                    .init(.shenzhen, 21, "张伟", "union", hired: "2012-01-01"),
                    .init(.beijing, 22, "李娜", "party", hired: "2012-01-01"),
                    .init(.guangzhou, 23, "王芳", "party", hired: "2012-01-01"),
                ]))
            let before = try DatabaseDigest(owner)
            let refused = try esw(["staff", "import", mixed] + asCoordinator, environment: password)
            #expect(refused.status == 3)
            #expect(refused.stderr.contains("2 of 3 rows are invalid, nothing was imported"))
            for line in [3, 4] {
                #expect(refused.stderr.contains("line \(line), enterprise_uscc"))
            }
            #expect(refused.stderr.components(separatedBy: "is outside your scope").count == 3)
            for sequence in [21, 22, 23] { #expect(!refused.stderr.contains(Fixtures.idNumber(sequence: sequence))) }
            // Every table as it was but the sessions, where each run of esw --user signs in.
            func data(_ digest: DatabaseDigest) -> [DatabaseDigest.Table] {
                digest.tables.filter { $0.name != "app_session" }
            }
            #expect(try data(DatabaseDigest(owner)) == data(before))
            // Its own rows go in, attributed to the coordinator.
            let own = try temporaryFile(
                "own.csv", text: FixtureWorld.staff([.init(.shenzhen, 21, "张伟", "union", hired: "2012-01-01")]))
            let imported = try esw(["staff", "import", own] + asCoordinator, environment: password)
            #expect(imported.status == 0, "\(imported.stderr)")
            let trail: Int = try owner.query(
                "SELECT count(*) FROM audit_trail WHERE user_name = 'sz-coordinator' AND table_name = 'employment'"
            ).single().decode(0)
            #expect(trail == 1)
        }
    }

    @Test func writesOutsideTheScopeAreRefusedInWordsWithExitThreeNeverWithThePolicysError() throws {
        try TestDatabase.withSchema { owner, conninfo in
            let world = try AccessWorld(owner: owner, conninfo: conninfo)
            func run(_ user: String, _ arguments: [String]) throws -> ESWRun {
                try esw(
                    arguments + ["--database-url", conninfo, "--user", user],
                    environment: ["ESW_PASSWORD": world.passwords[user]!])
            }
            let before = try DatabaseDigest(owner)
            let (shenzhen, guangzhou, beijing) = (AccessWorld.shenzhen, AccessWorld.guangzhou, AccessWorld.beijing)
            // A Guangzhou USCC is on record in another region than Shenzhen's: by line, not by the unique index.
            let enterprises = try temporaryFile(
                "enterprises.csv",
                text: "uscc,name,region_code\n\(shenzhen.uscc),深圳企业,440305\n\(guangzhou.uscc),广州企业,440305\n")
            let imported = try run("shenzhen-city", ["enterprise", "import", enterprises])
            #expect(imported.status == 3)
            #expect(
                imported.stderr.contains(
                    "line 3, uscc '\(guangzhou.uscc)': is on record for an enterprise outside your scope"),
                "\(imported.stderr)")
            #expect(!imported.stderr.contains("line 2"))
            let added = try run(
                "shenzhen-city",
                ["enterprise", "add", "--uscc", guangzhou.uscc, "--name", "广州企业", "--region", "440305"])
            #expect(added.status == 3)
            #expect(
                added.stderr.contains("--uscc '\(guangzhou.uscc)': is on record for an enterprise outside your scope"))
            let moved = try run(
                "shenzhen-city", ["enterprise", "add", "--uscc", shenzhen.uscc, "--name", "深圳企业", "--region", "440106"])
            #expect(moved.status == 3)
            #expect(moved.stderr.contains("--region '440106': is outside your scope"))
            // A service by a provider the coordinator's scope does not know: the words say so, the ID number
            // is not repeated, and another enterprise reads as one of the scope's that does not exist.
            let service = ["service", "record", "--kind", "情绪疏导", "--date", "2013-10-12", "--beneficiaries", "3"]
            let provider = try run(
                "sz-coordinator", service + ["--enterprise", shenzhen.uscc, "--provider", beijing.idNumber])
            #expect(provider.status == 3)
            #expect(
                provider.stderr
                    == "esw: --provider: no person of your scope has this ID number; import the roster first\n")
            let elsewhere = try run("sz-coordinator", service + ["--enterprise", guangzhou.uscc])
            #expect(elsewhere.status == 3)
            #expect(elsewhere.stderr.hasPrefix("esw: no enterprise of your scope has USCC \(guangzhou.uscc)"))
            let services = try temporaryFile(
                "services.csv",
                text: "enterprise_uscc,kind,served_on,beneficiaries,provider\n"
                    + "\(shenzhen.uscc),情绪疏导,2013-10-12,3,\(beijing.idNumber)\n")
            let serviceImport = try run("sz-coordinator", ["service", "record", "--file", services])
            #expect(serviceImport.status == 3)
            #expect(serviceImport.stderr.contains("line 2, provider"))
            #expect(serviceImport.stderr.contains("no person of your scope has this ID number"))
            let certificate = try run(
                "sz-coordinator",
                [
                    "certificate", "add", "--id-number", beijing.idNumber, "--level", "junior", "--number",
                    "201444030000999999", "--issued", "2014-09-01",
                ])
            #expect(certificate.status == 3)
            #expect(certificate.stderr.contains("is not staff of your scope"))
            for result in [imported, added, moved, provider, elsewhere, serviceImport, certificate] {
                #expect(!result.stderr.contains("42501") && !result.stderr.contains("row-level security"))
                #expect(!result.stderr.contains(beijing.idNumber))
            }
            func data(_ digest: DatabaseDigest) -> [DatabaseDigest.Table] {
                digest.tables.filter { $0.name != "app_session" }
            }
            #expect(try data(DatabaseDigest(owner)) == data(before))
        }
    }
}
