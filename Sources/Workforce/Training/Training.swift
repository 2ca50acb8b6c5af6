public import CalendarDates
public import Foundation
public import PostgresClient

/// The five training methods of 民函〔2013〕132号.
public enum EventKind: String, CaseIterable, Sendable {
    case forum, seminar
    case expertLecture = "expert_lecture"
    case offJobTraining = "off_job_training"
    case studyTour = "study_tour"

    public var chineseName: String {
        switch self {
        case .forum: "座谈会"
        case .seminar: "研讨会"
        case .expertLecture: "专家讲座"
        case .offJobTraining: "脱产培训"
        case .studyTour: "考察学习"
        }
    }

    public init?(text: String) {
        let value = text.trimmingSpaces.lowercased()
        guard let kind = EventKind.allCases.first(where: { $0.rawValue == value || $0.chineseName == value }) else { return nil }
        self = kind
    }
}

/// What a coordinator gives to schedule an event.
public struct EventDraft: Sendable {
    public var kind: EventKind
    public var title: String
    public var startsAt: LocalDateTime
    public var endsAt: LocalDateTime
    public var hours: Decimal
    public var capacity: Int
    public var enterpriseUSCC: String?
    public var regionCode: String?
    public var location: String?
    public var audience: [Department]?
    public var quotas: [Department: Int]

    public init(kind: EventKind, title: String, startsAt: LocalDateTime, endsAt: LocalDateTime, hours: Decimal,
                capacity: Int, enterpriseUSCC: String? = nil, regionCode: String? = nil, location: String? = nil,
                audience: [Department]? = nil, quotas: [Department: Int] = [:]) {
        self.kind = kind
        self.title = title
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.hours = hours
        self.capacity = capacity
        self.enterpriseUSCC = enterpriseUSCC
        self.regionCode = regionCode
        self.location = location
        self.audience = audience
        self.quotas = quotas
    }
}

/// An event as listed.
public struct EventSummary: Sendable, Equatable {
    public let id: Int
    public let kind: EventKind
    public let title: String
    public let startsAt: LocalDateTime
    public let endsAt: LocalDateTime
    public let hours: String
    public let capacity: Int
    public let organizer: String
    public let enrolled: Int
    public let waitlisted: Int
    public let attended: Int
    public let cancelled: Bool
}

public enum EnrollmentStatus: String, Sendable, CaseIterable {
    case enrolled, waitlisted, cancelled, attended, absent
}

/// One person's place in an event.
public struct EnrollmentLine: Sendable, Equatable {
    public let idNumber: String
    public let name: String
    public let department: Department
    public let status: EnrollmentStatus
    /// Place on the waitlist (of the person's quota, or the open one), 1 for the next in line.
    public let waitlistPosition: Int?
    public let hours: String?
}

public struct EventDetail: Sendable {
    public let summary: EventSummary
    public let location: String?
    public let audience: [Department]?
    public let quotas: [(department: Department, seats: Int, taken: Int)]
    public let enrollments: [EnrollmentLine]


}

/// The answer to one enrollment request.
public struct EnrollOutcome: Sendable, Equatable {
    public let status: EnrollmentStatus
    /// False when the person already held this place (enrolling twice is a no-op).
    public let changed: Bool
    public let waitlistPosition: Int?

    public init(status: EnrollmentStatus, changed: Bool, waitlistPosition: Int?) {
        self.status = status
        self.changed = changed
        self.waitlistPosition = waitlistPosition
    }
}

/// Hours credited, per person and in total.
public struct HoursReport: Sendable {
    public struct PersonHours: Sendable, Equatable {
        public let idNumber: String
        public let name: String
        public let enterpriseUSCC: String
        public let department: Department
        public let events: Int
        public let hours: String
    }
    public let people: [PersonHours]
    public let byDepartment: [(Department, String)]
    public let byKind: [(EventKind, String)]
    public let total: String
}

/// One line of the coordinator's to-do list.
public struct TrainingGap: Sendable, Equatable {
    public enum Reason: String, Sendable { case continuingEducationShort = "continuing_education_short", untrained }
    public let reason: Reason
    public let idNumber: String
    public let name: String
    public let departments: [Department]
    public let level: CertificateLevel?
    public let periodStart: CalendarDate?
    public let periodEnd: CalendarDate?
    public let creditedHours: String
    public let requiredHours: String?
    public let missingHours: String?
}

