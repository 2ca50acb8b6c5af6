import ArgumentParser
import CalendarDates
import Foundation
import Workforce
import WorkforceOutput

struct PersonCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "person", abstract: "Look up one person.", subcommands: [Show.self])

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "A person's employments, certificates, training hours and exam history.",
            discussion: """
                Shows what the signed-in user (--user) may see of the person: employments and \
                enrollments of other scopes are not there. The ID number is shown whole to the roles \
                that keep the roster (an enterprise coordinator, an admin, or no --user) and masked \
                (first 6 and last 4) to the others. Training hours are those credited by every event \
                attended.

                Bad input: an ID number that is not valid is exit 3; one that names no person of your \
                scope (nowhere, or only outside it: the same words) is exit 2; --format csv is exit 2.

                Example:
                  esw person show 110105199003071239 --format json
                """)

        @Argument(help: "The person's resident ID number.") var idNumber: String
        @Option(help: "table or json.") var format: OutputFormat = .table
        @OptionGroup var lang: LanguageOption
        @OptionGroup var database: ReadDatabaseOptions

        func validate() throws {
            if format == .csv { throw ValidationError("person show takes --format table or json") }
        }

        func run() throws {
            try reportingErrors {
                try unknownPersonIsUsageError {
                    let persons = Persons(db: try database.connect())
                    let record = try persons.show(idNumber: idNumber, today: .today())
                    let whole = try persons.seesWholeIDNumbers()
                    emit(
                        format == .json
                            ? record.json(wholeIDNumber: whole).serialized(pretty: true) + "\n"
                            : record.text(wholeIDNumber: whole, language: lang.language))
                }
            }
        }
    }
}

/// Runs a command that names one person by ID number, turning "no person of your scope has this
/// ID number" into a usage error (exit 2): the number is a handle the user gave, like an unknown
/// option value, not data to fix in a file.
func unknownPersonIsUsageError(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let error as WorkforceError where error == .notFound(Persons.unknown) {
        throw ValidationError(CommandLineWords.message(error))
    }
}
