public import Workforce

extension Listing {
    /// esw users: name, role, scope (USCC or region code; empty for the country), whether the
    /// password is still the one-time one, and whether the user is disabled. Never a password.
    public static func users(_ users: [AppUser]) -> Listing {
        let rows = users.map { user in
            [
                user.name, user.role.rawValue, user.scope ?? "", user.oneTimePassword ? "yes" : "no",
                user.disabled ? "yes" : "no",
            ]
        }
        return Listing(
            records: RecordTable(headers: ["name", "role", "scope", "one_time_password", "disabled"], rows: rows))
    }
}

extension Listing {
    /// The audit trail, newest first (docs/reports.md): the row's key and its columns before and
    /// after are JSON text (ID numbers masked), empty for a bulk statement's entry, whose `rows`
    /// says how many rows it wrote.
    public static func auditTrail(_ entries: [AuditEntry]) -> Listing {
        let headers = [
            "at", "user", "role", "db_role", "table", "operation", "enterprise_uscc", "key", "before", "after", "rows",
            "source",
        ]
        let rows = entries.map { entry in
            [
                entry.at, entry.userName ?? "", entry.userRole?.rawValue ?? "", entry.databaseRole, entry.table,
                entry.operation, entry.enterpriseUSCC ?? "", entry.key ?? "", entry.before ?? "", entry.after ?? "",
                String(entry.rows), entry.source ?? "",
            ]
        }
        return Listing(records: RecordTable(headers: headers, rows: rows), numeric: [10])
    }
}
