public import CalendarDates
import Foundation
public import PostgresClient

/// Who registered for which exam session and subjects, one by one or from a candidates sheet.
public struct ExamRegistrations {
    public let db: Connection

    public init(db: Connection) {
        self.db = db
    }

    /// Registers a person for a session, within their province's window, from an active
    /// employment; subjects default to all of the level's.
    /// - Returns: the subjects registered, and whether eligibility could be verified (false when
    ///   the person's education or start of social work is not recorded).
    public func register(
        sessionID: Int, idNumber: String, subjects: [ExamSubject]?, on date: CalendarDate,
        today: CalendarDate
    ) throws -> (subjects: [ExamSubject], eligibilityVerified: Bool) {
        let id = try Codes.validIDNumber(idNumber, today: today)
        let (year, level) = try ExamSessions(db: db).session(sessionID)
        let rule = try ExamSessions(db: db).rules()[level]
        let chosen = subjects ?? rule.subjects
        if let wrong = chosen.first(where: { !rule.subjects.contains($0) }) {
            throw WorkforceError.invalid(
                field: "subjects", value: wrong.rawValue, reason: "is not a subject of the \(level.rawValue) exam")
        }
        return try db.transaction { db in
            // A role that may not register anyone is refused (42501) before anything is looked up.
            try db.execute("SELECT esw_may_write('exam_registrations') FROM esw_actor() a WHERE a.role IS NOT NULL")
            let personID = try Staff(db: db).personID(idNumber: id)
            if try db.query(
                "SELECT 1 FROM exam_registration WHERE session_id = \(sessionID) AND person_id = \(personID)"
            ).count > 0 {
                throw WorkforceError.conflict(
                    "this person is already registered for the \(year) \(level.rawValue) exam")
            }
            let source = try db.query(
                """
                SELECT enterprise_id, region_code, problem
                FROM exam_registration_source(\(sessionID), \(personID), \(date))
                """
            ).single()
            // The messages say "this person": the caller gave the ID number, and a message holds none.
            if let problem: String = try source.decode(2) {
                throw WorkforceError.conflict(Reason(parsing: "this person \(problem)"))
            }
            let eligibility: String = try db.query("SELECT exam_eligibility(\(sessionID), \(personID))").single()
                .decode(0)
            // Not eligible is a rule of the exam, whatever is on record; the window and a second
            // registration are states.
            guard eligibility == "eligible" || eligibility == "unverified" else {
                throw WorkforceError.refused("this person \(eligibility)")
            }
            try db.execute(
                """
                INSERT INTO exam_registration (session_id, person_id, enterprise_id, region_code, subjects,
                                               registered_on,
                                               eligibility_unverified)
                VALUES (\(sessionID), \(personID), \(try source.decode(0, as: Int.self)),
                        \(try source.decode(1, as: String.self)),
                        \(chosen.map(\.rawValue))::exam_subject[], \(date), \(eligibility == "unverified"))
                """)
            try Audit.record(
                on: db, action: "exam register", subject: "session \(sessionID)", detail: ["id_number": id])
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
    public func register(sessionID: Int?, path: String, on date: CalendarDate, options: ImportOptions) throws
        -> ImportSummary
    {
        if let sessionID { _ = try ExamSessions(db: db).session(sessionID) }
        let sessions = try ExamSessions(db: db).list()
        let levels = Dictionary(uniqueKeysWithValues: sessions.map { ($0.id, $0.level) })
        let rules = try ExamSessions(db: db).rules()
        let today = options.today
        let definition = ImportDefinition(
            action: "exam register file",
            columns: ExamRegistrations.registrationColumns,
            stagingColumns: ["id_number text COLLATE \"C\"", "session_id bigint", "subjects exam_subject[]"],
            validate: { row in
                let id = row.code("id_number") { Codes.checkIDNumber($0, today: today) }
                guard let session = sessionID ?? ExamScores.session(&row, in: sessions) else { return nil }
                guard let level = levels[session] else {
                    row.reject("session", "is not an exam session; see \(remedy: .listExamSessions)")
                    return nil
                }
                let rule = rules[level]
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
                SELECT s.line, 'id_number', s.id_number,
                       format('is already registered for the %s %s exam', e.year, e.level)
                FROM import_staging s JOIN exam_session e ON e.id = s.session_id
                JOIN person p ON p.id_number = s.id_number
                JOIN exam_registration r ON r.session_id = s.session_id AND r.person_id = p.id
                """,
                """
                SELECT line, 'id_number', id_number,
                       format('line %s registers the same person for this session', first_line)
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
                let inserted = try db.execute(
                    """
                    INSERT INTO exam_registration (session_id, person_id, enterprise_id, region_code, subjects,
                                                   registered_on,
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

    /// The registrations of a session that the acting user sees (row-level security decides), by
    /// enterprise and name: who, from which enterprise, for which subjects, the scores recorded
    /// (exam_subject_result, local lines included) and whether the level was passed in the
    /// session's year (exam_level_pass). `idNumber` keeps one person's line; `limit` and `offset`
    /// take one page.
    ///
    /// - Throws: `notFound` for a session that does not exist.
    public func list(sessionID: Int, idNumber: String? = nil, limit: Int? = nil, offset: Int = 0) throws
        -> [ExamRegistrationLine]
    {
        _ = try ExamSessions(db: db).session(sessionID)
        return try db.query(
            """
            SELECT r.person_id, p.id_number, p.name, en.name, r.subjects::text[], r.registered_on,
                   r.eligibility_unverified,
                   ARRAY(SELECT x.subject::text || ' ' || x.score::text || ' ' || x.passed::text
                         FROM exam_subject_result x
                         WHERE x.person_id = r.person_id AND x.session_id = r.session_id ORDER BY x.subject),
                   EXISTS (SELECT 1 FROM exam_level_pass lp
                           WHERE lp.person_id = r.person_id AND lp.level = s.level AND lp.year = s.year),
                   en.uscc
            FROM exam_registration r
            JOIN exam_session s ON s.id = r.session_id
            JOIN person p ON p.id = r.person_id
            JOIN enterprise en ON en.id = r.enterprise_id
            WHERE r.session_id = \(sessionID) AND (\(idNumber)::text IS NULL OR p.id_number = \(idNumber))
            ORDER BY en.name, p.name, p.id_number
            LIMIT \(limit) OFFSET \(offset)
            """
        ).map { row in
            let scores = try row.decode(7, as: [String].self).map { text in
                let parts = text.split(separator: " ").map(String.init)
                return ExamRegistrationLine.Score(
                    subject: ExamSubject(rawValue: parts[0])!, score: parts[1], passed: parts[2] == "true")
            }
            return ExamRegistrationLine(
                personID: try row.decode(0), idNumber: try row.decode(1), name: try row.decode(2),
                enterpriseName: try row.decode(3), enterpriseUSCC: try row.decode(9),
                subjects: try row.decode(4, as: [ExamSubject].self), registeredOn: try row.decode(5),
                eligibilityUnverified: try row.decode(6), scores: scores, passed: try row.decode(8))
        }
    }
}

/// One registration of an exam session, as its page lists it.
public struct ExamRegistrationLine: Sendable, Equatable {
    public struct Score: Sendable, Equatable {
        public let subject: ExamSubject
        /// The score with two decimals, as exam_subject_result gives it.
        public let score: String
        /// Passed on the national line or on a local line covering the candidate's region.
        public let passed: Bool
    }
    /// The person's key (the address of their page).
    public let personID: Int
    public let idNumber: String
    public let name: String
    public let enterpriseName: String
    public let enterpriseUSCC: String
    public let subjects: [ExamSubject]
    public let registeredOn: CalendarDate
    /// Education or the start of social work was not recorded when the person registered.
    public let eligibilityUnverified: Bool
    /// The scores recorded so far, by subject; empty before the results come in.
    public let scores: [Score]
    /// The level was passed in the session's year.
    public let passed: Bool
}
