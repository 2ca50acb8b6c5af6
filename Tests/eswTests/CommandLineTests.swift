import Foundation
import PostgresClient
import TestSupport
import Testing

/// Runs the built `esw` binary as a user would, and returns its exit status and output.
struct ESWRun: Sendable {
    let status: Int32
    let stdout: String
    let stderr: String
}

/// Runs `esw` with `arguments` and waits at most `timeout` seconds for it.
///
/// Both pipes are drained concurrently while the process runs: a command that fills one of them
/// (a long error listing on stderr) must not wait on a reader that is still reading the other.
/// A process still running at the deadline is terminated and reported as an error, not waited on.
func esw(
    _ arguments: [String], stdin: String? = nil, environment: [String: String] = [:], timeout: TimeInterval = 120
) throws -> ESWRun {
    try RunningESW(arguments, stdin: stdin, environment: environment).wait(timeout: timeout)
}

/// Adds the Shenzhen enterprise that the command-line tests share (440305, serial 1) with `esw
/// enterprise add`, and returns its USCC.
@discardableResult
func addShenzhenEnterprise(_ database: [String], sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
    let uscc = Fixtures.uscc(region: "440305", serial: 1)
    let added = try esw(["enterprise", "add", "--uscc", uscc, "--name", "深圳测试", "--region", "440305"] + database)
    #expect(added.status == 0, sourceLocation: sourceLocation)
    return uscc
}

/// An `esw` process started and not yet waited for, for tests that signal it while it runs.
final class RunningESW: @unchecked Sendable {
    let process = Process()
    let arguments: [String]
    private let exited = DispatchSemaphore(value: 0)
    private let stdoutData: PipeDrain
    private let stderrData: PipeDrain

    init(_ arguments: [String], stdin: String? = nil, environment: [String: String] = [:]) throws {
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let candidates = [binary, binary.deletingLastPathComponent()].map { $0.appendingPathComponent("esw") }
        guard let executable = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) })
        else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: candidates[0].path])
        }
        self.arguments = arguments
        process.executableURL = executable
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value }
        process.environment = env
        process.currentDirectoryURL = FileManager.default.temporaryDirectory
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        let exited = self.exited
        process.terminationHandler = { _ in exited.signal() }
        try process.run()
        stdoutData = PipeDrain(out.fileHandleForReading)
        stderrData = PipeDrain(err.fileHandleForReading)
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
    }

    /// Sends `signal` (SIGKILL, SIGSTOP, SIGCONT) to the process.
    func send(_ signal: Int32) { kill(process.processIdentifier, signal) }

    /// Waits at most `timeout` seconds for the process to end, and gives what it printed.
    func wait(timeout: TimeInterval = 120) throws -> ESWRun {
        if exited.wait(timeout: .now() + timeout) == .timedOut {
            process.terminate()
            throw ESWTimeout(arguments: arguments, seconds: timeout)
        }
        return ESWRun(
            status: process.terminationStatus, stdout: String(decoding: stdoutData.wait(), as: UTF8.self),
            stderr: String(decoding: stderrData.wait(), as: UTF8.self))
    }
}

/// Runs `body` on a thread of its own and waits at most `seconds` for it; nil if it is still running.
func withDeadline<T: Sendable>(seconds: TimeInterval, _ body: @escaping @Sendable () throws -> T) throws -> T? {
    let result = ResultSlots<Result<T, any Error>>(count: 1)
    let finished = DispatchSemaphore(value: 0)
    Thread.detachNewThread {
        result.set(0, Result { try body() })
        finished.signal()
    }
    guard finished.wait(timeout: .now() + seconds) == .success else { return nil }
    return try result.values[0].get()
}

struct ESWTimeout: Error, CustomStringConvertible {
    let arguments: [String]
    let seconds: TimeInterval
    var description: String { "esw \(arguments.first ?? "") did not finish within \(Int(seconds)) s; terminated" }
}

