import Foundation
import PostgresClient
import TestSupport
import Testing

/// Faults in the middle of a command, on the shared test cluster (only the test's own backend or
/// its own `esw` process is hit; scripts/faults stops a private server with `-m immediate`):
/// nothing is half-written, the message is esw's own, and a rerun completes.
@Suite(.database) struct FaultTests {
    static let uscc = Fixtures.uscc(region: "440305", serial: 61)
    /// Big enough that the import spends a while in each phase (reading, COPY, merge).
    static let rows = 12_000

    /// The import's backend terminated (as a server shutdown does) during the COPY and during the merge.
    @Test(arguments: ["COPY%", "%import_resolved%"])
    func aConnectionLostDuringAnImportSaysSoWritesNothingAndARerunCompletes(phase: String) throws {
        try TestDatabase.withSchema { db, url in
            let roster = try prepareRoster(url: url)
            let before = try DatabaseDigest(db)
            let name = "esw-fault-\(UUID().uuidString.prefix(8))"
            let running = try RunningESW([
                "staff", "import", roster, "--database-url", url + "&application_name=\(name)",
            ])
            let pid = try waitForBackend(named: name, running: phase, watching: db)
            try #require(pid != nil, "the import never reached \(phase)")
            try db.execute("SELECT pg_terminate_backend(\(pid!)::int)")
            let run = try running.wait(timeout: 60)

            #expect(run.status == 1)
            #expect(run.stderr.hasPrefix("esw: the connection to the database was lost before the command finished"))
            #expect(run.stderr.contains("run the command again"))
            for libpqText in ["server closed the connection", "terminating connection", "socket", "abnormally"] {
                #expect(!run.stderr.contains(libpqText), "\(run.stderr)")
            }
            #expect(try DatabaseDigest(db) == before)
            let rerun = try esw(["staff", "import", roster, "--database-url", url])
            #expect(rerun.status == 0, "\(rerun.stderr)")
            #expect(try db.query("SELECT count(*) FROM employment").single().decode(0, as: Int.self) == Self.rows)
        }
    }

    /// SIGKILL at several points of an import: right away, while it reads and COPYs, during the
    /// merge, and after a few delays. Each time the tables are as before or as after a whole import.
    @Test func eswKilledAtAnyPointOfAnImportLeavesAllOrNothing() throws {
        try TestDatabase.withSchema { db, url in
            let roster = try prepareRoster(url: url)
            let before = try DatabaseDigest(db)
            let points: [KillPoint] = [
                .after(milliseconds: 0), .during("COPY%"), .during("%import_resolved%"), .after(milliseconds: 400),
                .after(milliseconds: 1200),
            ]
            var completeState: DatabaseDigest?
            for point in points {
                let name = "esw-kill-\(UUID().uuidString.prefix(8))"
                let running = try RunningESW(
                    ["staff", "import", roster, "--database-url", url + "&application_name=\(name)"])
                switch point {
                case .after(let milliseconds): usleep(useconds_t(milliseconds * 1000))
                case .during(let phase):
                    let reached = try waitForBackend(named: name, running: phase, watching: db) != nil
                    #expect(reached, "the import never reached \(phase)")
                }
                running.send(SIGKILL)
                let run = try running.wait(timeout: 30)
                // The server notices the client is gone when it next reads or writes; wait for that.
                try waitUntilGone(named: name, watching: db)
                let after = try DatabaseDigest(db)
                if run.status == 0 {
                    completeState = completeState ?? after
                    #expect(after == completeState, "\(point)")
                } else if after != before {
                    #expect(after.rows(of: "employment") == Self.rows, "\(point): half-written: \(after)")
                    completeState = completeState ?? after
                    #expect(after == completeState, "\(point)")
                }
            }
            let rerun = try esw(["staff", "import", roster, "--database-url", url])
            #expect(rerun.status == 0, "\(rerun.stderr)")
            #expect(try db.query("SELECT count(*) FROM employment").single().decode(0, as: Int.self) == Self.rows)
        }
    }

