public import CalendarDates
public import Foundation
public import PostgresClient

/// The subjects of the national exam (domain.md §1.2).
public enum ExamSubject: String, Vocabulary, Comparable {
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
        let shortNames: [String: ExamSubject] = [
            "综合能力": .comprehensive, "实务": .practice, "法规与政策": .regulations,
        ]
        guard let subject = ExamSubject.allCases.first(where: { $0.chineseName == bare }) ?? shortNames[bare] else {
            return nil
        }
        self = subject
    }

    public static func < (lhs: ExamSubject, rhs: ExamSubject) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// How a spreadsheet names an exam session: by exam year and level, as people say it ("2013
/// 助理社会工作师", "2013年社会工作师", "2014 intermediate"), or by the id `esw exam session create`
/// printed (kept for scripts). A year has one session per level (`exam_session_once_a_year`).
public enum ExamSessionReference: Sendable, Equatable {
    case id(Int)
    case yearAndLevel(year: Int, level: CertificateLevel)

    public init?(text: String) {
        let value = text.trimmingSpaces
        if !value.isEmpty, value.allSatisfy(\.isASCIIDigitCharacter) {
            guard let id = Int(value) else { return nil }
            self = .id(id)
            return
        }
        let year = value.prefix(4)
        guard year.count == 4, year.allSatisfy(\.isASCIIDigitCharacter), let number = Int(year) else { return nil }
        let rest = value.dropFirst(4).drop { " 年-/\u{3000}".contains($0) }
        // The level with or without its rank in brackets: 社会工作师（中级）.
        let bare = rest.replacingOccurrences(of: #"[（(].*[）)]$"#, with: "", options: .regularExpression)
        guard let level = CertificateLevel(text: bare) else { return nil }
        self = .yearAndLevel(year: number, level: level)
    }

    /// The session's id among `sessions`: an id as given (the import's checks refuse an unknown
    /// one), a year and level when such a session exists, else nil.
    public func id(in sessions: [ExamSession]) -> Int? {
        switch self {
        case .id(let id): id
        case .yearAndLevel(let year, let level): sessions.first { $0.year == year && $0.level == level }?.id
        }
    }

    /// What a refused cell is told.
    static let accepted = "name the session by exam year and level (2013 助理社会工作师) or by its id"
}

public struct ExamSession: Sendable, Equatable {
    public let id: Int
    public let year: Int
    public let level: CertificateLevel
    public let examDate: CalendarDate
    public let registrations: Int
    public let windows: [String]
}

/// The rules of one level, as exam_level_rule holds them.
struct LevelRule {
    let subjects: [ExamSubject]
    let windowYears: Int
    let passValidYears: Int?
}

/// The rules of all three levels: complete by construction, so a level always has its rule.
struct LevelRules {
    private let byLevel: [CertificateLevel: LevelRule]

    init(_ byLevel: [CertificateLevel: LevelRule]) throws {
        for level in CertificateLevel.allCases where byLevel[level] == nil {
            throw WorkforceError.notFound("the exam rules have no \(level.rawValue) level (table exam_level_rule)")
        }
        self.byLevel = byLevel
    }

    subscript(level: CertificateLevel) -> LevelRule {
        // The initializer refused an incomplete table.
        byLevel[level]!
    }
}

/// The yearly national exam by level: sessions, each province's registration window, and the
/// pass lines (national, or local for a region).
public struct ExamSessions {
    public let db: Connection

    public init(db: Connection) {
        self.db = db
    }

    /// The rule of every level, as exam_level_rule holds them (sql/0004).
    func rules() throws -> LevelRules {
        var rules: [CertificateLevel: LevelRule] = [:]
        for row in try db.query(
            "SELECT level::text, subjects::text[]::text, window_years, pass_valid_years FROM exam_level_rule")
        {
            let subjects = try row.decode(1, as: [ExamSubject].self)
            rules[try row.decode(0, as: CertificateLevel.self)] = LevelRule(
                subjects: subjects, windowYears: try row.decode(2), passValidYears: try row.decode(3))
        }
        return try LevelRules(rules)
    }

