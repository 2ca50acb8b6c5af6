import CalendarDates
import Foundation
public import PostgresClient

/// An enterprise as the tracker holds it.
public struct Enterprise: Sendable, Equatable {
    public let uscc: String
    public let name: String
    public let regionCode: String
    public let employees: Int?
}

/// Enterprises: added one by one or imported from a spreadsheet, listed by region, looked up
/// by USCC.
public struct Enterprises {
    public let db: Connection

    public init(db: Connection) {
        self.db = db
    }

    static let enterpriseColumns = [
        ImportColumn(
            "uscc", aliases: ["统一社会信用代码", "社会信用代码", "enterprise_uscc", "信用代码"]),
        ImportColumn("name", aliases: ["企业名称", "单位名称", "enterprise_name", "名称"]),
        ImportColumn("region_code", aliases: ["行政区划代码", "区划代码", "region", "地区代码"]),
        ImportColumn("employees", aliases: ["职工人数", "员工人数", "employee_count"], required: false),
    ]

    static func validateEnterprise(_ row: inout RowFields) -> [String?]? {
        let uscc = row.code("uscc", Codes.checkUSCC)
        let name = row.text("name", .enterpriseName)
        let region = row.code("region_code", Codes.checkRegion)
        var employees: String?
        let employeesText = row.value("employees")
        if !employeesText.isEmpty {
            if let count = Int(employeesText), count >= 0 {
                employees = String(count)
            } else {
                row.reject("employees", "must be a whole number of people, 0 or more")
            }
        }
        guard row.errors.isEmpty else { return nil }
        return [uscc, name, region, employees]
    }

    /// Imports enterprises (USCC, name, region code, optional employee count); re-importing
    /// updates names, regions and counts that changed.
    public func importFile(path: String, options: ImportOptions) throws -> ImportSummary {
        let definition = ImportDefinition(
            action: "enterprise import",
            columns: Enterprises.enterpriseColumns,
            stagingColumns: [
                "uscc text COLLATE \"C\"", "name text", "region_code text COLLATE \"C\"", "employees integer",
            ],
            validate: Enterprises.validateEnterprise,
            crossChecks: [
                """
                SELECT line, 'uscc', uscc,
                       format('the same USCC is on line %s with a different name, region or employee count', first_line)
                FROM (SELECT line, uscc, name, region_code, employees,
                             first_value(line) OVER w AS first_line,
                             first_value(ROW(name, region_code, employees)::text) OVER w AS first_values
                      FROM import_staging WINDOW w AS (PARTITION BY uscc ORDER BY line)) x
                WHERE line <> first_line AND ROW(name, region_code, employees)::text <> first_values
                """,
                """
                SELECT line, 'region_code', region_code, region_code_unknown(region_code)
                FROM import_staging WHERE region_code_unknown(region_code) IS NOT NULL
                """,
                // A region coordinator's or bureau's enterprises are those of its region (sql/0015).
                """
                SELECT line, 'region_code', region_code, 'is outside your scope'
                FROM import_staging
                WHERE (SELECT esw_has_scope()) AND region_code NOT LIKE (SELECT esw_scope_pattern())
                """,
                // USCCs are unique nationally: one already another region's is refused by line, not by
                // the unique index (sql/0020).
                """
                SELECT line, 'uscc', uscc, 'is on record for an enterprise outside your scope'
                FROM import_staging
                WHERE uscc IN (SELECT esw_enterprises_outside_scope(ARRAY(SELECT uscc FROM import_staging)))
                """,
            ],
            merge: { db in
                // Read before written: ImportPipeline.materialize says why.
                try ImportPipeline.materialize(
                    db, "import_matched",
                    as: """
                        SELECT s.*, e.id AS enterprise_id
                        FROM (SELECT DISTINCT ON (uscc) uscc, name, region_code, employees
                              FROM import_staging ORDER BY uscc, line) s
                        LEFT JOIN enterprise e ON e.uscc = s.uscc
                        """)
                let updated = try db.execute(
                    """
                    UPDATE enterprise e
                    SET name = m.name, region_code = m.region_code, employees = coalesce(m.employees, e.employees)
                    FROM import_matched m
                    WHERE e.id = m.enterprise_id
                      AND (e.name, e.region_code::text, e.employees)
                          IS DISTINCT FROM (m.name, m.region_code, coalesce(m.employees, e.employees))
                    """)
                let counts = try db.query(
                    """
                    WITH inserted AS (
                        INSERT INTO enterprise (uscc, name, region_code, employees)
                        SELECT uscc, name, region_code, employees FROM import_matched WHERE enterprise_id IS NULL
                        ON CONFLICT (uscc) DO NOTHING
                        RETURNING 1
                    )
                    SELECT (SELECT count(*) FROM import_matched), (SELECT count(*) FROM inserted), \(updated)::bigint
                    """
                ).single()
                // A USCC another import inserted after this one's snapshot is skipped, not a unique
                // violation; when its values differ from the file's, the import runs again and updates them.
                try ImportPipeline.expectMerged(
                    db, table: "enterprise",
                    """
                    SELECT count(*)
                    FROM (SELECT DISTINCT ON (uscc) * FROM import_staging ORDER BY uscc, line) s
                    LEFT JOIN enterprise e ON e.uscc = s.uscc
                    WHERE e.id IS NULL
                       OR (e.name, e.region_code::text, e.employees)
                          IS DISTINCT FROM (s.name, s.region_code, coalesce(s.employees, e.employees))
                    """)
                return try ImportPipeline.mergeCounts(counts)
            })
        return try ImportPipeline(definition: definition).run(path: path, on: db, options: options)
    }

