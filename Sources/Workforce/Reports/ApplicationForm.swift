public import CalendarDates
import Foundation
import PostgresClient

/// The application form (申报表) of a pilot unit or region, filled from what the tracker holds on
/// a date: the unit, its region, staff of the five departments and the practitioners, certified
/// staff by level, the posts, and the planned measures from the plan file.
public struct ApplicationForm: Sendable {
    public let scope: PilotScope
    public let asOf: CalendarDate
    public let enterprises: Int
    public let departments: [DepartmentRatio]
    public let total: RatioCounts
    public let levels: LevelCounts
    public let posts: Int
    public let postsFilled: Int

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

extension Reports {
    /// The application form of an application, with figures on `asOf`.
    public func applicationForm(applicationID: Int, asOf: CalendarDate) throws -> ApplicationForm {
        let scope = try pilotScope(applicationID: applicationID)
        let ids = scope.enterpriseIDs
        let totals = try db.query("""
            SELECT coalesce(sum(tracked), 0)::bigint, coalesce(sum(certified), 0)::bigint,
                   certified_ratio(sum(certified)::bigint, sum(tracked)::bigint)::text,
                   coalesce(sum(junior), 0)::bigint, coalesce(sum(intermediate), 0)::bigint, coalesce(sum(senior), 0)::bigint
            FROM enterprise_ratio_on(\(asOf), \(scope.ratioRegion)) WHERE enterprise_id = ANY (\(ids))
            """).single()
        let departments = try db.query("""
            SELECT d.department::text, sum(d.tracked)::bigint, sum(d.certified)::bigint,
                   certified_ratio(sum(d.certified)::bigint, sum(d.tracked)::bigint)::text
            FROM enterprise_department_ratio_on(\(asOf), \(scope.ratioRegion)) d WHERE d.enterprise_id = ANY (\(ids))
            GROUP BY d.department ORDER BY d.department
            """).map { row in
            DepartmentRatio(department: try row.decode(0, as: Department.self),
                            counts: RatioCounts(tracked: try row.decode(1), certified: try row.decode(2), ratio: try row.decode(3)))
        }
        let posts = try db.query("""
            SELECT count(*), count(filled_by) FROM social_work_post WHERE enterprise_id = ANY (\(ids)) AND created_on <= \(asOf)
            """).single()
        return ApplicationForm(
            scope: scope, asOf: asOf, enterprises: ids.count, departments: departments,
            total: RatioCounts(tracked: try totals.decode(0), certified: try totals.decode(1), ratio: try totals.decode(2)),
            levels: LevelCounts(junior: try totals.decode(3), intermediate: try totals.decode(4), senior: try totals.decode(5)),
            posts: try posts.decode(0), postsFilled: try posts.decode(1))
    }
}
