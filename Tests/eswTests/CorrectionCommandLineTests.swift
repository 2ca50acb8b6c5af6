import Foundation
import TestSupport
import Testing

/// Issue 14's "done when": adding an existing organization or a duplicate funding entry is refused
/// with the difference shown, from the command line (docs/corrections.md).
@Suite(.database) struct CorrectionCommandLineTests {
    @Test func anExistingOrganizationOrADuplicateFundingEntryIsRefusedWithTheDifferenceShown() throws {
        try TestDatabase.withSchema { db, url in
            let database = ["--database-url", url]
            _ = try FixtureWorld(db: db)
            let org = ["org", "add", "--uscc", "52440300MJ000123XJ", "--region", "440305"]
            #expect(try esw(org + ["--name", "启航社工中心"] + database).stdout == "saved\n")
            let same = try esw(org + ["--name", "启航社工中心"] + database)
            #expect((same.status, same.stdout) == (0, "already on record, nothing changed\n"))
            let other = try esw(org + ["--name", "同心社工社"] + database)
            #expect(other.status == 3)
            #expect(other.stderr.contains("add it again with --update:\n  --name: on record '启航社工中心', given '同心社工社'"))
            let updated = try esw(org + ["--name", "同心社工社", "--update"] + database)
            #expect(updated.stdout.contains("  --name: 启航社工中心 → 同心社工社"))

            let funding = [
                "funding", "add", "--enterprise", FixtureWorld.shenzhen, "--source", "government_purchase", "--amount",
                "60000.00", "--on", "2013-09-01", "--contract", "SZ-2013-001",
            ]
            let id = try esw(funding + database).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            let duplicate = try esw(funding + ["--provider-org", "52440300MJ000123XJ"] + database)
            #expect(duplicate.status == 3)
            #expect(duplicate.stderr.contains("funding \(id) on record has the same recipient, source, amount, date"))
            #expect(duplicate.stderr.contains("record it with --allow-duplicate"))
            #expect(duplicate.stderr.contains("esw funding amend or esw funding delete"))
            #expect(duplicate.stderr.contains("--provider-org: on record none, given '52440300MJ000123XJ'"))
            #expect(try esw(funding + ["--allow-duplicate"] + database).status == 0)

            let amended = try esw(["funding", "amend", "--id", id, "--amount", "65000", "--reason", "补充协议"] + database)
            #expect(amended.stdout == "funding \(id) corrected:\n  --amount: 60000.00 → 65000.00\n")
            let deleted = try esw(["funding", "delete", "--id", id, "--reason", "重复录入"] + database)
            #expect(deleted.stdout == "deleted funding \(id)\n")
            let audit = try esw(["audit", "--table", "funding", "--format", "csv"] + database)
            #expect(audit.stdout.contains("funding delete; reason: 重复录入"))
            #expect(try esw(["funding", "delete", "--id", id, "--reason", "再删"] + database).status == 3)
        }
    }

    @Test func aNameIsCorrectedAndItsHistoryListedWithoutNamesInMessages() throws {
        try TestDatabase.withSchema { db, url in
            let database = ["--database-url", url]
            let world = try FixtureWorld(db: db)
            _ = try world.importStaff(FixtureWorld.staff([.init(.shenzhen, 1, "王小明", "工会", hired: "2012-01-01")]))
            let roster = try temporaryFile(
                text: FixtureWorld.staff([.init(.shenzhen, 1, "王晓明", "工会", hired: "2012-01-01")]))
            let refused = try esw(["staff", "import", roster] + database)
            #expect(refused.status == 3)
            #expect(refused.stderr.contains("correct it with esw staff rename"))
            #expect(!refused.stderr.contains("王小明") && !refused.stderr.contains("王晓明"))
            let person = FixtureWorld.person(1)
            let rename = try esw(
                ["staff", "rename", "--id-number", person, "--name", "王晓明", "--reason", "以身份证为准"] + database)
            #expect(rename.stdout == "name corrected; the one before is kept (esw staff names)\n")
            let names = try esw(["staff", "names", "--id-number", person, "--format", "csv"] + database)
            #expect(names.stdout.contains(",王小明,王晓明,"))
            #expect(names.stdout.contains(",以身份证为准\r\n"))
            #expect(try esw(["staff", "import", roster] + database).status == 0)
        }
    }
}
