import CalendarDates
import Foundation
import PostgresClient
import TestSupport
import Testing
import Workforce

/// Imports of overlapping files at the same time, each on its own connection, as coordinators in
/// two offices would run them: both succeed and the tables hold the union of the files, once.
@Suite(.database) struct ConcurrentImportTests {
    /// How many times each parallel race is run (three imports at once each time).
    static let rounds = 12
    static let width = 3

    @Test func overlappingRostersImportedAtOnceLeaveOnePersonPerIDNumberAndEveryEmployment() throws {
        try TestDatabase.withSchema { db, conninfo in
            _ = try FixtureWorld(db: db, adding: [.guangzhou])
            let own: [(FixtureWorld.Enterprise, String)] = [
                (.shenzhen, "共青团"), (.beijing, "妇联"), (.guangzhou, "人力资源部门"),
            ]
            var expectedEmployments = 0
            var people = Set<Int>()
            for round in 0..<Self.rounds {
                // File k holds persons base+10k ..< base+10k+30: each overlaps the next by 20.
                let base = round * 50
                let files = (0..<Self.width).map { k in
                    FixtureWorld.staff(
                        (base + 10 * k..<base + 10 * k + 30).flatMap { p in
                            [
                                // The same closed and open employments in every file that has the person ...
                                .init(.shenzhen, p, "员工\(p)", "工会", hired: "2012-01-01", left: "2013-06-30"),
                                .init(.beijing, p, "员工\(p)", "党组织", hired: "2014-01-01"),
                                // ... and one of the file's own.
                                .init(own[k].0, p, "员工\(p)", own[k].1, hired: "2015-0\(k + 1)-01"),
                            ]
                        })
                }
                for k in 0..<Self.width {
                    people.formUnion(base + 10 * k..<base + 10 * k + 30)
                    expectedEmployments += 30
                }
                let results = try importAtOnce(files, conninfo: conninfo) { db, path, options in
                    try Staff(db: db).importFile(path: path, options: options)
                }
                for result in results { _ = try result.get() }
                expectedEmployments += 2 * Set((0..<Self.width).flatMap { base + 10 * $0..<base + 10 * $0 + 30 }).count
            }

            #expect(try count(db, "SELECT count(*) FROM person") == people.count)
            #expect(try count(db, "SELECT count(DISTINCT id_number) FROM person") == people.count)
            #expect(try count(db, "SELECT count(*) FROM employment") == expectedEmployments)
            #expect(
                try count(
                    db,
                    """
                    SELECT count(*) FROM (SELECT 1 FROM employment
                                          GROUP BY person_id, enterprise_id, department, hired_on
                                          HAVING count(*) > 1) d
                    """) == 0)
            #expect(
                try count(db, "SELECT count(*) FROM employment WHERE hired_on = '2012-01-01' AND left_on IS NULL") == 0)
        }
    }

    @Test func overlappingCertificateFilesImportedAtOnceLeaveEachCertificateOnce() throws {
        try TestDatabase.withSchema { db, conninfo in
            let numbers = try raceOverlappingFiles(
                header: "身份证号,姓名,证书等级,证书编号,发证日期", conninfo: conninfo,
                line: { "\(FixtureWorld.person($0)),员工\($0),助理社会工作师,C2014\($0),2014-06-30" },
                importing: { db, path, options in try Certificates(db: db).importFile(path: path, options: options) })

            #expect(try count(db, "SELECT count(*) FROM certificate") == numbers)
            #expect(try count(db, "SELECT count(*) FROM person") == numbers)
            #expect(try count(db, "SELECT count(*) FROM certificate c JOIN person p ON p.id = c.person_id") == numbers)
        }
    }

    @Test func overlappingEnterpriseFilesImportedAtOnceLeaveEachEnterpriseOnce() throws {
        try TestDatabase.withSchema { db, conninfo in
            let codes = try raceOverlappingFiles(
                header: "统一社会信用代码,企业名称,行政区划代码,职工人数", conninfo: conninfo,
                line: { "\(Fixtures.uscc(serial: 1000 + $0)),企业\($0),440305,\($0)" },
                importing: { db, path, options in try Enterprises(db: db).importFile(path: path, options: options) })

            #expect(try count(db, "SELECT count(*) FROM enterprise") == codes)
        }
    }

    /// A deadlock between an import and another session: the server aborts the import's
    /// transaction, and the import runs again from the file and succeeds.
    @Test func anImportThatLosesADeadlockRunsAgainAndSucceeds() throws {
        try TestDatabase.withSchema { db, conninfo in
            _ = try FixtureWorld(db: db)
            let (first, second) = (FixtureWorld.person(1), FixtureWorld.person(2))
            #expect(first < second, "the import inserts persons in ID-number order")
            let roster = try temporaryFile(
                text: FixtureWorld.staff([
                    .init(.shenzhen, 1, "员工1", "工会", hired: "2012-01-01"),
                    .init(.shenzhen, 2, "员工2", "工会", hired: "2012-01-01"),
                ]))
            let other = try Connection(conninfo: conninfo)
            // The import (deadlock_timeout 1 s) looks for the deadlock first, so the server aborts it.
            try other.execute(script: "SET deadlock_timeout = '30s'; BEGIN")
            try other.execute("INSERT INTO person (id_number, name) VALUES (\(second), '员工2')")
            let outcome = try startInBackground {
                try Staff(db: try Connection(conninfo: conninfo)).importFile(
                    path: roster, options: ImportOptions(today: FixtureWorld.today))
            }
            try waitUntilBlocked(by: other.backendPID, watching: db)
            // The import holds person 1 and waits for person 2: taking person 1 closes the cycle.
            try other.execute("INSERT INTO person (id_number, name) VALUES (\(first), '员工1')")
            try other.execute(script: "COMMIT")
            let summary = try outcome()

            #expect(summary.inserted == 2)
            #expect(try count(db, "SELECT count(*) FROM person") == 2)
            #expect(try count(db, "SELECT count(*) FROM employment") == 2)
        }
    }

    /// Another import commits an open employment with another hiring date after this import's
    /// checks ran: the unique index of open employments stops the merge, the import runs again,
    /// and its checks now report the line like any conflict with the record.
    @Test func aConflictingEmploymentCommittedDuringTheImportIsReportedByLine() throws {
        try TestDatabase.withSchema { db, conninfo in
            _ = try FixtureWorld(db: db)
            _ = try FixtureWorld(db: db).importStaff(
                FixtureWorld.staff([.init(.shenzhen, 1, "员工1", "党组织", hired: "2011-01-01")]))
            let roster = try temporaryFile(
                text: FixtureWorld.staff([.init(.shenzhen, 1, "员工1", "工会", hired: "2012-01-01")]))
            let other = try Connection(conninfo: conninfo)
            try other.execute(script: "BEGIN")
            try other.execute(
                """
                INSERT INTO employment (person_id, enterprise_id, department, hired_on)
                SELECT p.id, e.id, 'union', '2013-05-01' FROM person p, enterprise e
                WHERE e.uscc = \(FixtureWorld.shenzhen)
                """)
            let outcome = try startInBackground {
                try Staff(db: try Connection(conninfo: conninfo)).importFile(
                    path: roster, options: ImportOptions(today: FixtureWorld.today))
            }
            try waitUntilBlocked(by: other.backendPID, watching: db)
            try other.execute(script: "COMMIT")

            let rejected = #expect(throws: ImportRejected.self) { try outcome() }
            #expect(rejected?.errors.map(\.line) == [2])
            #expect(rejected?.errors.first?.column == "hired_on")
            #expect(rejected?.errors.first?.reason.description.contains("2013-05-01") == true)
            #expect(try count(db, "SELECT count(*) FROM employment") == 2)
        }
    }

    /// The same certificate number committed for another holder while the import ran: reported
    /// by line after the import runs again, never a unique violation.
    @Test func aCertificateNumberTakenDuringTheImportIsReportedByLine() throws {
        try TestDatabase.withSchema { db, conninfo in
            _ = try FixtureWorld(db: db).importStaff(
                FixtureWorld.staff([
                    .init(.shenzhen, 1, "员工1", "工会", hired: "2012-01-01"),
                    .init(.shenzhen, 2, "员工2", "工会", hired: "2012-01-01"),
                ]))
            let file = try temporaryFile(
                text: FixtureWorld.certificates([(1, "junior", "C-1", "2014-06-30", nil)]))
            let other = try Connection(conninfo: conninfo)
            try other.execute(script: "BEGIN")
            try other.execute(
                """
                INSERT INTO certificate (person_id, level, certificate_no, issued_on)
                SELECT id, 'junior', 'C-1', '2014-06-30' FROM person WHERE id_number = \(FixtureWorld.person(2))
                """)
            let outcome = try startInBackground {
                try Certificates(db: try Connection(conninfo: conninfo)).importFile(
                    path: file, options: ImportOptions(today: FixtureWorld.today))
            }
            try waitUntilBlocked(by: other.backendPID, watching: db)
            try other.execute(script: "COMMIT")

            let rejected = #expect(throws: ImportRejected.self) { try outcome() }
            #expect(rejected?.errors.map(\.column) == ["certificate_no"])
            #expect(try count(db, "SELECT count(*) FROM certificate") == 1)
        }
    }

    // MARK: Helpers

    /// ``rounds`` times, imports ``width`` files at once, file k of a round holding the lines of
    /// numbers base+10k ..< base+10k+30 (each overlaps the next by 20), and expects every import to
    /// succeed. Returns how many distinct numbers the files held.
    private func raceOverlappingFiles(
        header: String, conninfo: String, line: (Int) -> String,
        importing: @escaping @Sendable (Connection, String, ImportOptions) throws -> ImportSummary
    ) throws -> Int {
        var numbers = Set<Int>()
        for round in 0..<Self.rounds {
            let ranges = (0..<Self.width).map { k in round * 50 + 10 * k..<round * 50 + 10 * k + 30 }
            let files = ranges.map { range in range.reduce(header + "\n") { $0 + line($1) + "\n" } }
            for range in ranges { numbers.formUnion(range) }
            for result in try importAtOnce(files, conninfo: conninfo, importing) { _ = try result.get() }
        }
        return numbers.count
    }

    /// Runs one import per file, all at once, each on a connection of its own, and returns how each ended.
    private func importAtOnce(
        _ files: [String], conninfo: String,
        _ run: @escaping @Sendable (Connection, String, ImportOptions) throws -> ImportSummary
    ) throws -> [Result<ImportSummary, any Error>] {
        let paths = try files.map { try temporaryFile(text: $0) }
        let start = DispatchSemaphore(value: 0)
        let ready = DispatchSemaphore(value: 0)
        let results = ResultSlots<Result<ImportSummary, any Error>>(count: paths.count)
        let done = DispatchGroup()
        for (index, path) in paths.enumerated() {
            done.enter()
            Thread.detachNewThread {
                let outcome = Result { () throws -> ImportSummary in
                    let db = try Connection(conninfo: conninfo)
                    ready.signal()
                    start.wait()
                    return try run(db, path, ImportOptions(today: FixtureWorld.today))
                }
                if case .failure = outcome { ready.signal() }
                results.set(index, outcome)
                done.leave()
            }
        }
        for _ in paths { ready.wait() }
        for _ in paths { start.signal() }
        done.wait()
        return results.values
    }

    /// Starts `body` on a thread; the returned function waits for it (up to 60 s) and gives its result.
    private func startInBackground<T: Sendable>(_ body: @escaping @Sendable () throws -> T) throws -> () throws -> T {
        let result = ResultSlots<Result<T, any Error>>(count: 1)
        let finished = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            result.set(0, Result { try body() })
            finished.signal()
        }
        return {
            guard finished.wait(timeout: .now() + 60) == .success else {
                throw PostgresError(kind: .client, message: "the import did not finish within 60 s")
            }
            return try result.values[0].get()
        }
    }

    private func count(_ db: Connection, _ sql: SQLQuery) throws -> Int {
        try db.query(sql).single().decode(0)
    }
}
