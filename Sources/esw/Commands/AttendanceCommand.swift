import ArgumentParser
import CalendarDates
import Foundation
import Workforce
import WorkforceOutput

struct AttendanceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "attendance",
        abstract: "Record who came to an event; attendees are credited its hours.",
        discussion: """
            After the event has started, for enrolled people only: before its start by Beijing's clock it is \
            refused with exit 3 even with a later --at (the database refuses it too). --hours credits fewer hours for \
            partial attendance. --file takes a CSV with id_number (身份证号), optional attended (yes/no, \
            是/否, 出席/缺席; default yes) and optional hours (学时), with the roster import's rules for bad \
            rows (listed, nothing written, exit 3, unless --skip-invalid).

            Examples:
              esw attendance --event 12 --file sign-in.csv
              esw attendance --event 12 --id-number 110105199003071239 --attended \\
                  --hours 1.5
            """)

    @Option(help: "The event's id.") var event: Int
    @Option(help: "One person's resident ID number.") var idNumber: String?
    @Option(help: "A CSV of attendance.") var file: String?
    @Flag(help: "The person came.") var attended = false
    @Flag(help: "The person did not come.") var absent = false
    @Option(help: "Hours to credit, if fewer than the event's.") var hours: String?
    @Option(help: "When this is recorded (default now).") var at: LocalDateTime?
    @OptionGroup var flags: ImportFlags
    @OptionGroup var database: DatabaseOptions

    func validate() throws {
        if (idNumber == nil) == (file == nil) { throw ValidationError("give --id-number or --file") }
        if idNumber != nil && attended == absent {
            throw ValidationError("with --id-number, give --attended or --absent")
        }
        if let hours, Decimal(string: hours) == nil { throw ValidationError("--hours must be a number") }
    }

    func run() throws {
        try reportingErrors {
            let attendance = Attendance(db: try database.connect())
            let at = self.at ?? localNow()
            if let file {
                finishImport(try attendance.record(eventID: event, path: file, at: at, options: flags.options()))
                return
            }
            try attendance.record(
                eventID: event, idNumber: idNumber!, attended: attended, hours: hours.flatMap { Decimal(string: $0) },
                at: at, today: .today())
            say(attended ? "attended" : "absent")
        }
    }
}
