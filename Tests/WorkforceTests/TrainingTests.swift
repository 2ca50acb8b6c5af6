import CalendarDates
import Foundation
import PostgresClient
import TestSupport
import Testing
import Workforce

/// Staff for training tests: Shenzhen has union people 1-6, party people 7-12 and a
/// human-resources person 13; Beijing has union person 20.
struct TrainingWorld {
    let world: RosterWorld
    let events: Events
    let enrollments: Enrollments
    let attendance: Attendance
    let records: TrainingRecords
    static let today = RosterWorld.today
    static let beforeStart = LocalDateTime(text: "2026-01-05T08:00")!
    static let afterStart = LocalDateTime(text: "2026-01-10T12:00")!

    init(db: Connection) throws {
        world = try RosterWorld(db: db)
        events = Events(db: db)
        enrollments = Enrollments(db: db)
        attendance = Attendance(db: db)
        records = TrainingRecords(db: db)
        var csv = "enterprise_uscc,id_number,name,department,hired_on\n"
        for n in 1...6 { csv += "\(RosterWorld.shenzhen),\(RosterWorld.person(n)),工会\(n),union,2012-01-01\n" }
        for n in 7...12 { csv += "\(RosterWorld.shenzhen),\(RosterWorld.person(n)),党员\(n),party,2012-01-01\n" }
        csv += "\(RosterWorld.shenzhen),\(RosterWorld.person(13)),人事,human_resources,2012-01-01\n"
        csv += "\(RosterWorld.beijing),\(RosterWorld.person(20)),北京,union,2012-01-01\n"
        _ = try world.importStaff(csv)
    }

    /// A new event each call: one organizer's events at one start differ by title (sql/0027 keeps
    /// one event per organizer, title and start).
    func event(
        capacity: Int, quotas: [Department: Int] = [:], audience: [Department]? = nil,
        enterprise: String? = RosterWorld.shenzhen, region: String? = nil, hours: Decimal = 3
    ) throws -> Int {
        try events.create(
            EventDraft(
                kind: .seminar, title: "研讨会 " + UUID().uuidString.prefix(8),
                startsAt: LocalDateTime(text: "2026-01-10T09:00")!,
                endsAt: LocalDateTime(text: "2026-01-10T12:00")!, hours: hours, capacity: capacity,
                enterpriseUSCC: enterprise, regionCode: region, audience: audience, quotas: quotas))
    }

    func enroll(_ event: Int, _ n: Int) throws -> EnrollOutcome {
        try enrollments.enroll(
            eventID: event, idNumber: RosterWorld.person(n), at: TrainingWorld.beforeStart, today: TrainingWorld.today)
    }

    func statuses(_ event: Int) throws -> [String: EnrollmentStatus] {
        Dictionary(uniqueKeysWithValues: try events.detail(id: event).enrollments.map { ($0.idNumber, $0.status) })
    }
}

@Suite(.database) struct TrainingEventTests {
    @Test func eventsRefuseImpossibleSchedules() throws {
        try TestDatabase.withSchema { db in
            let world = try TrainingWorld(db: db)
            let start = LocalDateTime(text: "2026-01-10T09:00")!
            func draft(ends: String, hours: Decimal = 1, capacity: Int = 10, quotas: [Department: Int] = [:])
                -> EventDraft
            {
                EventDraft(
                    kind: .forum, title: "座谈会", startsAt: start, endsAt: LocalDateTime(text: ends)!, hours: hours,
                    capacity: capacity, quotas: quotas)
            }
            #expect(throws: WorkforceError.self) { try world.events.create(draft(ends: "2026-01-10T08:00")) }
            let tooLong = #expect(throws: WorkforceError.self) {
                try world.events.create(draft(ends: "2026-01-10T11:00", hours: 3))
            }
            #expect(tooLong?.description.contains("at most the event's span (2 hours)") == true)
            #expect(throws: WorkforceError.self) {
                try world.events.create(draft(ends: "2026-01-10T11:00", capacity: 5, quotas: [.union: 4, .party: 2]))
            }
            // The database keeps the same rules for anyone writing SQL by hand.
            let error = #expect(throws: PostgresError.self) {
                try db.execute(
                    """
                    INSERT INTO training_event (kind, title, starts_at, ends_at, hours, capacity)
                    VALUES ('forum', 'x', '2026-01-10 09:00', '2026-01-10 10:00', 2, 5)
                    """)
            }
            #expect(error?.constraint == "training_event_hours_within_span")
        }
    }

    @Test func cancellingAnEventKeepsEnrollmentsAsCancelledAndCreditsNothing() throws {
        try TestDatabase.withSchema { db in
            let world = try TrainingWorld(db: db)
            let event = try world.event(capacity: 2)
            _ = try world.enroll(event, 1)
            _ = try world.enroll(event, 2)
            _ = try world.enroll(event, 3)
            try world.events.cancel(id: event, reason: "讲师因故取消")
            let detail = try world.events.detail(id: event)
            #expect(detail.summary.cancelled)
            #expect(detail.enrollments.count == 3)
            #expect(detail.enrollments.allSatisfy { $0.status == .cancelled })
            #expect(throws: WorkforceError.self) {
                try world.attendance.record(
                    eventID: event, idNumber: RosterWorld.person(1), attended: true, hours: nil,
                    at: TrainingWorld.afterStart, today: TrainingWorld.today)
            }
            #expect(try world.records.hours(today: TrainingWorld.today).total == "0")
            #expect(
                try db.query("SELECT count(*) FROM audit_log WHERE action = 'event cancel'").single().decode(
                    0, as: Int.self) == 1)
        }
    }
}

