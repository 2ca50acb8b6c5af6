public import CalendarDates
import Foundation
public import PostgresClient

/// Staff rosters: who works in which of the six departments of which enterprise, since when,
/// and until when.
public struct Staff {
    public let db: Connection

    public init(db: Connection) {
        self.db = db
    }

    static let staffColumns = [
        ImportColumn(
            "enterprise_uscc",
            aliases: [
                "统一社会信用代码", "企业统一社会信用代码", "uscc",
                "单位统一社会信用代码",
            ]),
        ImportColumn.idNumber,
        ImportColumn("name", aliases: ["姓名"]),
        ImportColumn("department", aliases: ["部门", "所在部门"]),
        ImportColumn("hired_on", aliases: ["入职日期", "入职时间"], required: false),
        ImportColumn("left_on", aliases: ["离职日期", "离职时间"], required: false),
        ImportColumn("education", aliases: ["学历"], required: false),
        ImportColumn("social_work_major", aliases: ["社会工作专业", "是否社会工作专业"], required: false),
        ImportColumn(
            "social_work_since", aliases: ["从事社会工作时间", "社会工作起始日期"], required: false),
    ]

    /// Imports roster rows: one per person, enterprise and department. Creates persons and
    /// employments; re-importing the same file changes nothing, and a later file with a leaving
    /// date closes the employment.
    ///
    /// With `enterprise` (a USCC: the API's upload to one enterprise), that enterprise must be in
    /// the acting user's scope, and a row that names another one is a bad row.
    public func importFile(path: String, options: ImportOptions, enterprise: String? = nil) throws -> ImportSummary {
        try ImportPipeline(definition: try importDefinition(options: options, enterprise: enterprise))
            .run(path: path, on: db, options: options)
    }

    /// Imports the parts of one roster (a roster larger than one file may be) in one transaction,
    /// one after the other, as ``importFile(path:options:enterprise:)`` imports one: all of them
    /// or, with a bad row in any (and no `skipInvalid`), none, every file's bad rows listed
    /// (``ImportsRejected``). The maintained ratio figure is recomputed once, at the end, rather
    /// than once per file over everything the files before loaded.
    public func importFiles(paths: [String], options: ImportOptions) throws -> [ImportSummary] {
        try ImportPipeline(definition: try importDefinition(options: options, enterprise: nil))
            .run(paths: paths, on: db, options: options)
    }