/// Reads a pipe to its end on a thread of its own; `wait()` returns what was read.
final class PipeDrain: @unchecked Sendable {
    private var data = Data()
    private let finished = DispatchSemaphore(value: 0)

    init(_ handle: FileHandle) {
        // `data` is written once, on the reading thread, before `finished` is signalled; `wait()`
        // reads it only after that signal, so the semaphore orders the two accesses.
        Thread.detachNewThread { [self] in
            data = handle.readDataToEndOfFile()
            finished.signal()
        }
    }

    func wait() -> Data {
        finished.wait()
        return data
    }
}

@Suite struct CommandLineTests {
    @Test func helpReadsLikeARealTool() throws {
        let help = try esw(["--help"])
        #expect(help.status == 0)
        for word in ["db", "check", "enterprise", "staff", "certificate", "ratio", "Exit codes", "DATABASE_URL"] {
            #expect(help.stdout.contains(word), "\(word)")
        }
        let importHelp = try esw(["help", "staff", "import"])
        #expect(importHelp.stdout.contains("--skip-invalid"))
        #expect(importHelp.stdout.contains("Example"))
    }

    @Test func checkPrintsEachVerdictAndExitsThreeWhenAnyIsInvalid() throws {
        let run = try esw(["check", "id-number", "11010519491231002x", "110105199003071238"])
        #expect(run.status == 3)
        #expect(
            run.stdout
                == "11010519491231002x\tvalid\t11010519491231002X\n"
                + "110105199003071238\tinvalid\tcheck character should be 9, found 8\n"
        )
        let fromStdin = try esw(["check", "uscc", "-"], stdin: "52440300MJ000123XJ\n\n91110000600037341L\n")
        #expect(fromStdin.status == 0)
        #expect(fromStdin.stdout.split(separator: "\n").count == 2)
    }

    @Test func usageErrorsExitTwo() throws {
        let run = try esw(["ratio", "--enterprise", "x", "--region", "440000"])
        #expect(run.status == 2)
        #expect(run.stderr.contains("not both"))
    }

    @Test func anUnreachableDatabaseIsOneClearLine() throws {
        let run = try esw(["db", "status", "--database-url", "postgresql://nobody@127.0.0.1:1/none?connect_timeout=2"])
        #expect(run.status == 1)
        #expect(run.stderr.hasPrefix("esw: cannot reach the database"))
        #expect(run.stderr.contains("DATABASE_URL"))
        #expect(!run.stderr.contains("Fatal error"))
    }
}

