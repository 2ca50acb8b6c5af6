import ArgumentParser
import CalendarDates
import Foundation
import Workforce
import WorkforceOutput

extension StaffCommand {
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the staff employed on a day, by enterprise, department or name.",
            discussion: """
                One row per person, enterprise and department whose employment is active on --as-of \
                (default today), with the highest certificate held that day; sorted by enterprise, \
                department and ID number, and shown as the signed-in user may see them (--user): other \
                scopes' staff are not there. ID numbers are whole for the roles that keep the roster \
                (an enterprise coordinator, an admin, or no --user) and masked (first 6 and last 4) for \
                the others. --limit rows from --offset on (default the first 100); the table ends with \
                which rows of how many it shows and the --offset of the next page; JSON carries total, \
                offset and limit.

                Bad input: a USCC that is not valid (exit 3) or names no enterprise of your scope \
                (exit 3), an unknown department or a date not in a form below (exit 2), a negative \
                --limit or --offset (exit 2). Dates: 2013-06-01, 2013/6/1 or 2013年6月1日.

                Examples:
                  esw staff list --enterprise 91440305200000195U --department 工会
                  esw staff list --name 张 --as-of 2013/12/31 --limit 20 --offset 20
                """)

        @Option(help: "Only this enterprise (USCC).") var enterprise: String?
        @Option(help: "Only this department: a code or its Chinese name (union or 工会).") var department: Department?
        @Option(help: "Only names that start with this (a surname, 张, or a whole name).") var name: String?
        @Option(help: "The day the employments are active on (default today).") var asOf: CalendarDate?
        @Option(help: "Rows per page (default 100; 0 for all).") var limit: Int = 100
        @Option(help: "Rows to skip: the first row shown is number offset + 1.") var offset: Int = 0
        @Option(help: "table, json or csv.") var format: OutputFormat = .table
        @OptionGroup var lang: LanguageOption
        @OptionGroup var database: ReadDatabaseOptions

        func validate() throws {
            if limit < 0 { throw ValidationError("--limit must be 0 (all) or more") }
            if offset < 0 { throw ValidationError("--offset must be 0 or more") }
        }

        func run() throws {
            try reportingErrors {
                let persons = Persons(db: try database.connect())
                let page = try persons.staff(
                    StaffQuery(
                        enterpriseUSCC: enterprise, department: department, name: name, asOf: asOf ?? .today(),
                        limit: limit == 0 ? nil : limit, offset: offset))
                emit(
                    Listing.staff(page, wholeIDNumbers: try persons.seesWholeIDNumbers()).rendered(
                        as: format, language: lang.language))
            }
        }
    }
}
