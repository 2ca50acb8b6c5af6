import ArgumentParser
import CalendarDates
import Foundation
import PostgresClient
import Workforce
import WorkforceOutput

struct FundingCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "funding", abstract: "Money put in (资金投入).", subcommands: [Add.self, List.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List money received, by enterprise or region and date.",
            discussion:
                "With --region, money paid to the region itself is listed too. Amounts are exact yuan (JSON: strings).")
        @OptionGroup var list: WorkAreaListOptions
        @OptionGroup var database: ReadDatabaseOptions

        func run() throws {
            try reportingErrors {
                let db = try database.connect()
                emit(
                    Listing.funding(try Funding(db: db).list(try list.filter(db))).rendered(
                        as: list.format))
            }
        }
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record money received by an enterprise or a region; prints its id.",
            discussion: """
                Amounts are exact: yuan with at most two decimals (12345.67), stored as numeric, never as \
                floating point. Refused with exit 3 otherwise, and when --region names no division \
                of the GB/T 2260 table (440399) or the date is before 1949-10-01.

                Example:
                  esw funding add --enterprise 91440305200000195U --source government_purchase --amount 60000.00 \
                --on 2013-09-01 --provider-org 52440300MJ000123XJ --contract SZ-2013-001
                """)
        @Option(help: "The enterprise receiving it (USCC).") var enterprise: String?
        @Option(help: "The region receiving it (code).") var region: String?
        @Option(help: "government_purchase, enterprise or other.") var source: String
        @Option(help: "The amount in yuan, e.g. 12345.67.") var amount: String
        @Option(help: "When it was received.") var on: CalendarDate
        @Option(help: "The service organization providing the purchased service (USCC).") var providerOrg: String?
        @Option(help: "The contract number.") var contract: String?
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            try reportingErrors {
                guard let source = FundingSource(rawValue: source) else {
                    throw WorkforceError.invalid(
                        field: "source", value: self.source, reason: "use government_purchase, enterprise or other")
                }
                say(
                    try Funding(db: try database.connect()).add(
                        enterpriseUSCC: enterprise, region: region, source: source, amount: amount, on: on,
                        providerOrg: providerOrg, contract: contract))
            }
        }
    }
}