    /// Adds one enterprise, or updates the one with this USCC.
    @discardableResult
    public func add(uscc: String, name: String, regionCode: String, employees: Int?) throws -> Enterprise {
        var fields = RowFields(
            line: 0,
            values: [
                "uscc": uscc, "name": name.trimmingSpaces, "region_code": regionCode,
                "employees": employees.map(String.init) ?? "",
            ],
            headers: ["uscc": "uscc", "name": "name", "region_code": "region", "employees": "employees"])
        guard let values = Enterprises.validateEnterprise(&fields) else {
            let error = fields.errors[0]
            throw WorkforceError.invalid(field: Field(error.column), value: error.value, reason: error.reason)
        }
        _ = try Regions(db: db).known(regionCode, field: "region")
        try checkInScope(uscc: values[0]!, regionCode: values[2]!)
        return try db.transaction { db in
            let row = try db.query(
                """
                INSERT INTO enterprise (uscc, name, region_code, employees)
                VALUES (\(values[0]), \(values[1]), \(values[2]), \(values[3].flatMap(Int.init)))
                ON CONFLICT (uscc) DO UPDATE
                SET name = excluded.name, region_code = excluded.region_code,
                    employees = coalesce(excluded.employees, enterprise.employees)
                RETURNING uscc, name, region_code, employees
                """
            ).single()
            let enterprise = Enterprise(
                uscc: try row.decode(0), name: try row.decode(1), regionCode: try row.decode(2),
                employees: try row.decode(3))
            try Audit.record(
                on: db, action: "enterprise add", subject: enterprise.uscc, detail: ["name": enterprise.name])
            return enterprise
        }
    }

    /// Enterprises, optionally those of one region (a province, city or county code), by region
    /// code, name and USCC; `limit` and `offset` take one page.
    public func list(inRegion regionCode: String? = nil, limit: Int? = nil, offset: Int = 0) throws -> [Enterprise] {
        let region = try regionCode.map { try Regions(db: db).known($0) }
        return try db.query(
            """
            SELECT uscc, name, region_code, employees FROM enterprise
            WHERE in_region(region_code, \(region))
            ORDER BY region_code, name, uscc
            LIMIT \(limit) OFFSET \(offset)
            """
        ).map { row in
            Enterprise(
                uscc: try row.decode(0), name: try row.decode(1), regionCode: try row.decode(2),
                employees: try row.decode(3))
        }
    }

    /// The enterprise with this USCC, with its internal id, or a not-found error that says where
    /// to look.
    func lookUp(uscc: String) throws -> (id: Int, enterprise: Enterprise) {
        let code = try Codes.validUSCC(uscc)
        let rows = try db.query("SELECT id, uscc, name, region_code, employees FROM enterprise WHERE uscc = \(code)")
        guard let row = rows.first else {
            // A user with a scope hears the same words whether the enterprise exists elsewhere or not.
            if try Session.hasScope(db) {
                throw WorkforceError.notFound(
                    "no enterprise of your scope has USCC \(code); see \(remedy: .listEnterprises)")
            }
            throw WorkforceError.notFound("no enterprise has USCC \(code); see \(remedy: .listEnterprises)")
        }
        return (
            try row.decode(0),
            Enterprise(
                uscc: try row.decode(1), name: try row.decode(2), regionCode: try row.decode(3),
                employees: try row.decode(4))
        )
    }

    /// Refuses, in words, what the row-level security policies would refuse with 42501: a region
    /// outside the acting user's scope, or a USCC already on record for another region's enterprise.
    private func checkInScope(uscc: String, regionCode: String) throws {
        let row = try db.query(
            """
            SELECT coalesce((SELECT esw_has_scope()) AND \(regionCode) NOT LIKE (SELECT esw_scope_pattern()), false),
                   EXISTS (SELECT FROM esw_enterprises_outside_scope(ARRAY[\(uscc)]))
            """
        ).single()
        if try row.decode(0, as: Bool.self) {
            throw WorkforceError.invalid(field: "region", value: regionCode, reason: "is outside your scope")
        }
        if try row.decode(1, as: Bool.self) {
            throw WorkforceError.invalid(
                field: "uscc", value: uscc, reason: "is on record for an enterprise outside your scope")
        }
    }
}