/// Scheduling, enrollment, attendance and hours: the training coordinator's daily work.
public struct Training {
    public let db: Connection

    public init(db: Connection) {
        self.db = db
    }

    // MARK: Events

    /// Schedules an event and returns its id.
    public func createEvent(_ draft: EventDraft) throws -> Int {
        let title = draft.title.trimmingSpaces
        guard !title.isEmpty else { throw WorkforceError.invalid(field: "title", value: draft.title, reason: "is empty") }
        guard draft.endsAt > draft.startsAt else {
            throw WorkforceError.invalid(field: "ends", value: draft.endsAt.description, reason: "is not after \(field: "starts") \(draft.startsAt)")
        }
        let spanHours = Decimal(draft.endsAt.minutesSinceEpoch - draft.startsAt.minutesSinceEpoch) / 60
        guard draft.hours > 0, draft.hours <= spanHours else {
            throw WorkforceError.invalid(
                field: "hours", value: "\(draft.hours)", reason: "must be more than 0 and at most the event's span (\(spanHours) hours)")
        }
        guard draft.capacity > 0 else {
            throw WorkforceError.invalid(field: "capacity", value: String(draft.capacity), reason: "must be at least 1")
        }
        let reserved = draft.quotas.values.reduce(0, +)
        guard draft.quotas.values.allSatisfy({ $0 > 0 }), reserved <= draft.capacity else {
            throw WorkforceError.invalid(
                field: "quota", value: "\(reserved) seats", reason: "quotas must be positive and together at most the capacity \(draft.capacity)")
        }
        if let audience = draft.audience, let outside = draft.quotas.keys.first(where: { !audience.contains($0) }) {
            throw WorkforceError.invalid(field: "quota", value: outside.rawValue, reason: "is not in the event's \(field: "audience")")
        }
        guard draft.enterpriseUSCC == nil || draft.regionCode == nil else {
            throw WorkforceError.invalid(field: "enterprise", value: draft.enterpriseUSCC!, reason: "give \(field: "enterprise") or \(field: "region"), not both")
        }
        let region = try draft.regionCode.map { try Codes.validRegion($0) }
        return try db.transaction { db in
            let enterpriseID = try draft.enterpriseUSCC.map { try Enterprises(db: db).lookUp(uscc: $0).id }
            let id: Int = try db.query("""
                INSERT INTO training_event (kind, title, starts_at, ends_at, hours, capacity, enterprise_id, region_code,
                                            location, audience)
                VALUES (\(draft.kind.rawValue)::event_kind, \(title), \(draft.startsAt), \(draft.endsAt), \(draft.hours),
                        \(draft.capacity), \(enterpriseID), \(region), \(draft.location?.trimmingSpaces),
                        \(draft.audience.map { $0.map(\.rawValue) })::department_kind[])
                RETURNING id
                """).single().decode(0)
            for (department, seats) in draft.quotas.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
                try db.execute("""
                    INSERT INTO event_quota (event_id, department, seats)
                    VALUES (\(id), \(department.rawValue)::department_kind, \(seats))
                    """)
            }
            try Audit.record(on: db, action: "event create", subject: "event \(id)", detail: ["title": title, "kind": draft.kind.rawValue])
            return id
        }
    }

    static let summaryColumns: SQLQuery = """
        ev.id, ev.kind::text, ev.title, ev.starts_at, ev.ends_at, ev.hours::text, ev.capacity,
        coalesce(en.name, r.name, ev.region_code, '全国'),
        (SELECT count(*) FROM enrollment x WHERE x.event_id = ev.id AND x.status = 'enrolled'),
        (SELECT count(*) FROM enrollment x WHERE x.event_id = ev.id AND x.status = 'waitlisted'),
        (SELECT count(*) FROM enrollment x WHERE x.event_id = ev.id AND x.status = 'attended'),
        ev.cancelled_at IS NOT NULL
        """

    static func summary(_ row: Row) throws -> EventSummary {
        EventSummary(
            id: try row.decode(0), kind: try row.decode(1, as: EventKind.self), title: try row.decode(2),
            startsAt: try row.decode(3), endsAt: try row.decode(4), hours: try row.decode(5), capacity: try row.decode(6),
            organizer: try row.decode(7), enrolled: try row.decode(8), waitlisted: try row.decode(9),
            attended: try row.decode(10), cancelled: try row.decode(11))
    }

    /// Events starting in a date range, of one kind, organized by an enterprise or within a region.
    public func events(from: CalendarDate? = nil, to: CalendarDate? = nil, kind: EventKind? = nil,
                       enterpriseUSCC: String? = nil, region: String? = nil) throws -> [EventSummary] {
        let uscc = try enterpriseUSCC.map { try Codes.validUSCC($0) }
        let regionCode = try region.map { try Codes.validRegion($0) }
        return try db.query("""
            SELECT \(Training.summaryColumns)
            FROM training_event ev
            LEFT JOIN enterprise en ON en.id = ev.enterprise_id
            LEFT JOIN region r ON r.code = ev.region_code
            WHERE (\(from)::date IS NULL OR ev.starts_at >= \(from)::date)
              AND (\(to)::date IS NULL OR ev.starts_at < \(to)::date + 1)
              AND (\(kind?.rawValue)::event_kind IS NULL OR ev.kind = \(kind?.rawValue)::event_kind)
              AND (\(uscc)::text IS NULL OR en.uscc = \(uscc))
              AND (\(regionCode)::text IS NULL OR in_region(coalesce(en.region_code, ev.region_code), \(regionCode)))
            ORDER BY ev.starts_at, ev.id
            """).map(Training.summary)
    }

    /// One event with its quotas and every enrollment, waitlist positions included.
    public func event(id: Int) throws -> EventDetail {
        let rows = try db.query("""
            SELECT \(Training.summaryColumns), ev.location, ev.audience::text[]::text
            FROM training_event ev
            LEFT JOIN enterprise en ON en.id = ev.enterprise_id
            LEFT JOIN region r ON r.code = ev.region_code
            WHERE ev.id = \(id)
            """)
        guard let row = rows.first else { throw WorkforceError.notFound("no training event has id \(id)") }
        let audience = try row.decode(13, as: [Department]?.self)
        let quotas = try db.query("""
            SELECT department::text, seats, seats_taken FROM event_quota WHERE event_id = \(id) ORDER BY department
            """).map { row in
                (department: try row.decode(0, as: Department.self), seats: try row.decode(1, as: Int.self),
                 taken: try row.decode(2, as: Int.self))
            }
        let enrollments = try db.query("""
            SELECT p.id_number, p.name, e.department::text, e.status::text,
                   CASE WHEN e.status = 'waitlisted' THEN row_number() OVER (
                       PARTITION BY e.status, (SELECT q.department FROM event_quota q
                                               WHERE q.event_id = e.event_id AND q.department = e.department)
                       ORDER BY e.queue_position) END,
                   e.hours::text
            FROM enrollment e JOIN person p ON p.id = e.person_id
            WHERE e.event_id = \(id)
            ORDER BY e.status, e.queue_position
            """).map { row in
            EnrollmentLine(
                idNumber: try row.decode(0), name: try row.decode(1), department: try row.decode(2),
                status: try row.decode(3), waitlistPosition: try row.decode(4), hours: try row.decode(5))
        }
        return EventDetail(summary: try Training.summary(row), location: try row.decode(12), audience: audience,
                           quotas: quotas, enrollments: enrollments)
    }

    /// Cancels an event: enrollments are kept with status cancelled and nothing is credited.
    public func cancelEvent(id: Int) throws {
        try db.transaction { db in
            let updated = try db.execute("""
                UPDATE training_event SET cancelled_at = now() WHERE id = \(id) AND cancelled_at IS NULL
                """)
            guard updated == 1 else {
                _ = try event(id: id)
                throw WorkforceError.conflict("event \(id) is already cancelled")
            }
            try db.execute("""
                UPDATE enrollment SET status = 'cancelled', seat_quota = NULL, hours = NULL WHERE event_id = \(id)
                """)
            try Audit.record(on: db, action: "event cancel", subject: "event \(id)")
        }
    }

    // MARK: Enrollment

    /// Enrolls one person, or waitlists them when the seats are taken. Enrolling twice is a no-op.
    public func enroll(eventID: Int, idNumber: String, at: LocalDateTime, today: CalendarDate) throws -> EnrollOutcome {
        let id = try Codes.validIDNumber(idNumber, today: today)
        return try db.transaction { db in
            try checkOpenForEnrollment(eventID: eventID, at: at)
            let personID = try personID(idNumber: id)
            let row = try mapEnrollmentErrors {
                try db.query("SELECT status::text, changed FROM enroll_person(\(eventID), \(personID), \(at))").single()
            }
            let status = try row.decode(0, as: EnrollmentStatus.self)
            let changed: Bool = try row.decode(1)
            if changed {
                try Audit.record(on: db, action: "enroll", subject: "event \(eventID)", detail: ["id_number": id, "status": status.rawValue])
            }
            let position: Int? = status == .waitlisted ? try db.query("""
                SELECT count(*) FROM enrollment e
                JOIN enrollment mine ON mine.event_id = e.event_id AND mine.person_id = \(personID)
                WHERE e.event_id = \(eventID) AND e.status = 'waitlisted' AND e.queue_position <= mine.queue_position
                  AND (e.department = mine.department OR NOT EXISTS (
                          SELECT 1 FROM event_quota q WHERE q.event_id = e.event_id AND q.department IN (e.department, mine.department)))
                """).single().decode(0) : nil
            return EnrollOutcome(status: status, changed: changed, waitlistPosition: position)
        }
    }

    static let enrollColumns = [
        ImportColumn.idNumber,
        ImportColumn("name", aliases: ["姓名"], required: false),
        ImportColumn("event_id", aliases: ["event", "培训编号", "活动编号"], required: false),
    ]

    /// Enrolls every person of a spreadsheet, in file order, all or nothing unless `skipInvalid`.
    ///
    /// With `eventID` every row goes to that event; without it, each row names its event in an
    /// `event_id` column, so one file can fill many events.
    public func enroll(eventID: Int?, path: String, at: LocalDateTime, options: ImportOptions) throws -> ImportSummary {
        if let eventID { try checkOpenForEnrollment(eventID: eventID, at: at) }
        let today = options.today
        let definition = ImportDefinition(
            action: "enroll file",
            columns: Training.enrollColumns,
            stagingColumns: ["id_number text COLLATE \"C\"", "name text", "event_id bigint"],
            validate: { row in
                let id = row.code("id_number") { Codes.checkIDNumber($0, today: today) }
                var event = eventID
                if event == nil {
                    event = Int(row.value("event_id"))
                    if event == nil { row.reject("event_id", "is not an event id; give \(field: "event") or an event_id column") }
                }
                guard row.errors.isEmpty, let event else { return nil }
                let name = row.value("name")
                return [id, name.isEmpty ? nil : name, String(event)]
            },
            crossChecks: [
                """
                SELECT s.line, 'event_id', s.event_id::text,
                       CASE WHEN ev.id IS NULL THEN 'no training event has this id'
                            WHEN ev.cancelled_at IS NOT NULL THEN 'the event was cancelled'
                            ELSE 'enrollment closed when the event started at ' || to_char(ev.starts_at, 'YYYY-MM-DD HH24:MI') END
                FROM import_staging s LEFT JOIN training_event ev ON ev.id = s.event_id
                WHERE ev.id IS NULL OR ev.cancelled_at IS NOT NULL OR ev.starts_at <= \(at)
                """,
                """
                SELECT s.line, 'id_number', s.id_number, 'no person has this ID number; import the roster first'
                FROM import_staging s WHERE NOT EXISTS (SELECT 1 FROM person p WHERE p.id_number = s.id_number)
                """,
                Staff.nameDiffersFromRecord,
                // Set-based first; the precise reason only for the few rows that fail.
                """
                SELECT s.line, 'id_number', s.id_number, src.problem
                FROM import_staging s
                JOIN person p ON p.id_number = s.id_number
                JOIN training_event ev ON ev.id = s.event_id
                CROSS JOIN LATERAL enrollment_source(s.event_id, p.id, \(at)::date) src
                WHERE NOT EXISTS (SELECT 1 FROM eligible_employment(s.event_id, p.id, \(at)::date))
                """,
            ],
            merge: { db in try Training.mergeEnrollments(db, at: at) })
        return try ImportPipeline(definition: definition).run(path: path, on: db, options: options)
    }

    /// Enrolls the staged rows in file order. Events with quotas, or where one of these people
    /// already has an enrollment, go row by row through enroll_person; the rest, the common case,
    /// take seats in file order in one INSERT. Events are locked in id order first, so two bulk
    /// enrollments never deadlock and never overfill an event.
    static func mergeEnrollments(
        _ db: Connection, at: LocalDateTime
    ) throws -> (inserted: Int, updated: Int, unchanged: Int) {
        try db.execute(script: """
            SELECT 1 FROM training_event WHERE id IN (SELECT event_id FROM import_staging) ORDER BY id FOR UPDATE
            """)
        try db.execute("""
            CREATE TEMP TABLE enroll_rows ON COMMIT DROP AS
            SELECT f.line, f.event_id, f.person_id, src.enterprise_id, src.department,
                   EXISTS (SELECT 1 FROM enrollment x WHERE x.event_id = f.event_id AND x.person_id = f.person_id) AS known
            FROM (SELECT DISTINCT ON (s.event_id, p.id) s.line, s.event_id, p.id AS person_id
                  FROM import_staging s JOIN person p ON p.id_number = s.id_number
                  ORDER BY s.event_id, p.id, s.line) f
            CROSS JOIN LATERAL eligible_employment(f.event_id, f.person_id, \(at)::date) src
            """)
        try db.execute(script: """
            CREATE TEMP TABLE careful_events ON COMMIT DROP AS
            SELECT DISTINCT r.event_id FROM enroll_rows r
            WHERE r.known OR EXISTS (SELECT 1 FROM event_quota q WHERE q.event_id = r.event_id);
            ANALYZE enroll_rows;
            """)
        let bulk = try db.execute("""
            INSERT INTO enrollment (event_id, person_id, enterprise_id, department, status, requested_at)
            SELECT k.event_id, k.person_id, k.enterprise_id, k.department,
                   CASE WHEN k.n <= ev.capacity - ev.seats_taken THEN 'enrolled' ELSE 'waitlisted' END::enrollment_status,
                   \(at)
            FROM (SELECT r.*, row_number() OVER (PARTITION BY r.event_id ORDER BY r.line) AS n
                  FROM enroll_rows r WHERE r.event_id NOT IN (SELECT event_id FROM careful_events)) k
            JOIN training_event ev ON ev.id = k.event_id
            ORDER BY k.event_id, k.n
            """)
        let row = try db.query("""
            SELECT count(*) FILTER (WHERE r.changed), count(*) FILTER (WHERE NOT r.changed)
            FROM (SELECT event_id, person_id FROM enroll_rows
                  WHERE event_id IN (SELECT event_id FROM careful_events) ORDER BY line) in_file_order
            -- A nested loop over the ordered rows: people are enrolled in file order.
            CROSS JOIN LATERAL enroll_person(in_file_order.event_id, in_file_order.person_id, \(at)) r
            """).single()
        return (bulk + (try row.decode(0, as: Int.self)), 0, try row.decode(1))
    }

    /// Cancels a person's enrollment; the first on the waitlist takes the freed seat. Returns the
    /// ID number of the person promoted, if any.
    public func cancelEnrollment(eventID: Int, idNumber: String, today: CalendarDate) throws -> String? {
        let id = try Codes.validIDNumber(idNumber, today: today)
        return try db.transaction { db in
            let personID = try personID(idNumber: id)
            let promoted: Int? = try mapEnrollmentErrors {
                try db.query("SELECT promoted_person FROM cancel_enrollment(\(eventID), \(personID))").single().decode(0)
            }
            let promotedID: String? = try promoted.map {
                try db.query("SELECT id_number FROM person WHERE id = \($0)").single().decode(0)
            }
            try Audit.record(on: db, action: "enroll cancel", subject: "event \(eventID)",
                             detail: ["id_number": id, "promoted": promotedID ?? ""])
            return promotedID
        }
    }

    private func checkOpenForEnrollment(eventID: Int, at: LocalDateTime) throws {
        let event = try state(ofEvent: eventID)
        if event.cancelled { throw WorkforceError.conflict("event \(eventID) was cancelled") }
        if at >= event.startsAt {
            throw WorkforceError.conflict("enrollment in event \(eventID) closed when it started at \(event.startsAt)")
        }
    }

    /// What the enrollment and attendance rules need to know of an event.
    private func state(ofEvent id: Int) throws -> (startsAt: LocalDateTime, cancelled: Bool, hours: String) {
        let rows = try db.query("SELECT starts_at, cancelled_at IS NOT NULL, hours::text FROM training_event WHERE id = \(id)")
        guard let row = rows.first else { throw WorkforceError.notFound("no training event has id \(id)") }
        return (try row.decode(0), try row.decode(1), try row.decode(2))
    }

    func personID(idNumber: String) throws -> Int {
        let rows = try db.query("SELECT id FROM person WHERE id_number = \(idNumber)")
        guard let row = rows.first else {
            throw WorkforceError.notFound("no person has ID number \(idNumber); import the roster first")
        }
        return try row.decode(0)
    }

    /// Turns the enrollment functions' refusals into domain errors.
    private func mapEnrollmentErrors<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as PostgresError where error.sqlState == .checkViolation || error.sqlState == .noDataFound {
            let message = error.message.replacingOccurrences(
                of: #"^person \d+: "#, with: "", options: .regularExpression)
            throw error.sqlState == .checkViolation ? WorkforceError.conflict(Reason(message)) : WorkforceError.notFound(Reason(message))
        }
    }

    // MARK: Attendance

    static let attendanceColumns = [
        ImportColumn.idNumber,
        ImportColumn("attended", aliases: ["出勤", "出席", "attendance", "status"], required: false),
        ImportColumn("hours", aliases: ["学时", "时长", "credited_hours"], required: false),
        ImportColumn("name", aliases: ["姓名"], required: false),
    ]

    /// Records one person's attendance after the event started; attended people are credited the
    /// event's hours, or `hours` for partial attendance.
    public func recordAttendance(eventID: Int, idNumber: String, attended: Bool, hours: Decimal?, at: LocalDateTime, today: CalendarDate) throws {
        let id = try Codes.validIDNumber(idNumber, today: today)
        try db.transaction { db in
            let event = try checkOpenForAttendance(eventID: eventID, at: at)
            if let hours, hours < 0 || hours > event.hoursValue {
                throw WorkforceError.invalid(field: "hours", value: "\(hours)", reason: "must be between 0 and the event's \(event.hours) hours")
            }
            let updated = try db.execute("""
                UPDATE enrollment e
                SET status = CASE WHEN \(attended) THEN 'attended' ELSE 'absent' END::enrollment_status,
                    hours = CASE WHEN \(attended) THEN coalesce(\(hours), \(event.hoursValue)) END
                FROM person p
                WHERE p.id = e.person_id AND p.id_number = \(id) AND e.event_id = \(eventID)
                  AND e.status IN ('enrolled', 'attended', 'absent')
                """)
            guard updated == 1 else {
                throw WorkforceError.conflict("\(id) holds no seat in event \(eventID); only enrolled people can attend")
            }
            try Audit.record(on: db, action: "attendance", subject: "event \(eventID)",
                             detail: ["id_number": id, "attended": attended, "hours": hours.map { "\($0)" } ?? ""])
        }
    }

    /// Records attendance from a spreadsheet: id_number, attended (yes/no, 是/否, 出席/缺席;
    /// default yes) and hours (default the event's).
    public func recordAttendance(eventID: Int, path: String, at: LocalDateTime, options: ImportOptions) throws -> ImportSummary {
        let event = try checkOpenForAttendance(eventID: eventID, at: at)
        let today = options.today
        let maximum = event.hoursValue
        let definition = ImportDefinition(
            action: "attendance file",
            columns: Training.attendanceColumns,
            stagingColumns: ["id_number text COLLATE \"C\"", "attended boolean", "hours numeric"],
            validate: { row in
                let id = row.code("id_number") { Codes.checkIDNumber($0, today: today) }
                let attendedText = row.value("attended").lowercased()
                var attended: Bool?
                switch attendedText {
                case "", "yes", "y", "true", "1", "attended", "是", "出席", "出勤", "到": attended = true
                case "no", "n", "false", "0", "absent", "否", "缺席", "缺勤", "未到": attended = false
                default: row.reject("attended", "write yes or no (是/否, 出席/缺席)")
                }
                var hours: Decimal?
                let hoursText = row.value("hours")
                if !hoursText.isEmpty {
                    if let value = Decimal(string: hoursText), value >= 0, value <= maximum { hours = value } else {
                        row.reject("hours", "must be a number between 0 and the event's \(maximum) hours")
                    }
                }
                guard row.errors.isEmpty, let attended else { return nil }
                return [id, attended ? "t" : "f", attended ? (hours.map { "\($0)" } ?? "\(maximum)") : nil]
            },
            crossChecks: [
                """
                SELECT s.line, 'id_number', s.id_number, 'holds no seat in event \(eventID); only enrolled people can attend'
                FROM import_staging s
                WHERE NOT EXISTS (SELECT 1 FROM enrollment e JOIN person p ON p.id = e.person_id
                                  WHERE p.id_number = s.id_number AND e.event_id = \(eventID)
                                    AND e.status IN ('enrolled', 'attended', 'absent'))
                """,
            ],
            merge: { db in
                let row = try db.query("""
                    WITH source AS (
                        SELECT DISTINCT ON (id_number) id_number, attended, hours FROM import_staging ORDER BY id_number, line DESC
                    ), changed AS (
                        UPDATE enrollment e
                        SET status = CASE WHEN s.attended THEN 'attended' ELSE 'absent' END::enrollment_status,
                            hours = s.hours
                        FROM source s JOIN person p ON p.id_number = s.id_number
                        WHERE e.person_id = p.id AND e.event_id = \(eventID)
                          AND (e.status, e.hours) IS DISTINCT FROM
                              (CASE WHEN s.attended THEN 'attended' ELSE 'absent' END::enrollment_status, s.hours)
                        RETURNING 1
                    )
                    SELECT (SELECT count(*) FROM source), (SELECT count(*) FROM changed)
                    """).single()
                let total: Int = try row.decode(0), changed: Int = try row.decode(1)
                return (0, changed, total - changed)
            })
        return try ImportPipeline(definition: definition).run(path: path, on: db, options: options)
    }

    private func checkOpenForAttendance(eventID: Int, at: LocalDateTime) throws -> (hours: String, hoursValue: Decimal) {
        let event = try state(ofEvent: eventID)
        if event.cancelled { throw WorkforceError.conflict("event \(eventID) was cancelled; it credits no hours") }
        if at < event.startsAt {
            throw WorkforceError.conflict("event \(eventID) starts at \(event.startsAt); record attendance after it has started")
        }
        return (event.hours, Decimal(string: event.hours) ?? 0)
    }

    // MARK: Reports

    /// Hours credited per person, and totals by department and by event kind, for events that
    /// start within the dates given.
    public func hours(enterpriseUSCC: String? = nil, region: String? = nil, idNumber: String? = nil,
                      from: CalendarDate? = nil, to: CalendarDate? = nil, today: CalendarDate) throws -> HoursReport {
        let uscc = try enterpriseUSCC.map { try Codes.validUSCC($0) }
        let regionCode = try region.map { try Codes.validRegion($0) }
        let id = try idNumber.map { try Codes.validIDNumber($0, today: today) }
        let filter: SQLQuery = """
            e.status = 'attended'
            AND (\(from)::date IS NULL OR ev.starts_at >= \(from)::date)
            AND (\(to)::date IS NULL OR ev.starts_at < \(to)::date + 1)
            AND (\(uscc)::text IS NULL OR en.uscc = \(uscc))
            AND (\(regionCode)::text IS NULL OR in_region(en.region_code, \(regionCode)))
            AND (\(id)::text IS NULL OR p.id_number = \(id))
            """
        let tables: SQLQuery = """
            FROM enrollment e
            JOIN training_event ev ON ev.id = e.event_id
            JOIN person p ON p.id = e.person_id
            JOIN enterprise en ON en.id = e.enterprise_id
            """
        let people = try db.query("""
            SELECT p.id_number, p.name, en.uscc, e.department::text, count(*), sum(e.hours)::text
            \(tables) WHERE \(filter)
            GROUP BY p.id_number, p.name, en.uscc, e.department
            ORDER BY en.uscc, e.department, p.id_number
            """).map { row in
            HoursReport.PersonHours(
                idNumber: try row.decode(0), name: try row.decode(1), enterpriseUSCC: try row.decode(2),
                department: try row.decode(3, as: Department.self), events: try row.decode(4), hours: try row.decode(5))
        }
        let byDepartment = try db.query("""
            SELECT e.department::text, sum(e.hours)::text \(tables) WHERE \(filter) GROUP BY e.department ORDER BY e.department
            """).map { (try $0.decode(0, as: Department.self), try $0.decode(1, as: String.self)) }
        let byKind = try db.query("""
            SELECT ev.kind::text, sum(e.hours)::text \(tables) WHERE \(filter) GROUP BY ev.kind ORDER BY ev.kind
            """).map { (try $0.decode(0, as: EventKind.self), try $0.decode(1, as: String.self)) }
        let total: String = try db.query("SELECT coalesce(sum(e.hours), 0)::text \(tables) WHERE \(filter)").single().decode(0)
        return HoursReport(people: people, byDepartment: byDepartment, byKind: byKind, total: total)
    }

    /// The coordinator's to-do list for one enterprise on a date: certified staff short of the
    /// continuing-education minimum of their current period (continuing_education_period: the
    /// registration period in force, else three-year cycles from the last period's end or the issue date), and
    /// uncertified staff who have attended no training.
    public func gaps(enterpriseUSCC: String, asOf: CalendarDate) throws -> [TrainingGap] {
        let enterpriseID = try Enterprises(db: db).lookUp(uscc: enterpriseUSCC).id
        return try db.query("""
            WITH staff AS (
                SELECT person_id, array_agg(department::text ORDER BY department) AS departments
                FROM staff_on(\(asOf)) WHERE enterprise_id = \(enterpriseID)
                GROUP BY person_id
            ), best AS (
                SELECT DISTINCT ON (c.person_id) c.person_id, c.id, c.level
                FROM certificate c JOIN staff s ON s.person_id = c.person_id
                WHERE certificate_valid_on(c.issued_on, c.revoked_on, \(asOf))
                ORDER BY c.person_id, c.level DESC, c.issued_on DESC
            ), periods AS (
                SELECT b.person_id, b.level, ce.starts_on, ce.ends_on, ce.required_hours, ce.credited_hours
                FROM best b CROSS JOIN LATERAL continuing_education_period(b.id, \(asOf)) ce
            )
            SELECT 'continuing_education_short', p.id_number, p.name, s.departments, pr.level::text,
                   pr.starts_on, pr.ends_on,
                   pr.credited_hours::text, pr.required_hours::text, (pr.required_hours - pr.credited_hours)::text
            FROM periods pr
            JOIN staff s ON s.person_id = pr.person_id
            JOIN person p ON p.id = pr.person_id
            WHERE pr.credited_hours < pr.required_hours
            UNION ALL
            SELECT 'untrained', p.id_number, p.name, s.departments, NULL, NULL, NULL, '0', NULL, NULL
            FROM staff s JOIN person p ON p.id = s.person_id
            WHERE NOT EXISTS (SELECT 1 FROM best b WHERE b.person_id = s.person_id)
              AND NOT EXISTS (SELECT 1 FROM enrollment e JOIN training_event ev ON ev.id = e.event_id
                              WHERE e.person_id = s.person_id AND e.status = 'attended' AND ev.starts_at < \(asOf)::date + 1)
            ORDER BY 1, 2
            """).map { row in
            return TrainingGap(
                reason: try row.decode(0), idNumber: try row.decode(1), name: try row.decode(2),
                departments: try row.decode(3),
                level: try row.decode(4, as: String?.self).flatMap { CertificateLevel(rawValue: $0) },
                periodStart: try row.decode(5), periodEnd: try row.decode(6), creditedHours: try row.decode(7),
                requiredHours: try row.decode(8), missingHours: try row.decode(9))
        }
    }
}
