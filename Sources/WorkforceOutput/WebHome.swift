public import CalendarDates
import Foundation
public import Workforce

/// The pages of `esw serve` that show figures: each role's home page, from data a page handler read
/// in one transaction as the user. Numbers and percentages as in the reports (two decimals), dates
/// as 2013年6月1日, all text in Simplified Chinese.
public enum WebHome {
    /// What an enterprise coordinator or HR user came for: the enterprise's certified ratio today
    /// (a big figure), its trend by month end, the table by department, the exam funnel of this
    /// year by level, and, for a coordinator, the training events that start this month with
    /// their seats and waitlists (nil for HR).
    public static func enterprise(
        frame: WebFrame, entry: RatioEntry, asOf: CalendarDate, trend: [TrendPoint], funnel: [ExamResults.FunnelLine],
        events: [EventSummary]?
    ) -> String {
        var name = ""
        if case .enterprise(let enterprise) = entry.scope { name = enterprise.name }
        var context: [String: Any] = [
            "enterpriseName": name, "asOf": ReportText.date(asOf),
            "percentage": entry.counts.percentage,
            "certified": ReportText.count(entry.counts.certified), "tracked": ReportText.count(entry.counts.tracked),
            "trendChart": trendChart(trend, title: "\(name)持证比例（每月末）"),
            "departments": departmentTable(entry),
            "hasDepartments": !entry.departments.isEmpty,
            "funnel": ["year": String(asOf.year), "any": !funnel.isEmpty, "levels": WebExams.funnelTable(funnel)],
        ]
        if let events {
            context["training"] = [
                "month": "\(asOf.year)年\(asOf.month)月", "any": !events.isEmpty,
                "events": Templates.table(
                    headers: ["开始", "名称", "形式", "名额", "已报名", "候补", "状态"],
                    rows: events.map { event in
                        [
                            dateTime(event.startsAt), event.title, event.kind.chineseName, String(event.capacity),
                            String(event.enrolled), String(event.waitlisted), event.cancelled ? "已取消" : "",
                        ]
                    },
                    numeric: [3, 4, 5], names: [0]),
            ]
        }
        return WebPage.render(title: "本企业概况", frame: frame, template: "web-home-enterprise", context: context)
    }

