public import CalendarDates
import Foundation
public import PostgresClient

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
    public enum Reason: String, Vocabulary {
        case continuingEducationShort = "continuing_education_short", untrained

        public var chineseName: String {
            switch self {
            case .continuingEducationShort: "继续教育学时不足"
            case .untrained: "未参加培训"
            }
        }
    }
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

/// What the training adds up to: hours credited per person, and who still needs training.
public struct TrainingRecords {
    public let db: Connection

    public init(db: Connection) {
        self.db = db
    }

    /// Hours credited per person, and totals by department and by event kind, for events that
    /// start within the dates given.
    public func hours(
        enterpriseUSCC: String? = nil, region: String? = nil, idNumber: String? = nil,
        from: CalendarDate? = nil, to: CalendarDate? = nil, today: CalendarDate
    ) throws -> HoursReport {
        let uscc = try enterpriseUSCC.map { try Codes.validUSCC($0) }
        let regionCode = try region.map { try Regions(db: db).known($0) }
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
        let people = try db.query(
            """
            SELECT p.id_number, p.name, en.uscc, e.department::text, count(*), sum(e.hours)::text
            \(tables) WHERE \(filter)
            GROUP BY p.id_number, p.name, en.uscc, e.department
            ORDER BY en.uscc, e.department, p.id_number
            """
        ).map { row in
            HoursReport.PersonHours(
                idNumber: try row.decode(0), name: try row.decode(1), enterpriseUSCC: try row.decode(2),
                department: try row.decode(3, as: Department.self), events: try row.decode(4), hours: try row.decode(5))
        }
        let byDepartment = try db.query(
            """
            SELECT e.department::text, sum(e.hours)::text \(tables) WHERE \(filter) GROUP BY e.department
            ORDER BY e.department
            """
        ).map { (try $0.decode(0, as: Department.self), try $0.decode(1, as: String.self)) }
        let byKind = try db.query(
            """
            SELECT ev.kind::text, sum(e.hours)::text \(tables) WHERE \(filter) GROUP BY ev.kind ORDER BY ev.kind
            """
        ).map { (try $0.decode(0, as: EventKind.self), try $0.decode(1, as: String.self)) }
        let total: String = try db.query("SELECT coalesce(sum(e.hours), 0)::text \(tables) WHERE \(filter)").single()
            .decode(0)
        return HoursReport(people: people, byDepartment: byDepartment, byKind: byKind, total: total)
    }

    /// The coordinator's to-do list for one enterprise on a date: certified staff short of the
    /// continuing-education minimum of their current period (continuing_education_period: the
    /// registration period in force, else three-year cycles from the last period's end or the issue date), and
    /// uncertified staff who have attended no training.
    public func gaps(enterpriseUSCC: String, asOf: CalendarDate) throws -> [TrainingGap] {
        let enterpriseID = try Enterprises(db: db).lookUp(uscc: enterpriseUSCC).id
        return try db.query(
            """
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
                              WHERE e.person_id = s.person_id AND e.status = 'attended'
                                AND ev.starts_at < \(asOf)::date + 1)
            ORDER BY 1, 2
            """
        ).map { row in
            return TrainingGap(
                reason: try row.decode(0), idNumber: try row.decode(1), name: try row.decode(2),
                departments: try row.decode(3),
                level: try row.decode(4, as: String?.self).flatMap { CertificateLevel(rawValue: $0) },
                periodStart: try row.decode(5), periodEnd: try row.decode(6), creditedHours: try row.decode(7),
                requiredHours: try row.decode(8), missingHours: try row.decode(9))
        }
    }
}