@Suite(.database) struct CommandLineDatabaseTests {
    @Test func aCommandSaysWhenTheSchemaIsMissingBehindOrNewerInsteadOfARawSQLError() throws {
        try TestDatabase.withSchema(migrated: false) { db, url in
            let database = ["--database-url", url]
            let before = try esw(["enterprise", "list"] + database)
            #expect(before.status == 1)
            #expect(before.stderr == "esw: the database has no esw schema; run esw db migrate\n")
            #expect(try esw(["db", "migrate"] + database).status == 0)
            #expect(try esw(["enterprise", "list"] + database).status == 0)
            // A newer esw recorded a migration this one does not know.
            try db.execute("INSERT INTO schema_migrations (version, checksum) VALUES ('9999_later.sql', 'x')")
            let newer = try esw(["ratio"] + database)
            #expect(newer.status == 1)
            #expect(
                newer.stderr
                    == "esw: this database was migrated by a newer esw (migration 9999_later.sql); upgrade esw\n")
            // This esw has a migration the database lacks.
            try db.execute("DELETE FROM schema_migrations WHERE version = '9999_later.sql'")
            try db.execute(
                "DELETE FROM schema_migrations WHERE version = (SELECT max(version) FROM schema_migrations)")
            let behind = try esw(["enterprise", "list"] + database)
            #expect(behind.status == 1)
            #expect(behind.stderr == "esw: the database is 1 migration behind this esw; run esw db migrate\n")
            #expect(try esw(["db", "status"] + database).status == 0)
        }
    }

    @Test func migrateTwiceThenImportAndAskForTheRatio() throws {
        try TestDatabase.withSchema(migrated: false) { _, url in
            let database = ["--database-url", url]
            let first = try esw(["db", "migrate"] + database)
            #expect(first.status == 0)
            #expect(first.stdout.contains("applied 0001_core.sql"))
            let second = try esw(["db", "migrate"] + database)
            #expect(second.stdout.hasPrefix("schema is up to date"))
            #expect(second.stderr.isEmpty)

            let shenzhen = try addShenzhenEnterprise(database)
            let roster = try temporaryFile(
                text: """
                    enterprise_uscc,id_number,name,department,hired_on
                    \(shenzhen),\(Fixtures.idNumber(sequence: 1)),张伟,工会,2012-01-01
                    \(shenzhen),\(Fixtures.idNumber(sequence: 2)),李娜,妇联,2012-01-01

                    """)
            let imported = try esw(["staff", "import", roster] + database)
            #expect(imported.status == 0)
            #expect(imported.stdout.contains("inserted 2"))
            let certificates = try temporaryFile(
                text: "id_number,level,certificate_no,issued_on\n"
                    + "\(Fixtures.idNumber(sequence: 1)),助理社会工作师,X1,2013-01-01\n"
            )
            #expect(try esw(["certificate", "import", certificates] + database).status == 0)

            let json = try esw(
                ["ratio", "--enterprise", shenzhen, "--as-of", "2013-12-31", "--format", "json"] + database)
            #expect(json.status == 0)
            let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
            #expect(object?["ratio"] as? Double == 0.5)
            #expect(object?["as_of"] as? String == "2013-12-31")

            let csv = try esw(["ratio", "--format", "csv", "--as-of", "2013-12-31", "--by", "level"] + database)
            #expect(
                csv.stdout.hasPrefix("\u{FEFF}scope,code,name,tracked,certified,ratio,junior,intermediate,senior\r\n"))
            #expect(csv.stdout.contains("country,,全国,2,1,0.5000,1,0,0"))

            let trend = try esw(
                [
                    "ratio", "--trend", "--region", "440000", "--from", "2012-06-01", "--to", "2013-06-01", "--every",
                    "year",
                ] + database)
            #expect(
                trend.stdout.contains("2012-12-31        2          0   0.00%"),
                "a yearly trend's points are year ends, then the last date asked for")
            #expect(trend.stdout.contains("2013-06-01        2          1  50.00%"))
        }
    }

    @Test func aBadRowStopsTheImportWithExitThreeAndTheLineNamed() throws {
        try TestDatabase.withSchema { _, url in
            let roster = try temporaryFile(
                text: """
                    enterprise_uscc,id_number,name,department
                    \(Fixtures.uscc(region: "440305", serial: 5)),110105199003071238,张伟,工会

                    """)
            let run = try esw(["staff", "import", roster, "--database-url", url])
            #expect(run.status == 3)
            #expect(run.stdout.isEmpty)
            #expect(run.stderr.contains("line 2, id_number '110105********1238': check character should be 9, found 8"))
            #expect(run.stderr.contains("--skip-invalid"))
        }
    }

    @Test func thePartsOfARosterImportInOneCommandAllOrNothing() throws {
        try TestDatabase.withSchema { _, url in
            let database = ["--database-url", url]
            let shenzhen = try addShenzhenEnterprise(database)
            let header = "enterprise_uscc,id_number,name,department,hired_on\n"
            let first = try temporaryFile(
                "part1.csv", text: header + "\(shenzhen),\(Fixtures.idNumber(sequence: 1)),张伟,工会,2012-01-01\n")
            let second = try temporaryFile(
                "part2.csv", text: header + "\(shenzhen),\(Fixtures.idNumber(sequence: 2)),李娜,妇联,2012-01-01\n")
            let bad = try temporaryFile(
                "part3.csv", text: header + "\(shenzhen),\(Fixtures.idNumber(sequence: 3)),王芳,车间,2012-01-01\n")

            let refused = try esw(["staff", "import", first, bad, second] + database)
            #expect(refused.status == 3)
            #expect(refused.stdout.isEmpty)
            #expect(refused.stderr.contains("part3.csv: 1 of 1 rows are invalid"))
            #expect(refused.stderr.contains("line 2, department '车间'"))
            #expect(refused.stderr.contains("Nothing of any of the files was imported."))

            let oneRejectsFile = try esw(
                ["staff", "import", first, second, "--skip-invalid", "--rejects", "x.csv"] + database)
            #expect(oneRejectsFile.status == 2)
            #expect(oneRejectsFile.stderr.contains("--rejects names one file"))

            let imported = try esw(["staff", "import", first, second] + database)
            #expect(imported.status == 0)
            let lines = imported.stdout.split(separator: "\n").map(String.init)
            #expect(lines.count == 2)
            #expect(
                lines.first?.hasSuffix("part1.csv: read 1 rows (UTF-8): inserted 1, updated 0, unchanged 0, rejected 0")
                    == true)
            #expect(
                lines.last?.hasSuffix("part2.csv: read 1 rows (UTF-8): inserted 1, updated 0, unchanged 0, rejected 0")
                    == true)
            let listed = try esw(["staff", "list", "--enterprise", shenzhen, "--format", "csv"] + database)
            #expect(listed.stdout.split(whereSeparator: \.isNewline).count == 3, "a header and both parts' persons")
        }
    }

    /// An import of thousands of bad rows lists each on stderr, far more than a pipe holds: the
    /// command must finish, and every row must be listed. (Read one pipe after the other, and the
    /// command blocks on a full stderr while the reader waits for stdout's end; `esw` then stops
    /// it at the timeout and the test fails.)
    @Test func aLongErrorListingOnStderrDoesNotStallTheCommand() throws {
        try TestDatabase.withSchema { _, url in
            let rows = 3_000
            var roster = "enterprise_uscc,id_number,name,department\n"
            for n in 1...rows { roster += "\(FixtureWorld.shenzhen),110105199003071238,员工\(n),工会\n" }
            let path = try temporaryFile(text: roster)
            // The watchdog, not esw's own timeout: with pipes read one after the other the helper
            // itself blocks, and only a wait from outside it turns that hang into a failure.
            let importing: @Sendable () throws -> ESWRun = {
                try esw(["staff", "import", path, "--database-url", url])
            }
            guard let run = try withDeadline(seconds: 60, importing) else {
                Issue.record("esw staff import with a long error listing did not finish within 60 s")
                return
            }
            #expect(run.status == 3)
            let listed = run.stderr.split(separator: "\n").filter { $0.hasPrefix("  line ") }.count
            #expect(listed == rows)
            #expect(run.stderr.utf8.count > 3 * 65_536, "several times what a pipe holds")
            let namesTheLastRow = run.stderr.contains("  line \(rows + 1), id_number")
            #expect(namesTheLastRow)
        }
    }

    /// Hostile spreadsheets end in exit 3 and a message naming the line and column (or the
    /// file's problem), never a database or Foundation error, and never echo the refused name.
    @Test func hostileSpreadsheetsAreExitThreeWithTheLineAndColumn() throws {
        try TestDatabase.withSchema { db, url in
            _ = try FixtureWorld(db: db)
            let header = "enterprise_uscc,id_number,name,department\n"
            let nul = try temporaryFile(
                text: header + "\(FixtureWorld.shenzhen),\(FixtureWorld.person(1)),张\u{0}伟,工会\n")
            let bidi = try temporaryFile(
                text: header + "\(FixtureWorld.shenzhen),\(FixtureWorld.person(1)),张\u{202E}伟,工会\n")
            let big5 = try temporaryFile(
                contents: try converted("name,id_number\n陳美玲,\(FixtureWorld.person(1))\n", to: "BIG5"))
            let cases = [
                (nul, "line 2, name: holds a control character (U+0000) at character 2; remove it"),
                (bidi, "line 2, name: holds an invisible or direction-changing character (U+202E) at character 2"),
                (big5, "line 2 is neither UTF-8 nor GB18030 text; save the file as CSV UTF-8 and try again"),
            ]
            for (path, message) in cases {
                let run = try esw(["staff", "import", path, "--database-url", url])
                #expect(run.status == 3)
                #expect(run.stderr.contains(message), "\(run.stderr)")
                #expect(!run.stderr.contains("张"))
            }
        }
    }

    @Test func unknownEnterpriseIsExitThree() throws {
        try TestDatabase.withSchema { _, url in
            let run = try esw(["ratio", "--enterprise", Fixtures.uscc(serial: 77), "--database-url", url])
            #expect(run.status == 3)
            #expect(run.stderr.contains("no enterprise has USCC"))
        }
    }
}

