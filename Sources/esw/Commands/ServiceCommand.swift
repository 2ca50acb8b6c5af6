import ArgumentParser
import CalendarDates
import Foundation
import PostgresClient
import Workforce
import WorkforceOutput

struct ServiceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "service", abstract: "Services delivered (服务开展).",
        subcommands: [Record.self, List.self, Amend.self, Delete.self])

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
                unchanged, so a file can be imported again (a file with n identical rows records n services).

                One service identical to one on record (the same enterprise, kind, date, beneficiaries, \
                provider, volunteers and hours) is refused with exit 3, naming the one on record, and \
                nothing is written; --allow-duplicate records a real second one.

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
        @Flag(help: "Record it even if an identical service is on record: a real second service.")
        var allowDuplicate = false
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
                say(
                    try Services(db: try database.connect()).record(
                        enterpriseUSCC: enterprise, kind: kind, on: date, beneficiaries: beneficiaries,
                        provider: provider, volunteers: volunteers, hours: try parseHours(hours), today: .today(),
                        allowDuplicate: allowDuplicate))
            }
        }
    }

    struct Amend: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Correct a service's kind, date, beneficiaries, volunteers or hours, with a reason.",
            discussion: """
                Prints each changed field, on record → corrected; the audit trail (esw audit --table \
                service_record) keeps both and the reason. Only the options given change. To change \
                the enterprise or the provider, delete the service and record it again.

                Bad input (no such service in your scope, a negative count, a date after today or before \
                1949-10-01, an empty reason, a correction that makes it identical to another service) is \
                refused with the reason and exit 3; nothing changes. A role that may only read services \
                is refused with exit 1.

                Example:
                  esw service amend --id 12 --beneficiaries 53 --reason "服务人次录入错误，应为53"
                """)
        @OptionGroup var correction: CorrectionOptions
        @Option(help: "The kind of service.") var kind: String?
        @Option(help: "When it took place.") var date: CalendarDate?
        @Option(help: "How many people it served.") var beneficiaries: Int?
        @Option(help: "Volunteers involved.") var volunteers: Int?
        @Option(help: "Hours of service.") var hours: String?
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            try reportingErrors {
                sayChanges(
                    "service \(correction.id)",
                    try Services(db: try database.connect()).amend(
                        id: correction.id, kind: try kind.map { try term($0, field: "kind") }, date: date,
                        beneficiaries: beneficiaries, volunteers: volunteers, hours: try parseHours(hours),
                        reason: correction.reason, today: .today()))
            }
        }
    }

    struct Delete: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete a service recorded by mistake, with a reason.",
            discussion: """
                The audit trail (esw audit --table service_record) keeps the deleted row and the reason. \
                Exit 3 when no service has the id in your scope or the reason is empty; nothing is \
                deleted. A role that may only read services is refused with exit 1.

                Example:
                  esw service delete --id 12 --reason "重复录入"
                """)
        @OptionGroup var correction: CorrectionOptions
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            try reportingErrors {
                try Services(db: try database.connect()).delete(id: correction.id, reason: correction.reason)
                say("deleted service \(correction.id)")
            }
        }
    }
}

func parseHours(_ text: String?) throws -> Decimal? {
    try text.map { text in
        guard let value = Decimal(string: text) else {
            throw WorkforceError.invalid(field: "hours", value: text, reason: "is not a number")
        }
        return value
    }
}
