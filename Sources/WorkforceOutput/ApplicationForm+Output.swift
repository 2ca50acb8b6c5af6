public import PostgresClient
public import Foundation
public import Workforce

extension ApplicationForm {
    public var html: String {
        let byDepartment = Dictionary(uniqueKeysWithValues: departments.map { ($0.department, $0.counts) })
        var body = HTML.heading("一、申报主体基本情况", "the applicant")
        body += HTML.fields([
            ("申报主体名称 name", scope.applicantName),
            ("主体类型 kind", scope.kind.chineseName),
            (scope.kind == .region ? "行政区划代码 region code" : "统一社会信用代码 USCC", scope.applicantCode),
            ("所在地区 region", scope.regionLabel),
            ("申报项目 program", [scope.programName, scope.programDocument].compactMap { $0 }.joined(separator: " ")),
            ("申报日期 submitted", scope.submittedOn.iso),
            ("涉及企业 enterprises", "\(enterprises) 家"),
        ])
        body += HTML.heading("二、企业社会工作人才队伍现状（截至 \(asOf.iso)）", "staff and certification")
        body += HTML.table(
            headers: ["部门 department", "在册人员 staff", "持证人员 certified", "持证比例 ratio"],
            rows: Department.allCases.map { department in
                let counts = byDepartment[department] ?? RatioCounts(tracked: 0, certified: 0, ratio: nil)
                return [department.chineseName, String(counts.tracked), String(counts.certified), counts.percentage]
            } + [["合计 total（每人计一次）", String(total.tracked), String(total.certified), total.percentage]],
            numeric: [1, 2, 3])
        body += HTML.fields([
            ("助理社会工作师 junior", "\(levels.junior) 人"),
            ("社会工作师 intermediate", "\(levels.intermediate) 人"),
            ("高级社会工作师 senior", "\(levels.senior) 人"),
            ("社会工作岗位 posts", "\(posts) 个，其中已配备人员 \(postsFilled) 个"),
        ])
        body += HTML.heading("三、试点工作计划与主要措施", "planned measures")
        let plan = scope.plan?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        body += plan.isEmpty
            ? "<p class=\"sub\">（申报时未提交计划 no plan was filed with the application）</p>"
            : plan.split(whereSeparator: \.isNewline).map { "<p>\(HTML.escape(String($0)))</p>" }.joined()
        body += HTML.heading("四、审核意见", "endorsements")
        body += "<table class=\"fields signatures\"><tbody>"
        for authority in ["申报单位意见（盖章）", "县（市、区）民政部门意见（盖章）", "省级民政部门意见（盖章）"] {
            body += "<tr><th>\(authority)</th><td>负责人签字：　　　　　　　　年　　月　　日</td></tr>"
        }
        body += "</tbody></table>"
        return HTML.document(
            title: "企业社会工作试点申报表",
            subtitle: "\(scope.applicantName) · \(scope.regionLabel) · 申请编号 \(scope.applicationID) · 数据截至 \(asOf.iso) · application form",
            running: "\(scope.applicantName) · \(scope.regionLabel) · 数据截至 \(asOf.iso)",
            body: body)
    }
}