@Suite(.database) struct EnrollmentTests {
    @Test func handWrittenSQLCannotResetASeatCounterNorOverfillAnEvent() throws {
        try TestDatabase.withSchema { db in
            let world = try TrainingWorld(db: db)
            let event = try world.event(capacity: 2, quotas: [.union: 1])
            #expect(try world.enroll(event, 1).status == .enrolled)
            #expect(try world.enroll(event, 2).status == .enrolled)
            for statement: SQLQuery in [
                "UPDATE training_event SET seats_taken = 0 WHERE id = \(event)",
                "UPDATE event_quota SET seats_taken = 0 WHERE event_id = \(event)",
            ] {
                let refused = #expect(throws: PostgresError.self) { try db.execute(statement) }
                #expect(refused?.sqlState == .checkViolation)
                #expect(refused?.constraint == "seats_counted_from_enrollments")
            }
            let seats: Int = try db.query("SELECT seats_taken FROM training_event WHERE id = \(event)").single()
                .decode(0)
            #expect(seats == 2)
            #expect(try world.enroll(event, 3).status == .waitlisted)
            // Cancelling still frees a seat: the enrollment trigger may move the counter.
            _ = try world.enrollments.cancel(
                eventID: event, idNumber: RosterWorld.person(1), today: TrainingWorld.today)
            #expect(try world.statuses(event)[RosterWorld.person(3)] == .enrolled)
        }
    }

    @Test func theAuditLogIsAppendOnly() throws {
        try TestDatabase.withSchema { db in
            _ = try TrainingWorld(db: db)
            let rows: Int = try db.query("SELECT count(*) FROM audit_log").single().decode(0)
            #expect(rows > 0)
            for statement: SQLQuery in [
                "UPDATE audit_log SET actor = 'someone else'", "DELETE FROM audit_log", "TRUNCATE audit_log",
            ] {
                let refused = #expect(throws: PostgresError.self) { try db.execute(statement) }
                #expect(refused?.sqlState == .insufficientPrivilege)
            }
            #expect(try db.query("SELECT count(*) FROM audit_log").single().decode(0, as: Int.self) == rows)
        }
    }

