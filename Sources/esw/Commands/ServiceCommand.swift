import ArgumentParser
import CalendarDates
import Foundation
import PostgresClient
import Workforce
import WorkforceOutput

struct ServiceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "service", abstract: "Services delivered (服务开展).", subcommands: [Record.self, List.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List services, by enterprise or region and date.",
            discussion: """
                Example:
                  esw service list --region 440300 --from 2013-07-01
                """)
        @OptionGroup var list: WorkAreaListOptions
        @OptionGroup var database: ReadDatabaseOptions

        func run() throws {
            try reportingErrors {
                let db = try database.connect()
                emit(
                    Listing.services(try Services(db: db).list(try list.filter(db))).rendered(
                        as: list.format, language: list.lang.language))
            }
        }
    }

    struct Record: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record a service delivered; prints its id.",
            discussion: """
                Kinds: emotional_counseling 情绪疏导, psychological_comfort 精神抚慰, production_adaptation \
                生产适应, skill_improvement 技能提升, family_support 家庭帮扶, \
                behavior_correction 行为矫治, \
                support_network 社会支持网络建设, labor_relations 劳资关系调节, \
                enterprise_culture 企业文化建设.

                --file takes a CSV with enterprise_uscc (统一社会信用代码), kind (服务类别, English key or \
                Chinese name), served_on (服务日期), beneficiaries (服务人次) and optional provider \
                (服务提供者: ID number or USCC), volunteers (志愿者人数) and hours (服务时长). \
                Bad input: \
                every bad row is listed (line, column, value, reason), nothing is written and the exit \
                status is 3, unless --skip-invalid. A row identical to a service on record is left \
                unchanged, so a file can be imported again.

                Examples:
                  esw service record --enterprise 91440305200000195U \\
                      --kind emotional_counseling --date 2013-10-12 --beneficiaries 35 \\
                      --provider 52440300MJ000123XJ
                  esw service record --file services-2013.csv
                """)
        @Option(help: "A CSV of services, instead of one service by the options below.") var file: String?
        @Option(help: "The enterprise (USCC).") var enterprise: String?
        @Option(help: "The kind of service: a code or its Chinese name (情绪疏导, …).") var kind: String?
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
                    finishImport(
                        try Services(db: try database.connect()).importFile(path: file, options: flags.options()))
                    return
                }
                guard let enterprise, let kindText = self.kind, let date, let beneficiaries else { return }
                let kind: ServiceKind = try term(kindText, field: "kind")
                let hoursValue = try hours.map { text -> Decimal in
                    guard let value = Decimal(string: text) else {
                        throw WorkforceError.invalid(field: "hours", value: text, reason: "is not a number")
                    }
                    return value
                }
                say(
                    try Services(db: try database.connect()).record(
                        enterpriseUSCC: enterprise, kind: kind, on: date, beneficiaries: beneficiaries,
                        provider: provider,
                        volunteers: volunteers, hours: hoursValue, today: .today()))
            }
        }
    }
}