    private func importDefinition(options: ImportOptions, enterprise: String?) throws -> ImportDefinition {
        let today = options.today
        let only = try enterprise.map { try Enterprises(db: db).lookUp(uscc: $0).enterprise.uscc }
        // A roster names few enterprises many times over: check each USCC once.
        let usccChecks = Memo<String, CodeCheck>(Codes.checkUSCC)
        return ImportDefinition(
            action: "staff import",
            columns: Staff.staffColumns,
            stagingColumns: [
                "enterprise_uscc text COLLATE \"C\"", "id_number text COLLATE \"C\"", "name text",
                "department department_kind",
                "hired_on date", "left_on date", "education education_level", "social_work_major boolean",
                "social_work_since date",
            ],
            validate: { row in
                let uscc = row.code("enterprise_uscc") { usccChecks[$0] }
                if let only, let uscc, uscc != only {
                    row.reject("enterprise_uscc", "is not the enterprise this roster is uploaded to")
                }
                let id = row.code("id_number") { Codes.checkIDNumber($0, today: today) }
                let name = row.text("name", .personName)
                let department = Department(text: row.value("department"))
                if department == nil {
                    row.reject("department", "unknown department; use one of \(Department.acceptedValues)")
                }
                let hired = ImportPipeline.optionalDate(&row, "hired_on", today: today)
                let left = ImportPipeline.optionalDate(&row, "left_on", today: today)
                if let hired, let left, left <= hired {
                    row.reject("left_on", "is not after the hiring date \(hired)")
                }
                let educationText = row.value("education")
                let education = EducationLevel(spreadsheetValue: educationText)
                if !educationText.isEmpty && education == nil {
                    row.reject("education", "unknown education; use 高中/中专, 大专, 本科, 硕士 or 博士")
                }
                let majorText = row.value("social_work_major")
                let major = spreadsheetBool(majorText)
                if !majorText.isEmpty && major == nil { row.reject("social_work_major", "write yes or no (是/否)") }
                let since = ImportPipeline.optionalDate(&row, "social_work_since", today: today)
                guard row.errors.isEmpty else { return nil }
                return [
                    uscc, id, name, department?.rawValue, hired?.iso, left?.iso, education?.rawValue,
                    major.map { $0 ? "t" : "f" }, since?.iso,
                ]
            },
            crossChecks: [
                """
                SELECT s.line, 'enterprise_uscc', s.enterprise_uscc, unknown_enterprise_reason(
                           'no enterprise has this USCC; add it with {remedy:add_or_import_enterprise} first')
                FROM import_staging s
                WHERE NOT EXISTS (SELECT 1 FROM enterprise e WHERE e.uscc = s.enterprise_uscc)
                """,
                Staff.sameIDDifferentNames,
                Staff.nameDiffersFromRecord,
                Staff.nameDiffersOutsideScope,
                Staff.datesBeforeBirth,
                """
                SELECT line, 'hired_on', coalesce(hired_on::text, ''),
                       format('line %s already has an open employment for this person, enterprise and department',
                              first_line)
                FROM (SELECT line, hired_on,
                             first_value(line) OVER w AS first_line, first_value(hired_on) OVER w AS first_hired
                      FROM import_staging WHERE left_on IS NULL
                      WINDOW w AS (PARTITION BY id_number, enterprise_uscc, department ORDER BY line)) x
                WHERE line <> first_line AND hired_on IS DISTINCT FROM first_hired
                """,
                // Each row's open employment looked up by its person, enterprise and department (at
                // most one: employment_one_open_idx), LATERAL with OFFSET 0 so that the planner cannot
                // join the staged rows to every open employment of their enterprise and department
                // first: it did, and that join grows with the employments already on record (a 1M-row
                // part against 5M employments: 31 s, against 4.4 s this way).
                """
                SELECT s.line, 'hired_on', coalesce(s.hired_on::text, ''),
                       format(
                           'already employed in %s there since %s; record the leaving first ({remedy:record_leaving})',
                           s.department, coalesce(em.hired_on::text, 'an unknown date'))
                FROM import_staging s
                JOIN person p ON p.id_number = s.id_number
                JOIN enterprise e ON e.uscc = s.enterprise_uscc
                JOIN LATERAL (
                    SELECT o.hired_on FROM employment o
                    WHERE o.person_id = p.id AND o.enterprise_id = e.id AND o.department = s.department
                      AND o.left_on IS NULL
                    OFFSET 0
                ) em ON true
                WHERE s.left_on IS NULL AND em.hired_on IS DISTINCT FROM s.hired_on
                """,
            ],
            merge: { db in try Staff.merge(db) })
    }

