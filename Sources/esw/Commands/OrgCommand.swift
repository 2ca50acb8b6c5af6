import ArgumentParser
import CalendarDates
import Foundation
import PostgresClient
import Workforce
import WorkforceOutput

struct OrgCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "org", abstract: "Social-work service organizations (机构培育).",
        subcommands: [Add.self, List.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List service organizations with the services each has provided.",
            discussion: """
                Example:
                  esw org list --format csv
                """)
        @Option(help: "table, json or csv.") var format: OutputFormat = .table
        @OptionGroup var database: ReadDatabaseOptions

        func run() throws {
            try reportingErrors {
                emit(
                    Listing.serviceOrganizations(try ServiceOrganizations(db: try database.connect()).list())
                        .rendered(as: format))
            }
        }
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a service organization; one on record is never overwritten silently.",
            discussion: """
                Refused with the reason and exit 3 when the USCC is invalid, the region code is in \
                no GB/T 2260 list since 1981 (440399), the name is empty or the founding \
                date is before 1949-10-01.

                An organization with this USCC on record: given identically (a founding date left out \
                keeps the one on record), it says "already on record, nothing changed" and exits 0; \
                given with another name, region or founding date, it is refused with exit 3, showing \
                what is on record and what was given, field by field, and nothing is written. With \
                --update the given values replace those on record; it prints each field, old → new, \
                and the audit trail (esw audit --table service_org) keeps both.

                Examples:
                  esw org add --uscc 52440300MJ000123XJ --name 深圳市某某社会工作服务中心 --region 440300 \\
                      --founded 2012-05-01
                  esw org add --uscc 52440300MJ000123XJ --name 深圳市某某社会工作服务中心 --region 440305 \\
                      --update
                """)
        @Option(help: "Its unified social credit code.") var uscc: String
        @Option(help: "Its name.") var name: String
        @Option(help: "Its division code.") var region: String
        @Option(help: "When it was founded.") var founded: CalendarDate?
        @Flag(help: "Replace what is on record for this USCC with the values given.") var update = false
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            try reportingErrors {
                switch try ServiceOrganizations(db: try database.connect()).add(
                    uscc: uscc, name: name, region: region, founded: founded, update: update)
                {
                case .added: say("saved")
                case .unchanged: say("already on record, nothing changed")
                case .updated(let changes): sayChanges("service organization \(uscc)", changes)
                }
            }
        }
    }
}
