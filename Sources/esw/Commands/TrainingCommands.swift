import ArgumentParser
import CalendarDates
import Foundation
import Workforce

/// Now on the wall clock, for operations that default to "now".
func localNow() -> LocalDateTime {
    let calendar = Calendar(identifier: .gregorian)
    let parts = calendar.dateComponents(in: .current, from: Date())
    return LocalDateTime(date: CalendarDate.today(), hour: parts.hour ?? 0, minute: parts.minute ?? 0)
}

struct EventCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "event",
        abstract: "Schedule, list, show and cancel training events.",
        subcommands: [Create.self, List.self, Show.self, Cancel.self]
    )

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Schedule a training event; prints its id alone on stdout.",
            discussion: """
            Kinds: forum 座谈会, seminar 研讨会, expert_lecture 专家讲座, off_job_training 脱产培训, \
            study_tour 考察学习. Times are local: 2013-06-01 or 2013-06-01T09:00 (a date alone for \
            --ends means the end of that day). --hours is what attendance credits: more than 0 and no \
            more than the event's span. --quota reserves seats for departments, the rest open to all.

            Bad input (ends before it starts, too many hours, quotas over capacity, an unknown \
            enterprise or region) is refused with the reason and exit 3; nothing is written.

            Example:
              esw event create --kind expert_lecture --title 企业社会工作概论 --starts 2013-09-10T09:00 --ends 2013-09-10T12:00 --hours 3 --capacity 40 --enterprise 91440305200000195U --quota union=10
            """)

        @Option(help: "forum, seminar, expert_lecture, off_job_training or study_tour.") var kind: EventKind
        @Option(help: "The event's title.") var title: String
        @Option(help: "When it starts: DATE or DATETHH:MM, local time.") var starts: LocalDateTime
        @Option(help: "When it ends.") var ends: String
        @Option(help: "Hours credited to those who attend.") var hours: String
        @Option(help: "Seats.") var capacity: Int
        @Option(help: "Organized by this enterprise (USCC): only its staff may enroll.") var enterprise: String?
        @Option(help: "Organized for this region (code): staff of its enterprises may enroll.") var region: String?
        @Option(help: "Where it takes place.") var location: String?
        @Option(help: "Departments it is for, comma-separated (default: all six).") var audience: String?
        @Option(help: "Seats reserved per department, e.g. union=10,youth_league=5.") var quota: String?
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            try reportingErrors {
                let endsAt: LocalDateTime
                if let date = CalendarDate(spreadsheetValue: ends) {
                    endsAt = LocalDateTime(date: date.adding(days: 1))
                } else if let time = LocalDateTime(text: ends) {
                    endsAt = time
                } else {
                    throw WorkforceError.invalid(field: "--ends", value: ends, reason: "write it as 2013-06-01 or 2013-06-01T17:00")
                }
                guard let creditHours = Decimal(string: hours) else {
                    throw WorkforceError.invalid(field: "--hours", value: hours, reason: "is not a number")
                }
                let draft = EventDraft(
                    kind: kind, title: title, startsAt: starts, endsAt: endsAt, hours: creditHours, capacity: capacity,
                    enterpriseUSCC: enterprise, regionCode: region, location: location,
                    audience: try audience.map(parseDepartments), quotas: try quota.map(parseQuotas) ?? [:])
                let id = try Training(db: try database.connect()).createEvent(draft)
                print(id)
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List events, with seats taken, waitlist and attendance.",
            discussion: """
            Example:
              esw event list --from 2013-01-01 --to 2013-12-31 --kind seminar --format csv
            """)

        @Option(help: "Events starting on or after this date.") var from: CalendarDate?
        @Option(help: "Events starting on or before this date.") var to: CalendarDate?
        @Option(help: "Only this kind.") var kind: EventKind?
        @Option(help: "Only events this enterprise organizes (USCC).") var enterprise: String?
        @Option(help: "Only events in this region.") var region: String?
        @Option(help: "table, json or csv.") var format: OutputFormat = .table
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            try reportingErrors {
                let events = try Training(db: try database.connect())
                    .events(from: from, to: to, kind: kind, enterpriseUSCC: enterprise, region: region)
                let headers = ["id", "kind", "title", "starts", "ends", "hours", "capacity", "organizer", "enrolled", "waitlisted", "attended", "cancelled"]
                let rows = events.map { event in
                    [String(event.id), event.kind.rawValue, event.title, event.startsAt.description, event.endsAt.description,
                     event.hours, String(event.capacity), event.organizer, String(event.enrolled), String(event.waitlisted),
                     String(event.attended), event.cancelled ? "yes" : ""]
                }
                switch format {
                case .table: print(TextTable(headers: headers, rows: rows, rightAligned: [0, 5, 6, 8, 9, 10]).render(), terminator: "")
                case .csv: printCSV(headers: headers, rows: rows)
                case .json:
                    print(JSON.array(events.map { event in
                        .object([
                            ("id", .int(event.id)), ("kind", .string(event.kind.rawValue)), ("title", .string(event.title)),
                            ("starts_at", .string(event.startsAt.description)), ("ends_at", .string(event.endsAt.description)),
                            ("hours", .number(event.hours)), ("capacity", .int(event.capacity)), ("organizer", .string(event.organizer)),
                            ("enrolled", .int(event.enrolled)), ("waitlisted", .int(event.waitlisted)),
                            ("attended", .int(event.attended)), ("cancelled", .bool(event.cancelled)),
                        ])
                    }).serialized(pretty: true))
                }
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show one event: seats taken, quotas, the waitlist in order, attendance.",
            discussion: """
            Exit 3 when no event has the id.

            Example:
              esw event show 12 --format json
            """)

        @Argument(help: "The event's id.") var id: Int
        @Option(help: "table or json.") var format: OutputFormat = .table
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            try reportingErrors {
                let detail = try Training(db: try database.connect()).event(id: id)
                if format == .json {
                    print(detail.json.serialized(pretty: true))
                    return
                }
                let event = detail.summary
                print("\(event.id)  \(event.title)  [\(event.kind.rawValue) \(event.kind.chineseName)]\(event.cancelled ? "  CANCELLED" : "")")
                print("\(event.startsAt) – \(event.endsAt), \(event.hours) hours, organizer \(event.organizer)\(detail.location.map { ", at \($0)" } ?? "")")
                print("seats \(event.enrolled + event.attended)/\(event.capacity) taken, \(event.waitlisted) waiting, \(event.attended) attended")
                for quota in detail.quotas {
                    print("  quota \(quota.department.rawValue): \(quota.taken)/\(quota.seats)")
                }
                let rows = detail.enrollments.map {
                    [$0.idNumber, $0.name, $0.department.rawValue, $0.status.rawValue,
                     $0.waitlistPosition.map(String.init) ?? "", $0.hours ?? ""]
                }
                print(TextTable(headers: ["id number", "name", "department", "status", "waitlist", "hours"],
                                rows: rows, rightAligned: [4, 5]).render(), terminator: "")
            }
        }
    }

    struct Cancel: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Cancel an event: its enrollments are kept as cancelled and nothing is credited.",
            discussion: "Exit 3 when no event has the id or it is already cancelled.")

        @Argument(help: "The event's id.") var id: Int
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            try reportingErrors {
                try Training(db: try database.connect()).cancelEvent(id: id)
                print("cancelled event \(id)")
            }
        }
    }
}

