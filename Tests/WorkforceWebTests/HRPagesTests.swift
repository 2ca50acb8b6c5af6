import CalendarDates
import Foundation
import Hummingbird
import PostgresClient
import TestSupport
import Testing
import Workforce

/// The ratio and hours pages (served as of 2013-12-31 in `withPages`) and what the person's page
/// adds to certificates.
@Suite(.database) struct HRPagesTests {
    static let users: [(name: String, role: AccessRole, scope: String?)] = [
        ("sz-coordinator", .enterpriseCoordinator, FixtureWorld.shenzhen),
        ("sz-hr", .enterpriseHR, FixtureWorld.shenzhen),
        ("guangdong", .provincialBureau, "440000"),
    ]

    /// Shenzhen: 张伟 (union, junior since 2012), 李娜 (party, intermediate since 2013-03),
    /// 赵强 (union, no certificate), and 王芳 (union, hired and certified after mid-2013);
    /// Beijing: 陈静 (union, junior).
    static func world(_ world: FixtureWorld) throws {
        _ = try world.importStaff(
            FixtureWorld.staff([
                .init(.shenzhen, 1, "张伟", "union", hired: "2012-01-01"),
                .init(.shenzhen, 2, "李娜", "party", hired: "2012-01-01"),
                .init(.shenzhen, 4, "赵强", "union", hired: "2012-01-01"),
                .init(.shenzhen, 3, "王芳", "union", hired: "2013-09-01"),
                .init(.beijing, 5, "陈静", "union", hired: "2012-01-01"),
            ]))
        _ = try world.importCertificates(
            FixtureWorld.certificates([
                (1, "junior", "C-1", "2012-01-01", nil), (2, "intermediate", "C-2", "2013-03-01", nil),
                (3, "junior", "C-3", "2013-10-01", nil), (5, "junior", "C-5", "2012-01-01", nil),
            ]))
    }

