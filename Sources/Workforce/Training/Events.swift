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
        guard let kind = EventKind.allCases.first(where: { $0.rawValue == value || $0.chineseName == value }) else {
            return nil
        }
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
        if let date = CalendarDate(spreadsheetValue: text) { return LocalDateTime(date: date.adding(days: 1)) }
        if let time = LocalDateTime(text: text) { return time }
        throw WorkforceError.invalid(field: "ends", value: text, reason: "write it as 2013-06-01 or 2013-06-01T17:00")
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
    public func create(_ draft: EventDraft) throws -> Int {
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
            let id: Int = try db.query(
                """
                INSERT INTO training_event (kind, title, starts_at, ends_at, hours, capacity, enterprise_id,
                                            region_code,
                                            location, audience)
                VALUES (\(draft.kind.rawValue)::event_kind, \(title), \(draft.startsAt), \(draft.endsAt),
                        \(draft.hours),
                        \(draft.capacity), \(enterpriseID), \(region), \(location),
                        \(draft.audience.map { $0.map(\.rawValue) })::department_kind[])
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
            return id
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

    /// Events starting in a date range, of one kind, organized by an enterprise or within a region.
    public func list(
        from: CalendarDate? = nil, to: CalendarDate? = nil, kind: EventKind? = nil,
        enterpriseUSCC: String? = nil, region: String? = nil
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

    /// Cancels an event: enrollments are kept with status cancelled and nothing is credited.
    public func cancel(id: Int) throws {
        try db.transaction { db in
            let updated = try db.execute(
                """
                UPDATE training_event SET cancelled_at = now() WHERE id = \(id) AND cancelled_at IS NULL
                """)
            guard updated == 1 else {
                _ = try detail(id: id)
                throw WorkforceError.conflict("event \(id) is already cancelled")
            }
            try db.execute(
                """
                UPDATE enrollment SET status = 'cancelled', seat_quota = NULL, hours = NULL WHERE event_id = \(id)
                """)
            try Audit.record(on: db, action: "event cancel", subject: "event \(id)")
        }
    }

    /// What the enrollment and attendance rules need to know of an event.
    func state(ofEvent id: Int) throws -> (startsAt: LocalDateTime, cancelled: Bool, hours: String) {
        let rows = try db.query(
            "SELECT starts_at, cancelled_at IS NOT NULL, hours::text FROM training_event WHERE id = \(id)")
        guard let row = rows.first else { throw WorkforceError.notFound("no training event has id \(id)") }
        return (try row.decode(0), try row.decode(1), try row.decode(2))
    }
}
