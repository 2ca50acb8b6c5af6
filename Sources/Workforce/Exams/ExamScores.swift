import CalendarDates
import Foundation
public import PostgresClient

/// Scores by person, session and subject, imported from the results sheet.
public struct ExamScores {
    public let db: Connection

    public init(db: Connection) {
        self.db = db
    }

    static let scoreColumns = [
        ImportColumn.idNumber,
        ImportColumn("session", aliases: ["考试场次", "场次", "session_id"]),
        ImportColumn("subject", aliases: ["科目"]),
        ImportColumn("score", aliases: ["成绩", "分数"]),
    ]

    /// Imports scores: one row per person, session and subject. A score for someone without a
    /// registration for that session and subject is refused with the row named.
    public func importFile(path: String, options: ImportOptions) throws -> ImportSummary {
        let today = options.today
        let sessions = try ExamSessions(db: db).list()
        let definition = ImportDefinition(
            action: "exam scores import",
            columns: ExamScores.scoreColumns,
            stagingColumns: [
                "id_number text COLLATE \"C\"", "session_id bigint", "subject exam_subject", "score numeric",
            ],
            validate: { row in
                let id = row.code("id_number") { Codes.checkIDNumber($0, today: today) }
                let session = ExamScores.session(&row, in: sessions)
                let subject = ExamSubject(text: row.value("subject"))
                if subject == nil {
                    row.reject(
                        "subject",
                        """
                        unknown subject; use comprehensive (综合能力), practice (实务) or regulations \
                        (法规与政策)
                        """)
                }
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
                       CASE WHEN r.id IS NULL THEN format('has no registration for the %s %s exam', e.year, e.level)
                            ELSE format('is not registered for %s in the %s %s exam', s.subject, e.year, e.level)
                       END
                FROM import_staging s
                JOIN exam_session e ON e.id = s.session_id
                LEFT JOIN person p ON p.id_number = s.id_number
                LEFT JOIN exam_registration r ON r.session_id = s.session_id AND r.person_id = p.id
                WHERE r.id IS NULL OR NOT (s.subject = ANY (r.subjects))
                """,
                """
                SELECT line, 'score', score::text,
                       format('line %s gives another score for the same person, session and subject', first_line)
                FROM (SELECT line, score, first_value(line) OVER w AS first_line,
                      first_value(score) OVER w AS first_score
                      FROM import_staging WINDOW w AS (PARTITION BY id_number, session_id, subject ORDER BY line)) x
                WHERE line <> first_line AND score <> first_score
                """,
                // Refused, not rounded: 59.95 rounded is 60.0, a pass (sql/0013 refuses it too).
                """
                SELECT line, 'score', score::text,
                       'has more than one decimal; the exam gives scores to one decimal (59.5), and rounding '
                       || 'could cross the pass line'
                FROM import_staging WHERE score <> round(score, 1)
                """,
            ],
            merge: { db in
                // Read before written: ImportPipeline.materialize says why.
                try ImportPipeline.materialize(
                    db, "import_matched",
                    as: """
                        SELECT src.*, sc.score AS stored_score
                        FROM (SELECT DISTINCT ON (r.id, s.subject) r.id AS registration_id, s.subject, s.score
                              FROM import_staging s
                              JOIN person p ON p.id_number = s.id_number
                              JOIN exam_registration r ON r.session_id = s.session_id AND r.person_id = p.id
                              ORDER BY r.id, s.subject, s.line) src
                        LEFT JOIN exam_score sc ON sc.registration_id = src.registration_id AND sc.subject = src.subject
                        """)
                let updated = try db.execute(
                    """
                    UPDATE exam_score sc SET score = m.score FROM import_matched m
                    WHERE sc.registration_id = m.registration_id AND sc.subject = m.subject
                      AND m.stored_score IS NOT NULL AND sc.score <> m.score
                    """)
                let row = try db.query(
                    """
                    WITH inserted AS (
                        INSERT INTO exam_score (registration_id, subject, score)
                        SELECT registration_id, subject, score FROM import_matched WHERE stored_score IS NULL
                        RETURNING 1
                    )
                    SELECT (SELECT count(*) FROM import_matched), (SELECT count(*) FROM inserted), \(updated)::bigint
                    """
                ).single()
                return try ImportPipeline.mergeCounts(row)
            })
        return try ImportPipeline(definition: definition).run(path: path, on: db, options: options)
    }
}

extension ExamScores {
    /// The session a row names (``ExamSessionReference``), or nil with the row refused.
    static func session(_ row: inout RowFields, in sessions: [ExamSession]) -> Int? {
        guard let reference = ExamSessionReference(text: row.value("session")) else {
            row.reject("session", "\(ExamSessionReference.accepted); see \(remedy: .listExamSessions)")
            return nil
        }
        guard let id = reference.id(in: sessions) else {
            row.reject("session", "no exam session of this year and level; see \(remedy: .listExamSessions)")
            return nil
        }
        return id
    }
}
