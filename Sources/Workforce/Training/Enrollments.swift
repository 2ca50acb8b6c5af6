public import CalendarDates
import Foundation
public import PostgresClient

public enum EnrollmentStatus: String, Vocabulary {
    case enrolled, waitlisted, cancelled, attended, absent

    public var chineseName: String {
        switch self {
        case .enrolled: "已报名"
        case .waitlisted: "候补"
        case .cancelled: "已取消"
        case .attended: "已出席"
        case .absent: "缺席"
        }
    }
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

/// Enrollment in training events: seats, quotas and waitlists, one by one or from a spreadsheet.
public struct Enrollments {
    public let db: Connection

    public init(db: Connection) {
        self.db = db
    }

    /// Enrolls one person, or waitlists them when the seats are taken. Enrolling twice is a no-op.
    public func enroll(eventID: Int, idNumber: String, at: LocalDateTime, today: CalendarDate) throws -> EnrollOutcome {
        let id = try Codes.validIDNumber(idNumber, today: today)
        return try db.transaction { db in
            try checkOpenForEnrollment(eventID: eventID, at: at)
            let personID = try Staff(db: db).personID(idNumber: id)
            let row = try mapEnrollmentErrors {
                try db.query("SELECT status::text, changed FROM enroll_person(\(eventID), \(personID), \(at))").single()
            }
            let status = try row.decode(0, as: EnrollmentStatus.self)
            let changed: Bool = try row.decode(1)
            if changed {
                try Audit.record(
                    on: db, action: "enroll", subject: "event \(eventID)",
                    detail: ["id_number": id, "status": status.rawValue])
            }
            let position: Int? =
                status == .waitlisted
                ? try db.query(
                    """
                    SELECT count(*) FROM enrollment e
                    JOIN enrollment mine ON mine.event_id = e.event_id AND mine.person_id = \(personID)
                    WHERE e.event_id = \(eventID) AND e.status = 'waitlisted'
                      AND e.queue_position <= mine.queue_position
                      AND (e.department = mine.department OR NOT EXISTS (
                              SELECT 1 FROM event_quota q WHERE q.event_id = e.event_id
                                  AND q.department IN (e.department, mine.department)))
                    """
                ).single().decode(0) : nil
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
            columns: Enrollments.enrollColumns,
            stagingColumns: ["id_number text COLLATE \"C\"", "name text", "event_id bigint"],
            validate: { row in
                let id = row.code("id_number") { Codes.checkIDNumber($0, today: today) }
                var event = eventID
                if event == nil {
                    event = Int(row.value("event_id"))
                    if event == nil {
                        row.reject("event_id", "is not an event id; give \(field: "event") or an event_id column")
                    }
                }
                let name = row.text("name", .personName, required: false)
                guard row.errors.isEmpty, let event else { return nil }
                return [id, name, String(event)]
            },
            crossChecks: [
                """
                SELECT s.line, 'event_id', s.event_id::text,
                       CASE WHEN ev.id IS NULL THEN 'no training event has this id'
                            WHEN ev.cancelled_at IS NOT NULL THEN 'the event was cancelled'
                            ELSE 'enrollment closed when the event started at ' || to_char(ev.starts_at,
                                                                                           'YYYY-MM-DD HH24:MI') END
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
            merge: { db in try Enrollments.mergeEnrollments(db, at: at) })
        return try ImportPipeline(definition: definition).run(path: path, on: db, options: options)
    }

    /// Enrolls the staged rows in file order. Events with quotas, or where one of these people
    /// already has an enrollment, go row by row through enroll_person; the rest, the common case,
    /// take seats in file order in one INSERT. Events are locked in id order first, so two bulk
    /// enrollments never deadlock and never overfill an event.
    static func mergeEnrollments(
        _ db: Connection, at: LocalDateTime
    ) throws -> (inserted: Int, updated: Int, unchanged: Int) {
        try db.execute(
            script: """
                SELECT 1 FROM training_event WHERE id IN (SELECT event_id FROM import_staging) ORDER BY id FOR UPDATE
                """)
        try db.execute(
            """
            CREATE TEMP TABLE enroll_rows ON COMMIT DROP AS
            SELECT f.line, f.event_id, f.person_id, src.enterprise_id, src.department,
                   EXISTS (SELECT 1 FROM enrollment x WHERE x.event_id = f.event_id
                           AND x.person_id = f.person_id) AS known
            FROM (SELECT DISTINCT ON (s.event_id, p.id) s.line, s.event_id, p.id AS person_id
                  FROM import_staging s JOIN person p ON p.id_number = s.id_number
                  ORDER BY s.event_id, p.id, s.line) f
            CROSS JOIN LATERAL eligible_employment(f.event_id, f.person_id, \(at)::date) src
            """)
        try db.execute(
            script: """
                CREATE TEMP TABLE careful_events ON COMMIT DROP AS
                SELECT DISTINCT r.event_id FROM enroll_rows r
                WHERE r.known OR EXISTS (SELECT 1 FROM event_quota q WHERE q.event_id = r.event_id);
                ANALYZE enroll_rows;
                """)
        let bulk = try db.execute(
            """
            INSERT INTO enrollment (event_id, person_id, enterprise_id, department, status, requested_at)
            SELECT k.event_id, k.person_id, k.enterprise_id, k.department,
                   CASE WHEN k.n <= ev.capacity - ev.seats_taken THEN 'enrolled' ELSE 'waitlisted'
                       END::enrollment_status,
                   \(at)
            FROM (SELECT r.*, row_number() OVER (PARTITION BY r.event_id ORDER BY r.line) AS n
                  FROM enroll_rows r WHERE r.event_id NOT IN (SELECT event_id FROM careful_events)) k
            JOIN training_event ev ON ev.id = k.event_id
            ORDER BY k.event_id, k.n
            """)
        let row = try db.query(
            """
            SELECT count(*) FILTER (WHERE r.changed), count(*) FILTER (WHERE NOT r.changed)
            FROM (SELECT event_id, person_id FROM enroll_rows
                  WHERE event_id IN (SELECT event_id FROM careful_events) ORDER BY line) in_file_order
            -- A nested loop over the ordered rows: people are enrolled in file order.
            CROSS JOIN LATERAL enroll_person(in_file_order.event_id, in_file_order.person_id, \(at)) r
            """
        ).single()
        return (bulk + (try row.decode(0, as: Int.self)), 0, try row.decode(1))
    }

    /// Who took the seat a cancellation freed.
    public enum Promotion: Sendable, Equatable {
        case nobody
        /// The person promoted from the waitlist, by ID number.
        case person(idNumber: String)
        /// Someone outside the acting user's scope, whom they may not see (sql/0015).
        case outsideScope
    }

    /// Cancels a person's enrollment; the first on the waitlist takes the freed seat, whoever's
    /// staff they are.
    public func cancel(eventID: Int, idNumber: String, today: CalendarDate) throws -> Promotion {
        let id = try Codes.validIDNumber(idNumber, today: today)
        return try db.transaction { db in
            let personID = try Staff(db: db).personID(idNumber: id)
            let row = try mapEnrollmentErrors {
                try db.query("SELECT promoted_person, promoted FROM cancel_enrollment(\(eventID), \(personID))")
                    .single()
            }
            let promoted: Int? = try row.decode(0)
            let promotedID: String? = try promoted.map {
                try db.query("SELECT id_number FROM person WHERE id = \($0)").single().decode(0)
            }
            try Audit.record(
                on: db, action: "enroll cancel", subject: "event \(eventID)",
                detail: ["id_number": id, "promoted": promotedID ?? ""])
            if let promotedID { return .person(idNumber: promotedID) }
            return try row.decode(1, as: Bool.self) ? .outsideScope : .nobody
        }
    }

    private func checkOpenForEnrollment(eventID: Int, at: LocalDateTime) throws {
        let event = try Events(db: db).state(ofEvent: eventID)
        if event.cancelled { throw WorkforceError.conflict("\(event.named) was cancelled") }
        if at >= event.startsAt {
            throw WorkforceError.conflict("enrollment in \(event.named) closed when it started")
        }
    }

    /// Turns the enrollment functions' refusals into domain errors.
    private func mapEnrollmentErrors<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as PostgresError where error.sqlState == .checkViolation || error.sqlState == .noDataFound {
            // The functions name rows by internal id (sql/0003); a person reads of "this person" and
            // "the event", which the command line names already.
            let message = error.message
                .replacingOccurrences(of: #"^person \d+: "#, with: "", options: .regularExpression)
                .replacingOccurrences(of: #"\bperson \d+"#, with: "this person", options: .regularExpression)
                .replacingOccurrences(of: #"\bevent \d+"#, with: "the event", options: .regularExpression)
            // Not eligible (sql/0003's enrollment_eligible) is a rule; a cancelled or started event a state.
            if error.constraint == "enrollment_eligible" { throw WorkforceError.refused(Reason(message)) }
            throw error.sqlState == .checkViolation
                ? WorkforceError.conflict(Reason(message)) : WorkforceError.notFound(Reason(message))
        }
    }
}
