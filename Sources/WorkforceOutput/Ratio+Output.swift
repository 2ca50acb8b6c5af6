public import CalendarDates
public import Workforce

extension RatioCounts {
    /// {"tracked", "certified", "ratio"}: the ratio as the database's exact decimal, null when
    /// nobody is tracked.
    var jsonMembers: [(String, JSON)] {
        [("tracked", .int(tracked)), ("certified", .int(certified)), ("ratio", ratio.map(JSON.number) ?? .null)]
    }

    /// Counts on a date: {"as_of", "tracked", "certified", "ratio"}.
    func json(asOf: CalendarDate) -> JSON {
        .object([("as_of", .string(asOf.iso))] + jsonMembers)
    }

    /// "34.29%", or "—" when nobody is tracked.
    public var percentage: String {
        guard let ratio, let value = Double(ratio) else { return "—" }
        return ReportText.percentage(value)
    }
}

extension RatioEntry {
    /// The JSON object of the documented shape: as_of, the scope, tracked, certified, ratio,
    /// by_department and by_level.
    public func json(asOf: CalendarDate) -> [(String, JSON)] {
        var members: [(String, JSON)] = [("as_of", .string(asOf.iso))]
        switch scope {
        case .enterprise(let enterprise):
            members.append(
                (
                    "enterprise",
                    .object([
                        ("uscc", .string(enterprise.uscc)), ("name", .string(enterprise.name)),
                        ("region_code", .string(enterprise.regionCode)),
                    ])
                ))
        case .region(let code, let name):
            members.append(("region", .object([("code", .string(code)), ("name", .optional(name))])))
        case .country:
            members.append(("region", .null))
        }
        members += counts.jsonMembers
        members += [
            (
                "by_department",
                .array(
                    departments.map { department in
                        .object(
                            [("department", .string(department.department.rawValue))]
                                + department.counts.jsonMembers)
                    })
            ),
            (
                "by_level",
                .object([
                    ("junior", .int(levels.junior)), ("intermediate", .int(levels.intermediate)),
                    ("senior", .int(levels.senior)),
                ])
            ),
        ]
        return members
    }
}

extension RatioReport {
    /// The region object with its enterprises, or the country object with provinces and enterprises.
    public var json: JSON {
        var members = total.json(asOf: asOf)
        if case .country = total.scope {
            members.append(("provinces", .array(provinces.map { .object($0.json(asOf: asOf)) })))
        }
        members.append(("enterprises", .array(enterprises.map { .object($0.json(asOf: asOf)) })))
        return .object(members)
    }
}

/// The ratio on one date, or over time, as the `ratio` listing shows it.
public enum RatioOutput {
    public enum Breakdown: String, CaseIterable, Sendable {
        case department, level
    }

    /// One enterprise on one date.
    public static func enterprise(
        _ entry: RatioEntry, asOf: CalendarDate, by breakdown: Breakdown?, format: OutputFormat,
        language: Language = .zh
    ) -> String {
        entries(
            [entry], asOf: asOf, by: breakdown, json: .object(entry.json(asOf: asOf)), format: format,
            language: language)
    }

    /// A region's enterprises and total, or every enterprise, each province and the country.
    public static func report(
        _ report: RatioReport, by breakdown: Breakdown?, format: OutputFormat, language: Language = .zh
    ) -> String {
        entries(
            report.enterprises + report.provinces + [report.total], asOf: report.asOf, by: breakdown,
            json: report.json, format: format, language: language)
    }

    /// Entries (enterprises, regions, the country) on one date; `json` is the documented object,
    /// built only for JSON output (for 10,000 enterprises it costs as much as the CSV itself).
    private static func entries(
        _ entries: [RatioEntry], asOf: CalendarDate, by breakdown: Breakdown?, json: @autoclosure () -> JSON,
        format: OutputFormat, language: Language
    ) -> String {
        if format == .json {
            return json().serialized(pretty: true) + "\n"
        }
        var headers = ["scope", "code", "name", "tracked", "certified", "ratio"]
        if breakdown == .department { headers.insert("department", at: 3) }
        if breakdown == .level { headers += ["junior", "intermediate", "senior"] }
        var rows: [[String]] = []
        for entry in entries {
            let (scope, code, name) = describe(entry.scope)
            func row(_ department: String?, _ counts: RatioCounts) -> [String] {
                var cells = [
                    scope, code, name, String(counts.tracked), String(counts.certified),
                    format == .csv ? (counts.ratio ?? "") : counts.percentage,
                ]
                if let department { cells.insert(department, at: 3) }
                if breakdown == .level {
                    cells += [
                        String(entry.levels.junior), String(entry.levels.intermediate), String(entry.levels.senior),
                    ]
                }
                return cells
            }
            if breakdown == .department {
                let table = format == .table ? language : .en
                rows.append(row(table.cell("all", Department.self), entry.counts))
                for department in entry.departments {
                    rows.append(row(table.cell(department.department.rawValue, Department.self), department.counts))
                }
            } else {
                rows.append(row(nil, entry.counts))
            }
        }
        if format == .csv {
            return CSVWriter.document(headers: headers, rows: rows)
        }
        let textColumns: Set = ["scope", "code", "name", "department"]
        let numeric = Set(headers.indices.filter { !textColumns.contains(headers[$0]) })
        return "certified-worker ratio as of \(asOf)\n"
            + TextTable(headers: headers, rows: rows, rightAligned: numeric).render()
    }

    private static func describe(_ scope: RatioEntry.Scope) -> (String, String, String) {
        switch scope {
        case .enterprise(let enterprise): ("enterprise", enterprise.uscc, enterprise.name)
        case .region(let code, let name): (code.hasSuffix("0000") ? "province" : "region", code, name ?? "")
        case .country: ("country", "", "全国")
        }
    }

    /// A trend as JSON: {"enterprise" or "region", "every", "points": [{as_of, tracked, certified,
    /// ratio}]}.
    public static func trendJSON(_ points: [TrendPoint], enterprise: String?, region: String?, every: TrendStep)
        -> JSON
    {
        var members: [(String, JSON)] = []
        if let enterprise { members.append(("enterprise", .string(enterprise))) }
        if let region { members.append(("region", .string(region))) }
        members.append(("every", .string(every.rawValue)))
        members.append(("points", .array(points.map { $0.counts.json(asOf: $0.date) })))
        return .object(members)
    }

    /// The ratio at each step of a trend, of one enterprise or region.
    public static func trend(
        _ points: [TrendPoint], enterprise: String?, region: String?, every: TrendStep, format: OutputFormat
    ) -> String {
        switch format {
        case .json:
            return trendJSON(points, enterprise: enterprise, region: region, every: every).serialized(pretty: true)
                + "\n"
        case .csv:
            return CSVWriter.document(
                headers: ["as_of", "tracked", "certified", "ratio"],
                rows: points.map {
                    [$0.date.iso, String($0.counts.tracked), String($0.counts.certified), $0.counts.ratio ?? ""]
                })
        case .table:
            return TextTable(
                headers: ["as of", "tracked", "certified", "ratio"],
                rows: points.map {
                    [$0.date.iso, String($0.counts.tracked), String($0.counts.certified), $0.counts.percentage]
                }, rightAligned: [1, 2, 3]
            ).render()
        }
    }
}
