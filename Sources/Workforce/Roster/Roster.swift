public import CalendarDates
import Foundation
public import PostgresClient

/// Remembers a pure function's answers.
final class Memo<Key: Hashable, Value> {
    private var answers: [Key: Value] = [:]
    private let compute: (Key) -> Value

    init(_ compute: @escaping (Key) -> Value) {
        self.compute = compute
    }

    subscript(key: Key) -> Value {
        if let known = answers[key] { return known }
        let value = compute(key)
        answers[key] = value
        return value
    }
}

/// An enterprise as the tracker holds it.
public struct Enterprise: Sendable, Equatable {
    public let uscc: String
    public let name: String
    public let regionCode: String
    public let employees: Int?
}

/// Enterprises, staff rosters and certificates: the data the certified ratio is computed from.
public struct Roster {
    public let db: Connection

    public init(db: Connection) {
        self.db = db
    }

    // MARK: Enterprises

    static let enterpriseColumns = [
        ImportColumn("uscc", aliases: ["统一社会信用代码", "社会信用代码", "enterprise_uscc", "信用代码"]),
        ImportColumn("name", aliases: ["企业名称", "单位名称", "enterprise_name", "名称"]),
        ImportColumn("region_code", aliases: ["行政区划代码", "区划代码", "region", "地区代码"]),
        ImportColumn("employees", aliases: ["职工人数", "员工人数", "employee_count"], required: false),
    ]

    static func validateEnterprise(_ row: inout RowFields) -> [String?]? {
        let uscc = row.code("uscc", Codes.checkUSCC)
        let name = row.value("name")
        if name.isEmpty { row.reject("name", "is empty") }
        let region = row.code("region_code", Codes.checkRegion)
        var employees: String?
        let employeesText = row.value("employees")
        if !employeesText.isEmpty {
            if let count = Int(employeesText), count >= 0 { employees = String(count) } else {
                row.reject("employees", "must be a whole number of people, 0 or more")
            }
        }
        guard row.errors.isEmpty else { return nil }
        return [uscc, name, region, employees]
    }

    /// Imports enterprises (USCC, name, region code, optional employee count); re-importing
    /// updates names, regions and counts that changed.
    public func importEnterprises(path: String, options: ImportOptions) throws -> ImportSummary {
        let definition = ImportDefinition(
            action: "enterprise import",
            columns: Roster.enterpriseColumns,
            stagingColumns: ["uscc text COLLATE \"C\"", "name text", "region_code text COLLATE \"C\"", "employees integer"],
            validate: Roster.validateEnterprise,
            crossChecks: [
                """
                SELECT line, 'uscc', uscc, format('the same USCC is on line %s with a different name, region or employee count', first_line)
                FROM (SELECT line, uscc, name, region_code, employees,
                             first_value(line) OVER w AS first_line,
                             first_value(ROW(name, region_code, employees)::text) OVER w AS first_values
                      FROM import_staging WINDOW w AS (PARTITION BY uscc ORDER BY line)) x
                WHERE line <> first_line AND ROW(name, region_code, employees)::text <> first_values
                """,
            ],
            merge: { db in
                let counts = try db.query("""
                    WITH source AS (
                        SELECT DISTINCT ON (uscc) uscc, name, region_code, employees
                        FROM import_staging ORDER BY uscc, line
                    ), updated AS (
                        UPDATE enterprise e
                        SET name = s.name, region_code = s.region_code, employees = coalesce(s.employees, e.employees)
                        FROM source s
                        WHERE e.uscc = s.uscc
                          AND (e.name, e.region_code::text, e.employees)
                              IS DISTINCT FROM (s.name, s.region_code, coalesce(s.employees, e.employees))
                        RETURNING 1
                    ), inserted AS (
                        INSERT INTO enterprise (uscc, name, region_code, employees)
                        SELECT uscc, name, region_code, employees FROM source s
                        WHERE NOT EXISTS (SELECT 1 FROM enterprise e WHERE e.uscc = s.uscc)
                        RETURNING 1
                    )
                    SELECT (SELECT count(*) FROM source), (SELECT count(*) FROM inserted), (SELECT count(*) FROM updated)
                    """).single()
                return try Roster.mergeCounts(counts)
            })
        return try ImportPipeline(definition: definition).run(path: path, on: db, options: options)
    }

