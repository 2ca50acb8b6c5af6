import CalendarDates
import Foundation
public import Workforce

extension ApplicationForm {
    /// The form as it is printed, signed and stamped.
    public var html: String {
        let byDepartment = Dictionary(uniqueKeysWithValues: departments.map { ($0.department, $0.counts) })
        let totalRow = [
            "合计 total（每人计一次）", String(total.tracked), String(total.certified), total.percentage,
        ]
        var context: [String: Any] = [
            "asOf": asOf.iso,
            "applicant": Templates.fields([
                ("申报主体名称 name", scope.applicantName),
                ("主体类型 kind", scope.kind.chineseName),
                (
                    scope.kind == .region ? "行政区划代码 region code" : "统一社会信用代码 USCC",
                    scope.applicantCode
                ),
                ("所在地区 region", scope.regionLabel),
                (
                    "申报项目 program",
                    [scope.programName, scope.programDocument].compactMap { $0 }.joined(separator: " ")
                ),
                ("申报日期 submitted", scope.submittedOn.iso),
                ("涉及企业 enterprises", "\(enterprises) 家"),
            ]),
            "staff": Templates.table(
                headers: ["部门 department", "在册人员 staff", "持证人员 certified", "持证比例 ratio"],
                rows: Department.allCases.map { department in
                    let counts = byDepartment[department] ?? RatioCounts(tracked: 0, certified: 0, ratio: nil)
                    return [
                        department.chineseName, String(counts.tracked), String(counts.certified), counts.percentage,
                    ]
                } + [totalRow],
                numeric: [1, 2, 3]),
            "levels": Templates.fields([
                ("助理社会工作师 junior", "\(levels.junior) 人"),
                ("社会工作师 intermediate", "\(levels.intermediate) 人"),
                ("高级社会工作师 senior", "\(levels.senior) 人"),
                ("社会工作岗位 posts", "\(posts) 个，其中已配备人员 \(postsFilled) 个"),
            ]),
            "authorities": [
                "申报单位意见（盖章）", "县（市、区）民政部门意见（盖章）",
                "省级民政部门意见（盖章）",
            ],
        ]
        let plan = scope.plan?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        if !plan.isEmpty {
            context["plan"] = plan.split(whereSeparator: \.isNewline).map(String.init)
        }
        return Templates.page(
            title: "企业社会工作试点申报表",
            subtitle:
                """
                \(scope.applicantName) · \(scope.regionLabel) · 申请编号 \(scope.applicationID) · 数据截至 \
                \(asOf.iso) · application form
                """,
            running: "\(scope.applicantName) · \(scope.regionLabel) · 数据截至 \(asOf.iso)",
            template: "application-form", context: context)
    }

}
