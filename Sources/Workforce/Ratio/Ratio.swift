public import CalendarDates
public import PostgresClient

/// Tracked and certified staff, and the ratio between them, as sql/0002_certified_ratio.sql
/// defines them. `ratio` is the database's exact decimal text (4 places), nil when nobody is tracked.
public struct RatioCounts: Sendable, Equatable {
    public var tracked: Int
    public var certified: Int
    public var ratio: String?

    public init(tracked: Int, certified: Int, ratio: String?) {
        self.tracked = tracked
        self.certified = certified
        self.ratio = ratio
    }
}

/// Certified staff by the highest level each holds.
public struct LevelCounts: Sendable, Equatable {
    public var junior = 0
    public var intermediate = 0
    public var senior = 0

    public init(junior: Int = 0, intermediate: Int = 0, senior: Int = 0) {
        self.junior = junior
        self.intermediate = intermediate
        self.senior = senior
    }
}

public struct DepartmentRatio: Sendable, Equatable {
    public let department: Department
    public let counts: RatioCounts
}

/// The ratio of one enterprise, or the roll-up of a region or the country, on one date.
public struct RatioEntry: Sendable, Equatable {
    public enum Scope: Sendable, Equatable {
        case enterprise(Enterprise)
        case region(code: String, name: String?)
        case country
    }
    public let scope: Scope
    public var counts: RatioCounts
    public var levels: LevelCounts
    public var departments: [DepartmentRatio]
}

/// The certified-ratio answer for one question: an enterprise, a region with its enterprises, or
/// the country with its provinces and enterprises.
public struct RatioReport: Sendable {
    public let asOf: CalendarDate
    public let total: RatioEntry
    public let provinces: [RatioEntry]
    public let enterprises: [RatioEntry]
}

/// One point of a trend.
public struct TrendPoint: Sendable, Equatable {
    public let date: CalendarDate
    public let counts: RatioCounts
}

public enum TrendStep: String, Sendable, CaseIterable {
    case month, quarter, year

    var months: Int {
        switch self {
        case .month: 1
        case .quarter: 3
        case .year: 12
        }
    }
}

/// Reads the certified-worker ratio. Every number comes from the SQL functions of
/// sql/0002_certified_ratio.sql, directly or through the figure sql/0021 keeps of them for the
/// days it holds (StoredCounts.swift); this type only chooses which rows and shapes the answer.
public struct RatioService {
    public let db: Connection

    public init(db: Connection) {
        self.db = db
    }

    /// One enterprise's ratio on a date, with departments and levels.
    public func enterprise(uscc: String, asOf: CalendarDate, registeredOnly: Bool = false) throws -> RatioEntry {
        let (id, enterprise) = try Enterprises(db: db).lookUp(uscc: uscc)
        let held = try holds(asOf: asOf, registeredOnly: registeredOnly)
        // Filtering on the enterprise id as a constant lets the planner push it down to the
        // employment index, so one enterprise costs milliseconds whatever the country's size. One
        // query: the enterprise's row (department NULL) first, then its departments.
        var entry = RatioEntry(
            scope: .enterprise(enterprise), counts: RatioCounts(tracked: 0, certified: 0, ratio: nil),
            levels: LevelCounts(), departments: [])
        let rows = try db.query(
            """
            SELECT department::text AS department_key, tracked, certified, ratio::text, junior, intermediate, senior
            FROM \(breakdownCounts(asOf: asOf, region: nil, registeredOnly: registeredOnly, held: held)) counts
            WHERE enterprise_id = \(id)
            ORDER BY department NULLS FIRST
            """)
        for row in rows {
            let counts = RatioCounts(tracked: try row.decode(1), certified: try row.decode(2), ratio: try row.decode(3))
            if let department = try row.decode(0, as: Department?.self) {
                entry.departments.append(DepartmentRatio(department: department, counts: counts))
            } else {
                entry.counts = counts
                entry.levels = LevelCounts(
                    junior: try row.decode(4), intermediate: try row.decode(5), senior: try row.decode(6))
            }
        }
        return entry
    }

