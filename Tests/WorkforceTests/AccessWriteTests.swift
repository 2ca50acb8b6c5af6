import CalendarDates
import Foundation
import PostgresClient
import TestSupport
import Testing
import Workforce

/// Every write path of esw as a signed-in user (sql/0015_access_writes.sql, docs/access.md): it
/// works within the user's scope, is refused outside it, and the database's audit trail names the user.
@Suite(.database) struct AccessWriteTests {
    typealias Side = AccessWorld.Side
    static let today = CalendarDate(year: 2014, month: 1, day: 15)!
    static let options = ImportOptions(today: today)

    /// The trail's entries of `table` written by `user`, as the owner reads them.
    func trail(_ world: AccessWorld, user: String, table: String) throws -> Int {
        try world.owner.query(
            "SELECT count(*) FROM audit_trail WHERE user_name = \(user) AND table_name = \(table)"
        ).single().decode(0)
    }

    func id(_ world: AccessWorld, _ sql: SQLQuery) throws -> Int { try world.owner.query(sql).single().decode(0) }

    func rejected(_ body: () throws -> Any) -> ImportRejected? {
        do {
            _ = try body()
            return nil
        } catch let error as ImportRejected {
            return error
        } catch {
            Issue.record("expected an import refusal, got \(error)")
            return nil
        }
    }