    /// Merges a staged roster, safe against concurrent imports of overlapping rosters:
    ///
    /// - the rows of the file's enterprises are locked (`FOR NO KEY UPDATE`, in id order), so two
    ///   imports into one enterprise merge its employments one after the other, each seeing what the
    ///   other committed: an employment is closed or inserted once, never twice;
    /// - persons are inserted with `ON CONFLICT (id_number) DO NOTHING` (in ID-number order, so two
    ///   imports wait on each other's new persons in one order): the same new person in both files
    ///   is one row, whichever commits first;
    /// - what the checks could not see, because another import committed it after they ran (the same
    ///   ID number under another name; an open employment with another hiring date, which the unique
    ///   index of open employments refuses), makes the merge throw ``ConcurrentChange``: the import
    ///   runs again and its checks report those rows by line.
    static func merge(_ db: Connection) throws -> (inserted: Int, updated: Int, unchanged: Int) {
        try db.execute(
            script: """
                SELECT 1 FROM enterprise
                WHERE uscc IN (SELECT DISTINCT enterprise_uscc FROM import_staging)
                ORDER BY id FOR NO KEY UPDATE;
                SELECT add_persons(array_agg(id_number::text ORDER BY line), array_agg(name ORDER BY line))
                FROM import_staging;
                """)
        try ImportPipeline.materialize(
            db, "import_resolved",
            as: """
                SELECT p.person_id, e.id AS enterprise_id, s.department, s.hired_on,
                       max(s.left_on) AS left_on, bool_or(p.name_differs) AS name_differs
                FROM import_staging s
                JOIN \(Staff.stagedPersons) p ON p.id_number = s.id_number
                JOIN enterprise e ON e.uscc = s.enterprise_uscc
                GROUP BY 1, 2, 3, 4
                """)
        // Each employment of the file with those on record that it matches (closed ones may be on
        // record twice), read before anything is written: see ``ImportPipeline/materialize(_:_:as:)``.
        try ImportPipeline.materialize(
            db, "import_matched",
            as: """
                SELECT r.*, em.id AS employment_id
                FROM import_resolved r
                LEFT JOIN employment em
                       ON em.person_id = r.person_id AND em.enterprise_id = r.enterprise_id
                      AND em.department = r.department AND em.hired_on IS NOT DISTINCT FROM r.hired_on
                """)
        // A unique violation of the open-employment index: another import committed an open
        // employment with another hiring date since the checks ran. New employments go in in the
        // order of the person-first indexes (employment_one_open_idx, employment_person_cover_idx),
        // which then grow at one end instead of at random pages, and the checks that look each new
        // row's person up (its foreign key, employment_not_before_birth) read person in order.
        let counts = try ImportPipeline.concurrentChange(ifViolating: "employment_one_open_idx", of: "employment") {
            let updated = try db.execute(
                """
                UPDATE employment em SET left_on = m.left_on
                FROM import_matched m
                WHERE em.id = m.employment_id AND m.left_on IS NOT NULL AND em.left_on IS DISTINCT FROM m.left_on
                """)
            return try db.query(
                """
                WITH inserted AS (
                    INSERT INTO employment (person_id, enterprise_id, department, hired_on, left_on)
                    SELECT person_id, enterprise_id, department, hired_on, left_on
                    FROM import_matched WHERE employment_id IS NULL
                    ORDER BY person_id, enterprise_id, department, hired_on
                    RETURNING 1
                )
                SELECT (SELECT count(*) FROM import_resolved), (SELECT count(*) FROM inserted), \(updated)::bigint,
                       EXISTS (SELECT 1 FROM import_resolved WHERE name_differs)
                """
            ).single()
        }
        // Within a user's scope a person is visible once employed there: their details follow the
        // employments.
        try db.execute(
            script: """
                UPDATE person p
                SET education = coalesce(s.education, p.education),
                    social_work_major = coalesce(s.social_work_major, p.social_work_major),
                    social_work_since = coalesce(s.social_work_since, p.social_work_since)
                FROM (SELECT DISTINCT ON (id_number) id_number, education, social_work_major, social_work_since
                      FROM import_staging
                      WHERE education IS NOT NULL OR social_work_major IS NOT NULL
                        OR social_work_since IS NOT NULL
                      ORDER BY id_number, line DESC) s
                WHERE p.id_number = s.id_number
                  AND (p.education, p.social_work_major, p.social_work_since) IS DISTINCT FROM
                      (coalesce(s.education, p.education), coalesce(s.social_work_major, p.social_work_major),
                       coalesce(s.social_work_since, p.social_work_since));
                """)
        // Another import gave the same new ID number another name since the checks ran.
        if try counts.decode(3, as: Bool.self) { throw ConcurrentChange(table: "person", attempts: 1) }
        return try ImportPipeline.mergeCounts(counts)
    }