    /// Creates the session of one year and level, with the national pass line of 60 for each of
    /// its subjects (change it with ``setPassLine(sessionID:subject:mark:region:)``).
    ///
    /// - Parameter workYearsCutoff: the day years of social work are counted to; by default
    ///   31 December of the year before the exam.
    public func create(
        year: Int, level: CertificateLevel, examDate: CalendarDate,
        workYearsCutoff: CalendarDate? = nil
    ) throws -> Int {
        guard examDate.year == year else {
            throw WorkforceError.invalid(field: "date", value: examDate.iso, reason: "is not in \(year)")
        }
        return try db.transaction { db in
            let existing = try db.query(
                "SELECT id FROM exam_session WHERE year = \(year) AND level = \(level.rawValue)::certificate_level")
            if let row = existing.first {
                throw WorkforceError.conflict(
                    "the \(year) \(level.rawValue) session exists already (id \(try row.decode(0, as: Int.self)))")
            }
            let id: Int = try db.query(
                """
                INSERT INTO exam_session (year, level, exam_date, work_years_cutoff)
                VALUES (\(year), \(level.rawValue)::certificate_level, \(examDate),
                        \(workYearsCutoff ?? CalendarDate(year: year - 1, month: 12, day: 31)!))
                RETURNING id
                """
            ).single().decode(0)
            try db.execute(
                """
                INSERT INTO pass_line (session_id, subject, mark)
                SELECT \(id), unnest(subjects), 60 FROM exam_level_rule
                WHERE level = \(level.rawValue)::certificate_level
                """)
            try Audit.record(
                on: db, action: "exam session create", subject: "session \(id)",
                detail: ["year": year, "level": level.rawValue])
            return id
        }
    }

    public func list() throws -> [ExamSession] {
        try db.query(
            """
            SELECT s.id, s.year, s.level::text, s.exam_date,
                   (SELECT count(*) FROM exam_registration r WHERE r.session_id = s.id),
                   coalesce((SELECT string_agg(rg.name || ' ' || w.opens_on || '…' || w.closes_on, '; '
                                               ORDER BY w.province_code)
                             FROM registration_window w JOIN region rg ON rg.code = w.province_code
                             WHERE w.session_id = s.id), '')
            FROM exam_session s ORDER BY s.year, s.level
            """
        ).map { row in
            let windows: String = try row.decode(5)
            return ExamSession(
                id: try row.decode(0), year: try row.decode(1), level: try row.decode(2, as: CertificateLevel.self),
                examDate: try row.decode(3), registrations: try row.decode(4),
                windows: windows.isEmpty ? [] : windows.components(separatedBy: "; "))
        }
    }

    /// The year and level of a session; an unknown id is not found.
    public func session(_ id: Int) throws -> (year: Int, level: CertificateLevel) {
        let rows = try db.query("SELECT year, level::text FROM exam_session WHERE id = \(id)")
        guard let row = rows.first else { throw WorkforceError.notFound("no exam session has id \(id)") }
        return (try row.decode(0), try row.decode(1, as: CertificateLevel.self))
    }

    /// Sets (or moves) one province's registration window for a session.
    public func setWindow(sessionID: Int, province: String, opens: CalendarDate, closes: CalendarDate) throws {
        let code = try Codes.validProvince(province, field: "province")
        guard closes >= opens else {
            throw WorkforceError.invalid(
                field: "closes", value: closes.iso, reason: "is before \(field: "opens") \(opens)")
        }
        _ = try session(sessionID)
        try db.transaction { db in
            try db.execute(
                """
                INSERT INTO registration_window (session_id, province_code, opens_on, closes_on)
                VALUES (\(sessionID), \(code), \(opens), \(closes))
                ON CONFLICT (session_id, province_code) DO UPDATE SET opens_on = excluded.opens_on,
                    closes_on = excluded.closes_on
                """)
            try Audit.record(
                on: db, action: "exam window set", subject: "session \(sessionID)", detail: ["province": code])
        }
    }

    /// Sets the national line of a subject, or, with `region`, a local line for that area.
    public func setPassLine(sessionID: Int, subject: ExamSubject, mark: Decimal, region: String?) throws {
        let (_, level) = try session(sessionID)
        guard try rules()[level].subjects.contains(subject) else {
            throw WorkforceError.invalid(
                field: "subject", value: subject.rawValue, reason: "is not a subject of the \(level.rawValue) exam")
        }
        guard mark >= 0, mark <= 100 else {
            throw WorkforceError.invalid(field: "mark", value: "\(mark)", reason: "must be between 0 and 100")
        }
        let code = try region.map { try Regions(db: db).known($0) }
        try db.transaction { db in
            try db.execute(
                """
                INSERT INTO pass_line (session_id, subject, region_code, mark)
                VALUES (\(sessionID), \(subject.rawValue)::exam_subject, \(code), \(mark))
                ON CONFLICT (session_id, subject, region_code) DO UPDATE SET mark = excluded.mark
                """)
            try Audit.record(
                on: db, action: "exam pass line", subject: "session \(sessionID)",
                detail: ["subject": subject.rawValue, "region": code ?? "national", "mark": "\(mark)"])
        }
    }
}
