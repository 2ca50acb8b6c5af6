public import CalendarDates
public import Workforce

/// The pages an enterprise's HR came for (and every role, for its own scope): the certified ratio
/// on any date, by department and by level, with its trend (`/ratio`); and the people short of
/// continuing-education hours in a year (`/hours`). The figures are the domain's, the same as
/// `esw ratio --by department|level` and `esw training gaps`.
public enum WebRatio {
    /// The ratio page: the date form (the date as typed and its error beside the field when it
    /// was refused), and, for a date read, the scope's ratio on it, the tables by department and
    /// by level (certified staff by the highest level they hold), and the trend at the last eleven
    /// month ends and that date.
    public static func ratio(
        frame: WebFrame, scopeName: String, dateText: String, dateError: String?, entry: RatioEntry?,
        asOf: CalendarDate?, trend: [TrendPoint]
    ) -> String {
        var context: [String: Any] = ["scopeName": scopeName, "date": dateText]
        if let dateError { context["dateError"] = dateError }
        if let entry, let asOf {
            let levels = [
                (CertificateLevel.senior, entry.levels.senior), (.intermediate, entry.levels.intermediate),
                (.junior, entry.levels.junior),
            ]
            context["figures"] =
                [
                    "asOf": ReportText.date(asOf), "percentage": entry.counts.percentage,
                    "tracked": ReportText.count(entry.counts.tracked),
                    "certified": ReportText.count(entry.counts.certified),
                    "hasDepartments": !entry.departments.isEmpty, "departments": WebHome.departmentTable(entry),
                    "levels": Templates.table(
                        headers: ["最高证书等级", "持证人数", "占在册人数"],
                        rows: levels.map { level, count in
                            [
                                level.chineseName, ReportText.count(count),
                                entry.counts.tracked == 0
                                    ? "—" : ReportText.percentage(Double(count) / Double(entry.counts.tracked)),
                            ]
                        } + [["合计", ReportText.count(entry.counts.certified), entry.counts.percentage]],
                        numeric: [1, 2], names: [0]),
                    "trendChart": WebHome.trendChart(trend, title: "\(scopeName)持证比例（每月末）"),
                ] as [String: Any]
        }
        return WebPage.render(title: "持证比例", frame: frame, template: "web-ratio", context: context)
    }

    /// How the hours page lets a user with more than one enterprise choose one.
    public enum EnterpriseChooser: Sendable {
        /// A drop-down list of the scope's enterprises.
        case list([Enterprise])
        /// A search by name or USCC (a scope too large to list), with the text searched for, the
        /// first enterprises it found, and whether it found more.
        case search(text: String, found: [Enterprise], more: Bool)
    }

    /// The continuing-education page of one enterprise and year: the year selector (and, for
    /// roles over several enterprises, the enterprise chooser), and the list of `esw training
    /// gaps` on `asOf`: certified staff short of their period's minimum hours, then uncertified
    /// staff with no training. ID numbers whole or masked as the role may see them.
    public static func hours(
        frame: WebFrame, year: Int, years: [Int], chooser: EnterpriseChooser?, chosen: Enterprise?,
        asOf: CalendarDate, gaps: [TrainingGap], wholeIDNumbers: Bool
    ) -> String {
        var context: [String: Any] = [
            "years": years.map { ["year": $0, "selected": $0 == year] as [String: Any] },
            "asOf": ReportText.date(asOf), "any": !gaps.isEmpty,
            "gaps": Templates.table(
                headers: ["情况", "姓名", "身份证号", "部门", "证书等级", "本期", "已获学时", "应达学时", "尚缺学时"],
                rows: gaps.map { gap in
                    [
                        gap.reason.chineseName, gap.name, shownIDNumber(gap.idNumber, whole: wholeIDNumbers),
                        gap.departments.map(\.chineseName).joined(separator: "、"), gap.level?.chineseName ?? "—",
                        gap.periodStart.map { ReportText.period($0, gap.periodEnd ?? $0) } ?? "—",
                        ReportText.hours(gap.creditedHours), gap.requiredHours.map(ReportText.hours) ?? "—",
                        gap.missingHours.map(ReportText.hours) ?? "—",
                    ]
                },
                numeric: [6, 7, 8], names: [1]),
        ]
        if let chosen { context["enterpriseName"] = chosen.name }
        switch chooser {
        case .list(let enterprises):
            context["choose"] = true
            context["enterprises"] = enterprises.map {
                ["uscc": $0.uscc, "name": $0.name, "selected": $0.uscc == chosen?.uscc] as [String: Any]
            }
        case .search(let text, let found, let more):
            var search: [String: Any] = ["text": text]
            if chosen == nil {
                if !found.isEmpty {
                    search["hasFound"] = true
                    search["found"] = found.map { ["uscc": $0.uscc, "name": $0.name] }
                    if more { search["more"] = true; search["shown"] = found.count }
                } else {
                    search[text.isEmpty ? "blank" : "none"] = true
                }
            }
            context["search"] = search
        case nil:
            break
        }
        context["year"] = year
        return WebPage.render(title: "继续教育", frame: frame, template: "web-hours", context: context)
    }
}