func parseDepartments(_ text: String) throws -> [Department] {
    try text.split(separator: ",").map { part in
        guard let department = Department(spreadsheetValue: String(part)) else {
            throw WorkforceError.invalid(field: "--audience", value: String(part), reason: "unknown department; use one of \(Department.acceptedValues)")
        }
        return department
    }
}

func parseQuotas(_ text: String) throws -> [Department: Int] {
    var quotas: [Department: Int] = [:]
    for part in text.split(separator: ",") {
        let pieces = part.split(separator: "=")
        guard pieces.count == 2, let department = Department(spreadsheetValue: String(pieces[0])), let seats = Int(pieces[1]) else {
            throw WorkforceError.invalid(field: "--quota", value: String(part), reason: "write DEPARTMENT=SEATS, e.g. union=10")
        }
        quotas[department] = seats
    }
    return quotas
}

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
            event_id (培训编号) to fill many events from one file, with the same rules as the roster import: encodings and headers are detected, every bad row is listed \
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
                let training = Training(db: try database.connect())
                let at = self.at ?? localNow()
                if let file {
                    finishImport(try training.enroll(eventID: event, path: file, at: at, options: flags.options()))
                    return
                }
                let outcome = try training.enroll(eventID: event!, idNumber: idNumber!, at: at, today: .today())
                let position = outcome.waitlistPosition.map { " (position \($0))" } ?? ""
                print(outcome.changed ? "\(outcome.status.rawValue)\(position)" : "already \(outcome.status.rawValue)\(position); nothing changed")
            }
        }
    }

    struct Cancel: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Cancel an enrollment; the first on the waitlist takes the freed seat, at once.",
            discussion: """
            A freed quota seat goes first to that department's waitlist, then to anyone waiting. \
            Exit 3 when the person holds no enrollment in the event.
            """)

        @Option(help: "The event's id.") var event: Int
        @Option(help: "The person's resident ID number.") var idNumber: String
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            try reportingErrors {
                let promoted = try Training(db: try database.connect())
                    .cancelEnrollment(eventID: event, idNumber: idNumber, today: .today())
                print(promoted.map { "cancelled; \($0) moves from the waitlist into the seat" } ?? "cancelled")
            }
        }
    }
}

