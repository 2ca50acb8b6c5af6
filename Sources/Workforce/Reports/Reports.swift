public import CalendarDates
import Foundation
public import PostgresClient

#if canImport(Glibc)
import Glibc
#endif

/// The report a bureau reads on its region: every enterprise of the region ranked by certified
/// ratio, the roll-up one level down, the region's total, its pilots and their states, and the
/// trend of the region's ratio by quarter. All figures come from a few set-based queries.
///
/// A province rolls up by prefecture (深圳市); a municipality (北京市, 天津市, 上海市, 重庆市), a
/// prefecture and a county roll up by county-level division (朝阳区, 南山区).
public struct ProvinceReport: Sendable {
    public struct Line: Sendable, Equatable {
        public let code: String
        public let name: String
        public let regionCode: String
        /// The full name of `regionCode` (广东省深圳市南山区); for a roll-up line, its own name.
        public let regionName: String
        public let counts: RatioCounts
    }
    /// The level the roll-up lines are at.
    public enum Rollup: String, Sendable {
        case city, county
    }
    public struct Pilot: Sendable, Equatable {
        public let id: Int
        public let program: String
        public let applicant: String
        public let status: String
        public let submittedOn: CalendarDate
    }

    public static let schemaVersion = 1
    public let regionCode: String
    /// The full name, 广东省深圳市 (sql/0026 `region_full_name`).
    public let regionName: String
    public let asOf: CalendarDate
    public let total: RatioCounts
    /// Certified staff of the region by the highest level held on the date.
    public let levels: LevelCounts
    public let rollup: Rollup
    /// The roll-up lines: prefectures of a province, else county-level divisions.
    public let cities: [Line]
    /// Ranked by ratio (highest first; enterprises with nobody tracked last).
    public let enterprises: [Line]
    public let pilots: [Pilot]
    public let trend: [TrendPoint]

}

public struct Reports {
    public let db: Connection

    public init(db: Connection) {
        self.db = db
    }

