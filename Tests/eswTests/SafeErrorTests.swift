import Foundation
import PostgresClient
import TestSupport
import Testing

/// What the `esw` binary prints when the database refuses something: the SQLSTATE, the constraint,
/// table and column names and the reason, never the values (ID numbers, names, whole rows) that
/// PostgreSQL puts in its DETAIL.
@Suite(.database) struct SafeErrorTests {
    static let idNumber = Fixtures.idNumber(sequence: 731)
    static let name = "欧阳娜娜"

    /// Two imports of the same new person at once: the second waits on the first's uncommitted row,
    /// then takes the committed person (`ON CONFLICT`) and succeeds; one person, no error.
    @Test func aConcurrentImportOfTheSameNewPersonWaitsAndSucceedsWithOnePerson() throws {
        try TestDatabase.withSchema { db, url in
            let uscc = Fixtures.uscc(region: "440305", serial: 31)
            let roster = try rosterOfOnePerson(uscc: uscc, url: url)
            let concurrent = try Connection(conninfo: url)
            try concurrent.execute(script: "BEGIN")
            try concurrent.execute("INSERT INTO person (id_number, name) VALUES (\(Self.idNumber), \(Self.name))")
            let outcome = ResultSlots<Result<ESWRun, any Error>>(count: 1)
            let finished = DispatchSemaphore(value: 0)
            Thread.detachNewThread {
                outcome.set(0, Result { try esw(["staff", "import", roster, "--database-url", url]) })
                finished.signal()
            }
            try waitUntilBlocked(by: concurrent.backendPID, watching: db)
            try concurrent.execute(script: "COMMIT")
            finished.wait()
            let run = try outcome.values[0].get()

            #expect(run.status == 0, "\(run.stderr)")
            #expect(run.stdout.contains("inserted 1"))
            #expect(try db.query("SELECT count(*) FROM person").single().decode(0, as: Int.self) == 1)
            #expect(try db.query("SELECT count(*) FROM employment").single().decode(0, as: Int.self) == 1)
        }
    }

    /// A unique violation that still gets past the importer's checks (here: a unique index the
    /// importer does not know) is a conflict with another session, exit 1, not "invalid input"
    /// (exit 3), and prints neither the ID number nor the name.
    @Test func aUniqueViolationThatEscapesIsAConflictAndPrintsNoValue() throws {
        try TestDatabase.withSchema { db, url in
            let uscc = Fixtures.uscc(region: "440305", serial: 34)
            let roster = try rosterOfOnePerson(uscc: uscc, url: url)
            try db.execute(script: "CREATE UNIQUE INDEX person_name_once ON person (name)")
            try db.execute(
                "INSERT INTO person (id_number, name) VALUES (\(Fixtures.idNumber(sequence: 732)), \(Self.name))")
            let run = try esw(["staff", "import", roster, "--database-url", url])

            #expect(run.status == 1)
            #expect(run.stderr.hasPrefix("esw: another session wrote the same key at the same time"), "\(run.stderr)")
            #expect(run.stderr.contains("person_name_once"))
            #expect(run.stderr.contains(SQLState.uniqueViolation.code))
            #expect(!run.stderr.contains("refused the data"))
            expectNoPersonalData(in: run)
        }
    }

    /// Adds an enterprise through esw and writes a roster with one new person in it.
    private func rosterOfOnePerson(uscc: String, url: String) throws -> String {
        let added = try esw([
            "enterprise", "add", "--uscc", uscc, "--name", "测试", "--region", "440305", "--database-url", url,
        ])
        #expect(added.status == 0)
        return try temporaryFile(
            text: """
                enterprise_uscc,id_number,name,department,hired_on
                \(uscc),\(Self.idNumber),\(Self.name),工会,2012-01-01

                """)
    }