@Suite(.database) struct TrainingCommandLineTests {
    /// The coordinator's whole cycle from the command line: create an event, enroll a
    /// spreadsheet, see the waitlist, cancel and see the promotion, record attendance, read hours
    /// and gaps.
    @Test func aCoordinatorsTrainingCycle() throws {
        try TestDatabase.withSchema { db, url in
            let database = ["--database-url", url]
            let shenzhen = FixtureWorld.shenzhen
            _ = try FixtureWorld(db: db).importStaff(
                FixtureWorld.staff(
                    (1...4).map {
                        .init(.shenzhen, $0, "员工\($0)", "工会", hired: "2012-01-01")
                    }))

            let created = try esw(
                [
                    "event", "create", "--kind", "专家讲座", "--title", "企业社会工作概论",
                    "--starts", "2026-01-10T09:00", "--ends", "2026-01-10T12:00", "--hours", "3",
                    "--capacity", "3", "--enterprise", shenzhen,
                ] + database)
            #expect(created.status == 0)
            let id = created.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(Int(id) != nil, "event create prints the id alone")

            var sheet = "身份证号\n"
            for n in 1...4 { sheet += Fixtures.idNumber(sequence: n) + "\n" }
            // A past event (attendance needs one that has started by the clock), enrolled as of before it.
            let before = ["--at", "2026-01-02T09:00"]
            let enrolled = try esw(
                ["enroll", "--event", id, "--file", try temporaryFile(text: sheet)] + before + database)
            #expect(enrolled.status == 0)
            #expect(enrolled.stdout.contains("inserted 4"))
            let again = try esw(
                ["enroll", "--event", id, "--id-number", Fixtures.idNumber(sequence: 1)] + before + database)
            #expect(again.stdout.contains("already enrolled; nothing changed"))

            let shown = try esw(["event", "show", id, "--format", "json"] + database)
            let object = try #require(try JSONSerialization.jsonObject(with: Data(shown.stdout.utf8)) as? [String: Any])
            #expect(object["capacity"] as? Int == 3)
            #expect(object["enrolled"] as? Int == 3)
            #expect(object["waitlisted"] as? Int == 1)
            let lines = try #require(object["enrollments"] as? [[String: Any]])
            #expect(lines.first { $0["status"] as? String == "waitlisted" }?["waitlist_position"] as? Int == 1)
            #expect(
                Set(lines.first?.keys ?? [:].keys) == [
                    "id_number", "name", "department", "status", "waitlist_position", "hours",
                ])

            let cancel = try esw(
                ["enroll", "cancel", "--event", id, "--id-number", Fixtures.idNumber(sequence: 2)] + database)
            #expect(cancel.stdout.contains("\(Fixtures.idNumber(sequence: 4)) moves from the waitlist into the seat"))

            let early = try esw(
                ["attendance", "--event", id, "--id-number", Fixtures.idNumber(sequence: 1), "--attended"] + before
                    + database)
            #expect(early.status == 3)
            let attended = try esw(
                [
                    "attendance", "--event", id, "--id-number", Fixtures.idNumber(sequence: 1), "--attended",
                    "--at", "2026-01-10T12:00",
                ] + database)
            #expect(attended.status == 0)
            let hours = try esw(["training", "hours", "--enterprise", shenzhen, "--format", "json"] + database)
            #expect(hours.stdout.contains("\"total\": 3.00"))
            let gaps = try esw(
                ["training", "gaps", "--enterprise", shenzhen, "--as-of", "2026-02-01", "--format", "csv"] + database)
            #expect(gaps.stdout.contains("untrained,\(Fixtures.idNumber(sequence: 2))"))
            #expect(!gaps.stdout.contains("untrained,\(Fixtures.idNumber(sequence: 1))"))

            let badEvent = try esw(
                ["enroll", "--event", "999", "--id-number", Fixtures.idNumber(sequence: 1)] + database)
            #expect(badEvent.status == 3)
            #expect(badEvent.stderr.contains("no training event has id 999"))
        }
    }
}

