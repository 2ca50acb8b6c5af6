import CalendarDates
import Foundation
import PostgresClient
import TestSupport
import Testing
import Workforce

/// The maintained ratio figure (sql/0021) stays equal to the ratio functions after every kind of
/// write, through the product and through raw SQL, back-dated ones and concurrent imports included.
@Suite(.database) struct StoredCountsTests {
    typealias World = FixtureWorld
    static let held = ["2013-10-31", "2013-11-30", "2013-12-31", "2014-01-15"]

    /// Holds 2014-01-15 (in both counting modes) and the month end before it, as a roll does, and
    /// two more month ends by hand (every held day is kept, however it came to be held).
    func holdJanuary2014(_ db: Connection) throws {
        _ = try db.query("SELECT ratio_counts_roll('2014-01-15', true)").single()
        _ = try db.query("SELECT ratio_counts_roll('2014-01-15', false)").single()
        try db.execute("INSERT INTO ratio_counts_day VALUES ('2013-10-31', false), ('2013-11-30', false)")
        try db.execute("SELECT ratio_counts_refresh(array(SELECT id FROM enterprise))")
        let days = try RatioService(db: db).heldDays().map { "\($0.asOf.iso) \($0.registeredOnly)" }
        #expect(
            days == [
                "2013-10-31 false", "2013-11-30 false", "2013-12-31 false", "2014-01-15 false",
                "2014-01-15 true",
            ])
    }

    /// Rows of the figure that the functions do not return, and the other way round, on every held
    /// day: written out here (not through ratio_counts_differences) so that the check is independent.
    func mismatches(_ db: Connection) throws -> Int {
        try db.query(
            """
            WITH stored AS (
                SELECT as_of, registered_only, enterprise_id, tracked, certified, junior, intermediate, senior,
                       ratio::text FROM ratio_counts
            ), computed AS (
                SELECT d.as_of, d.registered_only, r.enterprise_id, r.tracked, r.certified, r.junior, r.intermediate,
                       r.senior, r.ratio::text
                FROM ratio_counts_day d, enterprise_ratio_on(d.as_of, NULL, d.registered_only) r
            ), stored_departments AS (
                SELECT as_of, registered_only, enterprise_id, department, tracked, certified, ratio::text
                FROM ratio_department_counts
            ), computed_departments AS (
                SELECT d.as_of, d.registered_only, r.enterprise_id, r.department, r.tracked, r.certified,
                       r.ratio::text
                FROM ratio_counts_day d, enterprise_department_ratio_on(d.as_of, NULL, d.registered_only) r
            )
            SELECT (SELECT count(*) FROM (SELECT * FROM stored EXCEPT ALL SELECT * FROM computed) a)
                 + (SELECT count(*) FROM (SELECT * FROM computed EXCEPT ALL SELECT * FROM stored) b)
                 + (SELECT count(*) FROM (SELECT * FROM stored_departments
                                          EXCEPT ALL SELECT * FROM computed_departments) c)
                 + (SELECT count(*) FROM (SELECT * FROM computed_departments
                                          EXCEPT ALL SELECT * FROM stored_departments) d)
            """
        ).single().decode(0)
    }

    /// Tracked/certified of one enterprise on a held day, read from the figure.
    func stored(_ db: Connection, _ uscc: String, _ day: String, registeredOnly: Bool = false) throws -> String {
        try db.query(
            """
            SELECT rc.tracked || '/' || rc.certified FROM ratio_counts rc JOIN enterprise en ON en.id = rc.enterprise_id
            WHERE en.uscc = \(uscc) AND rc.as_of = \(day)::date AND rc.registered_only = \(registeredOnly)
            """
        ).single().decode(0)
    }

    @Test func afterEachKindOfWriteTheFigureEqualsTheFunctions() throws {
        try TestDatabase.withSchema { db in
            try holdJanuary2014(db)
            let world = try World(db: db)
            let sz = World.shenzhen, bj = World.beijing
            #expect(try stored(db, sz, "2013-12-31") == "0/0")

            // A roster import, with a person in both enterprises.
            _ = try world.importStaff(
                World.staff([
                    .init(.shenzhen, 1, "一", "工会", hired: "2012-01-01"),
                    .init(.shenzhen, 2, "二", "党组织", hired: "2012-01-01"),
                    .init(.shenzhen, 3, "三", "妇联", hired: "2013-11-15"),
                    .init(.beijing, 1, "一", "工会", hired: "2013-01-01"),
                ]))
            #expect(try mismatches(db) == 0)
            #expect(try stored(db, sz, "2013-10-31") == "2/0")
            #expect(try stored(db, sz, "2013-12-31") == "3/0")

            // A certificate import, back-dated: it counts from 2013-11-01 at both enterprises.
            _ = try world.importCertificates(
                World.certificates([(person: 1, level: "junior", number: "C1", issued: "2013-11-01", revoked: nil)]))
            #expect(try mismatches(db) == 0)
            #expect(try stored(db, sz, "2013-10-31") == "2/0")
            #expect(try stored(db, sz, "2013-11-30") == "3/1")
            #expect(try stored(db, bj, "2013-11-30") == "1/1")

            // A certificate added one by one, back-dated.
            _ = try world.certificates.add(
                idNumber: World.person(2), level: "intermediate", certificateNo: "C2", issuedOn: "2013-10-01",
                revokedOn: nil, name: nil, today: World.today)
            #expect(try mismatches(db) == 0)
            #expect(try stored(db, sz, "2013-10-31") == "2/1")

            // A revocation (the same certificate again, with its revocation day), back-dated.
            _ = try world.importCertificates(
                World.certificates([
                    (
                        person: 2, level: "intermediate", number: "C2", issued: "2013-10-01",
                        revoked: "2013-12-01"
                    )
                ]))
            #expect(try mismatches(db) == 0)
            #expect(try stored(db, sz, "2013-11-30") == "3/2")
            #expect(try stored(db, sz, "2013-12-31") == "3/1")

            // A registration: only the registered-only counts change.
            #expect(try stored(db, sz, "2014-01-15", registeredOnly: true) == "3/0")
            _ = try CertificateRegistry(db: db).register(
                certificateNo: "C1", on: World.day("2014-01-10"), today: World.today)
            #expect(try mismatches(db) == 0)
            #expect(try stored(db, sz, "2014-01-15", registeredOnly: true) == "3/1")
            #expect(try stored(db, bj, "2014-01-15", registeredOnly: true) == "1/1")

            // A leaving, back-dated into a held month end.
            try world.staff.recordLeaving(
                idNumber: World.person(3), enterpriseUSCC: sz, department: nil, on: World.day("2013-12-20"),
                today: World.today)
            #expect(try mismatches(db) == 0)
            #expect(try stored(db, sz, "2013-12-31") == "2/1")

            // A back-dated hiring.
            _ = try world.importStaff(World.staff([.init(.beijing, 4, "四", "共青团", hired: "2013-09-01")]))
            #expect(try mismatches(db) == 0)
            #expect(try stored(db, bj, "2013-10-31") == "2/0")

            // Raw SQL, as a psql user would write it: an UPDATE, a DELETE, an INSERT.
            try db.execute(
                script: """
                    UPDATE employment SET hired_on = '2013-12-15'
                    WHERE person_id = (SELECT id FROM person WHERE id_number = '\(World.person(4))');
                    DELETE FROM certificate_registration;
                    INSERT INTO certificate (person_id, level, certificate_no, issued_on)
                    SELECT id, 'senior', 'C4', '2013-06-01' FROM person WHERE id_number = '\(World.person(4))';
                    """)
            #expect(try mismatches(db) == 0)
            #expect(try stored(db, bj, "2013-10-31") == "1/0")
            #expect(try stored(db, bj, "2013-12-31") == "2/2")
            #expect(try stored(db, sz, "2014-01-15", registeredOnly: true) == "2/0")

            // A statement rolled back leaves the figure as it was.
            do {
                try db.transaction { db in
                    try db.execute("DELETE FROM certificate")
                    throw CancellationError()
                }
            } catch is CancellationError {}
            #expect(try stored(db, bj, "2013-12-31") == "2/2")

            // A new enterprise has its zero counts at once.
            try world.add(.guangzhou)
            #expect(try stored(db, World.guangzhou, "2013-12-31") == "0/0")
            #expect(try mismatches(db) == 0)
            #expect(try RatioService(db: db).storedCountDifferences().isEmpty)
        }
    }

    @Test func twoImportsIntoDifferentEnterprisesAtOnceLeaveTheFigureEqualToTheFunctions() throws {
        try TestDatabase.withSchema { db, conninfo in
            try holdJanuary2014(db)
            let world = try World(db: db, adding: [.guangzhou])
            // Everyone works at Guangzhou already, so that each certificate reaches three enterprises.
            _ = try world.importStaff(
                World.staff((0..<160).map { .init(.guangzhou, $0, "员工\($0)", "人力资源部门", hired: "2012-01-01") }))
            for round in 0..<4 {
                let base = round * 40
                // Each file its own enterprise; the persons overlap, so each import's certificates
                // (made by the other) reach both enterprises.
                let rosters = [
                    World.staff(
                        (base..<base + 30).map { .init(.shenzhen, $0, "员工\($0)", "工会", hired: "2013-0\(round + 1)-01") }
                    ),
                    World.staff(
                        (base + 10..<base + 40).map { .init(.beijing, $0, "员工\($0)", "妇联", hired: "2012-01-01") }),
                ]
                let certificates = World.certificates(
                    (base..<base + 40).filter { $0 % 3 == round % 3 }.map {
                        (person: $0, level: "junior", number: "R\($0)", issued: "2013-11-0\(round + 1)", revoked: nil)
                    })
                let paths = try rosters.map { try temporaryFile(text: $0) } + [try temporaryFile(text: certificates)]
                let results = ResultSlots<Result<ImportSummary, any Error>>(count: paths.count)
                let start = DispatchSemaphore(value: 0)
                let done = DispatchGroup()
                for (index, path) in paths.enumerated() {
                    done.enter()
                    Thread.detachNewThread {
                        results.set(
                            index,
                            Result {
                                let db = try Connection(conninfo: conninfo)
                                start.wait()
                                let options = ImportOptions(today: World.today)
                                return index < 2
                                    ? try Staff(db: db).importFile(path: path, options: options)
                                    : try Certificates(db: db).importFile(path: path, options: options)
                            })
                        done.leave()
                    }
                }
                for _ in paths { start.signal() }
                done.wait()
                for result in results.values { _ = try result.get() }
                #expect(try mismatches(db) == 0)
            }
            #expect(try stored(db, World.beijing, "2013-12-31") == "120/\(try certifiedBeijing(db))")
        }
    }

    /// Beijing's certified staff on 2013-12-31, by the function.
    func certifiedBeijing(_ db: Connection) throws -> Int {
        try db.query(
            """
            SELECT r.certified FROM enterprise_ratio_on('2013-12-31') r JOIN enterprise en ON en.id = r.enterprise_id
            WHERE en.uscc = \(World.beijing)
            """
        ).single().decode(0)
    }

    @Test func readersOfAHeldDayWaitNeitherForEachOtherNorForAWritesRecomputation() throws {
        try TestDatabase.withSchema { db, conninfo in
            let world = try World(db: db)
            _ = try world.importStaff(World.staff([.init(.shenzhen, 1, "一", "工会", hired: "2012-01-01")]))
            let day = World.day("2014-01-16")
            #expect(try RatioService(db: db).holdToday(day, registeredOnly: false) == 2, "the day and its month end")
            let other = try Connection(conninfo: conninfo)
            // Without waiting: a lock the roll had to wait for would fail it after the timeout.
            try other.execute("SET lock_timeout = '2s'")
            try db.transaction { db in
                // One reader's roll, then a write's recomputation taking its turn (kept to COMMIT).
                #expect(try RatioService(db: db).holdToday(day, registeredOnly: false) == 0)
                try db.execute("SELECT ratio_counts_take_turn()")
                let reader = RatioService(db: other)
                #expect(try reader.holdToday(day, registeredOnly: false) == 0)
                #expect(try reader.enterprise(uscc: World.shenzhen, asOf: day).counts.tracked == 1)
            }
        }
    }

    @Test func rollingToANewDayHoldsItAndTheMonthEndsOfTheWindowOnly() throws {
        try TestDatabase.withSchema { db in
            try holdJanuary2014(db)
            let world = try World(db: db)
            _ = try world.importStaff(World.staff([.init(.shenzhen, 1, "一", "工会", hired: "2012-01-01")]))
            let service = RatioService(db: db)
            // The next day: today moves on; the month ends stay; nothing else is computed again.
            #expect(try service.holdToday(World.day("2014-01-16"), registeredOnly: false) == 1)
            #expect(try service.holds(asOf: World.day("2014-01-16"), registeredOnly: false))
            #expect(try service.holdToday(World.day("2014-01-16"), registeredOnly: false) == 0)
            // A new month: its first day and the new month end are computed; the days out of the
            // window (the older month ends, the days of January) are let go.
            #expect(try service.holdToday(World.day("2014-02-01"), registeredOnly: false) == 2)
            let days = try service.heldDays().map { "\($0.asOf.iso) \($0.registeredOnly)" }
            #expect(days == ["2014-01-31 false", "2014-02-01 false"])
            #expect(try mismatches(db) == 0)
        }
    }
}
