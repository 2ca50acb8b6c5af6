public import CalendarDates
import Foundation
public import PostgresClient

/// Social work posts developed in enterprises (岗位开发), and who fills them.
public struct Posts {
    public let db: Connection

    public init(db: Connection) {
        self.db = db
    }

    /// Records a post developed for social work; returns its id.
    public func add(
        enterpriseUSCC: String, department: Department, title: String, filledBy idNumber: String?,
        createdOn: CalendarDate, today: CalendarDate
    ) throws -> Int {
        guard !title.trimmingSpaces.isEmpty else {
            throw WorkforceError.invalid(field: "title", value: title, reason: "is empty")
        }
        let enterpriseID = try Enterprises(db: db).lookUp(uscc: enterpriseUSCC).id
        let personID = try idNumber.map {
            try Staff(db: db).personID(idNumber: try Codes.validIDNumber($0, today: today, field: "filled_by"))
        }
        return try db.transaction { db in
            let id: Int = try db.query(
                """
                INSERT INTO social_work_post (enterprise_id, department, title, created_on, filled_by)
                VALUES (\(enterpriseID), \(department.rawValue)::department_kind, \(title.trimmingSpaces), \(createdOn),
                        \(personID))
                RETURNING id
                """
            ).single().decode(0)
            try Audit.record(on: db, action: "post add", subject: "post \(id)", detail: ["title": title])
            return id
        }
    }

    public func list(_ filter: WorkAreaFilter, includeIDNumbers: Bool = false) throws -> RecordTable {
        let rows = try db.query(
            """
            SELECT po.id, po.created_on::text, en.uscc, en.name, po.department::text, po.title, coalesce(p.name, ''),
                   coalesce(p.id_number, '')
            FROM social_work_post po
            JOIN enterprise en ON en.id = po.enterprise_id
            LEFT JOIN person p ON p.id = po.filled_by
            WHERE \(filter.condition(enterprise: "po.enterprise_id", date: "po.created_on"))
            ORDER BY po.created_on, po.id
            """
        ).map { row in
            let id: String = try row.decode(7)
            return [
                String(try row.decode(0, as: Int.self)), try row.decode(1), try row.decode(2), try row.decode(3),
                try row.decode(4),
                try row.decode(5), try row.decode(6), id.isEmpty || includeIDNumbers ? id : maskedIDNumber(id),
            ]
        }
        return RecordTable(
            headers: [
                "id", "created_on", "enterprise_uscc", "enterprise", "department", "title", "filled_by",
                "filled_by_id_number",
            ],
            rows: rows)
    }
}
