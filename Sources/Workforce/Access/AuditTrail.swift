public import CalendarDates
public import PostgresClient

/// One entry of the audit trail the database keeps (sql/0014_access.sql, `audit_trail`): a row
/// written, or (for a statement over `audit_detail_limit()` rows) how many.
public struct AuditEntry: Sendable, Equatable {
    /// When, in Beijing time, to the second (`2013-06-01 09:30:05`).
    public let at: String
    /// The acting esw user and role; nil when the writer acted as its database role.
    public let userName: String?
    public let userRole: AccessRole?
    /// The login role of the connection.
    public let databaseRole: String
    public let table: String
    /// insert, update or delete.
    public let operation: String
    public let enterpriseUSCC: String?
    /// The row's key, and its columns before and after (changed ones for an update), as JSON
    /// text with ID numbers masked; nil for a bulk statement's entry.
    public let key: String?
    public let before: String?
    public let after: String?
    public let rows: Int
    /// What the client said the statement came from (an import and its file).
    public let source: String?
}

/// Reading the audit trail, within what the acting user may see (row-level security).
public struct AuditTrail {
    public let db: Connection

    public init(db: Connection) {
        self.db = db
    }

    /// Entries, newest first, at most `limit`; each filter narrows them.
    ///
    /// - Throws: `WorkforceError.invalid` for a malformed USCC, `.notFound` for an enterprise not
    ///   on record (or not visible to the acting user), `.invalid` when `from` is after `to`.
    public func entries(
        enterprise uscc: String? = nil, user: String? = nil, table: String? = nil, from: CalendarDate? = nil,
        to: CalendarDate? = nil, limit: Int = 1000
    ) throws -> [AuditEntry] {
        if let from, let to, from > to {
            throw WorkforceError.invalid(field: "from", value: from.iso, reason: "is after \(field: "to") \(to)")
        }
        let enterpriseID = try uscc.map { try Enterprises(db: db).lookUp(uscc: $0).id }
        return try db.query(
            """
            SELECT to_char(a.at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI:SS'), a.user_name, a.user_role::text,
                   a.db_role, a.table_name, a.operation::text, en.uscc, a.row_key::text, a.before::text,
                   a.after::text, a.rows, a.source
            FROM audit_trail a LEFT JOIN enterprise en ON en.id = a.enterprise_id
            WHERE (\(enterpriseID)::bigint IS NULL OR a.enterprise_id = \(enterpriseID))
              AND (\(user)::text IS NULL OR a.user_name = \(user))
              AND (\(table)::text IS NULL OR a.table_name = \(table))
              AND (\(from)::date IS NULL OR a.at >= (\(from)::date::timestamp AT TIME ZONE 'Asia/Shanghai'))
              AND (\(to)::date IS NULL OR a.at < ((\(to)::date + 1)::timestamp AT TIME ZONE 'Asia/Shanghai'))
            ORDER BY a.id DESC
            LIMIT \(limit)
            """
        ).map { row in
            AuditEntry(
                at: try row.decode(0), userName: try row.decode(1),
                userRole: (try row.decode(2) as String?).flatMap(AccessRole.init(rawValue:)),
                databaseRole: try row.decode(3), table: try row.decode(4), operation: try row.decode(5),
                enterpriseUSCC: try row.decode(6), key: try row.decode(7), before: try row.decode(8),
                after: try row.decode(9), rows: try row.decode(10), source: try row.decode(11))
        }
    }
}
