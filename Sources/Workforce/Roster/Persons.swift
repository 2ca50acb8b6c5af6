public import CalendarDates
import Foundation
public import PostgresClient

/// One employment as the staff list shows it: who, where, in which department, since when, and the
/// highest certificate held on the day asked about.
public struct StaffLine: Sendable, Equatable {
    /// The person's key in the database: what a web address names a person by, so that the ID
    /// number stays out of addresses and request logs.
    public let personID: Int
    public let idNumber: String
    public let name: String
    public let enterpriseUSCC: String
    public let enterpriseName: String
    public let department: Department
    public let hiredOn: CalendarDate?
    public let leftOn: CalendarDate?
    public let highestLevel: CertificateLevel?
}

/// One page of the staff list.
public struct StaffPage: Sendable, Equatable {
    public let lines: [StaffLine]
    /// How many employments match, on every page.
    public let total: Int
    public let offset: Int
    public let limit: Int?
    public let asOf: CalendarDate
}

/// What the staff list is narrowed to.
public struct StaffQuery: Sendable {
    public var enterpriseUSCC: String?
    public var department: Department?
    /// The start of a name (a surname, 张), or the whole name.
    public var name: String?
    /// The end of an ID number (its last 4 characters, or more), with a last x read as X.
    public var idNumberEnd: String?
    public var asOf: CalendarDate
    /// Rows per page; nil for all.
    public var limit: Int?
    public var offset: Int

    public init(
        enterpriseUSCC: String? = nil, department: Department? = nil, name: String? = nil,
        idNumberEnd: String? = nil, asOf: CalendarDate, limit: Int? = 100, offset: Int = 0
    ) {
        self.enterpriseUSCC = enterpriseUSCC
        self.department = department
        self.name = name
        self.idNumberEnd = idNumberEnd
        self.asOf = asOf
        self.limit = limit
        self.offset = offset
    }
}

/// One person's record: employments, certificates, training and exams.
public struct PersonRecord: Sendable, Equatable {
    public struct Employment: Sendable, Equatable {
        public let enterpriseUSCC: String
        public let enterpriseName: String
        public let department: Department
        public let hiredOn: CalendarDate?
        public let leftOn: CalendarDate?
    }
    public struct Certificate: Sendable, Equatable {
        public let level: CertificateLevel
        public let number: String
        public let issuedOn: CalendarDate
        public let revokedOn: CalendarDate?
    }
    public struct Training: Sendable, Equatable {
        public let title: String
        public let kind: EventKind
        public let startsAt: LocalDateTime
        public let status: EnrollmentStatus
        public let hours: String?
    }
    public struct ExamAttempt: Sendable, Equatable {
        public let year: Int
        public let level: CertificateLevel
        public let subject: ExamSubject
        public let score: String
        public let passed: Bool
    }

    public let idNumber: String
    public let name: String
    public let gender: String
    public let birthDate: CalendarDate
    public let employments: [Employment]
    public let certificates: [Certificate]
    public let training: [Training]
    /// Hours credited by every event attended.
    public let trainingHours: String
    public let exams: [ExamAttempt]
}

/// Look-ups of people, as the acting user may see them (row-level security decides; esw filters
/// nothing of its own): the staff of the scope, and one person's record.
public struct Persons {
    public let db: Connection

    public init(db: Connection) {
        self.db = db
    }

    /// Whether ID numbers are shown whole to the acting user (`esw_sees_whole_id_numbers()`, sql/0028:
    /// roster writers and the owner); others see them masked.
    public func seesWholeIDNumbers() throws -> Bool {
        try db.query("SELECT esw_sees_whole_id_numbers()").single().decode(0)
    }

    /// Refuses an ID number that names no person the acting user can see, in the same words
    /// whether the person exists outside the scope or nowhere.
    public func requireInScope(idNumber: String) throws {
        if try db.query("SELECT 1 FROM person WHERE id_number = \(idNumber)").isEmpty {
            throw WorkforceError.notFound(Persons.unknown)
        }
    }

    /// The refusal of an ID number that names no person the acting user can see.
    public static let unknown: Reason = "no person of your scope has this ID number"

