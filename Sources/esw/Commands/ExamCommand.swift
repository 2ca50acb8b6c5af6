import ArgumentParser
import CalendarDates
import Foundation
import Workforce
import WorkforceOutput

struct ExamCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "exam",
        abstract: "The national social worker exam: sessions, windows, pass lines, registration, scores, results.",
        subcommands: [Session.self, Window.self, PassLine.self, Register.self, Scores.self, Results.self, Funnel.self]
    )

    struct Session: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create and list exam sessions (one per year and level).",
            subcommands: [Create.self, List.self])

        struct Create: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Create the session of a year and level; prints its id alone on stdout.",
                discussion: """
                    The national pass line of 60 is set for each of the level's subjects; change it, or \
                    add local lines, with esw exam passline set. Exit 3 when the session exists already.

                    Example:
                      esw exam session create --year 2013 --level intermediate --date 2013-06-15
                    """)

            @Option(help: "The exam year.") var year: Int
            @Option(help: "junior, intermediate or senior (or 助理社会工作师, 社会工作师, 高级社会工作师).") var level: String
            @Option(help: "The exam date.") var date: CalendarDate
            @Option(help: "The day years of social work are counted to (default: 31 December of the year before).")
            var workYearsCutoff: CalendarDate?
            @OptionGroup var database: DatabaseOptions

            func run() throws {
                try reportingErrors {
                    let level: CertificateLevel = try term(level, field: "level")
                    say(
                        try ExamSessions(db: try database.connect()).create(
                            year: year, level: level, examDate: date, workYearsCutoff: workYearsCutoff))
                }
            }
        }

        struct List: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "List exam sessions with their windows and registrations.",
                discussion: """
                    Example:
                      esw exam session list --format csv
                    """)
            @Option(help: "table, json or csv.") var format: OutputFormat = .table
            @OptionGroup var lang: LanguageOption
            @OptionGroup var database: ReadDatabaseOptions

            func run() throws {
                try reportingErrors {
                    let sessions = try ExamSessions(db: try database.connect()).list()
                    emit(Listing.examSessions(sessions).rendered(as: format, language: lang.language))
                }
            }
        }
    }

    struct Window: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set a province's registration window for a session.",
            subcommands: [Set.self])

        struct Set: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Set (or move) one province's registration window.",
                discussion: """
                    Example:
                      esw exam window set --session 3 --province 440000 --opens 2013-03-14 \\
                          --closes 2013-03-26
                    """)
            @Option(help: "The session's id.") var session: Int
            @Option(help: "The province's code (xx0000).") var province: String
            @Option(help: "First day of registration.") var opens: CalendarDate
            @Option(help: "Last day of registration.") var closes: CalendarDate
            @OptionGroup var database: DatabaseOptions

            func run() throws {
                try reportingErrors {
                    try ExamSessions(db: try database.connect()).setWindow(
                        sessionID: session, province: province, opens: opens, closes: closes)
                    say("window set")
                }
            }
        }
    }

    struct PassLine: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "passline",
            abstract: "Set a subject's national pass line, or a local line for an area.",
            subcommands: [Set.self])

        struct Set: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Set a pass line; with --region, a local line whose passes are valid locally only.",
                discussion: """
                    Example:
                      esw exam passline set --session 3 --subject practice --mark 55 \\
                          --region 513200
                    """)
            @Option(help: "The session's id.") var session: Int
            @Option(help: "comprehensive, practice or regulations (or the Chinese name).") var subject: String
            @Option(help: "The lowest passing score, 0-100.") var mark: String
            @Option(help: "The area a local line applies to (a region code).") var region: String?
            @OptionGroup var database: DatabaseOptions

            func run() throws {
                try reportingErrors {
                    let subject: ExamSubject = try term(subject, field: "subject")
                    guard let mark = Decimal(string: mark) else {
                        throw WorkforceError.invalid(field: "mark", value: self.mark, reason: "is not a number")
                    }
                    try ExamSessions(db: try database.connect()).setPassLine(
                        sessionID: session, subject: subject, mark: mark, region: region)
                    say("pass line set")
                }
            }
        }
    }

    struct Register: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Register a person, or a spreadsheet of people, for an exam session.",
            discussion: """
                Refused with the reason and exit 3 outside the registration window of the province the \
                person works in, twice for the same session, for a person with no active employment, or \
                for a subject the level does not have, or for a person whose recorded education and years of \
                social work meet no eligibility rule (exam_eligibility_rule). Where education or the start \
                of social work is not recorded, the registration is accepted and flagged "eligibility unverified".

                --file takes a CSV with id_number (身份证号), session (考试场次, unless --session: the exam \
                year and level, 2013 助理社会工作师 or 2013 junior, or the session's id) and optional subjects \
                (科目, separated by ; or 、; default all of the level's), with the roster import's rules: every \
                bad row listed, nothing written, exit 3, unless --skip-invalid.

                Examples:
                  esw exam register --session 3 --id-number 110105199003071239 \\
                      --subjects regulations,practice --on 2013-03-20
                  esw exam register --file data/sample/exam-candidates-2013.csv --on 2013-03-20
                """)
        @Option(help: "The session's id (with --file, optional when the file has a session column).") var session: Int?
        @Option(help: "One person's resident ID number.") var idNumber: String?
        @Option(help: "A CSV of candidates.") var file: String?
        @Option(help: "Subjects, comma-separated (default: all of the level's).") var subjects: String?
        @Option(help: "The day the registration was made (default today).") var on: CalendarDate?
        @OptionGroup var flags: ImportFlags
        @OptionGroup var database: DatabaseOptions

        func validate() throws {
            if (idNumber == nil) == (file == nil) { throw ValidationError("give --id-number or --file") }
            if idNumber != nil && session == nil { throw ValidationError("--id-number needs --session") }
        }

        func run() throws {
            try reportingErrors {
                let registrations = ExamRegistrations(db: try database.connect())
                if let file {
                    finishImport(
                        try registrations.register(
                            sessionID: session, path: file, on: on ?? .today(), options: flags.options()))
                    return
                }
                let chosen = try subjects.map { text in
                    try text.split(separator: ",").map { (part: Substring) -> ExamSubject in
                        try term(String(part), field: "subjects")
                    }
                }
                let registered = try registrations.register(
                    sessionID: session!, idNumber: idNumber!, subjects: chosen, on: on ?? .today(), today: .today())
                let subjects = registered.subjects.map(\.rawValue).joined(separator: ", ")
                let unverified = " (eligibility unverified: education or start of social work not recorded)"
                say("registered for \(subjects)\(registered.eligibilityVerified ? "" : unverified)")
            }
        }
    }

    struct Scores: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import exam scores.",
            subcommands: [Import.self])

        struct Import: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Import scores: id_number, session, subject, score.",
                discussion: """
                    Headers in English or Chinese (身份证号, 考试场次, 科目, 成绩); the session by exam year \
                    and level (2013 助理社会工作师, 2014 intermediate) or by its id; subjects as keys or Chinese \
                    names. A score for someone with no registration for that session and subject, an unknown \
                    session or subject, or a score outside 0-100 or with more than one decimal \
                    (59.95 is refused, never rounded to a pass) is a bad row: every bad row is listed, \
                    nothing is written and esw exits 3, unless --skip-invalid.

                    Example:
                      esw exam scores import data/sample/exam-scores-2013.csv
                    """)
            @Argument(help: "The CSV file.") var file: String
            @OptionGroup var flags: ImportFlags
            @OptionGroup var database: DatabaseOptions

            func run() throws {
                try reportingErrors {
                    finishImport(
                        try ExamScores(db: try database.connect()).importFile(path: file, options: flags.options()))
                }
            }
        }
    }

    struct Results: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Who passed what: subjects, levels, national or local, and what remains.",
            discussion: """
                A level is passed when each of its subjects has a pass within the level's window of \
                consecutive exam years: junior in one year, intermediate within two (exam_level_rule). \
                For those not through: the subjects that remain and the last exam year in which their \
                earlier passes still count.

                Bad input: an --id-number that is not valid is exit 3; one that names no person of your \
                scope is exit 2 ("no person of your scope has this ID number"); a person with no exam \
                results is an empty list.

                Example:
                  esw exam results --id-number 110105199003071239 --format json
                """)
        @Option(help: "A session's candidates.") var session: Int?
        @Option(help: "An enterprise's staff (USCC).") var enterprise: String?
        @Option(help: "Staff of enterprises in a region.") var region: String?
        @Option(help: "One person.") var idNumber: String?
        @Flag(help: "Only those who passed a level and have no certificate of it recorded yet.")
        var pendingCertificates = false
        @Option(help: "table, json or csv.") var format: OutputFormat = .table
        @OptionGroup var lang: LanguageOption
        @OptionGroup var database: ReadDatabaseOptions

        func validate() throws {
            let filters = [session != nil, enterprise != nil, region != nil, idNumber != nil].filter { $0 }.count
            if pendingCertificates ? filters > 1 || session != nil || idNumber != nil : filters != 1 {
                throw ValidationError(
                    pendingCertificates
                        ? "--pending-certificates takes --enterprise, --region or no filter"
                        : "give one of --session, --enterprise, --region or --id-number")
            }
        }

        func run() throws {
            try reportingErrors {
                let examResults = ExamResults(db: try database.connect())
                var results: [LevelResult] = []
                try unknownPersonIsUsageError {
                    results =
                        pendingCertificates
                        ? try examResults.pendingCertificates(
                            enterpriseUSCC: enterprise, region: region, today: .today())
                        : try examResults.results(
                            sessionID: session, enterpriseUSCC: enterprise, region: region, idNumber: idNumber,
                            today: .today())
                }
                emit(Listing.levelResults(results, idNumber: idNumber).rendered(as: format, language: lang.language))
            }
        }
    }

    struct Funnel: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Registered → sat → passed → certified for one exam year in a region.",
            discussion: """
                Per level, then per department kind of the registering employment (a person in two \
                departments counts in each). Passed: the level was passed that year. Certified: a \
                certificate of that level or higher issued on or after that year's exam.

                Example:
                  esw exam funnel --region 440000 --year 2013
                """)
        @Option(help: "The region (province, city or county code).") var region: String
        @Option(help: "The exam year.") var year: Int
        @Option(help: "table, json or csv.") var format: OutputFormat = .table
        @OptionGroup var lang: LanguageOption
        @OptionGroup var database: ReadDatabaseOptions

        func run() throws {
            try reportingErrors {
                let lines = try ExamResults(db: try database.connect()).funnel(
                    region: region, year: year, today: .today())
                emit(Listing.examFunnel(lines).rendered(as: format, language: lang.language))
            }
        }
    }
}