    @Test func hrSeesTheRatioByDepartmentAndLevelAtAPastDateAsTheDomainCountsIt() async throws {
        try await withPages(users: Self.users) { owner, world, pages in
            try Self.world(world)
            let day = CalendarDate(year: 2013, month: 6, day: 30)!
            let entry = try RatioService(db: owner).enterprise(uscc: FixtureWorld.shenzhen, asOf: day)
            #expect(entry.counts.tracked == 3 && entry.counts.certified == 2)
            let page = try await pages.get("/ratio?date=2013%E5%B9%B46%E6%9C%8830%E6%97%A5", as: "sz-hr")
            #expect(page.status == .ok)
            #expect(page.text.contains("截至2013年6月30日：在册 3 人，持证 2 人"))
            #expect(page.text.contains("<span class=\"figure\">66.67%</span>"))
            #expect(page.text.contains("value=\"2013-06-30\""), "the date read, as the form shows it again")
            func row(_ cells: String) -> String {
                #"<tr><td class="name">"# + cells.split(separator: "|").joined(separator: #"</td><td class="n">"#)
                    + "</td></tr>"
            }
            // By department, as the domain counts each (a person once per department).
            #expect(
                entry.departments.map { "\($0.department.rawValue) \($0.counts.tracked) \($0.counts.certified)" }
                    == ["party 1 1", "union 2 1"])
            #expect(page.text.contains(row("工会|2|1|50.00%")) && page.text.contains(row("党组织|1|1|100.00%")))
            // By the highest level held: one junior, one intermediate on that day.
            #expect(entry.levels == LevelCounts(junior: 1, intermediate: 1, senior: 0))
            #expect(page.text.contains(row("社会工作师|1|33.33%")) && page.text.contains(row("助理社会工作师|1|33.33%")))
            #expect(page.text.contains(row("高级社会工作师|0|0.00%")))
            #expect(page.text.contains(row("合计|2|66.67%")))
            #expect(page.text.contains("<svg"), "the trend chart")

            // Without a date: the server's as-of day, when 王芳 is tracked and certified too.
            let today = try await pages.get("/ratio", as: "sz-hr")
            #expect(today.text.contains("截至2013年12月31日：在册 4 人，持证 3 人"))
            #expect(today.text.contains("href=\"/ratio\" aria-current=\"page\""), "the role's menu")
            // A bureau's is its province's total: Shenzhen's staff, not Beijing's 陈静.
            let province = try await pages.get("/ratio?date=2013-06-30", as: "guangdong")
            #expect(province.text.contains("<h2>广东省 · 持证比例</h2>"))
            #expect(province.text.contains("截至2013年6月30日：在册 3 人，持证 2 人"))
        }
    }

    @Test func aDateThatIsNotOneIsRefusedBesideTheFieldWith400() async throws {
        try await withPages(users: Self.users) { _, world, pages in
            try Self.world(world)
            for date in ["2013-02-30", "yesterday", "0001-01-01"] {
                let page = try await pages.get("/ratio?date=\(date)", as: "sz-hr")
                #expect(page.status == .badRequest)
                let beside = page.matches(
                    #"name="date" value="([^"]*)" placeholder="[^"]*"/>\s*<span class="field-error">"#)
                #expect(beside == [date])
                #expect(page.text.contains("不是有效的日期"))
                #expect(!page.text.contains("class=\"figure\""))
            }
        }
    }

    @Test func hoursListsWhoIsShortWithTheIDNumberMaskedForHR() async throws {
        try await withPages(users: Self.users) { owner, world, pages in
            try Self.world(world)
            let gaps = try TrainingRecords(db: owner).gaps(
                enterpriseUSCC: FixtureWorld.shenzhen, asOf: CalendarDate(year: 2013, month: 12, day: 31)!)
            #expect(gaps.contains { $0.name == "张伟" && $0.reason == .continuingEducationShort })
            let page = try await pages.get("/hours?year=2013", as: "sz-hr")
            #expect(page.status == .ok)
            #expect(page.text.contains("截至2013年12月31日"))
            #expect(page.text.contains("<option value=\"2013\" selected>2013年</option>"))
            for gap in gaps {
                #expect(page.text.contains(">\(gap.name)<") && page.text.contains(maskedID(gap.idNumber)))
                #expect(!page.text.contains(gap.idNumber))
            }
            #expect(page.text.contains("继续教育学时不足") && page.text.contains("未参加培训"))
            #expect(!page.text.contains("陈静"), "another enterprise's staff")
            #expect(!page.text.contains("name=\"enterprise\""), "one enterprise: nothing to choose")
            // The roster's keeper sees ID numbers whole.
            let coordinator = try await pages.get("/hours?year=2013", as: "sz-coordinator")
            #expect(coordinator.text.contains(FixtureWorld.person(1)))
            #expect(try await pages.get("/hours?year=1999", as: "sz-hr").status == .badRequest)
        }
    }

    @Test func aScopeTooLargeToListFindsItsEnterpriseByNameOrUSCC() async throws {
        // Guangdong's few enterprises stand for a province's thousands: no list longer than one.
        try await withPages(users: Self.users, enterpriseChoices: 1) { _, world, pages in
            try Self.world(world)
            let second = Fixtures.uscc(region: "440305", serial: 9)
            _ = try world.enterprises.add(uscc: second, name: "深圳第二测试有限公司", regionCode: "440305", employees: 10)
            let encoded = { (text: String) in text.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed)! }
            let start = try await pages.get("/hours?year=2013", as: "guangdong")
            #expect(start.status == .ok)
            #expect(start.text.contains("name=\"q\"") && !start.text.contains("<select id=\"enterprise\""))
            #expect(start.text.contains("请先查找企业") && !start.text.contains("张伟"), "no enterprise chosen for them")
            // Both Shenzhen enterprises' names hold 测试: both are offered as links, neither shown.
            let both = try await pages.get("/hours?year=2013&q=\(encoded("测试"))", as: "guangdong")
            #expect(both.text.contains("找到的企业"))
            #expect(both.text.contains("/hours?enterprise=\(FixtureWorld.shenzhen)&amp;year=2013"))
            #expect(both.text.contains("/hours?enterprise=\(second)&amp;year=2013"))
            #expect(!both.text.contains("张伟"))
            // One found (by its name, or its whole USCC): its list at once.
            let one = try await pages.get("/hours?year=2013&q=\(encoded("电子"))", as: "guangdong")
            #expect(one.text.contains("深圳测试电子有限公司 · 截至2013年12月31日") && one.text.contains("张伟"))
            let byCode = try await pages.get("/hours?year=2013&q=\(FixtureWorld.shenzhen)", as: "guangdong")
            #expect(byCode.text.contains("张伟"))
            let chosen = try await pages.get("/hours?year=2013&enterprise=\(FixtureWorld.shenzhen)", as: "guangdong")
            #expect(chosen.text.contains("张伟"))
            // Beijing's enterprise is outside Guangdong: found by nobody.
            let outside = try await pages.get("/hours?year=2013&q=\(FixtureWorld.beijing)", as: "guangdong")
            #expect(outside.text.contains("没有名称含") && !outside.text.contains("陈静"))
        }
    }

    @Test func thePersonsPageShowsEachCertificatesRegistration() async throws {
        try await withPages(users: Self.users) { owner, world, pages in
            try Self.world(world)
            let id: Int = try owner.query("SELECT id FROM person WHERE id_number = \(FixtureWorld.person(1))").single()
                .decode(0)
            let page = try await pages.get("/staff/\(id)", as: "sz-hr")
            #expect(page.status == .ok)
            // Issued 2012-01-01 and never registered: the first registration was due within a year.
            #expect(page.text.contains("<td>C-1</td><td>2012年1月1日</td><td>—</td><td>逾期未登记（应于2013年1月1日前登记）</td>"))
        }
    }
}
