import CalendarDates
import Workforce

extension APIHandlers {
    func listAudit(_ input: Operations.ListAudit.Input) async throws -> Operations.ListAudit.Output {
        let query = input.query
        let page = try PageRequest(limit: query.limit, cursor: query.cursor)
        let (from, to) = (try APIInput.date(query.from, "from"), try APIInput.date(query.to, "to"))
        let (enterprise, user, table) = (query.enterprise, query.writtenBy, query.table)
        // As `esw audit`, newest first; one entry more than the page shows whether another follows
        // (a cursor far past the end asks for every entry rather than overflow).
        let (sum, overflow) = page.offset.addingReportingOverflow(page.limit + 1)
        let fetched = overflow ? Int.max : sum
        let entries = try await APIHandlers.transaction { db in
            try AuditTrail(db: db).entries(
                enterprise: enterprise, user: user, table: table, from: from, to: to,
                limit: fetched)
        }
        let (shown, next) = page.slice(entries)
        let items = shown.map { entry in
            Components.Schemas.AuditEntry(
                at: entry.at, user: entry.userName, role: entry.userRole?.rawValue, databaseRole: entry.databaseRole,
                table: entry.table, operation: entry.operation,
                enterpriseUscc: entry.enterpriseUSCC, key: entry.key, before: entry.before, after: entry.after,
                rows: entry.rows, source: entry.source)
        }
        return .ok(.init(body: .json(.init(items: items, nextCursor: next))))
    }
}