    /// The report of a region (a province, municipality, prefecture or county: any known code) on
    /// a date, with the trend over the eight quarters up to it.
    ///
    /// Its queries read one snapshot, in a `REPEATABLE READ, READ ONLY` transaction: every part of
    /// the report counts the same data even while imports and enrollments commit, and it takes only
    /// `ACCESS SHARE` locks, which no enrollment or import waits on.
    ///
    /// Inside a transaction the caller opened (a web request's, which runs as its user from the
    /// first statement on), the isolation cannot be set any more: the report reads in the caller's.
    public func province(region: String, asOf: CalendarDate) throws -> ProvinceReport {
        if db.isInTransaction { return try province(region: try Regions(db: db).lookUp(region), asOf: asOf) }
        return try db.transaction { db in
            try db.execute(script: "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            return try Reports(db: db).province(region: try Regions(db: db).lookUp(region), asOf: asOf)
        }
    }

    private func province(region: Region, asOf: CalendarDate) throws -> ProvinceReport {
        let code = region.code
        let rollup: ProvinceReport.Rollup = Codes.isProvince(code) ? .city : .county
        // The digits of a roll-up line's code: 4 for a prefecture (4403 → 440300), 6 for a county. A
        // literal, not a bind: GROUPING SETS match the grouped expressions by their text.
        let digits = rollup == .city ? 4 : 6
        let line = "left(en.region_code, \(digits))"
        var total = RatioCounts(tracked: 0, certified: 0, ratio: nil)
        var cities: [ProvinceReport.Line] = []
        var enterprises: [ProvinceReport.Line] = []
        var trendCounts: [CalendarDate: RatioCounts] = [:]
        // One pass gives every enterprise at every quarter end (the days the maintained figure
        // holds read from it); the enterprises and cities are read at the report's date, the
        // province at each date.
        let dates = try RatioService.trendDates(from: asOf.adding(months: -21), to: asOf, every: .quarter)
        for row in try db.query(
            """
            SELECT grouping(\(unsafeRaw: line), en.uscc), b.as_of, \(unsafeRaw: line),
                   en.uscc, min(en.name), min(en.region_code),
                   sum(b.tracked)::bigint, sum(b.certified)::bigint,
                   certified_ratio(sum(b.certified)::bigint, sum(b.tracked)::bigint)::text
            FROM enterprise_ratio_by_day_held(\(dates)::date[], \(code)) b
            JOIN enterprise en ON en.id = b.enterprise_id
            GROUP BY GROUPING SETS ((b.as_of, \(unsafeRaw: line), en.uscc),
                                    (b.as_of, \(unsafeRaw: line)), (b.as_of))
            HAVING b.as_of = \(asOf) OR grouping(\(unsafeRaw: line), en.uscc) = 3
            ORDER BY 1, 9 DESC NULLS LAST, 8 DESC, 5, 2
            """)
        {
            let counts = RatioCounts(tracked: try row.decode(6), certified: try row.decode(7), ratio: try row.decode(8))
            switch try row.decode(0, as: Int.self) {
            case 0:
                let regionCode: String = try row.decode(5)
                enterprises.append(
                    .init(
                        code: try row.decode(3), name: try row.decode(4), regionCode: regionCode, regionName: "",
                        counts: counts))
            case 1:
                let city = (try row.decode(2, as: String.self) + "00").prefix(6)
                cities.append(
                    .init(
                        code: String(city), name: "", regionCode: String(city), regionName: "",
                        counts: counts))
            default:
                let day: CalendarDate = try row.decode(1)
                trendCounts[day] = counts
                if day == asOf { total = counts }
            }
        }
        // A province with no enterprises yet still has its dates, at zero.
        let trend = dates.map {
            TrendPoint(date: $0, counts: trendCounts[$0] ?? RatioCounts(tracked: 0, certified: 0, ratio: nil))
        }
        // Certified staff by level: the held counts when the maintained figure holds the day.
        let ratio = RatioService(db: db)
        let levelCounts = ratio.enterpriseCounts(
            asOf: asOf, region: code, registeredOnly: false,
            held: try ratio.holds(asOf: asOf, registeredOnly: false))
        let levelRow = try db.query(
            """
            SELECT coalesce(sum(junior), 0)::bigint, coalesce(sum(intermediate), 0)::bigint,
                   coalesce(sum(senior), 0)::bigint
            FROM \(levelCounts) c
            """
        ).single()
        let levels = LevelCounts(
            junior: try levelRow.decode(0), intermediate: try levelRow.decode(1), senior: try levelRow.decode(2))
        var programNames: [Int: String] = [:]
        for row in try db.query("SELECT id, name FROM pilot_program") {
            programNames[try row.decode(0)] = try row.decode(1)
        }
        let pilots = try PilotApplications(db: db).list(province: code).sorted { $0.id < $1.id }.map { application in
            ProvinceReport.Pilot(
                id: application.id, program: programNames[application.programID] ?? "",
                applicant: application.applicant, status: application.status.rawValue,
                submittedOn: application.submittedOn)
        }
        // Roll-up lines by their own names (深圳市, 南山区), enterprises' regions by full names.
        let divisions = try Regions(db: db).divisions(cities.map(\.code) + enterprises.map(\.regionCode))
        func named(_ line: ProvinceReport.Line, _ name: String?, _ regionName: String?) -> ProvinceReport.Line {
            .init(
                code: line.code, name: name ?? line.code, regionCode: line.regionCode,
                regionName: regionName ?? line.regionCode, counts: line.counts)
        }
        return ProvinceReport(
            regionCode: code, regionName: region.fullName, asOf: asOf, total: total, levels: levels, rollup: rollup,
            cities: cities.sorted { $0.code < $1.code }.map {
                let division = divisions[$0.code]
                return named($0, division?.name, division?.name)
            },
            enterprises: enterprises.map { named($0, $0.name, divisions[$0.regionCode]?.fullName) },
            pilots: pilots, trend: trend)
    }
}