    @Test func fullEventsWaitlistInOrderAndACancellationPromotesTheFirst() throws {
        try TestDatabase.withSchema { db in
            let world = try TrainingWorld(db: db)
            let event = try world.event(capacity: 2)
            #expect(
                try world.enroll(event, 1) == EnrollOutcome(status: .enrolled, changed: true, waitlistPosition: nil))
            #expect(try world.enroll(event, 2).status == .enrolled)
            #expect(
                try world.enroll(event, 3) == EnrollOutcome(status: .waitlisted, changed: true, waitlistPosition: 1))
            #expect(
                try world.enroll(event, 4) == EnrollOutcome(status: .waitlisted, changed: true, waitlistPosition: 2))
            // Enrolling twice changes nothing.
            #expect(
                try world.enroll(event, 1) == EnrollOutcome(status: .enrolled, changed: false, waitlistPosition: nil))
            let promoted = try world.enrollments.cancel(
                eventID: event, idNumber: RosterWorld.person(2), today: TrainingWorld.today)
            #expect(promoted == .person(idNumber: RosterWorld.person(3)))
            let statuses = try world.statuses(event)
            #expect(statuses[RosterWorld.person(3)] == .enrolled)
            #expect(statuses[RosterWorld.person(2)] == .cancelled)
            #expect(
                try world.events.detail(id: event).enrollments.first { $0.idNumber == RosterWorld.person(4) }?
                    .waitlistPosition == 1)
            // Cancelling a waitlisted person promotes nobody.
            #expect(
                try world.enrollments.cancel(
                    eventID: event, idNumber: RosterWorld.person(4), today: TrainingWorld.today) == .nobody)
            #expect(
                try db.query("SELECT seats_taken FROM training_event WHERE id = \(event)").single().decode(
                    0, as: Int.self) == 2)
        }
    }

    @Test func quotasReserveSeatsAndAFreedQuotaSeatGoesToItsDepartmentFirst() throws {
        try TestDatabase.withSchema { db in
            let world = try TrainingWorld(db: db)
            // 4 seats: 2 reserved for union, 2 open.
            let event = try world.event(capacity: 4, quotas: [.union: 2])
            #expect(try world.enroll(event, 7).status == .enrolled)  // party, open seat
            #expect(try world.enroll(event, 8).status == .enrolled)  // party, open seat
            #expect(try world.enroll(event, 9).status == .waitlisted)  // party: the rest are union's
            #expect(try world.enroll(event, 1).status == .enrolled)  // union quota
            #expect(try world.enroll(event, 2).status == .enrolled)  // union quota
            #expect(try world.enroll(event, 3).status == .waitlisted)  // union, full
            #expect(try world.enroll(event, 10).status == .waitlisted)
            // A union seat frees: union's own waitlist (person 3) goes first, though party 9 asked earlier.
            #expect(
                try world.enrollments.cancel(
                    eventID: event, idNumber: RosterWorld.person(1), today: TrainingWorld.today)
                    == .person(idNumber: RosterWorld.person(3)))
            // Another union seat frees with no union person waiting: the first in line takes it.
            #expect(
                try world.enrollments.cancel(
                    eventID: event, idNumber: RosterWorld.person(2), today: TrainingWorld.today)
                    == .person(idNumber: RosterWorld.person(9)))
            let quotas = try world.events.detail(id: event).quotas
            #expect(quotas.map(\.taken) == [1])
            #expect(
                try db.query("SELECT seats_taken FROM training_event WHERE id = \(event)").single().decode(
                    0, as: Int.self) == 4)
        }
    }

    @Test(arguments: [
        ("outsider", "is not on the staff of the enterprise that organizes this event"),
        ("audience", "works in no department this event is for (party)"),
        ("region", "works for no enterprise in region 440000, which organizes this event"),
    ])
    func onlyEligibleStaffMayEnroll(case name: String, reason: String) throws {
        try TestDatabase.withSchema { db in
            let world = try TrainingWorld(db: db)
            let event: Int
            let person: Int
            switch name {
            case "outsider": (event, person) = (try world.event(capacity: 5), 20)
            case "audience": (event, person) = (try world.event(capacity: 5, audience: [.party]), 1)
            default: (event, person) = (try world.event(capacity: 5, enterprise: nil, region: "440000"), 20)
            }
            let error = #expect(throws: WorkforceError.self) { try world.enroll(event, person) }
            #expect(error?.description == reason)
            #expect(try world.events.detail(id: event).enrollments.isEmpty)
        }
    }

    @Test func enrollmentClosesWhenTheEventStartsAndNeedsAKnownEventAndPerson() throws {
        try TestDatabase.withSchema { db in
            let world = try TrainingWorld(db: db)
            let event = try world.event(capacity: 5)
            let late = #expect(throws: WorkforceError.self) {
                try world.enrollments.enroll(
                    eventID: event, idNumber: RosterWorld.person(1), at: TrainingWorld.afterStart,
                    today: TrainingWorld.today)
            }
            #expect(late?.description.contains("closed") == true)
            #expect(throws: WorkforceError.notFound("no training event has id 999")) { try world.enroll(999, 1) }
            let stranger = #expect(throws: WorkforceError.self) { try world.enroll(event, 99) }
            #expect(stranger?.description.contains("no person on record has this ID number") == true)
            let leaver = try world.world.staff.recordLeaving(
                idNumber: RosterWorld.person(5), enterpriseUSCC: RosterWorld.shenzhen, department: nil,
                on: CalendarDate(iso: "2025-12-01")!, today: TrainingWorld.today)
            #expect(leaver == [.union])
            let error = #expect(throws: WorkforceError.self) { try world.enroll(event, 5) }
            #expect(error?.description.contains("is not tracked staff of any enterprise") == true)
        }
    }

    @Test func theDatabaseRefusesMoreSeatsThanCapacityEvenFromRawSQL() throws {
        try TestDatabase.withSchema { db in
            let world = try TrainingWorld(db: db)
            let event = try world.event(capacity: 1)
            _ = try world.enroll(event, 1)
            let error = #expect(throws: PostgresError.self) {
                try db.execute(
                    """
                    INSERT INTO enrollment (event_id, person_id, enterprise_id, department, status, requested_at)
                    SELECT \(event), p.id, e.id, 'union', 'enrolled', '2026-01-01'
                    FROM person p, enterprise e WHERE p.id_number = \(RosterWorld.person(2))
                        AND e.uscc = \(RosterWorld.shenzhen)
                    """)
            }
            #expect(error?.constraint == "training_event_within_capacity")
        }
    }

    @Test func manyCoordinatorsAtOnceNeverOverfillAnEvent() async throws {
        try await TestDatabase.withSchema { (conninfo: String) async throws in
            let setup = try Connection(conninfo: conninfo)
            let world = try TrainingWorld(db: setup)
            let event = try world.event(capacity: 5)
            let pool = ConnectionPool(conninfo: conninfo, maximumConnections: 8)
            let people = (1...12).map(RosterWorld.person)
            let outcomes = try await withThrowingTaskGroup(of: EnrollmentStatus.self) { group in
                for person in people {
                    group.addTask {
                        try await pool.withConnection { db in
                            try Enrollments(db: db).enroll(
                                eventID: event, idNumber: person, at: TrainingWorld.beforeStart,
                                today: TrainingWorld.today
                            ).status
                        }
                    }
                }
                return try await group.reduce(into: [EnrollmentStatus]()) { $0.append($1) }
            }
            #expect(outcomes.filter { $0 == .enrolled }.count == 5)
            #expect(outcomes.filter { $0 == .waitlisted }.count == 7)
            let row = try setup.query(
                """
                SELECT (SELECT seats_taken FROM training_event WHERE id = \(event)),
                       (SELECT count(*) FROM enrollment WHERE event_id = \(event) AND status = 'enrolled'),
                       (SELECT count(DISTINCT person_id) FROM enrollment WHERE event_id = \(event))
                """
            ).single()
            #expect(try row.decode(0, as: Int.self) == 5)
            #expect(try row.decode(1, as: Int.self) == 5)
            #expect(try row.decode(2, as: Int.self) == 12)
        }
    }

    @Test func aSpreadsheetEnrollsInFileOrderOrNothingAtAll() throws {
        try TestDatabase.withSchema { db in
            let world = try TrainingWorld(db: db)
            let event = try world.event(capacity: 3, audience: [.union])
            let bad = """
                身份证号,姓名
                \(RosterWorld.person(1)),工会1
                \(RosterWorld.person(7)),党员7
                \(RosterWorld.person(99)),无人

                """
            let rejection = #expect(throws: ImportRejected.self) {
                try world.enrollments.enroll(
                    eventID: event as Int?, path: try temporaryFile(text: bad), at: TrainingWorld.beforeStart,
                    options: ImportOptions(today: TrainingWorld.today))
            }
            #expect(rejection?.errors.map(\.line) == [3, 4])
            #expect(
                rejection?.errors.first?.reason.description.contains("works in no department this event is for") == true
            )
            #expect(try world.events.detail(id: event).enrollments.isEmpty)
            var good = "id_number\n"
            for n in [4, 2, 1, 3, 2] { good += RosterWorld.person(n) + "\n" }
            let summary = try world.enrollments.enroll(
                eventID: event as Int?, path: try temporaryFile(text: good), at: TrainingWorld.beforeStart,
                options: ImportOptions(today: TrainingWorld.today))
            #expect(summary.inserted == 4)
            let lines = try world.events.detail(id: event).enrollments
            #expect(
                lines.filter { $0.status == .enrolled }.map(\.idNumber).sorted()
                    == [4, 2, 1].map(RosterWorld.person).sorted())
            #expect(lines.first { $0.status == .waitlisted }?.idNumber == RosterWorld.person(3))
        }
    }
}