    /// A province report in the middle of its read (made to wait on a table it reads last) holds only
    /// ACCESS SHARE locks, and an enrollment of the same enterprise's staff completes meanwhile.
    @Test func anEnrollmentCompletesWhileAProvinceReportIsRunning() throws {
        try TestDatabase.withSchema { db, url in
            let database = ["--database-url", url]
            let roster = (1...20).reduce("enterprise_uscc,id_number,name,department,hired_on\n") { csv, n in
                csv + "\(Self.uscc),\(Fixtures.idNumber(sequence: n)),员工\(n),工会,2012-01-01\n"
            }
            #expect(
                try esw(["enterprise", "add", "--uscc", Self.uscc, "--name", "测试", "--region", "440305"] + database)
                    .status == 0)
            #expect(try esw(["staff", "import", try temporaryFile(text: roster)] + database).status == 0)
            let created = try esw(
                [
                    "event", "create", "--kind", "专家讲座", "--title", "企业社会工作概论", "--starts", "2030-01-10T09:00",
                    "--ends", "2030-01-10T12:00", "--hours", "3", "--capacity", "10", "--enterprise", Self.uscc,
                ] + database)
            let event = created.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            let sheet = (1...20).reduce("身份证号\n") { $0 + Fixtures.idNumber(sequence: $1) + "\n" }

            // The report reads pilot_program after the ratios: hold it, so the report stops there.
            let blocker = try Connection(conninfo: url)
            try blocker.execute(script: "BEGIN; LOCK TABLE pilot_program IN ACCESS EXCLUSIVE MODE")
            let name = "esw-report-\(UUID().uuidString.prefix(8))"
            let out = try temporaryFile("province.html", text: "")
            try FileManager.default.removeItem(atPath: out)
            let report = try RunningESW(
                [
                    "report", "province", "--region", "440000", "--format", "html", "--out", out,
                    "--database-url", url + "&application_name=\(name)",
                ])
            try waitUntilBlocked(by: blocker.backendPID, watching: db)
            let held = try db.query(
                """
                SELECT l.mode, count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
                WHERE a.application_name = \(name) AND l.locktype = 'relation' AND l.granted
                GROUP BY l.mode
                """
            ).map { (try $0.decode(0, as: String.self), try $0.decode(1, as: Int.self)) }

            let started = Date()
            let enrolled = try esw(["enroll", "--event", event, "--file", try temporaryFile(text: sheet)] + database)
            let seconds = Date().timeIntervalSince(started)
            let reportStillWaiting: Int = try db.query(
                "SELECT count(*) FROM pg_stat_activity WHERE application_name = \(name) AND wait_event_type = 'Lock'"
            ).single().decode(0)
            try blocker.execute(script: "COMMIT")
            let reported = try report.wait(timeout: 60)

            #expect(held.map(\.0) == ["AccessShareLock"], "the report holds only ACCESS SHARE locks: \(held)")
            #expect((held.first?.1 ?? 0) >= 3, "the report read the ratio's tables in its transaction: \(held)")
            #expect(enrolled.status == 0, "\(enrolled.stderr)")
            #expect(enrolled.stdout.contains("inserted 20"))
            #expect(seconds < 20)
            #expect(reportStillWaiting == 1, "the enrollment finished while the report was still running")
            #expect(reported.status == 0, "\(reported.stderr)")
            #expect(FileManager.default.fileExists(atPath: out))
        }
    }

    /// The server's statement_timeout stops the import's COPY: esw says so, exit 1, nothing written.
    @Test func aStatementTimeoutDuringAnImportSaysSoAndWritesNothing() throws {
        try TestDatabase.withSchema { db, url in
            let roster = try prepareRoster(url: url)
            let before = try DatabaseDigest(db)
            let schema: String = try db.query("SELECT current_schema()").single().decode(0)
            let impatient = try TestDatabase.conninfo(schema: schema, settings: ["statement_timeout": "200"])
            let run = try esw(["staff", "import", roster, "--database-url", impatient])

            #expect(run.status == 1)
            #expect(run.stderr.hasPrefix("esw: a statement took longer than the server's statement_timeout"))
            #expect(run.stderr.contains("57014"))
            #expect(try DatabaseDigest(db) == before)
        }
    }

    // MARK: Helpers

    enum KillPoint: CustomStringConvertible {
        case after(milliseconds: Int)
        case during(String)

        var description: String {
            switch self {
            case .after(let milliseconds): "after \(milliseconds) ms"
            case .during(let phase): "during \(phase)"
            }
        }
    }

    /// Adds the enterprise and writes a roster of ``rows`` new people in it.
    private func prepareRoster(url: String) throws -> String {
        let added = try esw([
            "enterprise", "add", "--uscc", Self.uscc, "--name", "测试", "--region", "440305", "--database-url", url,
        ])
        #expect(added.status == 0)
        var csv = "enterprise_uscc,id_number,name,department,hired_on\n"
        for n in 0..<Self.rows {
            let day = n / 900
            let birth = String(format: "19%02d%02d%02d", 60 + day / 12, 1 + day % 12, 1 + day)
            csv += "\(Self.uscc),\(Fixtures.idNumber(birth: birth, sequence: n % 900 + 1)),员工\(n),工会,2012-01-01\n"
        }
        return try temporaryFile(text: csv)
    }

    /// Waits (up to 60 s) until the backend named `name` runs a statement like `phase`; its pid, or
    /// nil if it never did.
    private func waitForBackend(named name: String, running phase: String, watching db: Connection) throws -> Int? {
        for _ in 0..<6000 {
            let rows = try db.query(
                """
                SELECT pid FROM pg_stat_activity
                WHERE application_name = \(name) AND state = 'active' AND query LIKE \(phase)
                """)
            if let row = rows.first { return try row.decode(0) }
            usleep(10_000)
        }
        return nil
    }

    private func waitUntilGone(named name: String, watching db: Connection) throws {
        for _ in 0..<3000 {
            let left: Int = try db.query(
                "SELECT count(*) FROM pg_stat_activity WHERE application_name = \(name)"
            ).single().decode(0)
            if left == 0 { return }
            usleep(10_000)
        }
        Issue.record("the backend of \(name) never ended")
    }
}