    /// A CHECK constraint the importer does not check first: the server's "Failing row contains
    /// (…)" stays out of the output.
    @Test func aCheckViolationPrintsNoPartOfTheFailingRow() throws {
        try TestDatabase.withSchema { db, url in
            try db.execute(script: "ALTER TABLE person ADD CONSTRAINT person_name_short CHECK (char_length(name) <= 3)")
            let uscc = Fixtures.uscc(region: "440305", serial: 32)
            #expect(
                try esw([
                    "enterprise", "add", "--uscc", uscc, "--name", "测试", "--region", "440305",
                    "--database-url", url,
                ]).status == 0)
            let roster = try temporaryFile(
                text: """
                    enterprise_uscc,id_number,name,department,hired_on
                    \(uscc),\(Self.idNumber),\(Self.name),工会,2012-01-01

                    """)
            let run = try esw(["staff", "import", roster, "--database-url", url])

            #expect(run.status == 3)
            #expect(run.stderr.contains("person_name_short"), "\(run.stderr)")
            #expect(run.stderr.contains(SQLState.checkViolation.code))
            #expect(run.stderr.contains("table person"))
            #expect(!run.stderr.contains("Failing row"))
            expectNoPersonalData(in: run)
        }
    }

    /// The ID number a person typed or a file holds is masked where a message quotes it (the line and
    /// the column find the row), and a lookup that finds nobody does not repeat it at all.
    @Test func anErrorMasksTheIDNumberItQuotesAndALookupDoesNotRepeatIt() throws {
        try TestDatabase.withSchema { db, url in
            let uscc = Fixtures.uscc(region: "440305", serial: 33)
            let roster = try rosterOfOnePerson(uscc: uscc, url: url)
            // A wrong check digit: the file's value, quoted masked.
            let wrongCheck = String(Self.idNumber.dropLast()) + (Self.idNumber.last == "1" ? "2" : "1")
            let bad = try temporaryFile(
                text: try String(contentsOfFile: roster, encoding: .utf8).replacingOccurrences(
                    of: Self.idNumber, with: wrongCheck))
            let refused = try esw(["staff", "import", bad, "--database-url", url])
            #expect(refused.status == 3)
            let masked = String(wrongCheck.prefix(6)) + "********" + String(wrongCheck.suffix(4))
            #expect(refused.stderr.contains("line 2, id_number '\(masked)'"), "\(refused.stderr)")
            #expect(!refused.stderr.contains(wrongCheck))
            let unknown = try esw([
                "post", "add", "--enterprise", uscc, "--department", "union", "--title", "专员", "--filled-by",
                Self.idNumber, "--database-url", url,
            ])
            #expect(unknown.status == 3)
            #expect(
                unknown.stderr == "esw: --filled-by: no person on record has this ID number; import the roster first\n")
        }
    }

    @Test func aStatementTimeoutSaysSoAndIsNotALostConnection() throws {
        try TestDatabase.withSchema { db, url in
            let uscc = Fixtures.uscc(region: "440305", serial: 33)
            #expect(
                try esw([
                    "enterprise", "add", "--uscc", uscc, "--name", "测试", "--region", "440305",
                    "--database-url", url,
                ]).status == 0)
            let schema: String = try db.query("SELECT current_schema()").single().decode(0)
            let locker = try Connection(conninfo: url)
            try locker.execute(script: "BEGIN; LOCK TABLE enterprise, person, employment IN ACCESS EXCLUSIVE MODE")
            defer { _ = try? locker.execute(script: "ROLLBACK") }
            let impatient = try TestDatabase.conninfo(schema: schema, settings: ["statement_timeout": "300"])
            let run = try esw(["ratio", "--enterprise", uscc, "--database-url", impatient])

            #expect(run.status == 1)
            #expect(
                run.stderr.hasPrefix("esw: a statement took longer than the server's statement_timeout"),
                "\(run.stderr)")
            #expect(run.stderr.contains("rolled back"))
            #expect(run.stderr.contains(SQLState.queryCanceled.code))
            #expect(!run.stderr.contains("cannot reach the database"))
        }
    }

    private func expectNoPersonalData(in run: ESWRun, sourceLocation: SourceLocation = #_sourceLocation) {
        for output in [run.stdout, run.stderr] {
            #expect(!output.contains(Self.idNumber), "\(output)", sourceLocation: sourceLocation)
            // No run of the ID number's digits long enough to identify anyone, and not the name.
            #expect(!output.contains(String(Self.idNumber.prefix(10))), sourceLocation: sourceLocation)
            #expect(!output.contains(String(Self.idNumber.suffix(8))), sourceLocation: sourceLocation)
            #expect(!output.contains(Self.name), sourceLocation: sourceLocation)
        }
    }
}