struct AttendanceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "attendance",
        abstract: "Record who came to an event; attendees are credited its hours.",
        discussion: """
        After the event has started, for enrolled people only. --hours credits fewer hours for \
        partial attendance. --file takes a CSV with id_number (身份证号), optional attended (yes/no, \
        是/否, 出席/缺席; default yes) and optional hours (学时), with the roster import's rules for bad \
        rows (listed, nothing written, exit 3, unless --skip-invalid).

        Examples:
          esw attendance --event 12 --file sign-in.csv
          esw attendance --event 12 --id-number 110105199003071239 --attended --hours 1.5
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
        if idNumber != nil && attended == absent { throw ValidationError("with --id-number, give --attended or --absent") }
        if let hours, Decimal(string: hours) == nil { throw ValidationError("--hours must be a number") }
    }

    func run() throws {
        try reportingErrors {
            let training = Training(db: try database.connect())
            let at = self.at ?? localNow()
            if let file {
                finishImport(try training.recordAttendance(eventID: event, path: file, at: at, options: flags.options()))
                return
            }
            try training.recordAttendance(
                eventID: event, idNumber: idNumber!, attended: attended, hours: hours.flatMap { Decimal(string: $0) },
                at: at, today: .today())
            print(attended ? "attended" : "absent")
        }
    }
}

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
              esw training hours --enterprise 91440305200000195U --from 2013-01-01 --to 2013-12-31
            """)

        @Option(help: "Only this enterprise's staff (USCC).") var enterprise: String?
        @Option(help: "Only staff of enterprises in this region.") var region: String?
        @Option(help: "Only this person.") var idNumber: String?
        @Option(help: "Events starting on or after this date.") var from: CalendarDate?
        @Option(help: "Events starting on or before this date.") var to: CalendarDate?
        @Option(help: "table, json or csv.") var format: OutputFormat = .table
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            try reportingErrors {
                let report = try Training(db: try database.connect()).hours(
                    enterpriseUSCC: enterprise, region: region, idNumber: idNumber, from: from, to: to, today: .today())
                let headers = ["id_number", "name", "enterprise", "department", "events", "hours"]
                let rows = report.people.map { [$0.idNumber, $0.name, $0.enterpriseUSCC, $0.department.rawValue, String($0.events), $0.hours] }
                switch format {
                case .csv: printCSV(headers: headers, rows: rows)
                case .json:
                    print(JSON.object([
                        ("people", .array(report.people.map { person in
                            .object([("id_number", .string(person.idNumber)), ("name", .string(person.name)),
                                     ("enterprise_uscc", .string(person.enterpriseUSCC)), ("department", .string(person.department.rawValue)),
                                     ("events", .int(person.events)), ("hours", .number(person.hours))])
                        })),
                        ("by_department", .object(report.byDepartment.map { ($0.0.rawValue, .number($0.1)) })),
                        ("by_kind", .object(report.byKind.map { ($0.0.rawValue, .number($0.1)) })),
                        ("total", .number(report.total)),
                    ]).serialized(pretty: true))
                case .table:
                    print(TextTable(headers: headers, rows: rows, rightAligned: [4, 5]).render(), terminator: "")
                    let departments = report.byDepartment.map { "\($0.0.rawValue) \($0.1)" }
                    let kinds = report.byKind.map { "\($0.0.rawValue) \($0.1)" }
                    print("by department: " + (departments.isEmpty ? "none" : departments.joined(separator: ", ")))
                    print("by kind: " + (kinds.isEmpty ? "none" : kinds.joined(separator: ", ")))
                    print("total: \(report.total) hours")
                }
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
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            try reportingErrors {
                let gaps = try Training(db: try database.connect()).gaps(enterpriseUSCC: enterprise, asOf: asOf ?? .today())
                let headers = ["reason", "id_number", "name", "departments", "level", "period_start", "period_end", "credited", "required", "missing"]
                let rows = gaps.map { gap in
                    [gap.reason.rawValue, gap.idNumber, gap.name, gap.departments.map(\.rawValue).joined(separator: " "),
                     gap.level?.rawValue ?? "", gap.periodStart?.iso ?? "", gap.periodEnd?.iso ?? "", gap.creditedHours,
                     gap.requiredHours ?? "", gap.missingHours ?? ""]
                }
                switch format {
                case .csv: printCSV(headers: headers, rows: rows)
                case .table: print(TextTable(headers: headers, rows: rows, rightAligned: [7, 8, 9]).render(), terminator: "")
                case .json:
                    print(JSON.array(gaps.map { gap in
                        .object([
                            ("reason", .string(gap.reason.rawValue)), ("id_number", .string(gap.idNumber)), ("name", .string(gap.name)),
                            ("departments", .array(gap.departments.map { .string($0.rawValue) })),
                            ("level", .optional(gap.level?.rawValue)), ("period_start", .optional(gap.periodStart?.iso)),
                            ("period_end", .optional(gap.periodEnd?.iso)), ("credited_hours", .number(gap.creditedHours)),
                            ("required_hours", gap.requiredHours.map(JSON.number) ?? .null),
                            ("missing_hours", gap.missingHours.map(JSON.number) ?? .null),
                        ])
                    }).serialized(pretty: true))
                }
            }
        }
    }
}