@Suite(.database) struct ExamCommandLineTests {
    @Test func anExamCycleFromTheCommandLine() throws {
        try TestDatabase.withSchema { db, url in
            let database = ["--database-url", url]
            let shenzhen = FixtureWorld.shenzhen
            let person = FixtureWorld.person(1)
            let hire = FixtureWorld.Hire(.shenzhen, 1, "张伟", "工会", hired: "2010-01-01")
            _ = try FixtureWorld(db: db).importStaff(FixtureWorld.staff([hire]))
            var sessions: [String] = []
            for year in ["2013", "2014"] {
                let created = try esw(
                    [
                        "exam", "session", "create", "--year", year, "--level", "社会工作师", "--date",
                        "\(year)-06-15",
                    ] + database)
                #expect(created.status == 0)
                let id = created.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
                sessions.append(id)
                #expect(
                    try esw(
                        [
                            "exam", "window", "set", "--session", id, "--province", "440000",
                            "--opens", "\(year)-03-01", "--closes", "\(year)-03-31",
                        ] + database
                    ).status == 0)
            }
            let outside = try esw(
                ["exam", "register", "--session", sessions[0], "--id-number", person, "--on", "2013-04-01"] + database)
            #expect(outside.status == 3)
            let registered = try esw(
                ["exam", "register", "--session", sessions[0], "--id-number", person, "--on", "2013-03-10"] + database)
            #expect(registered.stdout.contains("eligibility unverified"))
            #expect(
                try esw(
                    [
                        "exam", "register", "--session", sessions[1], "--id-number", person,
                        "--subjects", "practice", "--on", "2014-03-10",
                    ] + database
                ).status == 0)
            let scores = """
                身份证号,考试场次,科目,成绩
                \(person),\(sessions[0]),社会工作综合能力（中级）,66
                \(person),\(sessions[0]),社会工作法规与政策,60
                \(person),\(sessions[0]),社会工作实务（中级）,59.5
                \(person),\(sessions[1]),实务,71

                """
            #expect(try esw(["exam", "scores", "import", try temporaryFile(text: scores)] + database).status == 0)
            let results = try esw(["exam", "results", "--id-number", person, "--format", "json"] + database)
            let object = try #require(
                try JSONSerialization.jsonObject(with: Data(results.stdout.utf8)) as? [String: Any])
            #expect(object["id_number"] as? String == person)
            let level = try #require((object["levels"] as? [[String: Any]])?.first)
            #expect(level["level"] as? String == "intermediate")
            #expect(level["passed"] as? Bool == true)
            #expect(level["passed_year"] as? Int == 2014)
            #expect(level["scope"] as? String == "national")
            #expect((level["remaining"] as? [Any])?.isEmpty == true)
            let pending = try esw(
                ["exam", "results", "--pending-certificates", "--enterprise", shenzhen, "--format", "csv"] + database)
            #expect(pending.stdout.contains(person))
            let funnel = try esw(
                ["exam", "funnel", "--region", "440000", "--year", "2013", "--format", "csv"] + database)
            #expect(funnel.stdout.contains("intermediate,all,1,1,0,0"))
        }
    }
}

