public import CalendarDates
import Foundation
public import PostgresClient

/// A social work post as listed: where, since when, and who fills it (nil: vacant).
public struct PostRecord: Sendable, Equatable {
    public let id: Int
    public let createdOn: CalendarDate
    public let enterpriseUSCC: String
    public let enterpriseName: String
    public let department: Department
    public let title: String
    public let filledByName: String?
    public let filledByIDNumber: String?
}

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
        try RecordDates.check(createdOn, field: "created_on")
        let title = try TextLimits.valid(title, as: .postTitle, field: "title")
        let enterpriseID = try Enterprises(db: db).lookUp(uscc: enterpriseUSCC).id
        let personID = try idNumber.map {
            try Staff(db: db).personID(
                idNumber: try Codes.validIDNumber($0, today: today, field: "filled_by"), field: "filled_by")
        }
        return try db.transaction { db in
            let id: Int = try db.query(
                """
                INSERT INTO social_work_post (enterprise_id, department, title, created_on, filled_by)
                VALUES (\(enterpriseID), \(department.rawValue)::department_kind, \(title), \(createdOn),
                        \(personID))
                RETURNING id
                """
            ).single().decode(0)
            try Audit.record(on: db, action: "post add", subject: "post \(id)", detail: ["title": title])
            return id
        }
    }

    /// Deletes a post recorded by mistake, with the reason the audit trail keeps.
    public func delete(id: Int, reason: String) throws {
        try Correction.delete(
            db, what: "post \(id)", action: "post delete", reason: reason,
            delete: "DELETE FROM social_work_post WHERE id = \(id) RETURNING id")
    }

    /// Corrects a post's department, title, creation date or holder (nil: unchanged; `vacate`
    /// records that nobody fills it), with the reason the audit trail keeps; returns each changed
    /// field before and after. The holder is shown by masked ID number, never by name.
    public func amend(
        id: Int, department: Department? = nil, title: String? = nil, createdOn: CalendarDate? = nil,
        filledBy idNumber: String? = nil, vacate: Bool = false, reason: String, today: CalendarDate
    ) throws -> [FieldChange] {
        let title = try TextLimits.valid(title, as: .postTitle, field: "title")
        try RecordDates.check(createdOn, field: "created_on")
        if vacate && idNumber != nil {
            throw WorkforceError.invalid(
                field: "filled_by", value: "", reason: "give \(field: "filled_by") or \(field: "vacant"), not both")
        }
        let personID = try idNumber.map {
            try Staff(db: db).personID(
                idNumber: try Codes.validIDNumber($0, today: today, field: "filled_by"), field: "filled_by")
        }
        return try Correction.amend(
            db, what: "post \(id)", action: "post amend", reason: reason,
            fields: ["department", "title", "created_on", "filled_by"],
            read: """
                SELECT po.department::text, po.title, po.created_on::text,
                       left(p.id_number, 6) || '********' || right(p.id_number, 4)
                FROM social_work_post po LEFT JOIN person p ON p.id = po.filled_by
                WHERE po.id = \(id) FOR UPDATE OF po
                """,
            update: """
                UPDATE social_work_post
                SET department = coalesce(\(department?.rawValue)::department_kind, department),
                    title = coalesce(\(title), title), created_on = coalesce(\(createdOn), created_on),
                    filled_by = CASE WHEN \(vacate) THEN NULL ELSE coalesce(\(personID), filled_by) END
                WHERE id = \(id)
                """)
    }

    /// Posts created in the filter's dates, at its enterprises, oldest first.
    public func list(_ filter: WorkAreaFilter) throws -> [PostRecord] {
        try db.query(
            """
            SELECT po.id, po.created_on, en.uscc, en.name, po.department, po.title, p.name, p.id_number
            FROM social_work_post po
            JOIN enterprise en ON en.id = po.enterprise_id
            LEFT JOIN person p ON p.id = po.filled_by
            WHERE \(filter.condition(enterprise: "po.enterprise_id", date: "po.created_on"))
            ORDER BY po.created_on, po.id
            """
        ).map { row in
            PostRecord(
                id: try row.decode(0), createdOn: try row.decode(1), enterpriseUSCC: try row.decode(2),
                enterpriseName: try row.decode(3), department: try row.decode(4), title: try row.decode(5),
                filledByName: try row.decode(6), filledByIDNumber: try row.decode(7))
        }
    }
}
