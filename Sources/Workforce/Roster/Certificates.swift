public import CalendarDates
import Foundation
public import PostgresClient

/// Social worker certificates: imported or added one by one; they belong to the person, not
/// the job.
public struct Certificates {
    public let db: Connection

    public init(db: Connection) {
        self.db = db
    }

    static let certificateColumns = [
        ImportColumn.idNumber,
        ImportColumn("level", aliases: ["证书等级", "等级", "级别"]),
        ImportColumn("certificate_no", aliases: ["证书编号", "管理号", "证书管理号"]),
        ImportColumn("issued_on", aliases: ["发证日期", "取得日期", "颁发日期"]),
        ImportColumn("revoked_on", aliases: ["注销日期", "撤销日期"], required: false),
        ImportColumn("name", aliases: ["姓名"], required: false),
        ImportColumn("exam_session", aliases: ["考试场次", "exam_session_id"], required: false),
    ]

    static func validateCertificate(_ row: inout RowFields, today: CalendarDate) -> [String?]? {
        let id = row.code("id_number") { Codes.checkIDNumber($0, today: today) }
        let level = CertificateLevel(text: row.value("level"))
        if level == nil { row.reject("level", "unknown level; use one of \(CertificateLevel.acceptedValues)") }
        let number = row.text("certificate_no", .certificateNumber)
        var issued: CalendarDate?
        if row.value("issued_on").isEmpty {
            row.reject("issued_on", "is empty; a certificate needs its issue date")
        } else {
            issued = ImportPipeline.optionalDate(&row, "issued_on", today: today)
        }
        let revoked = ImportPipeline.optionalDate(&row, "revoked_on", today: today)
        if let issued, let revoked, revoked <= issued {
            row.reject("revoked_on", "is not after the issue date \(issued)")
        }
        let name = row.text("name", .personName, required: false)
        let sessionText = row.value("exam_session")
        let session = Int(sessionText)
        if !sessionText.isEmpty && session == nil { row.reject("exam_session", "is not an exam session id") }
        guard row.errors.isEmpty else { return nil }
        return [
            id, level?.rawValue, number, issued?.iso, revoked?.iso, name, session.map(String.init),
        ]
    }

    static let certificateCrossChecks: [SQLQuery] = [
        """
        SELECT s.line, 'id_number', s.id_number,
               'no person has this ID number; import the roster first, or add a 姓名 (name) column'
        FROM import_staging s
        WHERE NOT EXISTS (SELECT 1 FROM person p WHERE p.id_number = s.id_number)
          AND NOT EXISTS (SELECT 1 FROM import_staging n WHERE n.id_number = s.id_number AND n.name IS NOT NULL)
          AND NOT (SELECT esw_has_scope())
        """,
        // A user's certificates go to the staff of their scope, whom they see (sql/0015); whether
        // anyone else has this ID number is not theirs to know.
        """
        SELECT s.line, 'id_number', s.id_number, 'is not staff of your scope; import the roster first'
        FROM import_staging s
        WHERE (SELECT esw_has_scope()) AND NOT EXISTS (SELECT 1 FROM person p WHERE p.id_number = s.id_number)
        """,
        Staff.sameIDDifferentNames,
        Staff.nameDiffersFromRecord,
        """
        SELECT line, 'certificate_no', certificate_no,
               format('line %s has the same certificate number with other details', first_line)
        FROM (SELECT line, certificate_no, first_value(line) OVER w AS first_line,
                     ROW(id_number, level, issued_on, revoked_on)::text AS details,
                     first_value(ROW(id_number, level, issued_on, revoked_on)::text) OVER w AS first_details
              FROM import_staging WINDOW w AS (PARTITION BY certificate_no ORDER BY line)) x
        WHERE line <> first_line AND details <> first_details
        """,
        """
        SELECT s.line, 'certificate_no', s.certificate_no,
               CASE WHEN p.id_number::text <> s.id_number THEN 'is on record for another person'
                    ELSE format('is on record as %s, issued %s', c.level, c.issued_on) END
        FROM import_staging s
        JOIN certificate c ON c.certificate_no = s.certificate_no
        JOIN person p ON p.id = c.person_id
        WHERE (p.id_number::text, c.level, c.issued_on) IS DISTINCT FROM (s.id_number, s.level, s.issued_on)
        """,
        // ... and one whose holder the user's scope does not see (sql/0015).
        """
        SELECT s.line, 'certificate_no', s.certificate_no, 'is on record for another person'
        FROM import_staging s
        WHERE s.certificate_no IN (
                  SELECT esw_certificates_held_by_others(
                      (SELECT array_agg(certificate_no::text ORDER BY line) FROM import_staging),
                      (SELECT array_agg(id_number::text ORDER BY line) FROM import_staging)))
          AND NOT EXISTS (SELECT 1 FROM certificate c WHERE c.certificate_no = s.certificate_no)
        """,
        """
        SELECT line, 'issued_on', issued_on::text,
               CASE WHEN issued_on < DATE '2008-01-01'
                    THEN 'is before 2008, the year of the first national social worker exam'
                    ELSE 'is before the holder''s 18th birthday (from the ID number)' END
        FROM import_staging
        WHERE issued_on < DATE '2008-01-01' OR issued_on < id_number_birth_date(id_number) + interval '18 years'
        """,
        """
        SELECT s.line, 'exam_session', s.exam_session_id::text,
               CASE WHEN e.id IS NULL THEN 'no exam session has this id'
                    WHEN e.level <> s.level THEN 'is the ' || e.year || ' ' || e.level || ' session, not ' || s.level
                    ELSE 'the holder has no registration for this session' END
        FROM import_staging s
        LEFT JOIN exam_session e ON e.id = s.exam_session_id
        WHERE s.exam_session_id IS NOT NULL
          AND (e.id IS NULL OR e.level <> s.level OR NOT EXISTS (
                  SELECT 1 FROM exam_registration r JOIN person p ON p.id = r.person_id
                  WHERE r.session_id = s.exam_session_id AND p.id_number = s.id_number))
        """,
    ]

