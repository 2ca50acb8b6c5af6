import Foundation
import PostgresClient
import TestSupport
import Testing

/// `esw ratio` reads the maintained figure where it holds the day, with the same output to the
/// byte as computing it; `esw db check` finds a hand-made corruption of it (exit 3).
@Suite(.database) struct StoredRatioCommandTests {
    static let sz = Fixtures.uscc(region: "440305", serial: 1)
    static let bj = Fixtures.uscc(region: "110105", serial: 2)

    func populate(_ database: [String]) throws {
        try addShenzhenEnterprise(database)
        #expect(
            try esw(["enterprise", "add", "--uscc", Self.bj, "--name", "北京测试", "--region", "110105"] + database)
                .status == 0)
        let roster = (1...12).map { n in
            "\(n % 3 == 0 ? Self.bj : Self.sz),\(Fixtures.idNumber(sequence: n)),员工\(n),"
                + "\(["工会", "妇联", "党组织"][n % 3]),2013-0\(n % 9 + 1)-01,\(n == 5 ? "2013-12-01" : "")"
        }
        let staff = try temporaryFile(
            text: "enterprise_uscc,id_number,name,department,hired_on,left_on\n"
                + roster.joined(separator: "\n") + "\n")
        #expect(try esw(["staff", "import", staff] + database).status == 0)
        let certificates = try temporaryFile(
            text: "id_number,level,certificate_no,issued_on\n"
                + (1...12).filter { $0 % 2 == 1 }.map {
                    let level = ["junior", "intermediate", "senior"][$0 % 3]
                    return "\(Fixtures.idNumber(sequence: $0)),\(level),N\($0),2013-06-01"
                }.joined(separator: "\n") + "\n")
        #expect(try esw(["certificate", "import", certificates] + database).status == 0)
        #expect(
            try esw(["certificate", "register", "--certificate", "N1", "--on", "2013-12-01"] + database).status == 0)
    }

    /// Every shape of `esw ratio` on 2013-12-31.
    func outputs(_ database: [String]) throws -> [String] {
        let variants: [[String]] = [
            [], ["--format", "json"], ["--format", "csv"], ["--by", "department"], ["--by", "level"],
            ["--region", "440000", "--format", "json"], ["--enterprise", Self.sz, "--format", "json"],
            ["--enterprise", Self.bj, "--by", "department"], ["--count", "registered-only", "--format", "json"],
            ["--enterprise", Self.sz, "--count", "registered-only", "--format", "csv"],
        ]
        return try variants.map { variant in
            let run = try esw(["ratio", "--as-of", "2013-12-31"] + variant + database)
            #expect(run.status == 0, "\(variant): \(run.stderr)")
            return run.stdout
        }
    }

    /// A pilot of the Shenzhen enterprise, in pilot from 2013-07-01; returns the application's id.
    func pilot(_ database: [String]) throws -> String {
        let program = try esw(
            [
                "pilot", "program", "create", "--name", "试点", "--apply-by", "2013-06-01", "--confirm-by", "2013-06-30",
                "--pilot-months", "12", "--summary-by", "2014-06-30",
            ] + database
        ).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let application = try esw(
            ["pilot", "apply", "--program", program, "--enterprise", Self.sz, "--on", "2013-05-20"] + database
        )
        .stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        for (state, day) in [("approved", "2013-06-20"), ("in_pilot", "2013-07-01")] {
            #expect(
                try esw(["pilot", "advance", "--application", application, "--to", state, "--on", day] + database)
                    .status == 0)
        }
        return application
    }

    /// Trends and reports whose dates include 2013-12-31 (and 2014-01-01, held throughout).
    func dateListOutputs(_ database: [String], application: String) throws -> [String] {
        let months = ["--trend", "--from", "2013-10-31", "--to", "2014-01-01", "--every", "month"]
        let variants: [[String]] = [
            ["ratio", "--region", "440000"] + months, ["ratio", "--enterprise", Self.sz, "--format", "csv"] + months,
            ["ratio", "--region", "110000", "--count", "registered-only", "--format", "json"] + months,
            ["report", "province", "--region", "440000", "--as-of", "2013-12-31", "--format", "json"],
            ["report", "province", "--region", "110000", "--as-of", "2014-03-31", "--format", "csv"],
            [
                "report", "pilot", "--application", application, "--from", "2013-07-01", "--to", "2013-12-31",
                "--format", "json",
            ],
        ]
        return try variants.map { variant in
            let run = try esw(variant + database)
            #expect(run.status == 0, "\(variant): \(run.stderr)")
            return run.stdout
        }
    }

    @Test func theRatioReadFromTheFigureIsByteIdenticalToTheComputedOne() throws {
        try TestDatabase.withSchema { db, url in
            let database = ["--database-url", url]
            try populate(database)
            let application = try pilot(database)
            // Held: 2013-12-31 in both counting modes.
            _ = try db.query("SELECT ratio_counts_roll('2014-01-01', false), ratio_counts_roll('2014-01-01', true)")
                .single()
            try db.execute("INSERT INTO ratio_counts_day VALUES ('2013-12-31', true)")
            try db.execute("SELECT ratio_counts_refresh(array(SELECT id FROM enterprise))")
            #expect(
                try db.query("SELECT count(*) FROM ratio_counts WHERE as_of = '2013-12-31'").single()
                    .decode(0, as: Int.self) == 4)
            let stored = try outputs(database)
            let storedDateLists = try dateListOutputs(database, application: application)
            // They do read the figure: a (hand-made) wrong held count shows.
            try db.execute("UPDATE ratio_counts SET tracked = tracked + 100 WHERE as_of = '2013-12-31'")
            #expect(try dateListOutputs(database, application: application) != storedDateLists)
            try db.execute("SELECT ratio_counts_refresh(array(SELECT id FROM enterprise))")
            // The province report's certified staff by level too.
            try db.execute("UPDATE ratio_counts SET junior = junior + 100 WHERE as_of = '2013-12-31'")
            #expect(try dateListOutputs(database, application: application)[3] != storedDateLists[3])
            try db.execute("SELECT ratio_counts_refresh(array(SELECT id FROM enterprise))")
            try db.execute("DELETE FROM ratio_counts_day WHERE as_of = '2013-12-31'")
            let computed = try outputs(database)
            #expect(stored == computed)
            #expect(try dateListOutputs(database, application: application) == storedDateLists)
            #expect(storedDateLists[0].contains("2013-12-31") && storedDateLists[4].contains("2014-03-31"))
            #expect(stored[1].contains("\"tracked\""))
        }
    }

    @Test func checkExitsThreeNamingEnterpriseAndDayAfterACorruptionAndZeroOtherwise() throws {
        try TestDatabase.withSchema { db, url in
            let database = ["--database-url", url]
            try populate(database)
            _ = try db.query("SELECT ratio_counts_roll('2014-01-01')").single()
            let clean = try esw(["db", "check"] + database)
            #expect(clean.status == 0)
            #expect(clean.stdout.contains("matches the ratio functions on 2 held days"))

            try db.execute(
                """
                UPDATE ratio_department_counts SET certified = certified + 1
                WHERE as_of = '2013-12-31' AND department = 'party'
                  AND enterprise_id = (SELECT id FROM enterprise WHERE uscc = \(Self.sz))
                """)
            let corrupted = try esw(["db", "check"] + database)
            #expect(corrupted.status == 3)
            #expect(corrupted.stdout.contains("2013-12-31 (all certificates) enterprise \(Self.sz) party"))
            #expect(!corrupted.stdout.contains(Fixtures.idNumber(sequence: 1)))

            // A missing row is a difference too.
            try db.execute("SELECT ratio_counts_refresh(array(SELECT id FROM enterprise))")
            #expect(try esw(["db", "check"] + database).status == 0)
            try db.execute("DELETE FROM ratio_counts WHERE as_of = '2013-12-31'")
            let missing = try esw(["db", "check"] + database)
            #expect(missing.status == 3)
            #expect(missing.stdout.contains("2013-12-31 (all certificates) enterprise \(Self.bj): stored nothing"))
        }
    }
}
