import CalendarDates
public import Workforce

extension ProvinceReport {
    public var json: JSON {
        .object([
            ("schema_version", .int(ProvinceReport.schemaVersion)), ("report", .string("province")),
            ("region", .object([("code", .string(regionCode)), ("name", .string(regionName))])),
            ("as_of", .string(asOf.iso)),
            ("total", .object(total.jsonMembers)),
            ("rollup", .string(rollup.rawValue)),
            (
                "cities",
                .array(
                    cities.map {
                        .object(
                            [("code", .string($0.code)), ("name", .string($0.name))]
                                + $0.counts.jsonMembers)
                    })
            ),
            (
                "enterprises",
                .array(
                    enterprises.enumerated().map { index, line in
                        .object(
                            [
                                ("rank", .int(index + 1)), ("uscc", .string(line.code)), ("name", .string(line.name)),
                                ("region_code", .string(line.regionCode)), ("region_name", .string(line.regionName)),
                            ] + line.counts.jsonMembers)
                    })
            ),
            (
                "pilots",
                .array(
                    pilots.map { pilot in
                        .object([
                            ("id", .int(pilot.id)), ("program", .string(pilot.program)),
                            ("applicant", .string(pilot.applicant)),
                            ("status", .string(pilot.status)), ("submitted_on", .string(pilot.submittedOn.iso)),
                        ])
                    })
            ),
            ("trend", .array(trend.map { $0.counts.json(asOf: $0.date) })),
        ])
    }

    /// One CSV table: a section column says what each row is.
    public var csvRows: (headers: [String], rows: [[String]]) {
        var rows: [[String]] = [
            [
                regionCode.hasSuffix("0000") ? "province" : "region", regionCode, regionName, String(total.tracked),
                String(total.certified), total.ratio ?? "",
            ]
        ]
        rows += cities.map {
            [
                rollup.rawValue, $0.code, $0.name, String($0.counts.tracked), String($0.counts.certified),
                $0.counts.ratio ?? "",
            ]
        }
        rows += enterprises.map {
            [
                "enterprise", $0.code, $0.name, String($0.counts.tracked), String($0.counts.certified),
                $0.counts.ratio ?? "",
            ]
        }
        rows += trend.map {
            ["trend", $0.date.iso, "", String($0.counts.tracked), String($0.counts.certified), $0.counts.ratio ?? ""]
        }
        rows += pilots.map { ["pilot", String($0.id), $0.applicant, "", "", "\($0.program): \($0.status)"] }
        return (["section", "code", "name", "tracked", "certified", "ratio"], rows)
    }

    /// The report as a bureau reads and prints it.
    public var html: String {
        func ratioValue(_ counts: RatioCounts) -> Double? { counts.ratio.flatMap(Double.init) }
        var context: [String: Any] = [
            "scope": scopeWord, "rollupTitle": rollupTitle,
            "totalPercentage": total.percentage, "totalCertified": total.certified, "totalTracked": total.tracked,
            "cityChart": Charts.barChart(cities.map { ($0.name, ratioValue($0.counts)) }, title: rollupTitle),
            "cities": Templates.table(
                headers: [rollup == .city ? "城市 city" : "区县 county", "在册人数 tracked", "持证人数 certified", "持证比例 ratio"],
                rows: cities.map {
                    [$0.name, String($0.counts.tracked), String($0.counts.certified), $0.counts.percentage]
                },
                numeric: [1, 2, 3]),
            "trendChart": Charts.lineChart(
                trend.map { ($0.date.iso, ratioValue($0.counts)) }, title: "\(scopeWord)持证比例趋势"),
            "enterprises": Templates.table(
                headers: [
                    "排名 rank", "企业 enterprise", "行政区划 region", "在册 tracked", "持证 certified",
                    "比例 ratio",
                ],
                rows: enterprises.enumerated().map { index, line in
                    [
                        String(index + 1), line.name, "\(line.regionName)（\(line.regionCode)）",
                        String(line.counts.tracked),
                        String(line.counts.certified), line.counts.percentage,
                    ]
                },
                numeric: [0, 3, 4, 5]),
        ]
        if !pilots.isEmpty {
            context["pilots"] = Templates.table(
                headers: [
                    "编号 id", "项目 program", "申报单位 applicant", "状态 status", "申报日期 submitted",
                ],
                rows: pilots.map {
                    [String($0.id), $0.program, $0.applicant, ProvinceReport.statusName($0.status), $0.submittedOn.iso]
                },
                numeric: [0])
        }
        return Templates.page(
            title: "\(regionName)企业社会工作人才持证情况报告",
            subtitle: "\(regionName)（\(regionCode)）· 截至 \(asOf.iso) · as of \(asOf.iso)",
            running: "\(regionName)（\(regionCode)）· 截至 \(asOf.iso)",
            template: "province-report", context: context)
    }

    /// 全省, 全区 (an autonomous region), 全市 (a municipality or a city), 全区, 全县: 全 and the last
    /// character of the region's name, which names its kind (省, 自治区, 市, 地区, 州, 盟, 区, 县, 旗).
    var scopeWord: String { "全" + String(regionName.last ?? "省") }

    /// The heading of the roll-up: 各市 for a province's prefectures, 各区县 for county-level lines.
    var rollupTitle: String { rollup == .city ? "各市持证比例" : "各区县持证比例" }

    static func statusName(_ status: String) -> String {
        ApplicationStatus(rawValue: status).map { "\($0.chineseName) \(status)" } ?? status
    }
}