    @Test func aCoordinatorsRosterHiresNewPersonsAndPersonsEmployedElsewhere() throws {
        try TestDatabase.withSchema { owner, conninfo in
            let world = try AccessWorld(owner: owner, conninfo: conninfo)
            let shenzhen = AccessWorld.shenzhen
            let newcomer = Fixtures.idNumber(sequence: 40)
            // Beijing's person is not visible to Shenzhen's coordinator before the hire.
            let roster = try temporaryFile(
                text: """
                    enterprise_uscc,id_number,name,department,hired_on,education
                    \(shenzhen.uscc),\(newcomer),新人,工会,2013-03-01,本科
                    \(shenzhen.uscc),\(AccessWorld.beijing.idNumber),PBJ,人力资源,2013-04-01,硕士
                    \(shenzhen.uscc),\(shenzhen.idNumber),PSZ,工会,2010-01-01,

                    """)
            let db = try world.connect(as: "sz-coordinator")
            let summary = try Staff(db: db).importFile(path: roster, options: Self.options)
            #expect((summary.inserted, summary.updated, summary.unchanged) == (2, 0, 1))
            // Both are on Shenzhen's roster now and the coordinator sees them, with the details given.
            let seen = try db.query(
                """
                SELECT p.id_number || ':' || coalesce(p.education::text, '-') FROM person p
                JOIN employment em ON em.person_id = p.id JOIN enterprise e ON e.id = em.enterprise_id
                WHERE e.uscc = \(shenzhen.uscc) ORDER BY p.id_number
                """
            ).map { try $0.decode(0) as String }
            #expect(
                Set(seen) == [
                    newcomer + ":bachelor", AccessWorld.beijing.idNumber + ":master", shenzhen.idNumber + ":-",
                ])
            // Re-importing changes nothing; the Beijing employment is untouched.
            let again = try Staff(db: db).importFile(path: roster, options: Self.options)
            #expect((again.inserted, again.updated, again.unchanged) == (0, 0, 3))
            #expect(
                try id(
                    world,
                    """
                    SELECT count(*) FROM employment em JOIN enterprise e ON e.id = em.enterprise_id
                    WHERE e.uscc = \(AccessWorld.beijing.uscc)
                    """) == 1)
            #expect(try trail(world, user: "sz-coordinator", table: "person") >= 2)  // insert, then education
            #expect(try trail(world, user: "sz-coordinator", table: "employment") == 2)
        }
    }

    @Test func aRosterOfAnotherEnterpriseIsRefusedByLineAsOutsideTheScopeAndNothingIsWritten() throws {
        try TestDatabase.withSchema { owner, conninfo in
            let world = try AccessWorld(owner: owner, conninfo: conninfo)
            let otherUSCC = Fixtures.uscc(region: "440305", serial: 99)  // on record nowhere
            let roster = try temporaryFile(
                text: """
                    enterprise_uscc,id_number,name,department
                    \(AccessWorld.shenzhen.uscc),\(Fixtures.idNumber(sequence: 41)),新人,工会
                    \(AccessWorld.beijing.uscc),\(Fixtures.idNumber(sequence: 42)),北京人,工会
                    \(AccessWorld.shenzhen.uscc),\(AccessWorld.beijing.idNumber),另一个名字,工会

                    """)
            let db = try world.connect(as: "sz-coordinator")
            let hr = try world.connect(as: "sz-hr")
            // (after signing in, which records sessions)
            let before = try DatabaseDigest(owner)
            let refusal = rejected { try Staff(db: db).importFile(path: roster, options: Self.options) }
            let lines = refusal?.errors.map { "\($0.line) \($0.column) \($0.reason)" } ?? []
            #expect(
                lines == [
                    "3 enterprise_uscc is outside your scope",
                    "4 name this ID number is on record under a different name",
                ])
            // Nothing about the other record: neither its name nor its ID number.
            let message = refusal.map { "\($0)" } ?? ""
            #expect(!message.contains("PBJ") && !message.contains(Fixtures.idNumber(sequence: 42)))
            #expect(try DatabaseDigest(owner) == before)
            // An enterprise that does not exist reads the same as one that is not in the scope.
            do {
                let nowhere = try temporaryFile(
                    text:
                        "enterprise_uscc,id_number,name,department\n"
                        + "\(otherUSCC),\(Fixtures.idNumber(sequence: 43)),某某,工会\n"
                )
                let missing = rejected { try Staff(db: db).importFile(path: nowhere, options: Self.options) }
                #expect(missing?.errors.map(\.reason.description) == ["is outside your scope"])
            }
            // HR may read the roster but not write it.
            let own = try temporaryFile(
                text: """
                    enterprise_uscc,id_number,name,department
                    \(AccessWorld.shenzhen.uscc),\(Fixtures.idNumber(sequence: 44)),新人,工会

                    """)
            #expect(throws: PostgresError.self) { try Staff(db: hr).importFile(path: own, options: Self.options) }
            #expect(try DatabaseDigest(owner) == before)
        }
    }

    @Test func aCoordinatorRecordsCertificatesOfItsStaffOnlyWithoutLearningWhoElseIsOnRecord() throws {
        try TestDatabase.withSchema { owner, conninfo in
            let world = try AccessWorld(owner: owner, conninfo: conninfo)
            let db = try world.connect(as: "sz-coordinator")
            let own = try temporaryFile(
                text:
                    "id_number,level,certificate_no,issued_on\n"
                    + "\(AccessWorld.shenzhen.idNumber),intermediate,SZ-2,2013-09-01\n"
            )
            #expect(try Certificates(db: db).importFile(path: own, options: Self.options).inserted == 1)
            #expect(try trail(world, user: "sz-coordinator", table: "certificate") == 1)
            // Beijing's person and a person on record nowhere read alike, by line.
            let others = try temporaryFile(
                text: """
                    id_number,level,certificate_no,issued_on,name
                    \(AccessWorld.beijing.idNumber),junior,BJ-2,2013-09-01,PBJ
                    \(Fixtures.idNumber(sequence: 50)),junior,NEW-1,2013-09-01,新人
                    \(AccessWorld.shenzhen.idNumber),junior,C-\(AccessWorld.beijing.uscc),2012-01-01,PSZ

                    """)
            let before = try DatabaseDigest(owner)
            let refusal = rejected { try Certificates(db: db).importFile(path: others, options: Self.options) }
            #expect(
                refusal?.errors.map { "\($0.line) \($0.column) \($0.reason)" } == [
                    "2 id_number is not staff of your scope; import the roster first",
                    "3 id_number is not staff of your scope; import the roster first",
                    "4 certificate_no is on record for another person",
                ])
            #expect(try DatabaseDigest(owner) == before)
        }
    }

    @Test func aRegionsEnterprisesAndServicesImportRefusesRowsOutsideTheRegionByLine() throws {
        try TestDatabase.withSchema { owner, conninfo in
            let world = try AccessWorld(owner: owner, conninfo: conninfo)
            let city = try world.connect(as: "shenzhen-city")
            let enterprises = try temporaryFile(
                text: """
                    uscc,name,region_code
                    \(Fixtures.uscc(region: "440305", serial: 60)),南山新企,440305
                    \(Fixtures.uscc(region: "440106", serial: 61)),广州新企,440106

                    """)
            let before = try DatabaseDigest(owner)
            let refusal = rejected { try Enterprises(db: city).importFile(path: enterprises, options: Self.options) }
            #expect(
                refusal?.errors.map { "\($0.line) \($0.column) \($0.reason)" } == [
                    "3 region_code is outside your scope"
                ])
            let services = try temporaryFile(
                text: """
                    enterprise_uscc,kind,served_on,beneficiaries
                    \(AccessWorld.shenzhen.uscc),family_support,2013-03-01,4
                    \(AccessWorld.guangzhou.uscc),family_support,2013-03-01,4

                    """)
            let refusedServices = rejected { try Services(db: city).importFile(path: services, options: Self.options) }
            #expect(
                refusedServices?.errors.map { "\($0.line) \($0.column) \($0.reason)" } == [
                    "3 enterprise_uscc is outside your scope"
                ])
            #expect(try DatabaseDigest(owner) == before)
            let own = try temporaryFile(
                text: "uscc,name,region_code\n\(Fixtures.uscc(region: "440305", serial: 60)),南山新企,440305\n")
            #expect(try Enterprises(db: city).importFile(path: own, options: Self.options).inserted == 1)
            #expect(try trail(world, user: "shenzhen-city", table: "enterprise") == 1)
            let ownServices = try temporaryFile(
                text:
                    "enterprise_uscc,kind,served_on,beneficiaries\n"
                    + "\(AccessWorld.shenzhen.uscc),family_support,2013-03-01,4\n"
            )
            #expect(try Services(db: city).importFile(path: ownServices, options: Self.options).inserted == 1)
            #expect(try trail(world, user: "shenzhen-city", table: "service_record") == 1)
        }
    }

    @Test func cancellingPromotesTheNextOnTheWaitlistWhoeverTheyWorkFor() throws {
        try TestDatabase.withSchema { owner, conninfo in
            let world = try AccessWorld(owner: owner, conninfo: conninfo)
            // A one-seat event of Guangdong: Shenzhen's person holds the seat, Guangzhou's waits.
            let event = try id(
                world,
                """
                INSERT INTO training_event (kind, title, starts_at, ends_at, hours, capacity, region_code)
                VALUES ('forum', '广东座谈会', '2013-09-01 09:00', '2013-09-01 12:00', 3, 1, '440000') RETURNING id
                """)
            let at = LocalDateTime(date: CalendarDate(year: 2013, month: 8, day: 1)!, hour: 10, minute: 0)
            let coordinator = try world.connect(as: "sz-coordinator")
            let mine = try Enrollments(db: coordinator).enroll(
                eventID: event, idNumber: AccessWorld.shenzhen.idNumber, at: at, today: Self.today)
            #expect(mine.status == .enrolled)
            let waiting = try Enrollments(db: world.connect(as: "admin")).enroll(
                eventID: event, idNumber: AccessWorld.guangzhou.idNumber, at: at, today: Self.today)
            #expect(waiting.status == .waitlisted)
            #expect(try trail(world, user: "sz-coordinator", table: "enrollment") == 1)
            #expect(try trail(world, user: "admin", table: "enrollment") == 1)
            // The canceller does not see Guangzhou's person: the promotion happens, unnamed to them.
            let promoted = try Enrollments(db: coordinator).cancel(
                eventID: event, idNumber: AccessWorld.shenzhen.idNumber, today: Self.today)
            #expect(promoted == .outsideScope)
            let statuses = try owner.query(
                """
                SELECT p.name || ':' || e.status FROM enrollment e JOIN person p ON p.id = e.person_id
                WHERE e.event_id = \(event) ORDER BY p.name
                """
            ).map { try $0.decode(0) as String }
            #expect(statuses == ["PGZ:enrolled", "PSZ:cancelled"])
            #expect(try id(world, "SELECT seats_taken FROM training_event WHERE id = \(event)") == 1)
            // Both changes are the coordinator's in the trail (with the enrollment before).
            #expect(
                try id(
                    world,
                    """
                    SELECT count(*) FROM audit_trail WHERE user_name = 'sz-coordinator'
                    AND table_name = 'enrollment' AND operation = 'update'
                    """) == 2)
            // A file of enrollments: its staff go in; Beijing's person is not found, by line.
            let autumn = try id(
                world,
                """
                INSERT INTO training_event (kind, title, starts_at, ends_at, hours, capacity, enterprise_id)
                SELECT 'seminar', '秋季研讨', '2013-10-01 09:00', '2013-10-01 12:00', 3, 5, id
                FROM enterprise WHERE uscc = \(AccessWorld.shenzhen.uscc) RETURNING id
                """)
            let mixed = try temporaryFile(
                text: "id_number\n\(AccessWorld.shenzhen.idNumber)\n\(AccessWorld.beijing.idNumber)\n")
            let refusal = rejected {
                try Enrollments(db: coordinator).enroll(eventID: autumn, path: mixed, at: at, options: Self.options)
            }
            #expect(refusal?.errors.map(\.line) == [3])
            let own = try temporaryFile(text: "id_number\n\(AccessWorld.shenzhen.idNumber)\n")
            let enrolled = try Enrollments(db: coordinator).enroll(
                eventID: autumn, path: own, at: at, options: Self.options)
            #expect(enrolled.inserted == 1)
            #expect(
                try id(
                    world,
                    """
                    SELECT count(*) FROM audit_trail WHERE user_name = 'sz-coordinator'
                    AND table_name = 'enrollment' AND operation = 'insert'
                    """) == 2)
            // Another enterprise's enrollment is not there to cancel.
            let beijingEvent = try id(world, "SELECT id FROM training_event WHERE title = 'E-BJ'")
            let beijingPerson = try id(world, "SELECT id FROM person WHERE id_number = \(AccessWorld.beijing.idNumber)")
            let hr = try world.connect(as: "sz-hr")
            let before = try DatabaseDigest(owner)
            #expect(throws: PostgresError.self) {
                try coordinator.execute("SELECT cancel_enrollment(\(beijingEvent), \(beijingPerson))")
            }
            #expect(throws: PostgresError.self) {
                try hr.execute("SELECT cancel_enrollment(\(event), \(beijingPerson))")
            }
            #expect(try DatabaseDigest(owner) == before)
        }
    }

    @Test func attendanceExamRegistrationScoresAndPilotStepsWorkForTheirRolesWithinTheScopeOnly() throws {
        try TestDatabase.withSchema { owner, conninfo in
            let world = try AccessWorld(owner: owner, conninfo: conninfo)
            let (shenzhen, beijing) = (AccessWorld.shenzhen, AccessWorld.beijing)
            let coordinator = try world.connect(as: "sz-coordinator")
            let after = LocalDateTime(date: CalendarDate(year: 2013, month: 5, day: 1)!, hour: 13, minute: 0)
            func event(_ side: Side) throws -> Int {
                try id(world, "SELECT id FROM training_event WHERE title = \("E-" + side.name)")
            }

            // Attendance of its staff at its own event; not at Beijing's.
            try Attendance(db: coordinator).record(
                eventID: event(shenzhen), idNumber: shenzhen.idNumber, attended: true, hours: nil, at: after,
                today: Self.today)
            #expect(throws: (any Error).self) {
                try Attendance(db: coordinator).record(
                    eventID: event(beijing), idNumber: beijing.idNumber, attended: true, hours: nil, at: after,
                    today: Self.today)
            }
            let sheet = try temporaryFile(text: "id_number,hours\n\(shenzhen.idNumber),2\n")
            _ = try Attendance(db: coordinator).record(
                eventID: event(shenzhen), path: sheet, at: after, options: Self.options)
            #expect(try trail(world, user: "sz-coordinator", table: "enrollment") == 2)

            // Exam registration of its staff, in a session whose window is open; not of Beijing's.
            let session = try id(
                world,
                """
                INSERT INTO exam_session (year, level, exam_date, work_years_cutoff)
                VALUES (2014, 'junior', '2014-06-15', '2013-12-31') RETURNING id
                """)
            try owner.execute(
                """
                INSERT INTO registration_window (session_id, province_code, opens_on, closes_on)
                VALUES (\(session), '440000', '2014-01-01', '2014-03-31'),
                       (\(session), '110000', '2014-01-01', '2014-03-31')
                """)
            let registrationDay = CalendarDate(year: 2014, month: 1, day: 10)!
            let batch = try temporaryFile(text: "id_number\n\(shenzhen.idNumber)\n")
            let registered = try ExamRegistrations(db: coordinator).register(
                sessionID: session, path: batch, on: registrationDay, options: Self.options)
            #expect(registered.inserted == 1)
            let outside = try temporaryFile(text: "id_number\n\(beijing.idNumber)\n")
            let refused = rejected {
                try ExamRegistrations(db: coordinator).register(
                    sessionID: session, path: outside, on: registrationDay, options: Self.options)
            }
            #expect(refused?.errors.map(\.line) == [2])
            #expect(try trail(world, user: "sz-coordinator", table: "exam_registration") == 1)

            // Scores by the province's bureau, of its province's registrations only.
            let scores = try temporaryFile(
                text: """
                    id_number,session,subject,score
                    \(shenzhen.idNumber),\(session),practice,66
                    \(shenzhen.idNumber),\(session),comprehensive,71

                    """)
            let bureau = try world.connect(as: "guangdong")
            let imported = try ExamScores(db: bureau).importFile(path: scores, options: Self.options)
            #expect(imported.inserted == 2)
            #expect(try trail(world, user: "guangdong", table: "exam_score") == 2)
            let beijingSession = try id(world, "SELECT min(id) FROM exam_session")
            let beijingScore = try temporaryFile(
                text: "id_number,session,subject,score\n\(beijing.idNumber),\(beijingSession),practice,90\n")
            #expect(
                rejected { try ExamScores(db: bureau).importFile(path: beijingScore, options: Self.options) } != nil)
            // A coordinator registers but does not score.
            let more = try temporaryFile(
                text: "id_number,session,subject,score\n\(shenzhen.idNumber),\(session),practice,99\n")
            #expect(throws: PostgresError.self) {
                try ExamScores(db: coordinator).importFile(path: more, options: Self.options)
            }

            // Pilot steps by the bureau, for its province's applications only.
            func application(_ side: Side) throws -> Int {
                try id(
                    world,
                    """
                    SELECT a.id FROM pilot_application a JOIN enterprise e ON e.id = a.enterprise_id
                    WHERE e.uscc = \(side.uscc)
                    """)
            }
            let day = CalendarDate(year: 2013, month: 6, day: 20)!
            try PilotApplications(db: bureau).advance(
                applicationID: application(shenzhen), to: .approved, on: day, note: nil)
            #expect(try trail(world, user: "guangdong", table: "pilot_application") == 1)
            #expect(try trail(world, user: "guangdong", table: "pilot_application_event") == 1)
            #expect(throws: WorkforceError.self) {
                try PilotApplications(db: bureau).advance(
                    applicationID: application(beijing), to: .approved, on: day, note: nil)
            }
            #expect(throws: (any Error).self) {
                try PilotApplications(db: coordinator).advance(
                    applicationID: application(shenzhen), to: .inPilot, on: day, note: nil)
            }

            // Raw SQL is in the trail too, under its user.
            try coordinator.execute("UPDATE service_record SET beneficiaries = 6")
            #expect(try trail(world, user: "sz-coordinator", table: "service_record") == 1)
            // No full ID number anywhere in the trail.
            let numbers = AccessWorld.sides.map(\.idNumber)
            #expect(
                try id(
                    world, "SELECT count(*) FROM audit_trail t WHERE t::text LIKE ANY (\(numbers.map { "%\($0)%" }))")
                    == 0)
        }
    }
}
