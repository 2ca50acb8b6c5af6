import ArgumentParser
import CalendarDates
import Foundation
import Workforce
import WorkforceOutput

struct TrainingCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "training",
        abstract: "Hours credited, and who still needs training.",
        subcommands: [Hours.self, Gaps.self]
    )

    struct Hours: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Hours credited per person, with totals by department and event kind.",
            discussion: """
                Example:
                  esw training hours --enterprise 91440305200000195U --from 2013-01-01 \\
                      --to 2013-12-31
                """)

        @Option(help: "Only this enterprise's staff (USCC).") var enterprise: String?
        @Option(help: "Only staff of enterprises in this region.") var region: String?
        @Option(help: "Only this person.") var idNumber: String?
        @Option(help: "Events starting on or after this date.") var from: CalendarDate?
        @Option(help: "Events starting on or before this date.") var to: CalendarDate?
        @Option(help: "table, json or csv.") var format: OutputFormat = .table
        @OptionGroup var lang: LanguageOption
        @OptionGroup var database: ReadDatabaseOptions

        func run() throws {
            try reportingErrors {
                let report = try TrainingRecords(db: try database.connect()).hours(
                    enterpriseUSCC: enterprise, region: region, idNumber: idNumber, from: from, to: to, today: .today())
                emit(Listing.hours(report).rendered(as: format, language: lang.language))
            }
        }
    }

    struct Gaps: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Who still needs training: certified staff short of continuing education, and untrained staff.",
            discussion: """
                Certified staff whose credited hours in their current three-year registration period \
                are below the continuing-education minimum for their level (72 hours junior, 90 \
                intermediate and senior, from the continuing_education_rule table), with the hours \
                missing and the period's end; until registrations are recorded, periods run in three-year \
                steps from the certificate's issue date. Then uncertified staff who attended no training.

                Example:
                  esw training gaps --enterprise 91440305200000195U --as-of 2014-06-30
                """)

        @Option(help: "The enterprise (USCC).") var enterprise: String
        @Option(help: "The date to judge on (default today).") var asOf: CalendarDate?
        @Option(help: "table, json or csv.") var format: OutputFormat = .table
        @OptionGroup var lang: LanguageOption
        @OptionGroup var database: ReadDatabaseOptions

        func run() throws {
            try reportingErrors {
                let gaps = try TrainingRecords(db: try database.connect()).gaps(
                    enterpriseUSCC: enterprise, asOf: asOf ?? .today())
                emit(Listing.trainingGaps(gaps).rendered(as: format, language: lang.language))
            }
        }
    }
}
