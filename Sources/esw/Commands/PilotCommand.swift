import ArgumentParser
import CalendarDates
import Foundation
import PostgresClient
import Workforce
import WorkforceOutput

struct PilotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pilot",
        abstract: "Pilot programs and the applications of regions and units.",
        subcommands: [Program.self, Apply.self, Advance.self, List.self, History.self]
    )

    struct Program: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create and list pilot programs.", subcommands: [Create.self, List.self])

        struct Create: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Create a pilot program with its deadlines; prints its id alone on stdout.",
                discussion: """
                    Refused with the reason and exit 3 when the dates are out of order.

                    One document number sets up one program: given again with the same name and dates, \
                    the program on record is kept, its id printed (a note on stderr says so) and exit 0; \
                    given with another name or dates, it is refused with exit 3, showing what is on record \
                    and what was given, field by field, and nothing is written.

                    Example:
                      esw pilot program create --name 企业社会工作试点 --document 民函〔2013〕132号 \\
                          --apply-by 2013-06-01 --confirm-by 2013-06-30 --pilot-months 12 \\
                          --summary-by 2014-06-30
                    """)
            @Option(help: "The program's name.") var name: String
            @Option(help: "The notice it comes from, e.g. 民函〔2013〕132号.") var document: String?
            @Option(help: "Applications are due by this day.") var applyBy: CalendarDate
            @Option(help: "Pilots are confirmed by this day.") var confirmBy: CalendarDate
            @Option(help: "How long a pilot runs, in months.") var pilotMonths: Int
            @Option(help: "Summaries are due by this day.") var summaryBy: CalendarDate
            @OptionGroup var database: DatabaseOptions

            func run() throws {
                try reportingErrors {
                    let program = try PilotPrograms(db: try database.connect()).establish(
                        name: name, document: document, applyBy: applyBy, confirmBy: confirmBy,
                        pilotMonths: pilotMonths, summaryBy: summaryBy)
                    if program.existed {
                        printError("program \(program.id) with this document is already on record; nothing changed")
                    }
                    say(program.id)
                }
            }
        }

        struct List: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "List pilot programs.",
                discussion: """
                    Example:
                      esw pilot program list --format json
                    """)
            @OptionGroup var database: ReadDatabaseOptions

            func run() throws {
                try reportingErrors {
                    emit(
                        Listing.pilotPrograms(try PilotPrograms(db: try database.connect()).list()).rendered(as: .table)
                    )
                }
            }
        }
    }

    struct Apply: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Apply to a program for a region, an enterprise or a service organization; prints the id.",
            discussion: """
                Refused with exit 3 after the program's deadline (unless --late, which is recorded), \
                when the same applicant has applied to the program already, when --region names no \
                division of the GB/T 2260 table (440399), and when --on is before 1949-10-01.

                Example:
                  esw pilot apply --program 1 --enterprise 91440305200000195U \\
                      --plan plan.txt --on 2013-05-20
                """)
        @Option(help: "The program's id.") var program: Int
        @Option(help: "A region applying (code).") var region: String?
        @Option(help: "An enterprise applying (USCC).") var enterprise: String?
        @Option(help: "A service organization applying (USCC).") var serviceOrg: String?
        @Option(
            help: "A text file with the planned measures (UTF-8, at most 20,000 characters, no control characters).")
        var plan: String?
        @Option(help: "The day of the application (default today).") var on: CalendarDate?
        @Flag(help: "Accept it after the deadline; the lateness is recorded.") var late = false
        @OptionGroup var database: DatabaseOptions

        func validate() throws {
            if [region, enterprise, serviceOrg].compactMap({ $0 }).count != 1 {
                throw ValidationError("give one of --region, --enterprise or --service-org")
            }
        }

        func run() throws {
            try reportingErrors {
                let applicant: Applicant =
                    region.map { .region($0) } ?? enterprise.map { .enterprise(uscc: $0) }
                    ?? .serviceOrg(uscc: serviceOrg!)
                let planText = try plan.map { path -> String in
                    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                        throw WorkforceError.invalid(field: "plan", value: path, reason: "cannot be read as UTF-8 text")
                    }
                    return text
                }
                say(
                    try PilotApplications(db: try database.connect()).apply(
                        programID: program, applicant: applicant, plan: planText, on: on ?? .today(), late: late))
            }
        }
    }

    struct Advance: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Move an application on: approved, rejected, in_pilot, summarized, designated_demonstration, closed.",
            discussion: """
                The moves allowed are submitted → approved | rejected, approved → in_pilot, in_pilot → \
                summarized, summarized → designated_demonstration | closed, rejected → closed; any other is \
                refused with exit 3. Each move is dated and attributed.

                Example:
                  esw pilot advance --application 1 --to approved --on 2013-06-20
                """)
        @Option(help: "The application's id.") var application: Int
        @Option(help: "The new state: a code or its Chinese name (已批准, 试点中, 已总结, …).") var to: String
        @Option(help: "The day of the change (default today).") var on: CalendarDate?
        @Option(help: "A note for the history (at most 2,000 characters, no control characters).") var note: String?
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            try reportingErrors {
                let status: ApplicationStatus = try term(to, field: "to")
                try PilotApplications(db: try database.connect()).advance(
                    applicationID: application, to: status, on: on ?? .today(), note: note)
                say(status.rawValue)
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List applications, by program, province or state.",
            discussion: """
                Example:
                  esw pilot list --province 440000
                """)
        @Option(help: "Only this program.") var program: Int?
        @Option(help: "Only applicants in this province (or region).") var province: String?
        @Option(help: "Only this state (a code or its Chinese name).") var status: String?
        @Option(help: "table, json or csv.") var format: OutputFormat = .table
        @OptionGroup var lang: LanguageOption
        @OptionGroup var database: ReadDatabaseOptions

        func run() throws {
            try reportingErrors {
                let state = try status.map { (text: String) -> ApplicationStatus in try term(text, field: "status") }
                let applications = try PilotApplications(db: try database.connect()).list(
                    programID: program, province: province, status: state)
                emit(Listing.pilotApplications(applications).rendered(as: format, language: lang.language))
            }
        }
    }

    struct History: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "An application's dated, attributed history of states.",
            discussion: """
                Example:
                  esw pilot history 1
                """)
        @Argument(help: "The application's id.") var application: Int
        @OptionGroup var lang: LanguageOption
        @OptionGroup var database: ReadDatabaseOptions

        func run() throws {
            try reportingErrors {
                let history = try PilotApplications(db: try database.connect()).history(applicationID: application)
                emit(Listing.applicationHistory(history).rendered(as: .table, language: lang.language))
            }
        }
    }
}