extension EnrollmentTests {
    @Test func oneFileCanFillManyEventsThroughAnEventColumn() throws {
        try TestDatabase.withSchema { db in
            let world = try TrainingWorld(db: db)
            let first = try world.event(capacity: 2)
            let second = try world.event(capacity: 2)
            let cancelled = try world.event(capacity: 2)
            try world.events.cancel(id: cancelled, reason: "讲师因故取消")
            var csv = "event_id,id_number\n"
            for (event, person) in [(first, 1), (second, 2), (first, 3), (first, 4), (second, 1)] {
                csv += "\(event),\(RosterWorld.person(person))\n"
            }
            let summary = try world.enrollments.enroll(
                eventID: nil, path: try temporaryFile(text: csv), at: TrainingWorld.beforeStart,
                options: ImportOptions(today: TrainingWorld.today))
            #expect(summary.inserted == 5)
            #expect(try world.statuses(first)[RosterWorld.person(4)] == .waitlisted)
            #expect(try world.statuses(second).count == 2)
            let rejection = #expect(throws: ImportRejected.self) {
                try world.enrollments.enroll(
                    eventID: nil,
                    path: try temporaryFile(
                        text: "event_id,id_number\n\(cancelled),\(RosterWorld.person(5))\n"
                            + "999,\(RosterWorld.person(5))\nx,\(RosterWorld.person(5))\n"
                    ),
                    at: TrainingWorld.beforeStart, options: ImportOptions(today: TrainingWorld.today))
            }
            #expect(
                rejection?.errors.map(\.reason) == [
                    "the event was cancelled", "no training event has this id",
                    "is not an event id; give \(field: "event") or an event_id column",
                ])
        }
    }
}

