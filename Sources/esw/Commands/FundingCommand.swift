import ArgumentParser
import CalendarDates
import Foundation
import PostgresClient
import Workforce
import WorkforceOutput

struct FundingCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "funding", abstract: "Money put in (资金投入).",
        subcommands: [Add.self, List.self, Amend.self, Delete.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List money received, by enterprise or region and date.",
            discussion: """
                With --region, money paid to the region itself is listed too. Amounts are exact yuan (JSON: strings).

                Example:
                  esw funding list --region 440300 --from 2013-07-01 --format csv
                """)
        @OptionGroup var list: WorkAreaListOptions
        @OptionGroup var database: ReadDatabaseOptions

        func run() throws {
            try reportingErrors {
                let db = try database.connect()
                emit(
                    Listing.funding(try Funding(db: db).list(try list.filter(db))).rendered(
                        as: list.format, language: list.lang.language))
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

                An entry with the same recipient, source, amount, date and contract number (none on both \
                counts as the same) as one on record is a duplicate: refused with exit 3, naming the one \
                on record and showing any difference in --provider-org, and nothing is written. \
                --allow-duplicate records a real second payment.

                Example:
                  esw funding add --enterprise 91440305200000195U \\
                      --source government_purchase --amount 60000.00 --on 2013-09-01 \\
                      --provider-org 52440300MJ000123XJ --contract SZ-2013-001
                """)
        @Option(help: "The enterprise receiving it (USCC).") var enterprise: String?
        @Option(help: "The region receiving it (code).") var region: String?
        @Option(help: "government_purchase, enterprise or other (or 政府购买服务, 企业投入, 其他来源).") var source: String
        @Option(help: "The amount in yuan, e.g. 12345.67.") var amount: String
        @Option(help: "When it was received.") var on: CalendarDate
        @Option(help: "The service organization providing the purchased service (USCC).") var providerOrg: String?
        @Option(help: "The contract number.") var contract: String?
        @Flag(
            help: "Record it even if an entry with the same recipient, source, amount, date and contract is on record.")
        var allowDuplicate = false
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            try reportingErrors {
                say(
                    try Funding(db: try database.connect()).add(
                        enterpriseUSCC: enterprise, region: region, source: try term(source, field: "source"),
                        amount: amount, on: on, providerOrg: providerOrg, contract: contract,
                        allowDuplicate: allowDuplicate))
            }
        }
    }

    struct Amend: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Correct a funding entry's source, amount, date or contract number, with a reason.",
            discussion: """
                Prints each changed field, on record → corrected; the audit trail (esw audit --table \
                funding) keeps both and the reason. Only the options given change. To change the \
                recipient or the provider, delete the entry and add it again.

                Bad input (no such entry in your scope, an amount that is not yuan with at most two \
                decimals, a date before 1949-10-01, an empty reason, a correction that makes it a \
                duplicate of another entry) is refused with the reason and exit 3; nothing changes. A \
                role that may only read funding is refused with exit 1.

                Example:
                  esw funding amend --id 3 --amount 65000.00 --reason "合同金额以补充协议为准"
                """)
        @OptionGroup var correction: CorrectionOptions
        @Option(help: "government_purchase, enterprise or other.") var source: String?
        @Option(help: "The amount in yuan, e.g. 12345.67.") var amount: String?
        @Option(help: "When it was received.") var on: CalendarDate?
        @Option(help: "The contract number.") var contract: String?
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            try reportingErrors {
                sayChanges(
                    "funding \(correction.id)",
                    try Funding(db: try database.connect()).amend(
                        id: correction.id, source: try source.map { try term($0, field: "source") },
                        amount: amount, on: on, contract: contract, reason: correction.reason))
            }
        }
    }

    struct Delete: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete a funding entry recorded by mistake, with a reason.",
            discussion: """
                The audit trail (esw audit --table funding) keeps the deleted row and the reason. Exit 3 \
                when no entry has the id in your scope or the reason is empty; nothing is deleted. A \
                role that may only read funding is refused with exit 1.

                Example:
                  esw funding delete --id 3 --reason "重复录入"
                """)
        @OptionGroup var correction: CorrectionOptions
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            try reportingErrors {
                try Funding(db: try database.connect()).delete(id: correction.id, reason: correction.reason)
                say("deleted funding \(correction.id)")
            }
        }
    }
}
