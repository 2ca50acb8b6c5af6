public import CalendarDates
import Foundation
public import Hummingbird
import PostgresClient
import Workforce
import WorkforceOutput

/// What an enterprise's HR reads (and every role, of its own scope): the certified ratio on any
/// date by department and by level with its trend (`/ratio`, the figures of `esw ratio --by
/// department|level`), and who is short of continuing-education hours in a year (`/hours`, the
/// list of `esw training gaps`).
public struct HRPages: Sendable {
    /// The day the figures default to: the server's as-of date (`esw serve --as-of`), else today.
    let today: @Sendable () -> CalendarDate
    /// The most enterprises the hours page offers in a drop-down list; a larger scope (a province,
    /// the country) finds its enterprise by name or USCC instead.
    let enterpriseChoices: Int

    public init(today: @escaping @Sendable () -> CalendarDate, enterpriseChoices: Int = 200) {
        self.today = today
        self.enterpriseChoices = enterpriseChoices
    }

    /// Adds the ratio and hours pages to `router`.
    public func addRoutes<Context: PageRequestContext>(to router: Router<Context>) {
        router.get("ratio") { request, context in try await ratio(request, context) }
        router.get("hours") { request, context in try await hours(request, context) }
    }

    /// The dates the ratio page accepts: the years the data can hold.
    static let years = 1950...2100

    // MARK: Ratio

    private struct RatioRead: Sendable {
        var scopeName = ""
        var entry: RatioEntry?
        var trend: [TrendPoint] = []
    }

    func ratio(_ request: Request, _ context: some PageRequestContext) async throws -> Response {
        try await PageSupport.respond(request, context: context, section: "/ratio") { flash in
            let typed = request.uri.queryParameters["date"].map(String.init)?.trimmingCharacters(in: .whitespaces) ?? ""
            let asOf = typed.isEmpty ? today() : CalendarDate(text: typed).flatMap { Self.years ~= $0.year ? $0 : nil }
            let (user, read) = try await PageSupport.signedIn { db, _ -> RatioRead in
                var read = RatioRead()
                guard let asOf else { return read }
                let ratio = RatioService(db: db)
                let from = HomePage.trendStart(asOf)
                let scope = try Session.scope(db)
                if let uscc = scope.uscc {
                    let entry = try ratio.enterprise(uscc: uscc, asOf: asOf)
                    if case .enterprise(let enterprise) = entry.scope { read.scopeName = enterprise.name }
                    read.entry = entry
                    read.trend = try ratio.trend(uscc: uscc, region: nil, from: from, to: asOf, every: .month)
                } else {
                    read.entry = try ratio.report(region: scope.region, asOf: asOf, includeDepartments: true).total
                    read.scopeName =
                        try scope.region.map { try Regions(db: db).divisions([$0])[$0]?.fullName ?? $0 } ?? "全国"
                    read.trend = try ratio.trend(uscc: nil, region: scope.region, from: from, to: asOf, every: .month)
                }
                return read
            }
            let html = WebRatio.ratio(
                frame: PageSupport.frame(user, path: "/ratio", context: context, flash: flash),
                scopeName: read.scopeName, dateText: asOf == nil ? typed : asOf.map(\.iso) ?? "",
                dateError: asOf == nil ? "不是有效的日期；请写作 2013-06-30、2013/6/30 或 2013年6月30日。" : nil, entry: read.entry,
                asOf: asOf, trend: read.trend)
            return PageSupport.html(html, status: asOf == nil ? .badRequest : .ok)
        }
    }

    // MARK: Hours

    /// The most enterprises a search lists.
    static let searchMatches = 50

    private struct HoursRead: Sendable {
        /// The scope's enterprises when it has few enough to list; else those the search found.
        let enterprises: [Enterprise]
        let more: Bool
        let searching: Bool
        let chosen: Enterprise?
        let gaps: [TrainingGap]
        let whole: Bool
    }

    func hours(_ request: Request, _ context: some PageRequestContext) async throws -> Response {
        try await PageSupport.respond(request, context: context, section: "/hours") { flash in
            let today = today()
            let parameters = request.uri.queryParameters
            // This year and the five before it.
            let years = Array((today.year - 5...today.year).reversed())
            let year = parameters["year"].flatMap { Int(String($0)) } ?? today.year
            guard years.contains(year) else {
                return try await PageSupport.errorPage(
                    .badRequest, "请选择 \(years.last!) 至 \(today.year) 年之间的年度。", request, context, "/hours")
            }
            let asOf = year == today.year ? today : CalendarDate(year: year, month: 12, day: 31)!
            let asked = parameters["enterprise"].map(String.init)
            let search = parameters["q"].map { String($0).trimmingCharacters(in: .whitespaces) } ?? ""
            let (user, read) = try await PageSupport.signedIn { db, _ -> HoursRead in
                // The enterprises of the scope, as row-level security shows them: one for an
                // enterprise's users.
                let all = try Enterprises(db: db).list()
                let searching = all.count > enterpriseChoices
                let found =
                    searching && !search.isEmpty
                    ? all.filter { $0.uscc == search.uppercased() || $0.name.contains(search) } : []
                let chosen =
                    all.first { $0.uscc == asked }
                    ?? (searching ? (found.count == 1 ? found.first : nil) : all.first)
                guard let chosen else {
                    return HoursRead(
                        enterprises: Array(found.prefix(Self.searchMatches)), more: found.count > Self.searchMatches,
                        searching: searching, chosen: nil, gaps: [], whole: false)
                }
                return HoursRead(
                    enterprises: searching ? [] : all, more: false, searching: searching, chosen: chosen,
                    gaps: try TrainingRecords(db: db).gaps(enterpriseUSCC: chosen.uscc, asOf: asOf),
                    whole: try Persons(db: db).seesWholeIDNumbers())
            }
            let chooser: WebRatio.EnterpriseChooser? =
                read.searching
                ? .search(text: search, found: read.enterprises, more: read.more)
                : read.enterprises.count > 1 ? .list(read.enterprises) : nil
            let html = WebRatio.hours(
                frame: PageSupport.frame(user, path: "/hours", context: context, flash: flash),
                year: year, years: years, chooser: chooser, chosen: read.chosen, asOf: asOf, gaps: read.gaps,
                wholeIDNumbers: read.whole)
            return PageSupport.html(html)
        }
    }
}
