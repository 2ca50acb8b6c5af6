public import CalendarDates
public import Foundation
public import PostgresClient

/// The five training methods of 民函〔2013〕132号.
public enum EventKind: String, Vocabulary {
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

    public init(
        kind: EventKind, title: String, startsAt: LocalDateTime, endsAt: LocalDateTime, hours: Decimal,
        capacity: Int, enterpriseUSCC: String? = nil, regionCode: String? = nil, location: String? = nil,
        audience: [Department]? = nil, quotas: [Department: Int] = [:]
    ) {
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

public struct EventDetail: Sendable {
    public let summary: EventSummary
    public let location: String?
    public let audience: [Department]?
    public let quotas: [(department: Department, seats: Int, taken: Int)]
    public let enrollments: [EnrollmentLine]

}

extension EventDraft {
    /// The end of an event as people write it: a date and time, or a date alone for the end of
    /// that day (the start of the next).
    public static func end(parsing text: String) throws -> LocalDateTime {
        if let date = CalendarDate(text: text) { return LocalDateTime(date: date.adding(days: 1)) }
        if let time = LocalDateTime(text: text) { return time }
        throw WorkforceError.invalid(
            field: "ends", value: text,
            reason: "write it as a date (\(CalendarDate.acceptedForms)) or a date and time (2013-06-01T17:00)")
    }
}

/// Training events (forums, seminars, expert lectures, off-the-job courses, study tours): scheduled,
/// listed, shown with their seats and cancelled.
public struct Events {
    public let db: Connection

    public init(db: Connection) {
        self.db = db
    }

    /// Schedules an event and returns its id.
    public func create(_ draft: EventDraft) throws -> Int { try schedule(draft).id }

    /// Schedules an event, or finds it already scheduled: an event not cancelled with the same
    /// organizer, title and start is the same event (sql/0027). Given again identically, it is
    /// returned (`existed`) and nothing is written; given with another kind, end, hours, capacity,
    /// location or audience, it is refused, showing each difference.
    public func schedule(_ draft: EventDraft) throws -> (id: Int, existed: Bool) {
        let title = try TextLimits.valid(draft.title, as: .eventTitle, field: "title")
        let location = try TextLimits.valid(draft.location, as: .eventLocation, field: "location")
        guard draft.endsAt > draft.startsAt else {
            throw WorkforceError.invalid(
                field: "ends", value: draft.endsAt.description,
                reason: "is not after \(field: "starts") \(draft.startsAt)")
        }
        let spanHours = Decimal(draft.endsAt.minutesSinceEpoch - draft.startsAt.minutesSinceEpoch) / 60
        guard draft.hours > 0, draft.hours <= spanHours else {
            throw WorkforceError.invalid(
                field: "hours", value: "\(draft.hours)",
                reason: "must be more than 0 and at most the event's span (\(spanHours) hours)")
        }
        guard draft.capacity > 0 else {
            throw WorkforceError.invalid(field: "capacity", value: String(draft.capacity), reason: "must be at least 1")
        }
        let reserved = draft.quotas.values.reduce(0, +)
        guard draft.quotas.values.allSatisfy({ $0 > 0 }), reserved <= draft.capacity else {
            throw WorkforceError.invalid(
                field: "quota", value: "\(reserved) seats",
                reason: "quotas must be positive and together at most the capacity \(draft.capacity)")
        }
        if let audience = draft.audience, let outside = draft.quotas.keys.first(where: { !audience.contains($0) }) {
            throw WorkforceError.invalid(
                field: "quota", value: outside.rawValue, reason: "is not in the event's \(field: "audience")")
        }
        guard draft.enterpriseUSCC == nil || draft.regionCode == nil else {
            throw WorkforceError.invalid(
                field: "enterprise", value: draft.enterpriseUSCC!,
                reason: "give \(field: "enterprise") or \(field: "region"), not both")
        }
        try RecordDates.check(draft.startsAt.date, field: "starts")
        let region = try draft.regionCode.map { try Regions(db: db).known($0) }
        return try db.transaction { db in
            let enterpriseID = try draft.enterpriseUSCC.map { try Enterprises(db: db).lookUp(uscc: $0).id }
            let audience = draft.audience.map { $0.map(\.rawValue) }
            if let recorded = try db.query(
                """
                SELECT id, kind::text, ends_at::text, hours::text, capacity::text, location, audience::text[]::text,
                       \(draft.kind.rawValue), \(draft.endsAt)::timestamp::text, \(draft.hours)::numeric(6, 2)::text,
                       \(draft.capacity)::text, \(location), \(audience)::department_kind[]::text[]::text
                FROM training_event
                WHERE enterprise_id IS NOT DISTINCT FROM \(enterpriseID)::bigint
                  AND region_code IS NOT DISTINCT FROM \(region)::text AND title = \(title)
                  AND starts_at = \(draft.startsAt) AND cancelled_at IS NULL
                ORDER BY duplicate_no LIMIT 1
                """
            ).first {
                let id: Int = try recorded.decode(0)
                let fields: [Field] = ["kind", "ends", "hours", "capacity", "location", "audience"]
                let differences = FieldChange.differences(
                    fields, try (1...6).map { try recorded.decode($0) }, try (7...12).map { try recorded.decode($0) })
                guard differences.isEmpty else {
                    throw WorkforceError.conflict(
                        """
                        event \(id) on record has the same organizer, \(field: "title") and \(field: "starts"); \
                        nothing was written. Its details differ from those given:
                        """ + .recordedVersusGiven(differences))
                }
                return (id, true)
            }
            let id: Int = try db.query(
                """
                INSERT INTO training_event (kind, title, starts_at, ends_at, hours, capacity, enterprise_id,
                                            region_code, location, audience)
                VALUES (\(draft.kind.rawValue)::event_kind, \(title), \(draft.startsAt), \(draft.endsAt),
                        \(draft.hours), \(draft.capacity), \(enterpriseID), \(region), \(location),
                        \(audience)::department_kind[])
                RETURNING id
                """
            ).single().decode(0)
            for (department, seats) in draft.quotas.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
                try db.execute(
                    """
                    INSERT INTO event_quota (event_id, department, seats)
                    VALUES (\(id), \(department.rawValue)::department_kind, \(seats))
                    """)
            }
            try Audit.record(
                on: db, action: "event create", subject: "event \(id)",
                detail: ["title": title, "kind": draft.kind.rawValue])
            return (id, false)
        }
    }

    static let summaryColumns: SQLQuery = """
        ev.id, ev.kind::text, ev.title, ev.starts_at, ev.ends_at, ev.hours::text, ev.capacity,
        coalesce(en.name, region_full_name(r.code), ev.region_code, '全国'),
        (SELECT count(*) FROM enrollment x WHERE x.event_id = ev.id AND x.status = 'enrolled'),
        (SELECT count(*) FROM enrollment x WHERE x.event_id = ev.id AND x.status = 'waitlisted'),
        (SELECT count(*) FROM enrollment x WHERE x.event_id = ev.id AND x.status = 'attended'),
        ev.cancelled_at IS NOT NULL
        """

    static func summary(_ row: Row) throws -> EventSummary {
        EventSummary(
            id: try row.decode(0), kind: try row.decode(1, as: EventKind.self), title: try row.decode(2),
            startsAt: try row.decode(3), endsAt: try row.decode(4), hours: try row.decode(5),
            capacity: try row.decode(6),
            organizer: try row.decode(7), enrolled: try row.decode(8), waitlisted: try row.decode(9),
            attended: try row.decode(10), cancelled: try row.decode(11))
    }

    /// Events starting in a date range, of one kind, organized by an enterprise or within a region,
    /// by start; `limit` and `offset` take one page.
    public func list(
        from: CalendarDate? = nil, to: CalendarDate? = nil, kind: EventKind? = nil,
        enterpriseUSCC: String? = nil, region: String? = nil, limit: Int? = nil, offset: Int = 0
    ) throws -> [EventSummary] {
        let uscc = try enterpriseUSCC.map { try Codes.validUSCC($0) }
        let regionCode = try region.map { try Regions(db: db).known($0) }
        return try db.query(
            """
            SELECT \(Events.summaryColumns)
            FROM training_event ev
            LEFT JOIN enterprise en ON en.id = ev.enterprise_id
            LEFT JOIN region r ON r.code = ev.region_code
            WHERE (\(from)::date IS NULL OR ev.starts_at >= \(from)::date)
              AND (\(to)::date IS NULL OR ev.starts_at < \(to)::date + 1)
              AND (\(kind?.rawValue)::event_kind IS NULL OR ev.kind = \(kind?.rawValue)::event_kind)
              AND (\(uscc)::text IS NULL OR en.uscc = \(uscc))
              AND (\(regionCode)::text IS NULL OR in_region(coalesce(en.region_code, ev.region_code), \(regionCode)))
            ORDER BY ev.starts_at, ev.id
            LIMIT \(limit) OFFSET \(offset)
            """
        ).map(Events.summary)
    }

    /// One event with its quotas and every enrollment, waitlist positions included.
    public func detail(id: Int) throws -> EventDetail {
        let rows = try db.query(
            """
            SELECT \(Events.summaryColumns), ev.location, ev.audience::text[]::text
            FROM training_event ev
            LEFT JOIN enterprise en ON en.id = ev.enterprise_id
            LEFT JOIN region r ON r.code = ev.region_code
            WHERE ev.id = \(id)
            """)
        guard let row = rows.first else { throw WorkforceError.notFound("no training event has id \(id)") }
        let audience = try row.decode(13, as: [Department]?.self)
        let quotas = try db.query(
            """
            SELECT department::text, seats, seats_taken FROM event_quota WHERE event_id = \(id) ORDER BY department
            """
        ).map { row in
            (
                department: try row.decode(0, as: Department.self), seats: try row.decode(1, as: Int.self),
                taken: try row.decode(2, as: Int.self)
            )
        }
        let enrollments = try db.query(
            """
            SELECT p.id_number, p.name, e.department::text, e.status::text,
                   CASE WHEN e.status = 'waitlisted' THEN row_number() OVER (
                       PARTITION BY e.status, (SELECT q.department FROM event_quota q
                                               WHERE q.event_id = e.event_id AND q.department = e.department)
                       ORDER BY e.queue_position) END,
                   e.hours::text
            FROM enrollment e JOIN person p ON p.id = e.person_id
            WHERE e.event_id = \(id)
            ORDER BY e.status, e.queue_position
            """
        ).map { row in
            EnrollmentLine(
                idNumber: try row.decode(0), name: try row.decode(1), department: try row.decode(2),
                status: try row.decode(3), waitlistPosition: try row.decode(4), hours: try row.decode(5))
        }
        return EventDetail(
            summary: try Events.summary(row), location: try row.decode(12), audience: audience,
            quotas: quotas, enrollments: enrollments)
    }

    /// Cancels an event, with the reason the audit trail keeps: enrollments are kept with status
    /// cancelled (the people stay listed on the event) and nothing is credited.
    public func cancel(id: Int, reason: String) throws {
        let reason = try Correction.reason(reason)
        try db.transaction { db in
            try Correction.mark(db, action: "event cancel", reason: reason)
            let updated = try db.execute(
                """
                UPDATE training_event SET cancelled_at = now() WHERE id = \(id) AND cancelled_at IS NULL
                """)
            guard updated == 1 else {
                let title = try detail(id: id).summary.title
                throw WorkforceError.conflict("the event 「\(title)」 is already cancelled")
            }
            try db.execute(
                """
                UPDATE enrollment SET status = 'cancelled', seat_quota = NULL, hours = NULL WHERE event_id = \(id)
                """)
            try Audit.record(on: db, action: "event cancel", subject: "event \(id)", detail: ["reason": reason])
        }
    }

    /// Deletes an event scheduled by mistake, with the reason the audit trail keeps. An event with
    /// enrollments is not deleted: it is cancelled instead, so that its people stay visible.
    public func delete(id: Int, reason: String) throws {
        let enrolled: Int = try db.query("SELECT count(*) FROM enrollment WHERE event_id = \(id)").single().decode(0)
        guard enrolled == 0 else {
            throw WorkforceError.conflict(
                "event \(id) has \(enrolled) enrollments; nothing was deleted. Cancel it instead, with the reason: "
                    + "its people stay listed as cancelled")
        }
        try Correction.delete(
            db, what: "training event \(id)", action: "event delete", reason: reason,
            delete: """
                WITH quotas AS (DELETE FROM event_quota WHERE event_id = \(id))
                DELETE FROM training_event WHERE id = \(id) RETURNING id
                """)
    }

    /// Corrects an event's title, location, capacity or times (nil: unchanged), with the reason the
    /// audit trail keeps; returns each changed field before and after. Times and hours stay as they
    /// are once attendance is recorded; capacity cannot go below the seats taken.
    public func amend(
        id: Int, title: String? = nil, location: String? = nil, capacity: Int? = nil, startsAt: LocalDateTime? = nil,
        endsAt: LocalDateTime? = nil, hours: Decimal? = nil, reason: String
    ) throws -> [FieldChange] {
        let title = try TextLimits.valid(title, as: .eventTitle, field: "title")
        let location = try TextLimits.valid(location, as: .eventLocation, field: "location")
        try RecordDates.check(startsAt?.date, field: "starts")
        if let capacity, capacity < 1 {
            throw WorkforceError.invalid(field: "capacity", value: String(capacity), reason: "must be at least 1")
        }
        if startsAt != nil || endsAt != nil || hours != nil {
            let attended: Int = try db.query(
                "SELECT count(*) FROM enrollment WHERE event_id = \(id) AND status IN ('attended', 'absent')"
            ).single().decode(0)
            guard attended == 0 else {
                throw WorkforceError.conflict(
                    "event \(id) has attendance recorded; its times and hours stay as they were. Nothing was changed")
            }
        }
        do {
            return try Duplicates.amending("training event \(id)", constraint: "training_event_once") {
                try Correction.amend(
                    db, what: "training event \(id)", action: "event amend", reason: reason,
                    fields: ["title", "location", "capacity", "starts", "ends", "hours"],
                    read: """
                        SELECT title, location, capacity::text, starts_at::text, ends_at::text, hours::text
                        FROM training_event WHERE id = \(id) FOR UPDATE
                        """,
                    update: """
                        UPDATE training_event
                        SET title = coalesce(\(title), title), location = coalesce(\(location), location),
                            capacity = coalesce(\(capacity), capacity), starts_at = coalesce(\(startsAt), starts_at),
                            ends_at = coalesce(\(endsAt), ends_at), hours = coalesce(\(hours), hours)
                        WHERE id = \(id)
                        """)
            }
        } catch let error as PostgresError where error.sqlState == .checkViolation {
            switch error.constraint {
            case "training_event_within_capacity":
                throw WorkforceError.invalid(
                    field: "capacity", value: capacity.map(String.init) ?? "",
                    reason: "is below the seats already taken; nothing was changed")
            case "training_event_ends_after_start":
                throw WorkforceError.invalid(
                    field: "ends", value: "", reason: "is not after \(field: "starts"); nothing was changed")
            case "training_event_hours_within_span":
                throw WorkforceError.invalid(
                    field: "hours", value: "", reason: "is more than the event's span; nothing was changed")
            default: throw error
            }
        }
    }

    /// What the enrollment and attendance rules need to know of an event.
    /// What enrollment and attendance check of an event: when it starts, whether it has started by
    /// Beijing's clock (the database's, `beijing_now()`), and its title, for messages.
    func state(ofEvent id: Int) throws -> EventState {
        let rows = try db.query(
            """
            SELECT starts_at, cancelled_at IS NOT NULL, hours::text, title, starts_at <= beijing_now()
            FROM training_event WHERE id = \(id)
            """)
        guard let row = rows.first else { throw WorkforceError.notFound("no training event has id \(id)") }
        return EventState(
            startsAt: try row.decode(0), cancelled: try row.decode(1), hours: try row.decode(2),
            title: try row.decode(3), started: try row.decode(4))
    }
}

/// An event as enrollment and attendance check it (``Events/state(ofEvent:)``).
struct EventState {
    let startsAt: LocalDateTime
    let cancelled: Bool
    let hours: String
    let title: String
    /// Whether it has started by Beijing's clock now, whatever time a command was given (--at).
    let started: Bool

    /// The event as a message names it: its title and start, not its internal id.
    var named: String { "the event 「\(title)」 (starting \(startsAt))" }
}