    /// Names are personal data: the refusal names the other line, not either name (nor quotes the cell).
    static let sameIDDifferentNames: SQLQuery = """
        SELECT line, 'name', '', format('line %s gives the same ID number a different name', first_line)
        FROM (SELECT line, name, first_value(line) OVER w AS first_line, first_value(name) OVER w AS first_name
              FROM import_staging WHERE name IS NOT NULL
              WINDOW w AS (PARTITION BY id_number ORDER BY line)) x
        WHERE name <> first_name
        """

    /// The persons of the staged ID numbers (`roster_persons`, sql/0015), also those a user's scope
    /// does not see yet: employed elsewhere, or added by this import.
    static let stagedPersons = """
        roster_persons((SELECT array_agg(id_number::text ORDER BY line) FROM import_staging),
                       (SELECT array_agg(name ORDER BY line) FROM import_staging))
        """

    /// A person outside the user's scope whose record has another name, which is not theirs to read.
    /// Not run at all without such a user (a one-time filter): the owner sees every person.
    static let nameDiffersOutsideScope = SQLQuery(
        unsafeSQL: """
            SELECT s.line, 'name', '', 'this ID number is on record under a different name'
            FROM import_staging s
            JOIN (SELECT * FROM \(stagedPersons) WHERE (SELECT esw_has_scope())) r ON r.id_number = s.id_number
            WHERE r.name_differs AND NOT EXISTS (SELECT 1 FROM person p WHERE p.id_number = s.id_number)
            """)

    static let beforeBirth: Reason = "is before the person's birth date (from the ID number)"

    /// Hiring and leaving dates before the birth date in the ID number (sql/0013 refuses them too).
    /// The birth date is read once per row (`least` ignores a missing date); only the rare rows with
    /// a date before it are looked at date by date.
    static let datesBeforeBirth: SQLQuery = """
        SELECT s.line, d.key, d.day::text, \(beforeBirth.description)
        FROM (SELECT line, hired_on, left_on, id_number_birth_date(id_number) AS born FROM import_staging
              WHERE least(hired_on, left_on) < id_number_birth_date(id_number) OFFSET 0) s,
             LATERAL (VALUES ('hired_on', s.hired_on), ('left_on', s.left_on)) d (key, day)
        WHERE d.day < s.born
        """

    /// Neither the name on record nor the one given is quoted (personal data); the remedy is the
    /// correction of the name on record, which keeps its history.
    static let nameDiffersFromRecord: SQLQuery = """
        SELECT s.line, 'name', '',
               'this ID number is on record under a different name; if the record is wrong, correct it with '
                   || '{remedy:correct_name} (its history is kept), then import again'
        FROM import_staging s JOIN person p ON p.id_number = s.id_number
        WHERE s.name IS NOT NULL AND p.name <> s.name
        """