    /// A region's ratio (the sum of its enterprises' counts, not an average of ratios) with each
    /// of its enterprises; or, with no region, the country's with each province and enterprise.
    ///
    /// - Parameter includeDepartments: also give the department breakdown. The counts and the
    ///   departments come from one pass over the staff either way (enterprise_ratio_breakdown_on);
    ///   without departments the pass is a little cheaper (enterprise_ratio_on).
    /// - Parameter registeredOnly: count only certificates whose registration is in force.
    public func report(
        region regionCode: String?, asOf: CalendarDate, includeDepartments: Bool = true,
        registeredOnly: Bool = false
    ) throws -> RatioReport {
        let region = try regionCode.map { try Regions(db: db).known($0) }
        // Full names (广东省深圳市南山区): the region's and the provinces' of the country-wide answer.
        let regionNames = try Regions(db: db).divisions(
            Codes.provincePrefixes.map { $0 + "0000" } + (region.map { [$0] } ?? [])
        ).mapValues(\.fullName)
        let held = try holds(asOf: asOf, registeredOnly: registeredOnly)
        // Each enterprise's row (department NULL) and, with departments, one per department with
        // staff: the held rows in key order, or one pass of the functions.
        let counts: SQLQuery =
            includeDepartments
            ? breakdownCounts(asOf: asOf, region: region, registeredOnly: registeredOnly, held: held)
            : """
            (SELECT *, NULL::department_kind AS department
             FROM \(enterpriseCounts(asOf: asOf, region: region, registeredOnly: registeredOnly, held: held)) c)
            """
        return try assembledReport(
            region: region, asOf: asOf, counts: counts, regionNames: regionNames)
    }

    /// The ratio at each step from `from` to `to` (both included), for one enterprise or one region;
    /// the days the maintained figure holds are read from it (sql/0023 `ratio_trend_held`), the
    /// others computed.
    public func trend(
        uscc: String?, region regionCode: String?, from: CalendarDate, to: CalendarDate, every step: TrendStep,
        registeredOnly: Bool = false
    ) throws -> [TrendPoint] {
        let dates = try RatioService.trendDates(from: from, to: to, every: step)
        let enterpriseID = try uscc.map { try Enterprises(db: db).lookUp(uscc: $0).id }
        let region = try regionCode.map { try Regions(db: db).known($0) }
        return try db.query(
            """
            SELECT as_of, tracked, certified, ratio::text
            FROM ratio_trend_held(\(dates)::date[], \(region), \(enterpriseID)::bigint, \(registeredOnly))
            """
        ).map { row in
            TrendPoint(
                date: try row.decode(0),
                counts: RatioCounts(tracked: try row.decode(1), certified: try row.decode(2), ratio: try row.decode(3)))
        }
    }

    /// The dates of a trend: every calendar month, quarter or year end (the step's period ends:
    /// 3-31, 6-30, 9-30 and 12-31 for quarters) from `from` to `to`, and `to` itself when it is
    /// not one, so a trend always ends on the day asked for. The same rule serves `esw ratio
    /// --trend` and the reports.
    public static func trendDates(from: CalendarDate, to: CalendarDate, every step: TrendStep) throws -> [CalendarDate]
    {
        guard from <= to else {
            throw WorkforceError.invalid(field: "from", value: from.iso, reason: "is after \(field: "to") \(to)")
        }
        /// The last day of the period that holds `day`.
        func periodEnd(_ day: CalendarDate) -> CalendarDate {
            let month = ((day.month - 1) / step.months + 1) * step.months
            return CalendarDate(year: day.year, month: month, day: CalendarDate.daysIn(month: month, year: day.year))!
        }
        var dates: [CalendarDate] = []
        var date = periodEnd(from)
        while date <= to, dates.count < 1200 {
            dates.append(date)
            date = periodEnd(date.adding(days: 1))
        }
        if dates.last != to { dates.append(to) }
        return dates
    }
}
