public import CalendarDates
public import Foundation
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
    public let cities: [Line]
    /// Ranked by ratio (highest first; enterprises with nobody tracked last).
    public let enterprises: [Line]
    public let pilots: [Pilot]
    public let trend: [TrendPoint]

    static func ratioJSON(_ counts: RatioCounts) -> [(String, JSON)] {
        [("tracked", .int(counts.tracked)), ("certified", .int(counts.certified)), ("ratio", counts.ratio.map(JSON.number) ?? .null)]
    }

    /// Counts on a date: {"as_of", "tracked", "certified", "ratio"}.
    static func ratioJSON(_ counts: RatioCounts, asOf: CalendarDate) -> JSON {
        .object([("as_of", .string(asOf.iso))] + ratioJSON(counts))
    }

    public var json: JSON {
        .object([
            ("schema_version", .int(ProvinceReport.schemaVersion)), ("report", .string("province")),
            ("region", .object([("code", .string(regionCode)), ("name", .string(regionName))])),
            ("as_of", .string(asOf.iso)),
            ("total", .object(ProvinceReport.ratioJSON(total))),
            ("cities", .array(cities.map { .object([("code", .string($0.code)), ("name", .string($0.name))] + ProvinceReport.ratioJSON($0.counts)) })),
            ("enterprises", .array(enterprises.enumerated().map { index, line in
                .object([("rank", .int(index + 1)), ("uscc", .string(line.code)), ("name", .string(line.name)),
                         ("region_code", .string(line.regionCode))] + ProvinceReport.ratioJSON(line.counts))
            })),
            ("pilots", .array(pilots.map { pilot in
                .object([("id", .int(pilot.id)), ("program", .string(pilot.program)), ("applicant", .string(pilot.applicant)),
                         ("status", .string(pilot.status)), ("submitted_on", .string(pilot.submittedOn.iso))])
            })),
            ("trend", .array(trend.map { ProvinceReport.ratioJSON($0.counts, asOf: $0.date) })),
        ])
    }

    /// One CSV table: a section column says what each row is.
    public var csvRows: (headers: [String], rows: [[String]]) {
        var rows: [[String]] = [["province", regionCode, regionName, String(total.tracked), String(total.certified), total.ratio ?? ""]]
        rows += cities.map { ["city", $0.code, $0.name, String($0.counts.tracked), String($0.counts.certified), $0.counts.ratio ?? ""] }
        rows += enterprises.map { ["enterprise", $0.code, $0.name, String($0.counts.tracked), String($0.counts.certified), $0.counts.ratio ?? ""] }
        rows += trend.map { ["trend", $0.date.iso, "", String($0.counts.tracked), String($0.counts.certified), $0.counts.ratio ?? ""] }
        rows += pilots.map { ["pilot", String($0.id), $0.applicant, "", "", "\($0.program): \($0.status)"] }
        return (["section", "code", "name", "tracked", "certified", "ratio"], rows)
    }

    public var html: String {
        func ratioValue(_ counts: RatioCounts) -> Double? { counts.ratio.flatMap(Double.init) }
        var body = "<p class=\"totals\">全省持证比例 <small class=\"en\">province certified ratio</small>: <b>\(total.percentage)</b>"
        body += "（\(total.certified) / \(total.tracked) 人）</p>"
        body += HTML.heading("各市持证比例", "ratio by city")
        body += HTML.barChart(cities.map { ($0.name, ratioValue($0.counts)) }, title: "各市持证比例")
        body += HTML.table(headers: ["城市 city", "在册人数 tracked", "持证人数 certified", "持证比例 ratio"],
                           rows: cities.map { [$0.name, String($0.counts.tracked), String($0.counts.certified), $0.counts.percentage] },
                           numeric: [1, 2, 3])
        body += HTML.heading("持证比例季度趋势", "trend by quarter")
        body += HTML.lineChart(trend.map { ($0.date.iso, ratioValue($0.counts)) }, title: "全省持证比例趋势")
        body += HTML.heading("试点申报与状态", "pilots")
        body += pilots.isEmpty ? "<p>暂无 (none)</p>" : HTML.table(
            headers: ["编号 id", "项目 program", "申报单位 applicant", "状态 status", "申报日期 submitted"],
            rows: pilots.map { [String($0.id), $0.program, $0.applicant, ProvinceReport.statusName($0.status), $0.submittedOn.iso] },
            numeric: [0])
        body += "<section class=\"break\">" + HTML.heading("企业持证比例排名", "enterprises ranked by certified ratio")
        body += HTML.table(
            headers: ["排名 rank", "企业 enterprise", "行政区划 region", "在册 tracked", "持证 certified", "比例 ratio"],
            rows: enterprises.enumerated().map { index, line in
                [String(index + 1), line.name, line.regionCode, String(line.counts.tracked), String(line.counts.certified), line.counts.percentage]
            },
            numeric: [0, 3, 4, 5])
        body += "</section>"
        return HTML.document(
            title: "\(regionName)企业社会工作人才持证情况报告",
            subtitle: "\(regionName)（\(regionCode)）· 截至 \(asOf.iso) · as of \(asOf.iso)",
            running: "\(regionName)（\(regionCode)）· 截至 \(asOf.iso)",
            body: body)
    }

    static func statusName(_ status: String) -> String {
        ApplicationStatus(rawValue: status).map { "\($0.chineseName) \(status)" } ?? status
    }
}