@Suite(.database) struct AttendanceAndHoursTests {
    @Test func attendanceCreditsHoursOnlyToEnrolledPeopleAfterTheStart() throws {
        try TestDatabase.withSchema { db in
            let world = try TrainingWorld(db: db)
            let event = try world.event(capacity: 5)
            _ = try world.enroll(event, 1)
            _ = try world.enroll(event, 7)
            _ = try world.enroll(event, 13)
            let early = #expect(throws: WorkforceError.self) {
                try world.attendance.record(
                    eventID: event, idNumber: RosterWorld.person(1), attended: true, hours: nil,
                    at: TrainingWorld.beforeStart, today: TrainingWorld.today)
            }
            #expect(early?.description.contains("only once it has started") == true)
            let stranger = #expect(throws: WorkforceError.self) {
                try world.attendance.record(
                    eventID: event, idNumber: RosterWorld.person(2), attended: true, hours: nil,
                    at: TrainingWorld.afterStart, today: TrainingWorld.today)
            }
            #expect(stranger?.description.contains("holds no seat") == true)
            try world.attendance.record(
                eventID: event, idNumber: RosterWorld.person(1), attended: true, hours: nil,
                at: TrainingWorld.afterStart, today: TrainingWorld.today)
            let sheet =
                "身份证号,出勤,学时\n\(RosterWorld.person(7)),是,1.5\n"
                + "\(RosterWorld.person(13)),缺席,\n"
            let summary = try world.attendance.record(
                eventID: event, path: try temporaryFile(text: sheet), at: TrainingWorld.afterStart,
                options: ImportOptions(today: TrainingWorld.today))
            #expect(summary.updated == 2)
            let report = try world.records.hours(enterpriseUSCC: RosterWorld.shenzhen, today: TrainingWorld.today)
            #expect(report.total == "4.50")
            #expect(report.people.map(\.hours) == ["1.50", "3.00"])
            #expect(report.byDepartment.map(\.0) == [.party, .union])
            #expect(report.byKind.map(\.1) == ["4.50"])
            let tooMany = #expect(throws: WorkforceError.self) {
                try world.attendance.record(
                    eventID: event, idNumber: RosterWorld.person(1), attended: true, hours: 4,
                    at: TrainingWorld.afterStart, today: TrainingWorld.today)
            }
            #expect(tooMany?.description.contains("between 0 and the event's 3.00 hours") == true)
        }
    }

    @Test func gapsListShortContinuingEducationAndUntrainedStaff() throws {
        try TestDatabase.withSchema { db in
            let world = try TrainingWorld(db: db)
            _ = try world.world.importCertificates(
                """
                id_number,level,certificate_no,issued_on
                \(RosterWorld.person(1)),junior,G1,2024-03-01
                \(RosterWorld.person(2)),intermediate,G2,2020-06-01

                """)
            // Person 1 attends 80 hours of training in the current period, person 2 only 3.
            let longCourse = try world.events.create(
                EventDraft(
                    kind: .offJobTraining, title: "脱产培训", startsAt: LocalDateTime(text: "2025-03-01T08:00")!,
                    endsAt: LocalDateTime(text: "2025-03-11T08:00")!, hours: 80, capacity: 10,
                    enterpriseUSCC: RosterWorld.shenzhen))
            let shortTalk = try world.event(capacity: 10)
            for (event, people) in [(longCourse, [1]), (shortTalk, [2, 7])] {
                for n in people {
                    _ = try world.enrollments.enroll(
                        eventID: event, idNumber: RosterWorld.person(n), at: LocalDateTime(text: "2025-01-01T08:00")!,
                        today: TrainingWorld.today)
                    try world.attendance.record(
                        eventID: event, idNumber: RosterWorld.person(n), attended: true, hours: nil,
                        at: LocalDateTime(text: "2026-02-01T08:00")!, today: TrainingWorld.today)
                }
            }
            let gaps = try world.records.gaps(
                enterpriseUSCC: RosterWorld.shenzhen, asOf: CalendarDate(iso: "2026-05-31")!)
            let short = gaps.filter { $0.reason == .continuingEducationShort }
            #expect(short.map(\.idNumber) == [RosterWorld.person(2)])
            #expect(short.first?.periodStart == CalendarDate(iso: "2023-06-01"))
            #expect(short.first?.periodEnd == CalendarDate(iso: "2026-06-01"))
            #expect(short.first?.missingHours == "87.00")
            let untrained = Set(gaps.filter { $0.reason == .untrained }.map(\.idNumber))
            // Uncertified staff with no training: Shenzhen's 3-6, 8-12 and 13, not 7 (attended).
            #expect(untrained == Set(([3, 4, 5, 6] + Array(8...13)).map(RosterWorld.person)))
            // The rule is data: a stricter rule changes the answer without code.
            try db.execute("UPDATE continuing_education_rule SET min_hours = 100 WHERE level = 'junior'")
            let stricter = try world.records.gaps(
                enterpriseUSCC: RosterWorld.shenzhen, asOf: CalendarDate(iso: "2026-05-31")!)
            #expect(stricter.filter { $0.reason == .continuingEducationShort }.count == 2)
        }
    }
}

