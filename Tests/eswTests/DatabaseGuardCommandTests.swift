import Foundation
import PostgresClient
import TestSupport
import Testing
import Workforce

/// The rules of sql/0013 as a user meets them on the command line: the option or the line and
/// column named, exit 3, nothing written; and `db migrate` over rows stored before them.
@Suite(.database) struct DatabaseGuardCommandTests {
    @Test func anUnknownRegionAHiringBeforeBirthAndACertificateBeforeEighteenNameTheOptionOrTheLineAndColumn() throws {
        try TestDatabase.withSchema { db, url in
            let database = ["--database-url", url]
            let shenzhen = Fixtures.uscc(region: "440305", serial: 1)
            let unknown = try esw(
                ["enterprise", "add", "--uscc", shenzhen, "--name", "深圳测试", "--region", "449999"] + database)
            #expect(unknown.status == 3)
            #expect(
                unknown.stderr.contains(
                    "--region '449999': is not a GB/T 2260 division: no code list since 1981 has it"))
            try addShenzhenEnterprise(database)
            let roster = try temporaryFile(
                text: """
                    enterprise_uscc,id_number,name,department,hired_on
                    \(shenzhen),\(Fixtures.idNumber(sequence: 1)),张伟,工会,2012-01-01
                    \(shenzhen),\(Fixtures.idNumber(sequence: 2)),李娜,工会,1990-01-01

                    """)
            let staff = try esw(["staff", "import", roster] + database)
            #expect(staff.status == 3)
            #expect(
                staff.stderr.contains(
                    "line 3, hired_on '1990-01-01': is before the person's birth date (from the ID number)"))
            #expect(!staff.stderr.contains("19900307") && !staff.stderr.contains("1990-03-07"))
            let certificate = try esw(
                [
                    "certificate", "add", "--id-number", Fixtures.idNumber(sequence: 1), "--level", "junior",
                    "--number", "X1", "--issued", "2008-01-02", "--name", "张伟",
                ] + database)
            #expect(certificate.status == 3)
            #expect(
                certificate.stderr.contains(
                    "--issued '2008-01-02': is before the holder's 18th birthday (from the ID number)"))
            let counts: String = try db.query(
                "SELECT (SELECT count(*) FROM person) || ' ' || (SELECT count(*) FROM certificate)"
            ).single().decode(0)
            #expect(counts == "0 0")
        }
    }

    @Test func migratingADatabaseWithRowsThatBreakTheNewRulesWarnsAndKeepsThem() throws {
        try TestDatabase.withSchema(migrated: false) { db, url in
            try MigrationRunner(migrations: Schema.migrations.filter { $0.name < "0013" }).migrate(db)
            try db.execute(
                """
                INSERT INTO enterprise (uscc, name, region_code)
                VALUES (\(Fixtures.uscc(region: "449999", serial: 1)), '无此地', '449999')
                """)
            let run = try esw(["db", "migrate", "--database-url", url])
            #expect(run.status == 0)
            #expect(run.stdout.contains("applied 0013_limits_dates_regions_scores.sql"))
            #expect(
                run.stderr.contains(
                    "warning: 1 enterprise rows stored before this version break region_code_known (see "
                        + "docs/limits.md)"))
            #expect(try db.query("SELECT count(*) FROM enterprise").single().decode(0, as: Int.self) == 1)
        }
    }
}
