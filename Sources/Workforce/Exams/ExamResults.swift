public import CalendarDates
import Foundation
public import PostgresClient

/// How one person stands at one level.
public struct LevelResult: Sendable, Equatable {
    public struct SubjectAttempt: Sendable, Equatable {
        public let subject: ExamSubject
        public let year: Int
        public let score: String
        public let passed: Bool
    }
    public let idNumber: String
    public let name: String
    public let level: CertificateLevel
    public let passed: Bool
    public let passedYear: Int?
    /// "national", or "local" when some subject was passed only on a local line.
    public let scope: String?
    /// The latest attempt at each subject.
    public let subjects: [SubjectAttempt]
    /// Subjects still to pass, as of the latest year sat.
    public let remaining: [ExamSubject]
    /// The last exam year in which the earlier passes still count.
    public let earlierPassesValidThrough: Int?
    /// For a pass that is only a step (senior: the review must follow), its last valid year.
    public let passValidThrough: Int?

}

/// How people stand at each level (level passes, sql/0010), who passed without a certificate
/// yet, and the funnel registered → sat → passed → certified.
public struct ExamResults {
    public let db: Connection

    public init(db: Connection) {
        self.db = db
    }

    /// Where each person stands at each level they sat, for a session's candidates, an
    /// enterprise's or region's staff, or one person. A level is passed when every subject has a
    /// pass within the level's window of consecutive exam years (exam_level_rule).
    public func results(
        sessionID: Int? = nil, enterpriseUSCC: String? = nil, region: String? = nil,
        idNumber: String? = nil, today: CalendarDate
    ) throws -> [LevelResult] {
        try results(
            sessionID: sessionID, enterpriseUSCC: enterpriseUSCC, region: region, idNumber: idNumber,
            enterpriseIDs: nil, today: today)
    }

    /// `enterpriseIDs` narrows to the staff (past or present) of these enterprises.
    func results(
        sessionID: Int? = nil, enterpriseUSCC: String? = nil, region: String? = nil,
        idNumber: String? = nil, enterpriseIDs: [Int]?, today: CalendarDate
    ) throws -> [LevelResult] {
        let uscc = try enterpriseUSCC.map { try Codes.validUSCC($0) }
        let regionCode = try region.map { try Regions(db: db).known($0) }
        let id = try idNumber.map { try Codes.validIDNumber($0, today: today) }
        let rules = try ExamSessions(db: db).rules()
        let rows = try db.query(
            """
            SELECT p.id_number, p.name, r.level::text, r.year, r.subject::text, r.score::text, r.passed,
                   lp.year, lp.scope
            FROM exam_subject_result r
            JOIN person p ON p.id = r.person_id
            LEFT JOIN exam_level_pass lp ON lp.person_id = r.person_id AND lp.level = r.level
            WHERE (\(sessionID)::bigint IS NULL OR (r.person_id, r.level) IN (
                      SELECT x.person_id, s.level FROM exam_registration x JOIN exam_session s ON s.id = x.session_id
                      WHERE x.session_id = \(sessionID)))
              AND (\(uscc)::text IS NULL OR r.person_id IN (
                      SELECT em.person_id FROM employment em JOIN enterprise en ON en.id = em.enterprise_id
                      WHERE en.uscc = \(uscc)))
              AND (\(regionCode)::text IS NULL OR r.person_id IN (
                      SELECT em.person_id FROM employment em JOIN enterprise en ON en.id = em.enterprise_id
                      WHERE in_region(en.region_code, \(regionCode))))
              AND (\(id)::text IS NULL OR p.id_number = \(id))
              AND (\(enterpriseIDs)::bigint[] IS NULL OR r.person_id IN (
                      SELECT em.person_id FROM employment em WHERE em.enterprise_id = ANY (\(enterpriseIDs))))
            ORDER BY p.id_number, r.level, r.year, r.subject
            """)
        if let id, rows.isEmpty {
            try Persons(db: db).requireInScope(idNumber: id)
        }
        struct Attempt { let year: Int; let subject: ExamSubject; let score: String; let passed: Bool }
        typealias Person = (
            key: String, name: String, level: CertificateLevel, passedYear: Int?, scope: String?,
            attempts: [Attempt]
        )
        var grouped: [Person] = []
        for row in rows {
            let idNumber: String = try row.decode(0)
            let level = try row.decode(2, as: CertificateLevel.self)
            let attempt = Attempt(
                year: try row.decode(3), subject: try row.decode(4, as: ExamSubject.self),
                score: try row.decode(5), passed: try row.decode(6))
            if let last = grouped.last, last.key == idNumber, last.level == level {
                grouped[grouped.count - 1].attempts.append(attempt)
            } else {
                grouped.append((idNumber, try row.decode(1), level, try row.decode(7), try row.decode(8), [attempt]))
            }
        }
        return grouped.map { person in
            let rule = rules[person.level]
            let years = Set(person.attempts.map(\.year)).sorted()
            func passes(through year: Int) -> [Attempt] {
                person.attempts.filter { $0.passed && $0.year <= year && $0.year > year - rule.windowYears }
            }
            // Whether and when the level was passed is exam_level_pass's answer, the one rule in SQL.
            let passedYear = person.passedYear, scope = person.scope
            let latest = years.last!
            let valid = passes(through: latest)
            let remaining =
                passedYear == nil ? rule.subjects.filter { subject in !valid.contains { $0.subject == subject } } : []
            let earliest = valid.map(\.year).min()
            let subjects = rule.subjects.compactMap { subject in
                person.attempts.last { $0.subject == subject }.map {
                    LevelResult.SubjectAttempt(subject: subject, year: $0.year, score: $0.score, passed: $0.passed)
                }
            }
            return LevelResult(
                idNumber: person.key, name: person.name, level: person.level, passed: passedYear != nil,
                passedYear: passedYear, scope: scope, subjects: subjects, remaining: remaining,
                earlierPassesValidThrough: passedYear == nil ? earliest.map { $0 + rule.windowYears - 1 } : nil,
                passValidThrough: passedYear.flatMap { year in rule.passValidYears.map { year + $0 - 1 } })
        }
    }