public struct Reports {
    public let db: Connection

    public init(db: Connection) {
        self.db = db
    }

    /// The province report on a date, with the trend over the eight quarters up to it.
    public func province(region: String, asOf: CalendarDate) throws -> ProvinceReport {
        let code = try Roster.validRegion(region)
        guard code.hasSuffix("0000") else {
            throw WorkforceError.invalid(field: "--region", value: region, reason: "is not a province-level code (it should end in 0000)")
        }
        let name: String = try db.query("SELECT name FROM region WHERE code = \(code)").single().decode(0)
        let regionNames = try RatioService(db: db).regionNames()
        var total = RatioCounts(tracked: 0, certified: 0, ratio: nil)
        var cities: [ProvinceReport.Line] = []
        var enterprises: [ProvinceReport.Line] = []
        var trendCounts: [CalendarDate: RatioCounts] = [:]
        // One pass gives every enterprise at every quarter end; the enterprises and cities are
        // read at the report's date, the province at each date.
        let dates = try RatioService.trendDates(from: asOf.adding(months: -21), to: asOf, every: .quarter)
        for row in try db.query("""
            SELECT grouping(left(en.region_code, 4), en.uscc), b.as_of, left(en.region_code, 4), en.uscc, min(en.name), min(en.region_code),
                   sum(b.tracked)::bigint, sum(b.certified)::bigint, certified_ratio(sum(b.certified)::bigint, sum(b.tracked)::bigint)::text
            FROM enterprise_ratio_by_day(\(dates)::date[], \(code)) b
            JOIN enterprise en ON en.id = b.enterprise_id
            GROUP BY GROUPING SETS ((b.as_of, left(en.region_code, 4), en.uscc), (b.as_of, left(en.region_code, 4)), (b.as_of))
            HAVING b.as_of = \(asOf) OR grouping(left(en.region_code, 4), en.uscc) = 3
            ORDER BY 1, 9 DESC NULLS LAST, 8 DESC, 5, 2
            """) {
            let counts = RatioCounts(tracked: try row.decode(6), certified: try row.decode(7), ratio: try row.decode(8))
            switch try row.decode(0, as: Int.self) {
            case 0:
                enterprises.append(.init(code: try row.decode(3), name: try row.decode(4), regionCode: try row.decode(5), counts: counts))
            case 1:
                let city = try row.decode(2, as: String.self) + "00"
                cities.append(.init(code: city, name: regionNames[city] ?? city, regionCode: city, counts: counts))
            default:
                let day: CalendarDate = try row.decode(1)
                trendCounts[day] = counts
                if day == asOf { total = counts }
            }
        }
        // A province with no enterprises yet still has its dates, at zero.
        let trend = dates.map { TrendPoint(date: $0, counts: trendCounts[$0] ?? RatioCounts(tracked: 0, certified: 0, ratio: nil)) }
        var programNames: [Int: String] = [:]
        for row in try db.query("SELECT id, name FROM pilot_program") { programNames[try row.decode(0)] = try row.decode(1) }
        let pilots = try Pilots(db: db).applications(province: code).sorted { $0.id < $1.id }.map { application in
            ProvinceReport.Pilot(id: application.id, program: programNames[application.programID] ?? "",
                                 applicant: application.applicant, status: application.status.rawValue,
                                 submittedOn: application.submittedOn)
        }
        return ProvinceReport(regionCode: code, regionName: name, asOf: asOf, total: total,
                              cities: cities.sorted { $0.code < $1.code }, enterprises: enterprises, pilots: pilots, trend: trend)
    }
}

/// Writes a report to a file through a temporary file and a rename, so that a failed run never
/// leaves half a report behind.
public func writeAtomically(_ text: String, to path: String) throws {
    try writeAtomically(Data(text.utf8), to: path)
}

public func writeAtomically(_ data: Data, to path: String) throws {
    let url = URL(fileURLWithPath: path)
    let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).tmp")
    do {
        try data.write(to: temporary)
    } catch {
        throw WorkforceError.invalid(field: "--out", value: path, reason: "cannot be written: \(error.localizedDescription)")
    }
    // rename(2) replaces the destination in one step, whether or not it exists.
    guard rename(temporary.path, url.path) == 0 else {
        let reason = String(cString: strerror(errno))
        try? FileManager.default.removeItem(at: temporary)
        throw WorkforceError.invalid(field: "--out", value: path, reason: "cannot be written: \(reason)")
    }
}