    static func mergeCounts(_ row: Row) throws -> (inserted: Int, updated: Int, unchanged: Int) {
        let total: Int = try row.decode(0), inserted: Int = try row.decode(1), updated: Int = try row.decode(2)
        return (inserted, updated, total - inserted - updated)
    }

    /// Adds one enterprise, or updates the one with this USCC.
    @discardableResult
    public func addEnterprise(uscc: String, name: String, regionCode: String, employees: Int?) throws -> Enterprise {
        var fields = RowFields(
            line: 0,
            values: ["uscc": uscc, "name": name.trimmingSpaces, "region_code": regionCode, "employees": employees.map(String.init) ?? ""],
            headers: ["uscc": "uscc", "name": "name", "region_code": "region", "employees": "employees"])
        guard let values = Roster.validateEnterprise(&fields) else {
            let error = fields.errors[0]
            throw WorkforceError.invalid(field: Field(error.column), value: error.value, reason: error.reason)
        }
        return try db.transaction { db in
            let row = try db.query("""
                INSERT INTO enterprise (uscc, name, region_code, employees)
                VALUES (\(values[0]), \(values[1]), \(values[2]), \(values[3].flatMap(Int.init)))
                ON CONFLICT (uscc) DO UPDATE
                SET name = excluded.name, region_code = excluded.region_code,
                    employees = coalesce(excluded.employees, enterprise.employees)
                RETURNING uscc, name, region_code, employees
                """).single()
            let enterprise = Enterprise(
                uscc: try row.decode(0), name: try row.decode(1), regionCode: try row.decode(2), employees: try row.decode(3))
            try Audit.record(on: db, action: "enterprise add", subject: enterprise.uscc, detail: ["name": enterprise.name])
            return enterprise
        }
    }

    /// Enterprises, optionally those of one region (a province, city or county code), by USCC.
    public func enterprises(inRegion regionCode: String? = nil) throws -> [Enterprise] {
        let region = try regionCode.map { try Roster.validRegion($0) }
        return try db.query("""
            SELECT uscc, name, region_code, employees FROM enterprise
            WHERE in_region(region_code, \(region))
            ORDER BY region_code, name, uscc
            """).map { row in
            Enterprise(uscc: try row.decode(0), name: try row.decode(1), regionCode: try row.decode(2), employees: try row.decode(3))
        }
    }

    static func validRegion(_ code: String) throws -> String {
        switch Codes.checkRegion(code) {
        case .valid(let normalized): return normalized
        case .invalid(let reason): throw WorkforceError.invalid(field: "region", value: code, reason: Reason(reason))
        }
    }

    static func validUSCC(_ code: String, field: Field = "enterprise") throws -> String {
        switch Codes.checkUSCC(code) {
        case .valid(let normalized): return normalized
        case .invalid(let reason): throw WorkforceError.invalid(field: field, value: code, reason: Reason(reason))
        }
    }

    static func validIDNumber(_ id: String, today: CalendarDate, field: Field = "id_number") throws -> String {
        switch Codes.checkIDNumber(id, today: today) {
        case .valid(let normalized): return normalized
        case .invalid(let reason): throw WorkforceError.invalid(field: field, value: id, reason: Reason(reason))
        }
    }

    // MARK: Staff

    static let staffColumns = [
        ImportColumn("enterprise_uscc", aliases: ["统一社会信用代码", "企业统一社会信用代码", "uscc", "单位统一社会信用代码"]),
        ImportColumn.idNumber,
        ImportColumn("name", aliases: ["姓名"]),
        ImportColumn("department", aliases: ["部门", "所在部门"]),
        ImportColumn("hired_on", aliases: ["入职日期", "入职时间"], required: false),
        ImportColumn("left_on", aliases: ["离职日期", "离职时间"], required: false),
        ImportColumn("education", aliases: ["学历"], required: false),
        ImportColumn("social_work_major", aliases: ["社会工作专业", "是否社会工作专业"], required: false),
        ImportColumn("social_work_since", aliases: ["从事社会工作时间", "社会工作起始日期"], required: false),
    ]

