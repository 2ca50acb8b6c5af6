import CalendarDates
public import Workforce

extension ProvinceReport {
    public var json: JSON {
        .object([
            ("schema_version", .int(ProvinceReport.schemaVersion)), ("report", .string("province")),
            ("region", .object([("code", .string(regionCode)), ("name", .string(regionName))])),
            ("as_of", .string(asOf.iso)),
            ("total", .object(total.jsonMembers)),
            ("levels", LevelTable.json(levels)),
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

    /// One CSV table: a section column says what each row is (province or region, then city or
    /// county for the roll-up lines). In Chinese (`language: .zh`) the headers, sections and states
    /// are Chinese; codes, numbers and ISO dates stay as they are.
    public func csvRows(language: CSVLanguage = .en) -> (headers: [String], rows: [[String]]) {
        let zh = language == .zh
        func line(_ section: String, _ zhSection: String, _ code: String, _ name: String, _ counts: RatioCounts)
            -> [String]
        {
            [
                zh ? zhSection : section, code, name, String(counts.tracked), String(counts.certified),
                counts.ratio ?? "",
            ]
        }
        let section = regionCode.hasSuffix("0000") ? "province" : "region"
        var rows = [line(section, scopeWord, regionCode, regionName, total)]
        rows += cities.map { line(rollup.rawValue, rollup == .city ? "市" : "区县", $0.code, $0.name, $0.counts) }
        rows += enterprises.map { line("enterprise", "企业", $0.code, $0.name, $0.counts) }
        rows += trend.map { line("trend", "趋势", $0.date.iso, "", $0.counts) }
        rows += pilots.map {
            let status = zh ? (ApplicationStatus(rawValue: $0.status)?.chineseName ?? $0.status) : $0.status
            return [zh ? "试点" : "pilot", String($0.id), $0.applicant, "", "", "\($0.program): \(status)"]
        }
        let headers =
            zh
            ? ["分类", "代码", "名称", "在册人数", "持证人数", "持证比例"]
            : ["section", "code", "name", "tracked", "certified", "ratio"]
        return (headers, rows)
    }

    /// The report as a bureau reads, signs and prints it: Chinese only.
    public func html(header: ReportHeader = ReportHeader()) -> String {
        func ratioValue(_ counts: RatioCounts) -> Double? { counts.ratio.flatMap(Double.init) }
        let asOfText = ReportText.date(asOf)
        var context: [String: Any] = [
            "scopeName": scopeWord, "rollupTitle": rollupTitle,
            "totalPercentage": total.percentage, "totalCertified": ReportText.count(total.certified),
            "totalTracked": ReportText.count(total.tracked),
            "levels": LevelTable.table(levels, tracked: total.tracked),
            "cityChart": Charts.groupedBarChart(
                cities.map { ($0.name, [ratioValue($0.counts)]) }, seriesNames: ["持证比例"], title: rollupTitle),
            "cities": Templates.table(
                headers: [rollup == .city ? "城市" : "区县", "在册人数", "持证人数", "持证比例"],
                rows: cities.map {
                    [$0.name, String($0.counts.tracked), String($0.counts.certified), $0.counts.percentage]
                },
                numeric: [1, 2, 3], names: [0]),
            "trendChart": Charts.lineChart(
                trend.map { (ReportText.trendLabel($0.date), ratioValue($0.counts)) },
                title: "\(scopeWord)持证比例季度趋势"),
            "enterprises": Templates.table(
                headers: ["排名", "企业名称", "所在地区", "在册人数", "持证人数", "持证比例"],
                rows: enterprises.enumerated().map { index, line in
                    [
                        String(index + 1), line.name, "\(line.regionName)（\(line.regionCode)）",
                        String(line.counts.tracked),
                        String(line.counts.certified), line.counts.percentage,
                    ]
                },
                numeric: [0, 3, 4, 5], names: [1, 2]),
        ]
        if !pilots.isEmpty {
            context["pilots"] = Templates.table(
                headers: ["申报编号", "试点项目", "申报单位", "状态", "申报日期"],
                rows: pilots.map {
                    [
                        String($0.id), $0.program, $0.applicant,
                        ApplicationStatus(rawValue: $0.status)?.chineseName ?? $0.status,
                        ReportText.date($0.submittedOn),
                    ]
                },
                numeric: [0], names: [2])
        }
        return ReportPage.render(
            title: "\(regionName)企业社会工作人才持证情况报告", header: header,
            issuer: ReportHeader.civilAffairs(regionCode: regionCode, name: regionName),
            period: ("统计日", asOfText), running: "\(regionName)（\(regionCode)）· 截至\(asOfText)",
            template: "province-report", context: context,
            notes: ReportPage.notes(
                asOf: asOfText,
                extra: [
                    "趋势：取统计日前八个季度末（3月31日、6月30日、9月30日、12月31日）的数据；统计日不是季度末时，"
                        + "最后一点为统计日。企业按持证比例由高到低排列，无在册人员的企业列在最后。"
                ]))
    }

    /// 全省, 全区 (an autonomous region), 全市 (a municipality or a city), 全区, 全县: 全 and the last
    /// character of the region's name, which names its kind (省, 自治区, 市, 地区, 州, 盟, 区, 县, 旗).
    var scopeWord: String { "全" + String(regionName.last ?? "省") }

    /// The heading of the roll-up: 各市 for a province's prefectures, 各区县 for county-level lines.
    var rollupTitle: String { rollup == .city ? "各市持证比例" : "各区县持证比例" }
}