@Suite(.database) struct AttendanceClockTests {
    /// The database itself refuses attendance and credited hours for an event that has not started
    /// by Beijing's clock (sql/0028), whoever writes them: here a psql-style UPDATE.
    @Test func theDatabaseRefusesAttendanceBeforeTheEventStarts() throws {
        try TestDatabase.withSchema { db in
            let world = try TrainingWorld(db: db)
            let future = try world.events.create(
                EventDraft(
                    kind: .forum, title: "将来", startsAt: LocalDateTime(text: "2099-01-10T09:00")!,
                    endsAt: LocalDateTime(text: "2099-01-10T12:00")!, hours: 3, capacity: 5,
                    enterpriseUSCC: RosterWorld.shenzhen, regionCode: nil, audience: nil, quotas: [:]))
            _ = try world.enroll(future, 1)
            let past = try world.event(capacity: 5)
            _ = try world.enroll(past, 1)
            for (status, hours) in [("attended", "3"), ("absent", nil)] {
                let refused = #expect(throws: PostgresError.self) {
                    try db.execute(
                        """
                        UPDATE enrollment SET status = \(status)::enrollment_status, hours = \(hours)::numeric
                        WHERE event_id = \(future)
                        """)
                }
                #expect(refused?.constraint == "enrollment_attendance_after_start")
            }
            // The same write for an event that has started goes through.
            let updated = try db.execute(
                "UPDATE enrollment SET status = 'attended', hours = 3 WHERE event_id = \(past)")
            #expect(updated == 1)
        }
    }
}
