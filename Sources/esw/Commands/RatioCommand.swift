import ArgumentParser
import CalendarDates
import Foundation
import Workforce
import WorkforceOutput

struct RatioCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ratio",
        abstract: "The certified-worker ratio (持证比例) of an enterprise, a region or the country.",
        discussion: """
            Tracked staff are the distinct persons employed on the date in any of the six \
            departments; certified staff are those of them holding a certificate issued on or \
            before the date and not revoked by it. A region's ratio sums its enterprises' counts. \
            The ratio is shown as "—" (null in JSON) when nobody is tracked.

            Without a filter: every enterprise, each province and the country total. With \
            --region: that region's enterprises and its total. With --enterprise: that enterprise. \
            As a user (--user) without a filter: their scope, their enterprise or their region; \
            anything outside their scope is not there (docs/access.md).

            --trend gives the ratio for one enterprise or region at every month, quarter or year \
            end (--every; quarter ends are 3-31, 6-30, 9-30 and 12-31) from --from to --to, and on \
            --to itself when it is not one: the rule the reports' trends follow too.

            Today and the last month end are read from the figure the database keeps of them \
            (the same numbers; `esw db check` compares it); the first run of a new day computes \
            it, so takes longer. Other dates are computed.

            Bad input (an invalid code, a region code in no GB/T 2260 list such as 440399, an \
            unknown enterprise, --from after --to) is refused with the reason and exit 3. Regions \
            are named in full (广东省深圳市南山区, docs/regions.md).

            Examples:
              esw ratio --enterprise 91110000600037341L --as-of 2013-12-31 --by department
              esw ratio --region 440000 --format json
              esw ratio --trend --region 440000 --from 2013-01-01 --to 2014-12-31 \\
                  --every quarter
            """)

    enum Counting: String, ExpressibleByArgument, CaseIterable {
        case all
        case registeredOnly = "registered-only"
    }

    @Option(help: "One enterprise, by USCC.") var enterprise: String?
    @Option(help: "One region: a province (440000), city (440300) or county (440305) code.") var region: String?
    @Option(help: "The date to count on (default: today).") var asOf: CalendarDate?
    @Option(help: "Break the counts down by department or by certificate level.") var by: RatioOutput.Breakdown?
    @Option(help: "table, json or csv.") var format: OutputFormat = .table
    @OptionGroup var lang: LanguageOption
    @Option(help: "Which certificates count: all held (default), or registered-only (registration in force).")
    var count: Counting = .all
    @Flag(help: "Show the ratio over time instead of on one date.") var trend = false
    @Option(help: "With --trend: the first date.") var from: CalendarDate?
    @Option(help: "With --trend: the last date.") var to: CalendarDate?
    @Option(help: "With --trend: month, quarter or year.") var every: TrendStep = .month
    @OptionGroup var database: ReadDatabaseOptions

    func validate() throws {
        if enterprise != nil && region != nil { throw ValidationError("give --enterprise or --region, not both") }
        if trend {
            if enterprise == nil && region == nil { throw ValidationError("--trend needs --enterprise or --region") }
            if from == nil || to == nil { throw ValidationError("--trend needs --from and --to") }
        } else if from != nil || to != nil {
            throw ValidationError("--from and --to go with --trend; for one date use --as-of")
        }
    }

    func run() throws {
        try reportingErrors {
            let db = try database.connect()
            let service = RatioService(db: db)
            // A user with a scope asks about it by default: their enterprise, or their region
            // (whose total is then named as such, not as the country's).
            let scope = try Session.scope(db)
            let enterprise = self.enterprise ?? (region == nil ? scope.uscc : nil)
            let region = self.region ?? (self.enterprise == nil ? scope.region : nil)
            if trend {
                let points = try service.trend(
                    uscc: enterprise, region: region, from: from!, to: to!, every: every,
                    registeredOnly: count == .registeredOnly)
                emit(RatioOutput.trend(points, enterprise: enterprise, region: region, every: every, format: format))
                return
            }
            let asOf = self.asOf ?? .today()
            // The first read of a new day makes the maintained figure hold it (docs/scaling.md).
            if self.asOf == nil { try service.holdToday(asOf, registeredOnly: count == .registeredOnly) }
            if let enterprise {
                let entry = try service.enterprise(
                    uscc: enterprise, asOf: asOf, registeredOnly: count == .registeredOnly)
                emit(RatioOutput.enterprise(entry, asOf: asOf, by: by, format: format, language: lang.language))
            } else {
                let report = try service.report(
                    region: region, asOf: asOf, includeDepartments: format == .json || by == .department,
                    registeredOnly: count == .registeredOnly)
                emit(RatioOutput.report(report, by: by, format: format, language: lang.language))
            }
        }
    }
}