    /// Imports roster rows: one per person, enterprise and department. Creates persons and
    /// employments; re-importing the same file changes nothing, and a later file with a leaving
    /// date closes the employment.
    public func importStaff(path: String, options: ImportOptions) throws -> ImportSummary {
        let today = options.today
        // A roster names few enterprises many times over: check each USCC once.
        let usccChecks = Memo<String, CodeCheck>(Codes.checkUSCC)
        let definition = ImportDefinition(
            action: "staff import",
            columns: Roster.staffColumns,
            stagingColumns: [
                "enterprise_uscc text COLLATE \"C\"", "id_number text COLLATE \"C\"", "name text", "department department_kind",
                "hired_on date", "left_on date", "education education_level", "social_work_major boolean",
                "social_work_since date",
            ],
            validate: { row in
                let uscc = row.code("enterprise_uscc") { usccChecks[$0] }
                let id = row.code("id_number") { Codes.checkIDNumber($0, today: today) }
                let name = row.value("name")
                if name.isEmpty { row.reject("name", "is empty") }
                let department = Department(spreadsheetValue: row.value("department"))
                if department == nil {
                    row.reject("department", "unknown department; use one of \(Department.acceptedValues)")
                }
                let hired = Roster.optionalDate(&row, "hired_on", today: today)
                let left = Roster.optionalDate(&row, "left_on", today: today)
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
                let since = Roster.optionalDate(&row, "social_work_since", today: today)
                guard row.errors.isEmpty else { return nil }
                return [uscc, id, name, department?.rawValue, hired?.iso, left?.iso, education?.rawValue,
                        major.map { $0 ? "t" : "f" }, since?.iso]
            },
            crossChecks: [
                """
                SELECT s.line, 'enterprise_uscc', s.enterprise_uscc,
                       'no enterprise has this USCC; add it with {remedy:add_or_import_enterprise} first'
                FROM import_staging s
                WHERE NOT EXISTS (SELECT 1 FROM enterprise e WHERE e.uscc = s.enterprise_uscc)
                """,
                Roster.sameIDDifferentNames,
                Roster.nameDiffersFromRecord,
                """
                SELECT line, 'hired_on', coalesce(hired_on::text, ''),
                       format('line %s already has an open employment for this person, enterprise and department', first_line)
                FROM (SELECT line, hired_on,
                             first_value(line) OVER w AS first_line, first_value(hired_on) OVER w AS first_hired
                      FROM import_staging WHERE left_on IS NULL
                      WINDOW w AS (PARTITION BY id_number, enterprise_uscc, department ORDER BY line)) x
                WHERE line <> first_line AND hired_on IS DISTINCT FROM first_hired
                """,
                """
                SELECT s.line, 'hired_on', coalesce(s.hired_on::text, ''),
                       format('already employed in %s there since %s; record the leaving first ({remedy:record_leaving})',
                              s.department, coalesce(em.hired_on::text, 'an unknown date'))
                FROM import_staging s
                JOIN person p ON p.id_number = s.id_number
                JOIN enterprise e ON e.uscc = s.enterprise_uscc
                JOIN employment em ON em.person_id = p.id AND em.enterprise_id = e.id
                                  AND em.department = s.department AND em.left_on IS NULL
                WHERE s.left_on IS NULL AND em.hired_on IS DISTINCT FROM s.hired_on
                """,
            ],
            merge: { db in
                try db.execute(script: """
                    INSERT INTO person (id_number, name)
                    SELECT DISTINCT ON (s.id_number) s.id_number, s.name
                    FROM import_staging s
                    WHERE NOT EXISTS (SELECT 1 FROM person p WHERE p.id_number = s.id_number)
                    ORDER BY s.id_number, s.line;
                    CREATE TEMP TABLE import_resolved ON COMMIT DROP AS
                    SELECT p.id AS person_id, e.id AS enterprise_id, s.department, s.hired_on, max(s.left_on) AS left_on
                    FROM import_staging s
                    JOIN person p ON p.id_number = s.id_number
                    JOIN enterprise e ON e.uscc = s.enterprise_uscc
                    GROUP BY 1, 2, 3, 4;
                    ANALYZE import_resolved;
                    UPDATE person p
                    SET education = coalesce(s.education, p.education),
                        social_work_major = coalesce(s.social_work_major, p.social_work_major),
                        social_work_since = coalesce(s.social_work_since, p.social_work_since)
                    FROM (SELECT DISTINCT ON (id_number) id_number, education, social_work_major, social_work_since
                          FROM import_staging
                          WHERE education IS NOT NULL OR social_work_major IS NOT NULL OR social_work_since IS NOT NULL
                          ORDER BY id_number, line DESC) s
                    WHERE p.id_number = s.id_number
                      AND (p.education, p.social_work_major, p.social_work_since) IS DISTINCT FROM
                          (coalesce(s.education, p.education), coalesce(s.social_work_major, p.social_work_major),
                           coalesce(s.social_work_since, p.social_work_since));
                    """)
                let counts = try db.query("""
                    WITH updated AS (
                        UPDATE employment em SET left_on = r.left_on
                        FROM import_resolved r
                        WHERE em.person_id = r.person_id AND em.enterprise_id = r.enterprise_id
                          AND em.department = r.department AND em.hired_on IS NOT DISTINCT FROM r.hired_on
                          AND r.left_on IS NOT NULL AND em.left_on IS DISTINCT FROM r.left_on
                        RETURNING 1
                    ), inserted AS (
                        INSERT INTO employment (person_id, enterprise_id, department, hired_on, left_on)
                        SELECT r.person_id, r.enterprise_id, r.department, r.hired_on, r.left_on
                        FROM import_resolved r
                        WHERE NOT EXISTS (
                            SELECT 1 FROM employment em
                            WHERE em.person_id = r.person_id AND em.enterprise_id = r.enterprise_id
                              AND em.department = r.department AND em.hired_on IS NOT DISTINCT FROM r.hired_on)
                        RETURNING 1
                    )
                    SELECT (SELECT count(*) FROM import_resolved), (SELECT count(*) FROM inserted), (SELECT count(*) FROM updated)
                    """).single()
                return try Roster.mergeCounts(counts)
            })
        return try ImportPipeline(definition: definition).run(path: path, on: db, options: options)
    }