    /// Employments active on `asOf`, by enterprise, department and ID number, one page at a time.
    public func staff(_ query: StaffQuery) throws -> StaffPage {
        let uscc = try query.enterpriseUSCC.map { try Enterprises(db: db).lookUp(uscc: $0).enterprise.uscc }
        let name = query.name?.trimmingSpaces
        if let name, name.isEmpty {
            throw WorkforceError.invalid(field: "name", value: "", reason: "is empty; give the start of a name")
        }
        let idNumberEnd = query.idNumberEnd?.trimmingSpaces.uppercased()
        if let idNumberEnd,
            idNumberEnd.isEmpty || idNumberEnd.count > 18
                || !idNumberEnd.allSatisfy({ ("0"..."9").contains($0) || $0 == "X" })
        {
            throw WorkforceError.invalid(
                field: "id_number_end", value: "", reason: "is not the end of an ID number (digits, a last X)")
        }
        let rows = try db.query(
            """
            SELECT p.id_number, p.name, en.uscc, en.name, em.department, em.hired_on, em.left_on,
                   (SELECT max(c.level) FROM certificate c
                    WHERE c.person_id = p.id AND certificate_valid_on(c.issued_on, c.revoked_on, \(query.asOf)))::text,
                   count(*) OVER (), p.id
            FROM employment em
            JOIN person p ON p.id = em.person_id
            JOIN enterprise en ON en.id = em.enterprise_id
            WHERE employment_active_on(em.hired_on, em.left_on, \(query.asOf))
              AND (\(uscc)::text IS NULL OR en.uscc = \(uscc))
              AND (\(query.department?.rawValue)::department_kind IS NULL
                   OR em.department = \(query.department?.rawValue)::department_kind)
              AND (\(name)::text IS NULL OR starts_with(p.name, \(name)))
              AND (\(idNumberEnd)::text IS NULL OR right(p.id_number, length(\(idNumberEnd))) = \(idNumberEnd))
            ORDER BY en.uscc, em.department, p.id_number
            LIMIT \(query.limit) OFFSET \(query.offset)
            """)
        let lines = try rows.map { row in
            StaffLine(
                personID: try row.decode(9), idNumber: try row.decode(0), name: try row.decode(1),
                enterpriseUSCC: try row.decode(2),
                enterpriseName: try row.decode(3), department: try row.decode(4), hiredOn: try row.decode(5),
                leftOn: try row.decode(6),
                highestLevel: try row.decode(7, as: String?.self).flatMap(CertificateLevel.init))
        }
        var total = try rows.first?.decode(8, as: Int.self) ?? 0
        if rows.isEmpty && query.offset > 0 {
            // Past the last page: say how many there are all the same.
            total = try staff(
                StaffQuery(
                    enterpriseUSCC: uscc, department: query.department, name: name, idNumberEnd: idNumberEnd,
                    asOf: query.asOf, limit: 1, offset: 0)
            ).total
        }
        return StaffPage(lines: lines, total: total, offset: query.offset, limit: query.limit, asOf: query.asOf)
    }

    /// One person's employments, certificates, training and exam history; an ID number that names
    /// no person of the scope is ``WorkforceError/notFound(_:)``.
    public func show(idNumber: String, today: CalendarDate) throws -> PersonRecord {
        let id = try Codes.validIDNumber(idNumber, today: today)
        return try record(
            db.query("SELECT id, id_number, name, gender, birth_date FROM person WHERE id_number = \(id)"))
    }

    /// One person's record by the database's key (``StaffLine/personID``), as a web address names
    /// it; a key that names no person of the scope is ``WorkforceError/notFound(_:)``, the same
    /// words as for an ID number.
    public func show(personID: Int) throws -> PersonRecord {
        try record(db.query("SELECT id, id_number, name, gender, birth_date FROM person WHERE id = \(personID)"))
    }

    private func record(_ people: QueryResult) throws -> PersonRecord {
        guard let person = people.first else { throw WorkforceError.notFound(Persons.unknown) }
        let personID: Int = try person.decode(0)
        let employments = try db.query(
            """
            SELECT en.uscc, en.name, em.department, em.hired_on, em.left_on
            FROM employment em JOIN enterprise en ON en.id = em.enterprise_id
            WHERE em.person_id = \(personID)
            ORDER BY em.hired_on NULLS FIRST, en.uscc, em.department
            """
        ).map {
            PersonRecord.Employment(
                enterpriseUSCC: try $0.decode(0), enterpriseName: try $0.decode(1), department: try $0.decode(2),
                hiredOn: try $0.decode(3), leftOn: try $0.decode(4))
        }
        let certificates = try db.query(
            """
            SELECT level, certificate_no, issued_on, revoked_on FROM certificate
            WHERE person_id = \(personID) ORDER BY issued_on, certificate_no
            """
        ).map {
            PersonRecord.Certificate(
                level: try $0.decode(0), number: try $0.decode(1), issuedOn: try $0.decode(2),
                revokedOn: try $0.decode(3))
        }
        let training = try db.query(
            """
            SELECT ev.title, ev.kind, ev.starts_at, e.status, e.hours::text
            FROM enrollment e JOIN training_event ev ON ev.id = e.event_id
            WHERE e.person_id = \(personID)
            ORDER BY ev.starts_at, ev.title
            """
        ).map {
            PersonRecord.Training(
                title: try $0.decode(0), kind: try $0.decode(1), startsAt: try $0.decode(2), status: try $0.decode(3),
                hours: try $0.decode(4))
        }
        let hours: String = try db.query(
            """
            SELECT coalesce(sum(hours), 0)::numeric(10, 2)::text FROM enrollment
            WHERE person_id = \(personID) AND status = 'attended'
            """
        ).single().decode(0)
        let exams = try db.query(
            """
            SELECT year, level, subject, score::text, passed FROM exam_subject_result
            WHERE person_id = \(personID) ORDER BY year, level, subject
            """
        ).map {
            PersonRecord.ExamAttempt(
                year: try $0.decode(0), level: try $0.decode(1), subject: try $0.decode(2), score: try $0.decode(3),
                passed: try $0.decode(4))
        }
        return PersonRecord(
            idNumber: try person.decode(1), name: try person.decode(2), gender: try person.decode(3),
            birthDate: try person.decode(4), employments: employments, certificates: certificates,
            training: training, trainingHours: hours, exams: exams)
    }
}
