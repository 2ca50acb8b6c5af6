public import CalendarDates
import Foundation
import Workforce

/// The header block of a report that is signed and sent: who sends it (报送单位), who filled it
/// in (填报人) and checked it (审核人), a telephone number, and the day it was made. A line left
/// nil prints as a blank line to fill in by hand.
public struct ReportHeader: Sendable {
    public var issuer: String?
    public var preparer: String?
    public var reviewer: String?
    public var phone: String?
    /// The day the report is made (default today).
    public var generatedOn: CalendarDate

    public init(
        issuer: String? = nil, preparer: String? = nil, reviewer: String? = nil, phone: String? = nil,
        generatedOn: CalendarDate? = nil
    ) {
        self.issuer = issuer
        self.preparer = preparer
        self.reviewer = reviewer
        self.phone = phone
        self.generatedOn = generatedOn ?? .today()
    }

    /// The civil-affairs department of a region, the default 报送单位 of a region's report:
    /// 广东省民政厅 for a province, 北京市民政局 for a municipality or a city, 南山区民政局 for a county.
    public static func civilAffairs(regionCode: String, name: String) -> String {
        name + (Codes.isProvince(regionCode) ? "民政厅" : "民政局")
    }
}

/// The text rules of the printed reports, one place for each: dates 2014年12月31日, quarters
/// 2014年第四季度, money 60,000.00, hours without trailing zeros (0, 3.5, 78), percentages with two
/// decimals (RatioCounts.percentage).
enum ReportText {
    static func date(_ date: CalendarDate) -> String { "\(date.year)年\(date.month)月\(date.day)日" }

    static func period(_ from: CalendarDate, _ to: CalendarDate) -> String { "\(date(from))至\(date(to))" }

    /// "2014年第四季度" for the last day of a quarter, nil for any other day.
    static func quarter(_ date: CalendarDate) -> String? {
        guard date.month % 3 == 0, date.day == CalendarDate.daysIn(month: date.month, year: date.year) else {
            return nil
        }
        return "\(date.year)年第\(["一", "二", "三", "四"][date.month / 3 - 1])季度"
    }

    /// A trend point's label: its quarter when it is a quarter end, else the day.
    static func trendLabel(_ date: CalendarDate) -> String { quarter(date) ?? self.date(date) }

    /// Yuan with thousands separators and two decimals: "60000.3" → "60,000.30".
    static func money(_ text: String) -> String {
        let exact = twoPlaces(Decimal(string: text) ?? 0)
        let negative = exact.hasPrefix("-")
        let parts = exact.dropFirst(negative ? 1 : 0).split(separator: ".")
        var whole = ""
        for (index, digit) in parts[0].reversed().enumerated() {
            if index > 0 && index % 3 == 0 { whole.append(",") }
            whole.append(digit)
        }
        return (negative ? "-" : "") + String(whole.reversed()) + "." + parts[1]
    }

    /// Hours without trailing zeros: "0.00" → "0", "3.50" → "3.5", "78.00" → "78".
    static func hours(_ text: String) -> String {
        NSDecimalNumber(decimal: Decimal(string: text) ?? 0).stringValue
    }

    /// A ratio as a percentage with two decimals: 0.34286 → "34.29%" (tables and charts alike).
    static func percentage(_ value: Double) -> String {
        let hundredths = Int((value * 10_000).rounded())
        let fraction = String(hundredths % 100)
        return "\(hundredths / 100).\(fraction.count == 1 ? "0" + fraction : fraction)%"
    }

    /// A whole number with thousands separators, for counts of people and enterprises.
    static func count(_ value: Int) -> String { money(String(value)).split(separator: ".")[0].description }
}

/// The page every report is printed on: the title, the header block, the body, and the notes on
/// method (口径说明) at the end. No software footer: the generator is named in <meta> only.
enum ReportPage {
    static func render(
        title: String, header: ReportHeader, issuer: String, period: (label: String, text: String),
        running: String, template: String, context: [String: Any], notes: [String]
    ) -> String {
        let blank = "　　　　　　　　"
        let lines: [(label: String, value: String)] = [
            ("报送单位", header.issuer ?? issuer), (period.label, period.text),
            ("填报人", header.preparer ?? blank), ("审核人", header.reviewer ?? blank),
            ("联系电话", header.phone ?? blank), ("生成日期", ReportText.date(header.generatedOn)),
        ]
        var body = context
        body["headerLines"] = lines.enumerated().map { index, line in
            ["label": line.label, "value": line.value, "breakAfter": index % 2 == 1 && index < lines.count - 1]
        }
        body["notes"] = notes
        return Templates.page(title: title, running: running, template: template, context: body)
    }

    /// The notes on method that every report shares; `extra` adds what is particular to a report.
    static func notes(asOf: String, extra: [String] = []) -> [String] {
        [
            "在册人员：在统计日在企业党组织、工会、共青团、妇联、人力资源部门或企业社会组织任职（入职日不晚于统计日，"
                + "且未离职或离职日晚于统计日）的人员，每人计一次；同一人在两个部门任职，在各部门分别计入，在企业合计中计一次。",
            "持证人员：在册人员中，统计日持有社会工作者职业水平证书（发证日不晚于统计日且未被撤销）的人员。"
                + "本报告计入所持有的全部有效证书，不以证书登记为条件。",
            "持证比例：持证人员数除以在册人员数；无在册人员时不计算（以“—”表示）。地区比例为其各企业持证人数之和"
                + "除以在册人数之和，而非各企业比例的平均数。按级别统计时，每人按统计日所持最高级别计一次。",
            "统计日：\(asOf)。",
        ] + extra
            + [
                "数据来源：企业社会工作人才信息系统中各企业报送的人员名册、职业水平证书记录、培训与考试记录，"
                    + "以生成日数据库中的记录为准。"
            ]
    }
}