    static let sameIDDifferentNames: SQLQuery = """
        SELECT line, 'name', name, format('line %s gives the same ID number the name %s', first_line, first_name)
        FROM (SELECT line, name, first_value(line) OVER w AS first_line, first_value(name) OVER w AS first_name
              FROM import_staging WHERE name IS NOT NULL
              WINDOW w AS (PARTITION BY id_number ORDER BY line)) x
        WHERE name <> first_name
        """

    static let nameDiffersFromRecord: SQLQuery = """
        SELECT s.line, 'name', s.name, format('this ID number is on record as %s', p.name)
        FROM import_staging s JOIN person p ON p.id_number = s.id_number
        WHERE s.name IS NOT NULL AND p.name <> s.name
        """

    static func optionalDate(_ row: inout RowFields, _ key: String, today: CalendarDate) -> CalendarDate? {
        let text = row.value(key)
        guard !text.isEmpty else { return nil }
        guard let date = CalendarDate(spreadsheetValue: text) else {
            row.reject(key, "is not a date; write it as 2013-06-01, 2013/6/1 or 2013年6月1日")
            return nil
        }
        if date > today {
            row.reject(key, "is after today (\(today))")
            return nil
        }
        return date
    }

    /// Records that a person left an enterprise: closes the open employment in one department,
    /// or in every department when none is named. Returns the departments closed.
    @discardableResult
    public func recordLeaving(idNumber: String, enterpriseUSCC: String, department: Department?, on date: CalendarDate, today: CalendarDate) throws -> [Department] {
        let id = try Roster.validIDNumber(idNumber, today: today)
        let uscc = try Roster.validUSCC(enterpriseUSCC)
        guard date <= today else {
            throw WorkforceError.invalid(field: "on", value: date.iso, reason: "is after today (\(today))")
        }
        return try db.transaction { db in
            let open = try db.query("""
                SELECT em.id, em.department::text, em.hired_on
                FROM employment em
                JOIN person p ON p.id = em.person_id
                JOIN enterprise e ON e.id = em.enterprise_id
                WHERE p.id_number = \(id) AND e.uscc = \(uscc) AND em.left_on IS NULL
                  AND (\(department?.rawValue)::department_kind IS NULL OR em.department = \(department?.rawValue)::department_kind)
                FOR UPDATE OF em
                """)
            guard !open.isEmpty else {
                let scope = department.map { " in \($0.rawValue)" } ?? ""
                throw WorkforceError.notFound("\(id) has no open employment at \(uscc)\(scope)")
            }
            var closed: [Department] = []
            for row in open {
                let hired: CalendarDate? = try row.decode(2)
                let kind = try row.decode(1, as: Department.self)
                if let hired, date <= hired {
                    throw WorkforceError.invalid(
                        field: "on", value: date.iso, reason: "is not after the hiring date \(hired) in \(kind.rawValue)")
                }
                try db.execute("UPDATE employment SET left_on = \(date) WHERE id = \(try row.decode(0, as: Int.self))")
                closed.append(kind)
            }
            try Audit.record(on: db, action: "staff leave", subject: uscc,
                             detail: ["departments": closed.map(\.rawValue).joined(separator: ","), "on": date.iso])
            return closed
        }
    }

