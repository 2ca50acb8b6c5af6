public import CalendarDates
public import Foundation
public import PostgresClient

/// The subjects of the national exam (domain.md §1.2).
public enum ExamSubject: String, CaseIterable, Sendable, Comparable {
    case comprehensive, practice, regulations

    public var chineseName: String {
        switch self {
        case .comprehensive: "社会工作综合能力"
        case .practice: "社会工作实务"
        case .regulations: "社会工作法规与政策"
        }
    }

    /// Reads an English key or the Chinese name, with or without its （初级）/（中级） suffix.
    public init?(text: String) {
        let value = text.trimmingSpaces.lowercased()
        if let subject = ExamSubject(rawValue: value) {
            self = subject
            return
        }
        let bare = value.replacingOccurrences(of: #"[（(].*[）)]$"#, with: "", options: .regularExpression)
        let shortNames: [String: ExamSubject] = ["综合能力": .comprehensive, "实务": .practice, "法规与政策": .regulations]
        guard let subject = ExamSubject.allCases.first(where: { $0.chineseName == bare }) ?? shortNames[bare] else { return nil }
        self = subject
    }

    public static func < (lhs: ExamSubject, rhs: ExamSubject) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

public struct ExamSession: Sendable, Equatable {
    public let id: Int
    public let year: Int
    public let level: CertificateLevel
    public let examDate: CalendarDate
    public let registrations: Int
    public let windows: [String]
}

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

/// The rules of one level, as exam_level_rule holds them.
struct LevelRule {
    let subjects: [ExamSubject]
    let windowYears: Int
    let passValidYears: Int?
}

/// Exam sessions, registration windows, pass lines, registrations, scores and results.
public struct Exams {
    public let db: Connection

    public init(db: Connection) {
        self.db = db
    }

    func rules() throws -> [CertificateLevel: LevelRule] {
        var rules: [CertificateLevel: LevelRule] = [:]
        for row in try db.query("SELECT level::text, subjects::text[]::text, window_years, pass_valid_years FROM exam_level_rule") {
            let subjects = try row.decode(1, as: [ExamSubject].self)
            rules[try row.decode(0, as: CertificateLevel.self)] = LevelRule(
                subjects: subjects, windowYears: try row.decode(2), passValidYears: try row.decode(3))
        }
        return rules
    }

    // MARK: Sessions

    /// Creates the session of one year and level, with the national pass line of 60 for each of
    /// its subjects (change it with ``setPassLine(sessionID:subject:mark:region:)``).
    ///
    /// - Parameter workYearsCutoff: the day years of social work are counted to; by default
    ///   31 December of the year before the exam.
    public func createSession(year: Int, level: CertificateLevel, examDate: CalendarDate,
                              workYearsCutoff: CalendarDate? = nil) throws -> Int {
        guard examDate.year == year else {
            throw WorkforceError.invalid(field: "date", value: examDate.iso, reason: "is not in \(year)")
        }
        return try db.transaction { db in
            let existing = try db.query("SELECT id FROM exam_session WHERE year = \(year) AND level = \(level.rawValue)::certificate_level")
            if let row = existing.first {
                throw WorkforceError.conflict("the \(year) \(level.rawValue) session exists already (id \(try row.decode(0, as: Int.self)))")
            }
            let id: Int = try db.query("""
                INSERT INTO exam_session (year, level, exam_date, work_years_cutoff)
                VALUES (\(year), \(level.rawValue)::certificate_level, \(examDate),
                        \(workYearsCutoff ?? CalendarDate(year: year - 1, month: 12, day: 31)!))
                RETURNING id
                """).single().decode(0)
            try db.execute("""
                INSERT INTO pass_line (session_id, subject, mark)
                SELECT \(id), unnest(subjects), 60 FROM exam_level_rule WHERE level = \(level.rawValue)::certificate_level
                """)
            try Audit.record(on: db, action: "exam session create", subject: "session \(id)", detail: ["year": year, "level": level.rawValue])
            return id
        }
    }

    public func sessions() throws -> [ExamSession] {
        try db.query("""
            SELECT s.id, s.year, s.level::text, s.exam_date,
                   (SELECT count(*) FROM exam_registration r WHERE r.session_id = s.id),
                   coalesce((SELECT string_agg(rg.name || ' ' || w.opens_on || '…' || w.closes_on, '; ' ORDER BY w.province_code)
                             FROM registration_window w JOIN region rg ON rg.code = w.province_code
                             WHERE w.session_id = s.id), '')
            FROM exam_session s ORDER BY s.year, s.level
            """).map { row in
            let windows: String = try row.decode(5)
            return ExamSession(
                id: try row.decode(0), year: try row.decode(1), level: try row.decode(2, as: CertificateLevel.self),
                examDate: try row.decode(3), registrations: try row.decode(4),
                windows: windows.isEmpty ? [] : windows.components(separatedBy: "; "))
        }
    }

    func session(_ id: Int) throws -> (year: Int, level: CertificateLevel) {
        let rows = try db.query("SELECT year, level::text FROM exam_session WHERE id = \(id)")
        guard let row = rows.first else { throw WorkforceError.notFound("no exam session has id \(id)") }
        return (try row.decode(0), try row.decode(1, as: CertificateLevel.self))
    }

    /// Sets (or moves) one province's registration window for a session.
    public func setWindow(sessionID: Int, province: String, opens: CalendarDate, closes: CalendarDate) throws {
        let code = try Codes.validRegion(province)
        guard code.hasSuffix("0000") else {
            throw WorkforceError.invalid(field: "province", value: province, reason: "is not a province-level code (it should end in 0000)")
        }
        guard closes >= opens else {
            throw WorkforceError.invalid(field: "closes", value: closes.iso, reason: "is before \(field: "opens") \(opens)")
        }
        _ = try session(sessionID)
        try db.transaction { db in
            try db.execute("""
                INSERT INTO registration_window (session_id, province_code, opens_on, closes_on)
                VALUES (\(sessionID), \(code), \(opens), \(closes))
                ON CONFLICT (session_id, province_code) DO UPDATE SET opens_on = excluded.opens_on, closes_on = excluded.closes_on
                """)
            try Audit.record(on: db, action: "exam window set", subject: "session \(sessionID)", detail: ["province": code])
        }
    }

    /// Sets the national line of a subject, or, with `region`, a local line for that area.
    public func setPassLine(sessionID: Int, subject: ExamSubject, mark: Decimal, region: String?) throws {
        let (_, level) = try session(sessionID)
        guard let rule = try rules()[level], rule.subjects.contains(subject) else {
            throw WorkforceError.invalid(field: "subject", value: subject.rawValue, reason: "is not a subject of the \(level.rawValue) exam")
        }
        guard mark >= 0, mark <= 100 else {
            throw WorkforceError.invalid(field: "mark", value: "\(mark)", reason: "must be between 0 and 100")
        }
        let code = try region.map { try Codes.validRegion($0) }
        try db.transaction { db in
            try db.execute("""
                INSERT INTO pass_line (session_id, subject, region_code, mark)
                VALUES (\(sessionID), \(subject.rawValue)::exam_subject, \(code), \(mark))
                ON CONFLICT (session_id, subject, region_code) DO UPDATE SET mark = excluded.mark
                """)
            try Audit.record(on: db, action: "exam pass line", subject: "session \(sessionID)",
                             detail: ["subject": subject.rawValue, "region": code ?? "national", "mark": "\(mark)"])
        }
    }

    // MARK: Registration

    /// Registers a person for a session, within their province's window, from an active
    /// employment; subjects default to all of the level's.
    /// - Returns: the subjects registered, and whether eligibility could be verified (false when
    ///   the person's education or start of social work is not recorded).
    public func register(sessionID: Int, idNumber: String, subjects: [ExamSubject]?, on date: CalendarDate,
                         today: CalendarDate) throws -> (subjects: [ExamSubject], eligibilityVerified: Bool) {
        let id = try Codes.validIDNumber(idNumber, today: today)
        let (year, level) = try session(sessionID)
        let rule = try rules()[level]!
        let chosen = subjects ?? rule.subjects
        if let wrong = chosen.first(where: { !rule.subjects.contains($0) }) {
            throw WorkforceError.invalid(field: "subjects", value: wrong.rawValue, reason: "is not a subject of the \(level.rawValue) exam")
        }
        return try db.transaction { db in
            let personID = try Staff(db: db).personID(idNumber: id)
            if try db.query("SELECT 1 FROM exam_registration WHERE session_id = \(sessionID) AND person_id = \(personID)").count > 0 {
                throw WorkforceError.conflict("\(id) is already registered for the \(year) \(level.rawValue) exam")
            }
            let source = try db.query("""
                SELECT enterprise_id, region_code, problem FROM exam_registration_source(\(sessionID), \(personID), \(date))
                """).single()
            if let problem: String = try source.decode(2) { throw WorkforceError.conflict("\(id) \(problem)") }
            let eligibility: String = try db.query("SELECT exam_eligibility(\(sessionID), \(personID))").single().decode(0)
            guard eligibility == "eligible" || eligibility == "unverified" else {
                throw WorkforceError.conflict("\(id) \(eligibility)")
            }
            try db.execute("""
                INSERT INTO exam_registration (session_id, person_id, enterprise_id, region_code, subjects, registered_on,
                                               eligibility_unverified)
                VALUES (\(sessionID), \(personID), \(try source.decode(0, as: Int.self)), \(try source.decode(1, as: String.self)),
                        \(chosen.map(\.rawValue))::exam_subject[], \(date), \(eligibility == "unverified"))
                """)
            try Audit.record(on: db, action: "exam register", subject: "session \(sessionID)", detail: ["id_number": id])
            return (chosen, eligibility == "eligible")
        }
    }

    static let registrationColumns = [
        ImportColumn.idNumber,
        ImportColumn("session", aliases: ["考试场次", "场次", "session_id"], required: false),
        ImportColumn("subjects", aliases: ["科目", "报考科目"], required: false),
    ]

    /// Registers a coordinator's batch: id_number, and session unless `sessionID` is given,
    /// optional subjects (separated by ; 、 or spaces; default all of the level's). All or nothing
    /// unless `skipInvalid`, with the same refusals as one registration.
    public func register(sessionID: Int?, path: String, on date: CalendarDate, options: ImportOptions) throws -> ImportSummary {
        if let sessionID { _ = try session(sessionID) }
        let levels = Dictionary(uniqueKeysWithValues: try sessions().map { ($0.id, $0.level) })
        let rules = try self.rules()
        let today = options.today
        let definition = ImportDefinition(
            action: "exam register file",
            columns: Exams.registrationColumns,
            stagingColumns: ["id_number text COLLATE \"C\"", "session_id bigint", "subjects exam_subject[]"],
            validate: { row in
                let id = row.code("id_number") { Codes.checkIDNumber($0, today: today) }
                let session = sessionID ?? Int(row.value("session"))
                guard let session, let level = levels[session] else {
                    row.reject("session", "is not an exam session; see \(remedy: .listExamSessions)")
                    return nil
                }
                let rule = rules[level]!
                let separators = CharacterSet(charactersIn: ";；、, ")
                let parts = row.value("subjects").components(separatedBy: separators).filter { !$0.isEmpty }
                var subjects: [ExamSubject] = []
                for part in parts {
                    guard let subject = ExamSubject(text: part), rule.subjects.contains(subject) else {
                        row.reject("subjects", "'\(part)' is not a subject of the \(level.rawValue) exam")
                        return nil
                    }
                    subjects.append(subject)
                }
                guard row.errors.isEmpty else { return nil }
                let chosen = subjects.isEmpty ? rule.subjects : subjects
                return [id, String(session), "{" + chosen.map(\.rawValue).joined(separator: ",") + "}"]
            },
            crossChecks: [
                """
                SELECT s.line, 'id_number', s.id_number, 'no person has this ID number; import the roster first'
                FROM import_staging s WHERE NOT EXISTS (SELECT 1 FROM person p WHERE p.id_number = s.id_number)
                """,
                """
                SELECT s.line, 'id_number', s.id_number, 'is already registered for session ' || s.session_id
                FROM import_staging s JOIN person p ON p.id_number = s.id_number
                JOIN exam_registration r ON r.session_id = s.session_id AND r.person_id = p.id
                """,
                """
                SELECT line, 'id_number', id_number, format('line %s registers the same person for this session', first_line)
                FROM (SELECT line, id_number, first_value(line) OVER w AS first_line
                      FROM import_staging WINDOW w AS (PARTITION BY id_number, session_id ORDER BY line)) x
                WHERE line <> first_line
                """,
                """
                SELECT s.line, 'id_number', s.id_number, src.problem
                FROM import_staging s JOIN person p ON p.id_number = s.id_number
                CROSS JOIN LATERAL exam_registration_source(s.session_id, p.id, \(date)) src
                WHERE src.problem IS NOT NULL
                """,
                """
                SELECT s.line, 'id_number', s.id_number, exam_eligibility(s.session_id, p.id)
                FROM import_staging s JOIN person p ON p.id_number = s.id_number
                JOIN exam_session e ON e.id = s.session_id
                WHERE exam_eligibility(s.session_id, p.id) NOT IN ('eligible', 'unverified')
                """,
            ],
            merge: { db in
                let inserted = try db.execute("""
                    INSERT INTO exam_registration (session_id, person_id, enterprise_id, region_code, subjects, registered_on,
                                                   eligibility_unverified)
                    SELECT s.session_id, p.id, src.enterprise_id, src.region_code, s.subjects, \(date),
                           exam_eligibility(s.session_id, p.id) = 'unverified'
                    FROM import_staging s JOIN person p ON p.id_number = s.id_number
                    CROSS JOIN LATERAL exam_registration_source(s.session_id, p.id, \(date)) src
                    ORDER BY s.line
                    """)
                return (inserted, 0, 0)
            })
        return try ImportPipeline(definition: definition).run(path: path, on: db, options: options)
    }

    static let scoreColumns = [
        ImportColumn.idNumber,
        ImportColumn("session", aliases: ["考试场次", "场次", "session_id"]),
        ImportColumn("subject", aliases: ["科目"]),
        ImportColumn("score", aliases: ["成绩", "分数"]),
    ]

    /// Imports scores: one row per person, session and subject. A score for someone without a
    /// registration for that session and subject is refused with the row named.
    public func importScores(path: String, options: ImportOptions) throws -> ImportSummary {
        let today = options.today
        let definition = ImportDefinition(
            action: "exam scores import",
            columns: Exams.scoreColumns,
            stagingColumns: ["id_number text COLLATE \"C\"", "session_id bigint", "subject exam_subject", "score numeric"],
            validate: { row in
                let id = row.code("id_number") { Codes.checkIDNumber($0, today: today) }
                let session = Int(row.value("session"))
                if session == nil { row.reject("session", "is not a session id; see \(remedy: .listExamSessions)") }
                let subject = ExamSubject(text: row.value("subject"))
                if subject == nil { row.reject("subject", "unknown subject; use comprehensive (综合能力), practice (实务) or regulations (法规与政策)") }
                let score = Decimal(string: row.value("score"))
                if score == nil || score! < 0 || score! > 100 { row.reject("score", "must be a number from 0 to 100") }
                guard row.errors.isEmpty, let session, let subject, let score else { return nil }
                return [id, String(session), subject.rawValue, "\(score)"]
            },
            crossChecks: [
                """
                SELECT s.line, 'session', s.session_id::text, 'no exam session has this id'
                FROM import_staging s WHERE NOT EXISTS (SELECT 1 FROM exam_session e WHERE e.id = s.session_id)
                """,
                """
                SELECT s.line, 'id_number', s.id_number,
                       CASE WHEN r.id IS NULL THEN 'has no registration for session ' || s.session_id
                            ELSE 'is not registered for ' || s.subject || ' in session ' || s.session_id END
                FROM import_staging s
                JOIN exam_session e ON e.id = s.session_id
                LEFT JOIN person p ON p.id_number = s.id_number
                LEFT JOIN exam_registration r ON r.session_id = s.session_id AND r.person_id = p.id
                WHERE r.id IS NULL OR NOT (s.subject = ANY (r.subjects))
                """,
                """
                SELECT line, 'score', score::text, format('line %s gives another score for the same person, session and subject', first_line)
                FROM (SELECT line, score, first_value(line) OVER w AS first_line, first_value(score) OVER w AS first_score
                      FROM import_staging WINDOW w AS (PARTITION BY id_number, session_id, subject ORDER BY line)) x
                WHERE line <> first_line AND score <> first_score
                """,
            ],
            merge: { db in
                let row = try db.query("""
                    WITH source AS (
                        SELECT DISTINCT ON (r.id, s.subject) r.id AS registration_id, s.subject, s.score
                        FROM import_staging s
                        JOIN person p ON p.id_number = s.id_number
                        JOIN exam_registration r ON r.session_id = s.session_id AND r.person_id = p.id
                        ORDER BY r.id, s.subject, s.line
                    ), updated AS (
                        UPDATE exam_score sc SET score = source.score FROM source
                        WHERE sc.registration_id = source.registration_id AND sc.subject = source.subject AND sc.score <> source.score
                        RETURNING 1
                    ), inserted AS (
                        INSERT INTO exam_score (registration_id, subject, score)
                        SELECT registration_id, subject, score FROM source
                        WHERE NOT EXISTS (SELECT 1 FROM exam_score sc WHERE sc.registration_id = source.registration_id
                                          AND sc.subject = source.subject)
                        RETURNING 1
                    )
                    SELECT (SELECT count(*) FROM source), (SELECT count(*) FROM inserted), (SELECT count(*) FROM updated)
                    """).single()
                return try ImportPipeline.mergeCounts(row)
            })
        return try ImportPipeline(definition: definition).run(path: path, on: db, options: options)
    }

    // MARK: Results

    /// Where each person stands at each level they sat, for a session's candidates, an
    /// enterprise's or region's staff, or one person. A level is passed when every subject has a
    /// pass within the level's window of consecutive exam years (exam_level_rule).
    public func results(sessionID: Int? = nil, enterpriseUSCC: String? = nil, region: String? = nil,
                        idNumber: String? = nil, today: CalendarDate) throws -> [LevelResult] {
        try results(sessionID: sessionID, enterpriseUSCC: enterpriseUSCC, region: region, idNumber: idNumber,
                    enterpriseIDs: nil, today: today)
    }

    /// `enterpriseIDs` narrows to the staff (past or present) of these enterprises.
    func results(sessionID: Int? = nil, enterpriseUSCC: String? = nil, region: String? = nil,
                 idNumber: String? = nil, enterpriseIDs: [Int]?, today: CalendarDate) throws -> [LevelResult] {
        let uscc = try enterpriseUSCC.map { try Codes.validUSCC($0) }
        let regionCode = try region.map { try Codes.validRegion($0) }
        let id = try idNumber.map { try Codes.validIDNumber($0, today: today) }
        let rules = try self.rules()
        let rows = try db.query("""
            SELECT p.id_number, p.name, r.level::text, r.year, r.subject::text, r.score::text, r.passed,
                   lp.year, lp.scope
            FROM exam_subject_result r
            JOIN person p ON p.id = r.person_id
            LEFT JOIN exam_level_pass lp ON lp.person_id = r.person_id AND lp.level = r.level
            WHERE (\(sessionID)::bigint IS NULL OR (r.person_id, r.level) IN (
                      SELECT x.person_id, s.level FROM exam_registration x JOIN exam_session s ON s.id = x.session_id
                      WHERE x.session_id = \(sessionID)))
              AND (\(uscc)::text IS NULL OR r.person_id IN (
                      SELECT em.person_id FROM employment em JOIN enterprise en ON en.id = em.enterprise_id WHERE en.uscc = \(uscc)))
              AND (\(regionCode)::text IS NULL OR r.person_id IN (
                      SELECT em.person_id FROM employment em JOIN enterprise en ON en.id = em.enterprise_id
                      WHERE in_region(en.region_code, \(regionCode))))
              AND (\(id)::text IS NULL OR p.id_number = \(id))
              AND (\(enterpriseIDs)::bigint[] IS NULL OR r.person_id IN (
                      SELECT em.person_id FROM employment em WHERE em.enterprise_id = ANY (\(enterpriseIDs))))
            ORDER BY p.id_number, r.level, r.year, r.subject
            """)
        struct Attempt { let year: Int; let subject: ExamSubject; let score: String; let passed: Bool }
        typealias Person = (key: String, name: String, level: CertificateLevel, passedYear: Int?, scope: String?,
                            attempts: [Attempt])
        var grouped: [Person] = []
        for row in rows {
            let idNumber: String = try row.decode(0)
            let level = try row.decode(2, as: CertificateLevel.self)
            let attempt = Attempt(year: try row.decode(3), subject: try row.decode(4, as: ExamSubject.self),
                                  score: try row.decode(5), passed: try row.decode(6))
            if let last = grouped.last, last.key == idNumber, last.level == level {
                grouped[grouped.count - 1].attempts.append(attempt)
            } else {
                grouped.append((idNumber, try row.decode(1), level, try row.decode(7), try row.decode(8), [attempt]))
            }
        }
        return grouped.map { person in
            let rule = rules[person.level]!
            let years = Set(person.attempts.map(\.year)).sorted()
            func passes(through year: Int) -> [Attempt] {
                person.attempts.filter { $0.passed && $0.year <= year && $0.year > year - rule.windowYears }
            }
            // Whether and when the level was passed is exam_level_pass's answer, the one rule in SQL.
            let passedYear = person.passedYear, scope = person.scope
            let latest = years.last!
            let valid = passes(through: latest)
            let remaining = passedYear == nil ? rule.subjects.filter { subject in !valid.contains { $0.subject == subject } } : []
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

    // MARK: Certificates and the funnel

    /// Those who passed a level and have no certificate of that level or higher on record yet:
    /// the list to chase the national authority's certificates for.
    public func pendingCertificates(enterpriseUSCC: String? = nil, region: String? = nil, today: CalendarDate) throws -> [LevelResult] {
        let passed = try results(enterpriseUSCC: enterpriseUSCC, region: region, today: today).filter(\.passed)
        guard !passed.isEmpty else { return [] }
        var held: [String: CertificateLevel] = [:]
        for row in try db.query("""
            SELECT p.id_number, max(c.level)::text FROM certificate c JOIN person p ON p.id = c.person_id
            WHERE p.id_number = ANY(\(Array(Set(passed.map(\.idNumber))))) GROUP BY p.id_number
            """) {
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
        let code = try Codes.validRegion(region)
        return try funnel(registrations: "c.year = \(year) AND in_region(c.region_code, \(code))", certifiedBy: today)
    }

    /// The funnel of the sessions held between two dates, for registrations from these
    /// enterprises; certified counts certificates issued up to `to`.
    public func funnel(enterpriseIDs: [Int], from: CalendarDate, to: CalendarDate, today: CalendarDate) throws -> [FunnelLine] {
        try funnel(registrations: "c.exam_date BETWEEN \(from) AND \(to) AND c.enterprise_id = ANY (\(enterpriseIDs))",
                   certifiedBy: to)
    }

    private func funnel(registrations filter: SQLQuery, certifiedBy: CalendarDate) throws -> [FunnelLine] {
        try db.query("""
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
            """).map { row in
            FunnelLine(level: try row.decode(0, as: CertificateLevel.self),
                       department: try row.decode(1, as: Department?.self),
                       registered: try row.decode(2), sat: try row.decode(3), passed: try row.decode(4),
                       certified: try row.decode(5))
        }
    }
}