    /// What a region coordinator, a provincial bureau, the ministry or an admin came for: the ratio
    /// of their scope today, its enterprises ranked by ratio (the same figures as `esw ratio`;
    /// the first `limit` of them), and the pilot programs with the applications in scope (their
    /// provinces by name, from `provinceNames` by code).
    public static func region(
        frame: WebFrame, report: RatioReport, scopeName: String, limit: Int, programs: [PilotProgram],
        applications: [PilotApplication], provinceNames: [String: String]
    ) -> String {
        let ranked = report.enterprises.sorted { left, right in
            let (a, b) = (Double(left.counts.ratio ?? "") ?? -1, Double(right.counts.ratio ?? "") ?? -1)
            return a != b ? a > b : left.counts.tracked > right.counts.tracked
        }
        let shown = ranked.prefix(limit)
        let programNames = Dictionary(programs.map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
        let context: [String: Any] = [
            "scopeName": scopeName, "asOf": ReportText.date(report.asOf),
            "percentage": report.total.counts.percentage,
            "certified": ReportText.count(report.total.counts.certified),
            "tracked": ReportText.count(report.total.counts.tracked),
            "enterpriseCount": ReportText.count(ranked.count),
            "cut": ranked.count > shown.count ? ["shown": String(shown.count)] as Any : false,
            "enterprises": Templates.table(
                headers: ["排名", "企业名称", "统一社会信用代码", "在册人数", "持证人数", "持证比例"],
                rows: shown.enumerated().map { index, entry in
                    var (name, uscc) = ("", "")
                    if case .enterprise(let enterprise) = entry.scope {
                        (name, uscc) = (enterprise.name, enterprise.uscc)
                    }
                    return [
                        String(index + 1), name, uscc, ReportText.count(entry.counts.tracked),
                        ReportText.count(entry.counts.certified), entry.counts.percentage,
                    ]
                },
                numeric: [0, 3, 4, 5], names: [1]),
            "hasEnterprises": !shown.isEmpty,
            "programs": Templates.table(
                headers: ["试点项目", "申报截止", "确认截止", "试点期", "总结截止"],
                rows: programs.map {
                    [
                        $0.name, ReportText.date($0.applyBy), ReportText.date($0.confirmBy), "\($0.pilotMonths)个月",
                        ReportText.date($0.summaryBy),
                    ]
                },
                names: [0]),
            "hasPrograms": !programs.isEmpty,
            "applications": Templates.table(
                headers: ["申报编号", "试点项目", "申报单位", "省份", "状态", "申报日期"],
                rows: applications.map {
                    [
                        String($0.id), programNames[$0.programID] ?? String($0.programID), $0.applicant,
                        provinceNames[$0.province] ?? $0.province,
                        $0.status.chineseName + ($0.late ? "（逾期）" : ""), ReportText.date($0.submittedOn),
                    ]
                },
                numeric: [0], names: [2]),
            "hasApplications": !applications.isEmpty,
        ]
        return WebPage.render(title: "\(scopeName)概况", frame: frame, template: "web-home-region", context: context)
    }

    /// The table of `entry`'s departments: tracked, certified, ratio (a person in two departments
    /// counts in each).
    static func departmentTable(_ entry: RatioEntry) -> [String: Any] {
        Templates.table(
            headers: ["部门", "在册人数", "持证人数", "持证比例"],
            rows: entry.departments.map {
                [
                    $0.department.chineseName, ReportText.count($0.counts.tracked),
                    ReportText.count($0.counts.certified), $0.counts.percentage,
                ]
            },
            numeric: [1, 2, 3], names: [0])
    }

    /// The trend as the reports draw it (Charts.lineChart), labelled 2013年6月 per month end.
    static func trendChart(_ trend: [TrendPoint], title: String) -> String {
        Charts.lineChart(
            trend.map { ("\($0.date.year)年\($0.date.month)月", $0.counts.ratio.flatMap(Double.init)) }, title: title)
    }

    /// 2013年6月1日 09:30
    static func dateTime(_ time: LocalDateTime) -> String {
        let minute = time.minute < 10 ? "0\(time.minute)" : String(time.minute)
        return "\(ReportText.date(time.date)) \(time.hour):\(minute)"
    }
}

/// The pages of `esw serve` without figures: sign-in, the password change, and errors.
public enum WebForms {
    /// The sign-in form; `failed` after a refusal, which says the same whatever was wrong.
    /// The sign-in form; `retryAfterMinutes`: too many failed logins, try again then.
    public static func login(
        frame: WebFrame, name: String, failed: Bool, retryAfterMinutes: Int? = nil, csrfToken: String?
    ) -> String {
        var context: [String: Any] = ["name": name, "failed": failed]
        if let retryAfterMinutes { context["retryAfterMinutes"] = retryAfterMinutes }
        if let csrfToken { context["csrfToken"] = csrfToken }
        return WebPage.render(title: "登录", frame: frame, template: "web-login", context: context)
    }

    /// The password form: the current one and the new one twice, each error beside its field
    /// (keys `current`, `new`, `repeat`).
    public static func password(frame: WebFrame, oneTime: Bool, errors: [String: String]) -> String {
        var context: [String: Any] = ["oneTime": oneTime, "csrfToken": frame.csrfToken ?? ""]
        for (field, message) in errors { context["\(field)Error"] = message }
        return WebPage.render(title: "设置新密码", frame: frame, template: "web-password", context: context)
    }

    /// An error page: what happened in general words, never a detail of the input.
    public static func error(frame: WebFrame, title: String, message: String) -> String {
        WebPage.render(title: title, frame: frame, template: "web-error", context: ["message": message])
    }
}
