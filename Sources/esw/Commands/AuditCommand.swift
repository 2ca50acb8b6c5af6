import ArgumentParser
import CalendarDates
import Foundation
import Workforce
import WorkforceOutput

struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "The audit trail the database keeps: every write to a data table, by anyone, newest first.",
        discussion: """
            Each row written (its key, and its columns before and after; for an update, only those \
            that changed) with when, the esw user and role, and the database role. A statement that \
            wrote more than 100 rows (an import) is one entry with the count and its source. ID \
            numbers are masked (first 6 and last 4 characters). A user sees the entries of their \
            scope's enterprises and their own writes; the ministry and admins see all.

            Bad input (an invalid USCC, an unknown enterprise, --from after --to) is refused with \
            the reason and exit 3.

            Examples:
              esw audit --enterprise 91440300MA5XXXXXXX --from 2013-06-01
              esw audit --written-by sz-coordinator --table employment --format csv
            """)
    @Option(help: "Only writes to this enterprise's rows (USCC).") var enterprise: String?
    // Not --user, which every command takes for the acting user.
    @Option(help: "Only writes by this esw user.") var writtenBy: String?
    @Option(help: "Only writes to this table.") var table: String?
    @Option(help: "From this date (Beijing time).") var from: CalendarDate?
    @Option(help: "To this date, inclusive.") var to: CalendarDate?
    @Option(help: "At most this many entries.") var limit = 1000
    @Option(help: "table, json or csv.") var format: OutputFormat = .table
    @OptionGroup var database: ReadDatabaseOptions

    func validate() throws {
        if limit < 1 { throw ValidationError("--limit must be 1 or more") }
    }

    func run() throws {
        try reportingErrors {
            let entries = try AuditTrail(db: try database.connect()).entries(
                enterprise: enterprise, user: writtenBy, table: table, from: from, to: to, limit: limit)
            emit(Listing.auditTrail(entries).rendered(as: format))
        }
    }
}
