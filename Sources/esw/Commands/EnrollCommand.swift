import ArgumentParser
import CalendarDates
import Foundation
import Workforce
import WorkforceOutput

struct EnrollCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "enroll",
        abstract: "Enroll staff in an event (one, or a spreadsheet), or cancel an enrollment.",
        subcommands: [Add.self, Cancel.self],
        defaultSubcommand: Add.self
    )

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add",
            abstract: "Enroll one person (--id-number) or a spreadsheet (--file); full events waitlist them.",
            discussion: """
                A person must be tracked staff (an active employment), of a department in the event's \
                audience, at the organizing enterprise or in the organizing region. When the seats are \
                taken the person is waitlisted in order. Enrolling twice is a no-op with a message. \
                Enrollment closes when the event starts.

                --file takes a CSV with id_number (身份证号), optional name (姓名) and, without --event, \
                event_id (培训编号) to fill many events from one file, with the same rules as the roster import: \
                encodings and headers are detected, every bad row is listed \
                (line, column, value, reason: an unknown person, one not employed, a wrong department), \
                nothing is written and esw exits 3, unless --skip-invalid.

                Examples:
                  esw enroll --event 12 --id-number 110105199003071239
                  esw enroll --event 12 --file union-staff.csv
                """)

        @Option(help: "The event's id (with --file, optional when the file has an event_id column).") var event: Int?
        @Option(help: "One person's resident ID number.") var idNumber: String?
        @Option(help: "A CSV of people to enroll.") var file: String?
        @Option(help: "When the request was made (default now), to enter past enrollments.") var at: LocalDateTime?
        @OptionGroup var flags: ImportFlags
        @OptionGroup var database: DatabaseOptions

        func validate() throws {
            if (idNumber == nil) == (file == nil) { throw ValidationError("give --id-number or --file") }
            if idNumber != nil && event == nil { throw ValidationError("--id-number needs --event") }
        }

        func run() throws {
            try reportingErrors {
                let enrollments = Enrollments(db: try database.connect())
                let at = self.at ?? localNow()
                if let file {
                    finishImport(try enrollments.enroll(eventID: event, path: file, at: at, options: flags.options()))
                    return
                }
                let outcome = try enrollments.enroll(eventID: event!, idNumber: idNumber!, at: at, today: .today())
                let position = outcome.waitlistPosition.map { " (position \($0))" } ?? ""
                say(
                    outcome.changed
                        ? "\(outcome.status.rawValue)\(position)"
                        : "already \(outcome.status.rawValue)\(position); nothing changed")
            }
        }
    }

    struct Cancel: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Cancel an enrollment; the first on the waitlist takes the freed seat, at once.",
            discussion: """
                A freed quota seat goes first to that department's waitlist, then to anyone waiting, \
                whoever's staff they are; with --user, one outside your scope is not named. Exit 3 \
                when the person holds no enrollment in the event.

                Example:
                  esw enroll cancel --event 12 --id-number 440606197802033491
                """)

        @Option(help: "The event's id.") var event: Int
        @Option(help: "The person's resident ID number.") var idNumber: String
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            try reportingErrors {
                let promoted = try Enrollments(db: try database.connect())
                    .cancel(eventID: event, idNumber: idNumber, today: .today())
                switch promoted {
                case .nobody: say("cancelled")
                case .person(let idNumber): say("cancelled; \(idNumber) moves from the waitlist into the seat")
                case .outsideScope: say("cancelled; the first on the waitlist, outside your scope, takes the seat")
                }
            }
        }
    }
}