@Suite(.database) struct ReportCommandLineTests {
    /// A bureau's cycle from the command line: a pilot with a filled post, its report in CSV
    /// (BOM, masked ID numbers unless asked), and the evidence pack verified.
    @Test func aPilotsReportsAndEvidencePack() throws {
        try TestDatabase.withSchema { db, url in
            let database = ["--database-url", url]
            let shenzhen = FixtureWorld.shenzhen
            let worker = FixtureWorld.person(1)
            let hire = FixtureWorld.Hire(.shenzhen, 1, "张伟", "工会", hired: "2012-01-01")
            _ = try FixtureWorld(db: db).importStaff(FixtureWorld.staff([hire]))
            let program = try esw(
                [
                    "pilot", "program", "create", "--name", "试点", "--apply-by", "2013-06-01", "--confirm-by",
                    "2013-06-30",
                    "--pilot-months", "12", "--summary-by", "2014-06-30",
                ] + database
            ).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            let application = try esw(
                ["pilot", "apply", "--program", program, "--enterprise", shenzhen, "--on", "2013-05-20"] + database
            )
            .stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            for (state, day) in [("approved", "2013-06-20"), ("in_pilot", "2013-07-01")] {
                #expect(
                    try esw(["pilot", "advance", "--application", application, "--to", state, "--on", day] + database)
                        .status == 0)
            }
            #expect(
                try esw(
                    [
                        "post", "add", "--enterprise", shenzhen, "--department", "union", "--title", "专员",
                        "--filled-by", worker,
                        "--created-on", "2013-08-01",
                    ] + database
                ).status == 0)

