import CalendarDates
public import Hummingbird
import PostgresClient
import Workforce
import WorkforceOutput

/// Each role's home page, read in one transaction as the user (row-level security decides what
/// it holds): an enterprise's ratio, trend, departments and this month's training for enterprise
/// users; the scope's enterprises ranked by ratio and the pilots for region, province and country.
struct HomePage {
    let rankedEnterprises: Int
    let today: @Sendable () -> CalendarDate

    func register(on router: Router<WebContext>) {
        router.get("/") { _, context in try await self.home(context) }
    }

    enum Home: Sendable {
        case enterprise(
            RatioEntry, trend: [TrendPoint], funnel: [ExamResults.FunnelLine], events: [EventSummary]?)
        case region(
            RatioReport, scopeName: String, programs: [PilotProgram], applications: [PilotApplication],
            provinceNames: [String: String])
    }

    func home(_ context: WebContext) async throws -> Response {
        let today = today()
        return try await Pages.signedIn(
            context, path: "/",
            read: { db, user in try Self.read(db, user: user, today: today) },
            render: { home, frame in
                switch home {
                case .enterprise(let entry, let trend, let funnel, let events):
                    WebHome.enterprise(
                        frame: frame, entry: entry, asOf: today, trend: trend, funnel: funnel, events: events)
                case .region(let report, let scopeName, let programs, let applications, let provinceNames):
                    WebHome.region(
                        frame: frame, report: report, scopeName: scopeName, limit: rankedEnterprises,
                        programs: programs, applications: applications, provinceNames: provinceNames)
                }
            })
    }

    /// Where a trend to `day` starts: twelve points, the ends of the eleven months before its
    /// month, and `day`.
    static func trendStart(_ day: CalendarDate) -> CalendarDate {
        CalendarDate(year: day.month == 12 ? day.year : day.year - 1, month: day.month % 12 + 1, day: 1)!
    }

    static func read(_ db: Connection, user: SignedInUser, today: CalendarDate) throws -> Home {
        switch user.role {
        case .enterpriseCoordinator, .enterpriseHR:
            guard let uscc = user.scope else { throw WorkforceError.notFound("the user has no enterprise") }
            let ratio = RatioService(db: db)
            let monthStart = CalendarDate(year: today.year, month: today.month, day: 1)!
            let events =
                user.role == .enterpriseCoordinator
                ? try Events(db: db).list(
                    from: monthStart,
                    to: CalendarDate(
                        year: today.year, month: today.month,
                        day: CalendarDate.daysIn(month: today.month, year: today.year))!)
                : nil
            return .enterprise(
                try ratio.enterprise(uscc: uscc, asOf: today),
                trend: try ratio.trend(uscc: uscc, region: nil, from: trendStart(today), to: today, every: .month),
                funnel: try ExamResults(db: db).funnel(enterpriseUSCC: uscc, year: today.year, today: today),
                events: events)
        case .regionCoordinator, .provincialBureau, .ministry, .admin:
            let report = try RatioService(db: db).report(region: user.scope, asOf: today, includeDepartments: false)
            let scopeName =
                try user.scope.map { try Regions(db: db).divisions([$0])[$0]?.fullName ?? $0 } ?? "全国"
            let applications = try PilotApplications(db: db).list()
            let provinces = try Regions(db: db).divisions(Array(Set(applications.map(\.province))))
            return .region(
                report, scopeName: scopeName, programs: try PilotPrograms(db: db).list(), applications: applications,
                provinceNames: provinces.mapValues(\.name))
        }
    }
}