    /// Imports certificates (ID number, level, certificate number, issue date, optional revocation
    /// date). Re-importing changes nothing; a later revocation date is recorded.
    public func importFile(path: String, options: ImportOptions) throws -> ImportSummary {
        let today = options.today
        let definition = ImportDefinition(
            action: "certificate import",
            columns: Certificates.certificateColumns,
            stagingColumns: [
                "id_number text COLLATE \"C\"", "level certificate_level", "certificate_no text COLLATE \"C\"",
                "issued_on date",
                "revoked_on date", "name text", "exam_session_id bigint",
            ],
            validate: { row in Certificates.validateCertificate(&row, today: today) },
            crossChecks: Certificates.certificateCrossChecks,
            merge: { db in try Certificates.mergeCertificates(db) })
        return try ImportPipeline(definition: definition).run(path: path, on: db, options: options)
    }

    /// Adds the persons the file names who are not on record, then the certificates not on record,
    /// and records later revocations and exam sessions. Each table is read before it is written
    /// (``ImportPipeline/materialize(_:_:as:)``); the writes find rows by key.
    static func mergeCertificates(_ db: Connection) throws -> (inserted: Int, updated: Int, unchanged: Int) {
        try ImportPipeline.materialize(
            db, "import_new_persons",
            as: """
                SELECT DISTINCT ON (s.id_number) s.id_number, s.name
                FROM import_staging s
                WHERE s.name IS NOT NULL AND NOT EXISTS (SELECT 1 FROM person p WHERE p.id_number = s.id_number)
                ORDER BY s.id_number, s.line
                """)
        try db.execute(
            script: """
                INSERT INTO person (id_number, name)
                SELECT id_number, name FROM import_new_persons ORDER BY id_number
                ON CONFLICT (id_number) DO NOTHING
                """)
        try ImportPipeline.materialize(
            db, "import_matched",
            as: """
                SELECT s.*, c.id AS certificate_id, p.id AS person_id
                FROM (SELECT DISTINCT ON (certificate_no) id_number, level, certificate_no, issued_on, revoked_on,
                             exam_session_id
                      FROM import_staging ORDER BY certificate_no, line) s
                LEFT JOIN certificate c ON c.certificate_no = s.certificate_no
                LEFT JOIN person p ON p.id_number = s.id_number AND c.id IS NULL
                """)
        let updated = try db.execute(
            """
            UPDATE certificate c
            SET revoked_on = coalesce(m.revoked_on, c.revoked_on),
                exam_session_id = coalesce(m.exam_session_id, c.exam_session_id)
            FROM import_matched m
            WHERE c.id = m.certificate_id
              AND ((m.revoked_on IS NOT NULL AND c.revoked_on IS DISTINCT FROM m.revoked_on)
                   OR (m.exam_session_id IS NOT NULL AND c.exam_session_id IS DISTINCT FROM m.exam_session_id))
            """)
        let counts = try db.query(
            """
            WITH inserted AS (
                INSERT INTO certificate (person_id, level, certificate_no, issued_on, revoked_on, exam_session_id)
                SELECT person_id, level, certificate_no, issued_on, revoked_on, exam_session_id
                FROM import_matched WHERE certificate_id IS NULL AND person_id IS NOT NULL
                ON CONFLICT (certificate_no) DO NOTHING
                RETURNING 1
            )
            SELECT (SELECT count(*) FROM import_matched), (SELECT count(*) FROM inserted), \(updated)::bigint
            """
        ).single()
        try ImportPipeline.expectMerged(db, table: "certificate", certificatesAsStaged)
        try ImportPipeline.expectMerged(db, table: "person", "SELECT count(*) FROM (\(Staff.nameDiffersFromRecord)) x")
        return try ImportPipeline.mergeCounts(counts)
    }

