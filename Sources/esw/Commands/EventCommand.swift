import ArgumentParser
import CalendarDates
import Foundation
import Workforce
import WorkforceOutput

struct EventCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "event",
        abstract: "Schedule, list, show, correct and cancel training events.",
        subcommands: [Create.self, List.self, Show.self, Cancel.self, Amend.self, Delete.self]
    )

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Schedule a training event; prints its id alone on stdout.",
            discussion: """
                Kinds: forum 座谈会, seminar 研讨会, expert_lecture 专家讲座, off_job_training 脱产培训, \
                study_tour 考察学习. Times are local: 2013-06-01 or 2013-06-01T09:00 (a date alone for \
                --ends means the end of that day). --hours is what attendance credits: more than 0 and no \
                more than the event's span. --quota reserves seats for departments, the rest open to all.

                Bad input (ends before it starts, starts before 1949-10-01, too many hours, quotas over \
                capacity, an unknown enterprise, a region code in no GB/T 2260 list since 1981, such \
                as 440399) is refused with the reason and exit 3; nothing is written.

                An event not cancelled with the same organizer, title and start is the same event: given \
                again identically, its id is printed (a note on stderr says it was on record) and nothing \
                is written, exit 0; given with another kind, end, hours, capacity, location or audience, \
                it is refused with exit 3, showing what is on record and what was given, field by field.

                Example:
                  esw event create --kind expert_lecture --title 企业社会工作概论 \\
                      --starts 2013-09-10T09:00 --ends 2013-09-10T12:00 --hours 3 \\
                      --capacity 40 --enterprise 91440305200000195U --quota union=10
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
                let endsAt = try EventDraft.end(parsing: ends)
                guard let creditHours = Decimal(string: hours) else {
                    throw WorkforceError.invalid(field: "hours", value: hours, reason: "is not a number")
                }
                let draft = EventDraft(
                    kind: kind, title: title, startsAt: starts, endsAt: endsAt, hours: creditHours, capacity: capacity,
                    enterpriseUSCC: enterprise, regionCode: region, location: location,
                    audience: try audience.map(parseDepartments), quotas: try quota.map(parseQuotas) ?? [:])
                let event = try Events(db: try database.connect()).schedule(draft)
                if event.existed {
                    printError(
                        "event \(event.id) with this organizer, title and start is already on record; nothing changed")
                }
                say(event.id)
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
        @OptionGroup var lang: LanguageOption
        @OptionGroup var database: ReadDatabaseOptions

        func run() throws {
            try reportingErrors {
                let events = try Events(db: try database.connect())
                    .list(from: from, to: to, kind: kind, enterpriseUSCC: enterprise, region: region)
                emit(Listing.events(events).rendered(as: format, language: lang.language))
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
        @OptionGroup var lang: LanguageOption
        @OptionGroup var database: ReadDatabaseOptions

        func run() throws {
            try reportingErrors {
                let detail = try Events(db: try database.connect()).detail(id: id)
                emit(
                    format == .json ? detail.json.serialized(pretty: true) + "\n" : detail.text(language: lang.language)
                )
            }
        }
    }

    struct Cancel: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Cancel an event, with a reason: its enrollments are kept as cancelled and nothing is credited.",
            discussion: """
                The people enrolled stay listed on the event (esw event show), as cancelled; the audit \
                trail (esw audit --table training_event) keeps the reason. Exit 3 when no event has the \
                id, it is already cancelled or the reason is empty; nothing changes.

                Example:
                  esw event cancel 7 --reason "主讲专家因故无法到场"
                """)

        @Argument(help: "The event's id.") var id: Int
        @Option(help: "Why it is cancelled; kept in the audit trail. At most 500 characters.") var reason: String
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            try reportingErrors {
                try Events(db: try database.connect()).cancel(id: id, reason: reason)
                say("cancelled event \(id)")
            }
        }
    }

    struct Amend: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Correct an event's title, location, capacity or times, with a reason.",
            discussion: """
                Prints each changed field, on record → corrected; the audit trail (esw audit --table \
                training_event) keeps both and the reason. Only the options given change.

                Refused with the reason and exit 3, changing nothing: no such event in your scope, an \
                empty title or reason, a capacity below the seats taken, an end not after the start, \
                more hours than the span, new times or hours once attendance is recorded, or another \
                event not cancelled with the resulting organizer, title and start. A role that may only \
                read events is refused with exit 1.

                Example:
                  esw event amend --id 7 --starts 2013-09-12T09:00 --ends 2013-09-12T12:00 \\
                      --reason "改期"
                """)
        @OptionGroup var correction: CorrectionOptions
        @Option(help: "The event's title.") var title: String?
        @Option(help: "Where it takes place.") var location: String?
        @Option(help: "Seats.") var capacity: Int?
        @Option(help: "When it starts: DATE or DATETHH:MM, local time.") var starts: LocalDateTime?
        @Option(help: "When it ends.") var ends: String?
        @Option(help: "Hours credited to those who attend.") var hours: String?
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            try reportingErrors {
                sayChanges(
                    "event \(correction.id)",
                    try Events(db: try database.connect()).amend(
                        id: correction.id, title: title, location: location, capacity: capacity, startsAt: starts,
                        endsAt: try ends.map(EventDraft.end(parsing:)), hours: try parseHours(hours),
                        reason: correction.reason))
            }
        }
    }

    struct Delete: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete an event scheduled by mistake, with a reason.",
            discussion: """
                Only an event nobody is enrolled in is deleted; one with enrollments is refused (exit 3): \
                cancel it instead, so that its people stay visible. The audit trail (esw audit --table \
                training_event) keeps the deleted row and the reason. Exit 3 also when no event has the \
                id in your scope or the reason is empty; nothing is deleted.

                Example:
                  esw event delete --id 7 --reason "重复创建"
                """)
        @OptionGroup var correction: CorrectionOptions
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            try reportingErrors {
                try Events(db: try database.connect()).delete(id: correction.id, reason: correction.reason)
                say("deleted event \(correction.id)")
            }
        }
    }
}

func parseDepartments(_ text: String) throws -> [Department] {
    try text.split(separator: ",").map { part in
        guard let department = Department(text: String(part)) else {
            throw WorkforceError.invalid(
                field: "audience", value: String(part),
                reason: "unknown department; use one of \(Department.acceptedValues)")
        }
        return department
    }
}

func parseQuotas(_ text: String) throws -> [Department: Int] {
    var quotas: [Department: Int] = [:]
    for part in text.split(separator: ",") {
        let pieces = part.split(separator: "=")
        guard pieces.count == 2, let department = Department(text: String(pieces[0])),
            let seats = Int(pieces[1])
        else {
            throw WorkforceError.invalid(
                field: "quota", value: String(part), reason: "write DEPARTMENT=SEATS, e.g. union=10")
        }
        quotas[department] = seats
    }
    return quotas
}