    /// Those who passed a level and have no certificate of that level or higher on record yet:
    /// the list to chase the national authority's certificates for.
    public func pendingCertificates(enterpriseUSCC: String? = nil, region: String? = nil, today: CalendarDate) throws
        -> [LevelResult]
    {
        let passed = try results(enterpriseUSCC: enterpriseUSCC, region: region, today: today).filter(\.passed)
        guard !passed.isEmpty else { return [] }
        var held: [String: CertificateLevel] = [:]
        for row in try db.query(
            """
            SELECT p.id_number, max(c.level)::text FROM certificate c JOIN person p ON p.id = c.person_id
            WHERE p.id_number = ANY(\(Array(Set(passed.map(\.idNumber))))) GROUP BY p.id_number
            """)
        {
            held[try row.decode(0)] = CertificateLevel(rawValue: try row.decode(1))
        }
        return passed.filter { result in held[result.idNumber].map { $0 < result.level } ?? true }
    }

    /// One line of the exam funnel.
    public struct FunnelLine: Sendable, Equatable {
        public let level: CertificateLevel
        /// nil for all departments together (each person once).
        public let department: Department?
        public let registered: Int
        public let sat: Int
        public let passed: Int
        public let certified: Int
    }

    /// Registered → sat → passed → certified for one exam year in a region, per level and per
    /// department of the registering employment (a person in two departments counts in each, and
    /// once in the level's total). Passed means the level was passed in that year (a later year's
    /// pass counts in that later year's cohort); certified means passed and a certificate of that
    /// level or higher issued on or after that year's exam, so a cohort never has more certified
    /// than passed. The database computes it (exam_cohort, from exam_level_pass).
    public func funnel(region: String, year: Int, today: CalendarDate) throws -> [FunnelLine] {
        let code = try Regions(db: db).known(region)
        return try funnel(registrations: "c.year = \(year) AND in_region(c.region_code, \(code))", certifiedBy: today)
    }

    /// The funnel of one enterprise's registrations for one exam year (its home page's), with the
    /// region funnel's rules; certified counts certificates issued up to `today`.
    public func funnel(enterpriseUSCC: String, year: Int, today: CalendarDate) throws -> [FunnelLine] {
        let id = try Enterprises(db: db).lookUp(uscc: enterpriseUSCC).id
        return try funnel(registrations: "c.year = \(year) AND c.enterprise_id = \(id)", certifiedBy: today)
    }

    /// The funnel of the sessions held between two dates, for registrations from these
    /// enterprises; certified counts certificates issued up to `to`.
    public func funnel(enterpriseIDs: [Int], from: CalendarDate, to: CalendarDate, today: CalendarDate) throws
        -> [FunnelLine]
    {
        try funnel(
            registrations: "c.exam_date BETWEEN \(from) AND \(to) AND c.enterprise_id = ANY (\(enterpriseIDs))",
            certifiedBy: to)
    }

    private func funnel(registrations filter: SQLQuery, certifiedBy: CalendarDate) throws -> [FunnelLine] {
        try db.query(
            """
            WITH cohort AS (
                SELECT c.level, c.departments, c.sat, c.passed, c.certified_on <= \(certifiedBy) AS certified
                FROM exam_cohort c WHERE \(filter)
            )
            SELECT level::text, NULL, count(*), count(*) FILTER (WHERE sat), count(*) FILTER (WHERE passed),
                   count(*) FILTER (WHERE certified), level, NULL::department_kind
            FROM cohort GROUP BY level
            UNION ALL
            SELECT level::text, d.department::text, count(*), count(*) FILTER (WHERE sat),
                   count(*) FILTER (WHERE passed), count(*) FILTER (WHERE certified), level, d.department
            FROM cohort CROSS JOIN unnest(departments) AS d(department) GROUP BY level, d.department
            ORDER BY 7, 8 NULLS FIRST
            """
        ).map { row in
            FunnelLine(
                level: try row.decode(0, as: CertificateLevel.self),
                department: try row.decode(1, as: Department?.self),
                registered: try row.decode(2), sat: try row.decode(3), passed: try row.decode(4),
                certified: try row.decode(5))
        }
    }
}