    /// Counts the staged certificates that the tables do not hold as staged: after the merge, only
    /// because a concurrent import committed the same certificate number (for another holder, level
    /// or issue date, or without the revocation) after this import's checks had run. Persons and
    /// certificates are inserted with `ON CONFLICT DO NOTHING`, so such a race is never a unique
    /// violation; it makes the import run again, and its checks then report the line.
    static let certificatesAsStaged: SQLQuery = """
        SELECT count(*)
        FROM (SELECT DISTINCT ON (certificate_no) * FROM import_staging ORDER BY certificate_no, line) s
        LEFT JOIN certificate c ON c.certificate_no = s.certificate_no
        LEFT JOIN person p ON p.id = c.person_id
        WHERE c.id IS NULL
           OR (p.id_number::text, c.level, c.issued_on) IS DISTINCT FROM (s.id_number, s.level, s.issued_on)
           OR (s.revoked_on IS NOT NULL AND c.revoked_on IS DISTINCT FROM s.revoked_on)
           OR (s.exam_session_id IS NOT NULL AND c.exam_session_id IS DISTINCT FROM s.exam_session_id)
        """

    /// Records one certificate, through the same checks as the import.
    public func add(
        idNumber: String, level: String, certificateNo: String, issuedOn: String, revokedOn: String?, name: String?,
        today: CalendarDate
    ) throws -> ImportSummary {
        var fields = RowFields(
            line: 0,
            values: [
                "id_number": idNumber, "level": level, "certificate_no": certificateNo.trimmingSpaces,
                "issued_on": issuedOn, "revoked_on": revokedOn ?? "", "name": name?.trimmingSpaces ?? "",
            ],
            headers: [
                "id_number": "id_number", "level": "level", "certificate_no": "number",
                "issued_on": "issued", "revoked_on": "revoked", "name": "name",
            ])
        guard let values = Certificates.validateCertificate(&fields, today: today) else {
            let error = fields.errors[0]
            throw WorkforceError.invalid(field: Field(error.column), value: error.value, reason: error.reason)
        }
        return try db.transaction { db in
            try db.execute(
                script: """
                    CREATE TEMP TABLE import_staging (line integer NOT NULL, id_number text, level certificate_level,
                        certificate_no text, issued_on date, revoked_on date, name text, exam_session_id bigint)
                            ON COMMIT DROP
                    """)
            try db.execute(
                """
                INSERT INTO import_staging VALUES (0, \(values[0]), \(values[1])::certificate_level, \(values[2]),
                    \(values[3])::date, \(values[4])::date, \(values[5]), \(values[6])::bigint)
                """)
            for check in Certificates.certificateCrossChecks {
                if let row = try db.query(check).first {
                    let field = fields.headers[try row.decode(1, as: String.self)] ?? "value"
                    throw WorkforceError.invalid(
                        field: Field(field), value: try row.decode(2, as: String?.self) ?? "",
                        reason: Reason(parsing: try row.decode(3)))
                }
            }
            let merged = try Certificates.mergeCertificates(db)
            try Audit.record(on: db, action: "certificate add", subject: values[2] ?? "")
            return ImportSummary(
                read: 1, inserted: merged.inserted, updated: merged.updated, unchanged: merged.unchanged)
        }
    }
}