    // MARK: Certificates

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
        let level = CertificateLevel(spreadsheetValue: row.value("level"))
        if level == nil { row.reject("level", "unknown level; use one of \(CertificateLevel.acceptedValues)") }
        let number = row.value("certificate_no")
        if number.isEmpty { row.reject("certificate_no", "is empty") }
        var issued: CalendarDate?
        if row.value("issued_on").isEmpty {
            row.reject("issued_on", "is empty; a certificate needs its issue date")
        } else {
            issued = optionalDate(&row, "issued_on", today: today)
        }
        let revoked = optionalDate(&row, "revoked_on", today: today)
        if let issued, let revoked, revoked <= issued {
            row.reject("revoked_on", "is not after the issue date \(issued)")
        }
        let name = row.value("name")
        let sessionText = row.value("exam_session")
        let session = Int(sessionText)
        if !sessionText.isEmpty && session == nil { row.reject("exam_session", "is not an exam session id") }
        guard row.errors.isEmpty else { return nil }
        return [id, level?.rawValue, number, issued?.iso, revoked?.iso, name.isEmpty ? nil : name, session.map(String.init)]
    }

    static let certificateCrossChecks: [SQLQuery] = [
        """
        SELECT s.line, 'id_number', s.id_number,
               'no person has this ID number; import the roster first, or add a 姓名 (name) column'
        FROM import_staging s
        WHERE NOT EXISTS (SELECT 1 FROM person p WHERE p.id_number = s.id_number)
          AND NOT EXISTS (SELECT 1 FROM import_staging n WHERE n.id_number = s.id_number AND n.name IS NOT NULL)
        """,
        sameIDDifferentNames,
        nameDiffersFromRecord,
        """
        SELECT line, 'certificate_no', certificate_no, format('line %s has the same certificate number with other details', first_line)
        FROM (SELECT line, certificate_no, first_value(line) OVER w AS first_line,
                     ROW(id_number, level, issued_on, revoked_on)::text AS details,
                     first_value(ROW(id_number, level, issued_on, revoked_on)::text) OVER w AS first_details
              FROM import_staging WINDOW w AS (PARTITION BY certificate_no ORDER BY line)) x
        WHERE line <> first_line AND details <> first_details
        """,
        """
        SELECT s.line, 'certificate_no', s.certificate_no,
               format('is on record for ID number %s, %s, issued %s', p.id_number, c.level, c.issued_on)
        FROM import_staging s
        JOIN certificate c ON c.certificate_no = s.certificate_no
        JOIN person p ON p.id = c.person_id
        WHERE (p.id_number::text, c.level, c.issued_on) IS DISTINCT FROM (s.id_number, s.level, s.issued_on)
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

    static let certificateMerge = """
        INSERT INTO person (id_number, name)
        SELECT DISTINCT ON (s.id_number) s.id_number, s.name
        FROM import_staging s
        WHERE s.name IS NOT NULL AND NOT EXISTS (SELECT 1 FROM person p WHERE p.id_number = s.id_number)
        ORDER BY s.id_number, s.line;
        """

    /// Imports certificates (ID number, level, certificate number, issue date, optional revocation
    /// date). Re-importing changes nothing; a later revocation date is recorded.
    public func importCertificates(path: String, options: ImportOptions) throws -> ImportSummary {
        let today = options.today
        let definition = ImportDefinition(
            action: "certificate import",
            columns: Roster.certificateColumns,
            stagingColumns: [
                "id_number text COLLATE \"C\"", "level certificate_level", "certificate_no text COLLATE \"C\"", "issued_on date",
                "revoked_on date", "name text", "exam_session_id bigint",
            ],
            validate: { row in Roster.validateCertificate(&row, today: today) },
            crossChecks: Roster.certificateCrossChecks,
            merge: { db in try Roster.mergeCertificates(db) })
        return try ImportPipeline(definition: definition).run(path: path, on: db, options: options)
    }

    static func mergeCertificates(_ db: Connection) throws -> (inserted: Int, updated: Int, unchanged: Int) {
        try db.execute(script: certificateMerge)
        let counts = try db.query("""
            WITH source AS (
                SELECT DISTINCT ON (certificate_no) id_number, level, certificate_no, issued_on, revoked_on, exam_session_id
                FROM import_staging ORDER BY certificate_no, line
            ), updated AS (
                UPDATE certificate c
                SET revoked_on = coalesce(s.revoked_on, c.revoked_on),
                    exam_session_id = coalesce(s.exam_session_id, c.exam_session_id)
                FROM source s
                WHERE c.certificate_no = s.certificate_no
                  AND ((s.revoked_on IS NOT NULL AND c.revoked_on IS DISTINCT FROM s.revoked_on)
                       OR (s.exam_session_id IS NOT NULL AND c.exam_session_id IS DISTINCT FROM s.exam_session_id))
                RETURNING 1
            ), inserted AS (
                INSERT INTO certificate (person_id, level, certificate_no, issued_on, revoked_on, exam_session_id)
                SELECT p.id, s.level, s.certificate_no, s.issued_on, s.revoked_on, s.exam_session_id
                FROM source s JOIN person p ON p.id_number = s.id_number
                WHERE NOT EXISTS (SELECT 1 FROM certificate c WHERE c.certificate_no = s.certificate_no)
                RETURNING 1
            )
            SELECT (SELECT count(*) FROM source), (SELECT count(*) FROM inserted), (SELECT count(*) FROM updated)
            """).single()
        return try mergeCounts(counts)
    }

    /// Records one certificate, through the same checks as the import.
    public func addCertificate(
        idNumber: String, level: String, certificateNo: String, issuedOn: String, revokedOn: String?, name: String?,
        today: CalendarDate
    ) throws -> ImportSummary {
        var fields = RowFields(
            line: 0,
            values: ["id_number": idNumber, "level": level, "certificate_no": certificateNo.trimmingSpaces,
                     "issued_on": issuedOn, "revoked_on": revokedOn ?? "", "name": name?.trimmingSpaces ?? ""],
            headers: ["id_number": "id_number", "level": "level", "certificate_no": "number",
                      "issued_on": "issued", "revoked_on": "revoked", "name": "name"])
        guard let values = Roster.validateCertificate(&fields, today: today) else {
            let error = fields.errors[0]
            throw WorkforceError.invalid(field: Field(error.column), value: error.value, reason: error.reason)
        }
        return try db.transaction { db in
            try db.execute(script: """
                CREATE TEMP TABLE import_staging (line integer NOT NULL, id_number text, level certificate_level,
                    certificate_no text, issued_on date, revoked_on date, name text, exam_session_id bigint) ON COMMIT DROP
                """)
            try db.execute("""
                INSERT INTO import_staging VALUES (0, \(values[0]), \(values[1])::certificate_level, \(values[2]),
                    \(values[3])::date, \(values[4])::date, \(values[5]), \(values[6])::bigint)
                """)
            for check in Roster.certificateCrossChecks {
                if let row = try db.query(check).first {
                    let field = fields.headers[try row.decode(1, as: String.self)] ?? "value"
                    throw WorkforceError.invalid(
                        field: Field(field), value: try row.decode(2, as: String?.self) ?? "", reason: Reason(parsing: try row.decode(3)))
                }
            }
            let merged = try Roster.mergeCertificates(db)
            try Audit.record(on: db, action: "certificate add", subject: values[2] ?? "")
            return ImportSummary(read: 1, inserted: merged.inserted, updated: merged.updated, unchanged: merged.unchanged)
        }
    }
}
