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
        static let configuration = CommandConfiguration(abstract: "Create and list pilot programs.", subcommands: [Create.self, List.self])

        struct Create: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Create a pilot program with its deadlines; prints its id alone on stdout.",
                discussion: """
                Refused with the reason and exit 3 when the dates are out of order.

                Example:
                  esw pilot program create --name 企业社会工作试点 --document 民函〔2013〕132号 --apply-by 2013-06-01 --confirm-by 2013-06-30 --pilot-months 12 --summary-by 2014-06-30
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
                    print(try PilotPrograms(db: try database.connect()).create(
                        name: name, document: document, applyBy: applyBy, confirmBy: confirmBy, pilotMonths: pilotMonths, summaryBy: summaryBy))
                }
            }
        }

        struct List: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "List pilot programs.")
            @OptionGroup var database: DatabaseOptions

            func run() throws {
                try reportingErrors {
                    emit(Listing.pilotPrograms(try PilotPrograms(db: try database.connect()).list()).rendered(as: .table))
                }
            }
        }
    }

    struct Apply: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Apply to a program for a region, an enterprise or a service organization; prints the id.",
            discussion: """
            Refused with exit 3 after the program's deadline (unless --late, which is recorded) and \
            when the same applicant has applied to the program already.

            Example:
              esw pilot apply --program 1 --enterprise 91440305200000195U --plan plan.txt --on 2013-05-20
            """)
        @Option(help: "The program's id.") var program: Int
        @Option(help: "A region applying (code).") var region: String?
        @Option(help: "An enterprise applying (USCC).") var enterprise: String?
        @Option(help: "A service organization applying (USCC).") var serviceOrg: String?
        @Option(help: "A text file with the planned measures.") var plan: String?
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
                let applicant: Applicant = region.map { .region($0) } ?? enterprise.map { .enterprise(uscc: $0) } ?? .serviceOrg(uscc: serviceOrg!)
                let planText = try plan.map { path -> String in
                    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                        throw WorkforceError.invalid(field: "plan", value: path, reason: "cannot be read as UTF-8 text")
                    }
                    return text
                }
                print(try PilotApplications(db: try database.connect()).apply(
                    programID: program, applicant: applicant, plan: planText, on: on ?? .today(), late: late))
            }
        }
    }

    struct Advance: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Move an application on: approved, rejected, in_pilot, summarized, designated_demonstration, closed.",
            discussion: """
            The moves allowed are submitted → approved | rejected, approved → in_pilot, in_pilot → \
            summarized, summarized → designated_demonstration | closed, rejected → closed; any other is \
            refused with exit 3. Each move is dated and attributed.
            """)
        @Option(help: "The application's id.") var application: Int
        @Option(help: "The new state.") var to: String
        @Option(help: "The day of the change (default today).") var on: CalendarDate?
        @Option(help: "A note for the history.") var note: String?
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            try reportingErrors {
                let status = try applicationStatus(to, field: "to")
                try PilotApplications(db: try database.connect()).advance(applicationID: application, to: status, on: on ?? .today(), note: note)
                print(status.rawValue)
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List applications, by program, province or state.")
        @Option(help: "Only this program.") var program: Int?
        @Option(help: "Only applicants in this province (or region).") var province: String?
        @Option(help: "Only this state.") var status: String?
        @Option(help: "table, json or csv.") var format: OutputFormat = .table
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            try reportingErrors {
                let state = try status.map { try applicationStatus($0, field: "status") }
                let applications = try PilotApplications(db: try database.connect()).list(programID: program, province: province, status: state)
                emit(Listing.pilotApplications(applications).rendered(as: format))
            }
        }
    }

    struct History: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "An application's dated, attributed history of states.")
        @Argument(help: "The application's id.") var application: Int
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            try reportingErrors {
                let history = try PilotApplications(db: try database.connect()).history(applicationID: application)
                emit(Listing.applicationHistory(history).rendered(as: .table))
            }
        }
    }
}

/// Reads an application state given on the command line.
func applicationStatus(_ text: String, field: Field) throws -> ApplicationStatus {
    guard let status = ApplicationStatus(rawValue: text) else {
        throw WorkforceError.invalid(field: field, value: text, reason: "use one of \(ApplicationStatus.allCases.map(\.rawValue).joined(separator: ", "))")
    }
    return status
}

struct PostCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "post", abstract: "Social-work posts developed (岗位开发).", subcommands: [Add.self, List.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List posts, by enterprise or region and by the date they were created.",
            discussion: "ID numbers of the people filling posts are masked (first 6 and last 4 characters) unless --include-id-numbers.")
        @OptionGroup var list: WorkAreaListOptions
        @Flag(help: "Show whole ID numbers.") var includeIDNumbers = false
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            try reportingErrors {
                let db = try database.connect()
                emit(Listing(records: try Posts(db: db).list(try list.filter(db), includeIDNumbers: includeIDNumbers), numeric: [0]).rendered(as: list.format))
            }
        }
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record a post; prints its id.",
            discussion: """
            Example:
              esw post add --enterprise 91440305200000195U --department union --title 企业社会工作专员 --created-on 2013-08-01
            """)
        @Option(help: "The enterprise (USCC).") var enterprise: String
        @Option(help: "The department kind.") var department: Department
        @Option(help: "The post's title.") var title: String
        @Option(help: "Who fills it (resident ID number).") var filledBy: String?
        @Option(help: "When it was created (default today).") var createdOn: CalendarDate?
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            try reportingErrors {
                print(try Posts(db: try database.connect()).add(
                    enterpriseUSCC: enterprise, department: department, title: title, filledBy: filledBy,
                    createdOn: createdOn ?? .today(), today: .today()))
            }
        }
    }
}

struct OrgCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "org", abstract: "Social-work service organizations (机构培育).", subcommands: [Add.self, List.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List service organizations with the services each has provided.")
        @Option(help: "table, json or csv.") var format: OutputFormat = .table
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            try reportingErrors {
                emit(Listing(records: try ServiceOrganizations(db: try database.connect()).list(), numeric: [4]).rendered(as: format))
            }
        }
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a service organization, or update the one with this USCC.",
            discussion: """
            Example:
              esw org add --uscc 52440300MJ000123XJ --name 深圳市某某社会工作服务中心 --region 440300 --founded 2012-05-01
            """)
        @Option(help: "Its unified social credit code.") var uscc: String
        @Option(help: "Its name.") var name: String
        @Option(help: "Its division code.") var region: String
        @Option(help: "When it was founded.") var founded: CalendarDate?
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            try reportingErrors {
                try ServiceOrganizations(db: try database.connect()).add(uscc: uscc, name: name, region: region, founded: founded)
                print("saved")
            }
        }
    }
}

struct ServiceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "service", abstract: "Services delivered (服务开展).", subcommands: [Record.self, List.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List services, by enterprise or region and date.")
        @OptionGroup var list: WorkAreaListOptions
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            try reportingErrors {
                let db = try database.connect()
                emit(Listing(records: try Services(db: db).list(try list.filter(db)), numeric: [0, 5, 7, 8]).rendered(as: list.format))
            }
        }
    }

    struct Record: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record a service delivered; prints its id.",
            discussion: """
            Kinds: emotional_counseling 情绪疏导, psychological_comfort 精神抚慰, production_adaptation \
            生产适应, skill_improvement 技能提升, family_support 家庭帮扶, behavior_correction 行为矫治, \
            support_network 社会支持网络建设, labor_relations 劳资关系调节, enterprise_culture 企业文化建设.

            --file takes a CSV with enterprise_uscc (统一社会信用代码), kind (服务类别, English key or \
            Chinese name), served_on (服务日期), beneficiaries (服务人次) and optional provider \
            (服务提供者: ID number or USCC), volunteers (志愿者人数) and hours (服务时长). Bad input: \
            every bad row is listed (line, column, value, reason), nothing is written and the exit \
            status is 3, unless --skip-invalid. A row identical to a service on record is left \
            unchanged, so a file can be imported again.

            Examples:
              esw service record --enterprise 91440305200000195U --kind emotional_counseling --date 2013-10-12 --beneficiaries 35 --provider 52440300MJ000123XJ
              esw service record --file services-2013.csv
            """)
        @Option(help: "A CSV of services, instead of one service by the options below.") var file: String?
        @Option(help: "The enterprise (USCC).") var enterprise: String?
        @Option(help: "The kind of service.") var kind: String?
        @Option(help: "When it took place.") var date: CalendarDate?
        @Option(help: "How many people it served.") var beneficiaries: Int?
        @Option(help: "Who provided it: a resident ID number or a service organization's USCC.") var provider: String?
        @Option(help: "Volunteers involved.") var volunteers: Int?
        @Option(help: "Hours of service.") var hours: String?
        @OptionGroup var database: DatabaseOptions

        @OptionGroup var flags: ImportFlags

        func validate() throws {
            let single = [enterprise as Any?, kind, date, beneficiaries]
            if file != nil && single.contains(where: { $0 != nil }) {
                throw ValidationError("give --file, or --enterprise --kind --date --beneficiaries, not both")
            }
            if file == nil && single.contains(where: { $0 == nil }) {
                throw ValidationError("give --enterprise, --kind, --date and --beneficiaries (or --file)")
            }
        }

        func run() throws {
            try reportingErrors {
                if let file {
                    finishImport(try Services(db: try database.connect()).importFile(path: file, options: flags.options()))
                    return
                }
                guard let enterprise, let kindText = self.kind, let date, let beneficiaries else { return }
                guard let kind = ServiceKind(text: kindText) else {
                    throw WorkforceError.invalid(field: "kind", value: kindText, reason: "use one of \(ServiceKind.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                let hoursValue = try hours.map { text -> Decimal in
                    guard let value = Decimal(string: text) else { throw WorkforceError.invalid(field: "hours", value: text, reason: "is not a number") }
                    return value
                }
                print(try Services(db: try database.connect()).record(
                    enterpriseUSCC: enterprise, kind: kind, on: date, beneficiaries: beneficiaries, provider: provider,
                    volunteers: volunteers, hours: hoursValue, today: .today()))
            }
        }
    }
}

struct FundingCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "funding", abstract: "Money put in (资金投入).", subcommands: [Add.self, List.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List money received, by enterprise or region and date.",
            discussion: "With --region, money paid to the region itself is listed too. Amounts are exact yuan (JSON: strings).")
        @OptionGroup var list: WorkAreaListOptions
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            try reportingErrors {
                let db = try database.connect()
                emit(Listing(records: try Funding(db: db).list(try list.filter(db)), numeric: [0]).rendered(as: list.format))
            }
        }
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record money received by an enterprise or a region; prints its id.",
            discussion: """
            Amounts are exact: yuan with at most two decimals (12345.67), stored as numeric, never as \
            floating point. Refused with exit 3 otherwise.

            Example:
              esw funding add --enterprise 91440305200000195U --source government_purchase --amount 60000.00 --on 2013-09-01 --provider-org 52440300MJ000123XJ --contract SZ-2013-001
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
                    throw WorkforceError.invalid(field: "source", value: self.source, reason: "use government_purchase, enterprise or other")
                }
                print(try Funding(db: try database.connect()).add(
                    enterpriseUSCC: enterprise, region: region, source: source, amount: amount, on: on,
                    providerOrg: providerOrg, contract: contract))
            }
        }
    }
}
