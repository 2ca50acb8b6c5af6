import CalendarDates
import Foundation
public import Workforce

/// What an application form asks that the tracker does not hold: the contact person, the
/// address and the industry or nature of the unit. A value left nil prints as a blank to fill in.
public struct ApplicantDetails: Sendable {
    public var contact: String?
    public var address: String?
    public var industry: String?

    public init(contact: String? = nil, address: String? = nil, industry: String? = nil) {
        self.contact = contact
        self.address = address
        self.industry = industry
    }
}

extension PilotScope.Kind {
    /// The kind of unit as an applicant (申报单位), before any designation.
    var applicantKindName: String {
        switch self {
        case .region: "地区（民政部门）"
        case .enterprise: "企业"
        case .serviceOrg: "社会工作服务机构"
        }
    }
}

extension ApplicationForm {
    /// The form as it is printed, signed and stamped: Chinese only.
    public func html(header: ReportHeader = ReportHeader(), details: ApplicantDetails = ApplicantDetails()) -> String {
        let blank = ""
        let byDepartment = Dictionary(uniqueKeysWithValues: departments.map { ($0.department, $0.counts) })
        let asOfText = ReportText.date(asOf)
        var context: [String: Any] = [
            "asOf": asOfText,
            "applicant": Templates.fields([
                ("申报单位", scope.applicantName),
                ("单位类型", scope.kind.applicantKindName),
                (scope.kind == .region ? "行政区划代码" : "统一社会信用代码", scope.applicantCode),
                ("所在地区", scope.regionLabel),
                ("地址", details.address ?? blank),
                ("行业/性质", details.industry ?? blank),
                ("职工总数", employees.map { "\(ReportText.count($0)) 人" } ?? blank),
                ("联系人", details.contact ?? blank),
                ("电话", header.phone ?? blank),
                ("申报项目", [scope.programName, scope.programDocument].compactMap { $0 }.joined(separator: " ")),
                ("申报日期", ReportText.date(scope.submittedOn)),
                ("涉及企业", "\(enterprises) 家"),
                ("填表日期", ReportText.date(header.generatedOn)),
            ]),
            "staff": Templates.table(
                headers: ["部门", "在册人员", "持证人员", "持证比例"],
                rows: Department.allCases.map { department in
                    let counts = byDepartment[department] ?? RatioCounts(tracked: 0, certified: 0, ratio: nil)
                    return [
                        department.chineseName, String(counts.tracked), String(counts.certified), counts.percentage,
                    ]
                } + [["合计（每人计一次）", String(total.tracked), String(total.certified), total.percentage]],
                numeric: [1, 2, 3], names: [0]),
            "levels": LevelTable.table(levels, tracked: total.tracked),
            "posts": "社会工作岗位 \(posts) 个，其中已配备人员 \(postsFilled) 个。",
            "authorities": [
                "申报单位意见（盖章）", "县（市、区）民政部门意见（盖章）", "省级民政部门意见（盖章）",
            ],
        ]
        let plan = scope.plan?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        if !plan.isEmpty {
            context["plan"] = plan.split(whereSeparator: \.isNewline).map(String.init)
        }
        return ReportPage.render(
            title: "企业社会工作试点申报表", header: header, issuer: scope.issuer,
            period: ("数据截至", asOfText), running: "\(scope.applicantName) · 数据截至\(asOfText)",
            template: "application-form", context: context,
            notes: ReportPage.notes(
                asOf: "\(asOfText)（默认为申报日期）",
                extra: ["职工总数为企业登记的职工人数；地址、行业/性质、联系人和电话由申报单位填写。"]))
    }
}
