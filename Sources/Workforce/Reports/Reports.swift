public import CalendarDates
import Foundation
public import PostgresClient

#if canImport(Glibc)
import Glibc
#endif

/// The report a provincial bureau reads: every enterprise of the province ranked by certified
/// ratio, each city's roll-up, the province total, its pilots and their states, and the trend of
/// the province ratio by quarter. All figures come from a few set-based queries.
public struct ProvinceReport: Sendable {
    public struct Line: Sendable, Equatable {
        public let code: String
        public let name: String
        public let regionCode: String
        /// The region by name (RegionNames.full).
        public let regionName: String
        public let counts: RatioCounts
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
    public let regionName: String
    public let asOf: CalendarDate
    public let total: RatioCounts
    /// Certified staff of the province by the highest level held on the date.
    public let levels: LevelCounts
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

    /// The province report on a date, with the trend over the eight quarters up to it.
    ///
    /// Its queries read one snapshot, in a `REPEATABLE READ, READ ONLY` transaction: every part of
    /// the report counts the same data even while imports and enrollments commit, and it takes only
    /// `ACCESS SHARE` locks, which no enrollment or import waits on.
    public func province(region: String, asOf: CalendarDate) throws -> ProvinceReport {
        let code = try Codes.validProvince(region, field: "region")
        return try db.transaction { db in
            try db.execute(script: "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            return try Reports(db: db).province(code: code, asOf: asOf)
        }
    }

    private func province(code: String, asOf: CalendarDate) throws -> ProvinceReport {
        let name: String = try db.query("SELECT name FROM region WHERE code = \(code)").single().decode(0)
        let regionNames = try Regions(db: db).names()
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
            SELECT grouping(left(en.region_code, 4), en.uscc), b.as_of, left(en.region_code, 4), en.uscc, min(en.name),
                   min(en.region_code),
                   sum(b.tracked)::bigint, sum(b.certified)::bigint,
                   certified_ratio(sum(b.certified)::bigint, sum(b.tracked)::bigint)::text
            FROM enterprise_ratio_by_day_held(\(dates)::date[], \(code)) b
            JOIN enterprise en ON en.id = b.enterprise_id
            GROUP BY GROUPING SETS ((b.as_of, left(en.region_code, 4), en.uscc), (b.as_of, left(en.region_code, 4)),
                                    (b.as_of))
            HAVING b.as_of = \(asOf) OR grouping(left(en.region_code, 4), en.uscc) = 3
            ORDER BY 1, 9 DESC NULLS LAST, 8 DESC, 5, 2
            """)
        {
            let counts = RatioCounts(tracked: try row.decode(6), certified: try row.decode(7), ratio: try row.decode(8))
            let regionCode: String = try row.decode(5) ?? ""
            switch try row.decode(0, as: Int.self) {
            case 0:
                enterprises.append(
                    .init(
                        code: try row.decode(3), name: try row.decode(4), regionCode: regionCode,
                        regionName: RegionNames.full(regionCode, names: regionNames, withinProvince: true),
                        counts: counts))
            case 1:
                let city = try row.decode(2, as: String.self) + "00"
                let name = RegionNames.full(city, names: regionNames, withinProvince: true)
                cities.append(.init(code: city, name: name, regionCode: city, regionName: name, counts: counts))
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
        let levelRow = try db.query(
            """
            SELECT coalesce(sum(junior), 0)::bigint, coalesce(sum(intermediate), 0)::bigint,
                   coalesce(sum(senior), 0)::bigint
            FROM enterprise_ratio_on(\(asOf), \(code))
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
        return ProvinceReport(
            regionCode: code, regionName: name, asOf: asOf, total: total, levels: levels,
            cities: cities.sorted { $0.code < $1.code }, enterprises: enterprises, pilots: pilots, trend: trend)
    }
}