            let csv = try esw(["report", "pilot", "--application", application, "--format", "csv"] + database)
            #expect(csv.status == 0)
            #expect(csv.stdout.hasPrefix("\u{FEFF}section,item,measure,value\r\n"))
            #expect(csv.stdout.contains("posts,,developed,1"))
            #expect(csv.stdout.contains(String(worker.prefix(6)) + "********" + String(worker.suffix(4))))
            #expect(!csv.stdout.contains(worker))
            let whole = try esw(
                ["report", "pilot", "--application", application, "--format", "json", "--include-id-numbers"] + database
            )
            #expect(whole.stdout.contains(worker))

            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("esw-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let html = directory.appendingPathComponent("pilot.html").path
            let written = try esw(["report", "pilot", "--application", application, "--out", html] + database)
            #expect(written.stderr.contains("report written to \(html)"))
            #expect(try String(contentsOfFile: html, encoding: .utf8).contains("<svg"))

            let pack = directory.appendingPathComponent("evidence.zip").path
            let evidence = try esw(["report", "evidence", "--application", application, "--out", pack] + database)
            #expect(evidence.status == 0)
            let digest = try #require(evidence.stdout.split(separator: " ").first.map(String.init))
            #expect(digest.count == 64)
            let verified = try esw(["report", "verify", pack])
            #expect(verified.status == 0)
            #expect(verified.stdout.contains("\(digest)  MANIFEST"))
            #expect(verified.stdout.contains("intact"))
            let notAPack = try esw(["report", "verify", html])
            #expect(notAPack.status == 3)
            #expect(notAPack.stderr.contains("is not a ZIP archive"))

            let unknown = try esw(["report", "pilot", "--application", "999"] + database)
            #expect(unknown.status == 3)
            #expect(unknown.stderr.contains("no pilot application has id 999"))
        }
    }
}