    /// Records that a person left an enterprise: closes the open employment in one department,
    /// or in every department when none is named. Returns the departments closed.
    @discardableResult
    public func recordLeaving(
        idNumber: String, enterpriseUSCC: String, department: Department?, on date: CalendarDate, today: CalendarDate
    ) throws -> [Department] {
        let id = try Codes.validIDNumber(idNumber, today: today)
        let uscc = try Codes.validUSCC(enterpriseUSCC)
        guard date <= today else {
            throw WorkforceError.invalid(field: "on", value: date.iso, reason: "is after today (\(today))")
        }
        try RecordDates.check(date, field: "on")
        return try db.transaction { db in
            let open = try db.query(
                """
                SELECT em.id, em.department::text, em.hired_on, p.birth_date
                FROM employment em
                JOIN person p ON p.id = em.person_id
                JOIN enterprise e ON e.id = em.enterprise_id
                WHERE p.id_number = \(id) AND e.uscc = \(uscc) AND em.left_on IS NULL
                  AND (\(department?.rawValue)::department_kind IS NULL
                       OR em.department = \(department?.rawValue)::department_kind)
                FOR UPDATE OF em
                """)
            guard !open.isEmpty else {
                let scope = department.map { " in \($0.rawValue)" } ?? ""
                throw WorkforceError.notFound(
                    "the person with this ID number has no open employment at \(uscc)\(scope)")
            }
            var closed: [Department] = []
            for row in open {
                let hired: CalendarDate? = try row.decode(2)
                let kind = try row.decode(1, as: Department.self)
                if date < (try row.decode(3, as: CalendarDate.self)) {
                    throw WorkforceError.invalid(field: "on", value: date.iso, reason: Staff.beforeBirth)
                }
                if let hired, date <= hired {
                    throw WorkforceError.invalid(
                        field: "on", value: date.iso,
                        reason: "is not after the hiring date \(hired) in \(kind.rawValue)")
                }
                try db.execute("UPDATE employment SET left_on = \(date) WHERE id = \(try row.decode(0, as: Int.self))")
                closed.append(kind)
            }
            try Audit.record(
                on: db, action: "staff leave", subject: uscc,
                detail: ["departments": closed.map(\.rawValue).joined(separator: ","), "on": date.iso])
            return closed
        }
    }

    /// Corrects the name on record of the person with this ID number, with the reason: the database
    /// keeps the name before and after, who and why (person_name_history, sql/0027), and the audit
    /// trail the change with the reason. Returns false when the name on record is the one given.
    @discardableResult
    public func correctName(idNumber: String, to name: String, reason: String, today: CalendarDate) throws -> Bool {
        let id = try Codes.validIDNumber(idNumber, today: today)
        let name = try TextLimits.valid(name, as: .personName, field: "name")
        let reason = try Correction.reason(reason)
        return try db.transaction { db in
            let person = try Staff(db: db).personID(idNumber: id)
            try Correction.mark(db, action: "staff rename", reason: reason)
            let changed = try db.execute(
                "UPDATE person SET name = \(name) WHERE id = \(person) AND name IS DISTINCT FROM \(name)")
            if changed > 0 {
                try Audit.record(
                    on: db, action: "staff rename", subject: "person \(person)", detail: ["reason": reason])
            }
            return changed > 0
        }
    }

    /// The names a person has had, oldest change first: each change with who made it, when and why.
    public func nameHistory(idNumber: String, today: CalendarDate) throws -> [NameChange] {
        let id = try Codes.validIDNumber(idNumber, today: today)
        let person = try personID(idNumber: id)
        return try db.query(
            """
            SELECT old_name, new_name, to_char(changed_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI:SS'),
                   changed_by, reason
            FROM person_name_history
            WHERE person_id = \(person) ORDER BY changed_at, id
            """
        ).map { row in
            NameChange(
                oldName: try row.decode(0), newName: try row.decode(1), changedAt: try row.decode(2),
                changedBy: try row.decode(3), reason: try row.decode(4))
        }
    }

    /// The person with this ID number; `field` names the option it came from. The error does not
    /// repeat the ID number (personal data in a message), and a user with a scope hears the same
    /// words whether the person is on record elsewhere or nowhere.
    func personID(idNumber: String, field: Field = "id_number") throws -> Int {
        let rows = try db.query("SELECT id FROM person WHERE id_number = \(idNumber)")
        guard let row = rows.first else {
            let reason: Reason =
                try Session.hasScope(db)
                ? "no person of your scope has this ID number; import the roster first"
                : "no person on record has this ID number; import the roster first"
            throw WorkforceError.invalid(field: field, value: "", reason: reason)
        }
        return try row.decode(0)
    }
}

/// One change of a person's name, as person_name_history keeps it.
public struct NameChange: Sendable, Equatable {
    public let oldName: String
    public let newName: String
    /// Beijing time, "2014-03-01 09:30:00".
    public let changedAt: String
    public let changedBy: String
    public let reason: String?
}
