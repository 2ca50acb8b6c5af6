import CalendarDates
import Foundation
import Hummingbird
import PostgresClient
import TestSupport
import Testing
import Workforce

@Suite(.database) struct ExamPagesTests {
    static let users: [(name: String, role: AccessRole, scope: String?)] = [
        ("sz-coordinator", .enterpriseCoordinator, FixtureWorld.shenzhen),
        ("sz-hr", .enterpriseHR, FixtureWorld.shenzhen),
        ("bj-coordinator", .enterpriseCoordinator, FixtureWorld.beijing),
        ("guangdong", .provincialBureau, "440000"),
    ]

    /// Shenzhen's 张伟 (1) and 李娜 (2), Beijing's 王芳 (3); a junior session of 2099 whose windows
    /// in Guangdong and Beijing are open today. Returns the session's id.
    static func world(_ owner: Connection, _ world: FixtureWorld) throws -> Int {
        _ = try world.importStaff(
            FixtureWorld.staff([
                .init(.shenzhen, 1, "张伟", "union", hired: "2012-01-01"),
                .init(.shenzhen, 2, "李娜", "party", hired: "2012-01-01"),
                .init(.beijing, 3, "王芳", "union", hired: "2012-01-01"),
            ]))
        let sessions = ExamSessions(db: owner)
        let id = try sessions.create(
            year: 2099, level: .junior, examDate: CalendarDate(year: 2099, month: 6, day: 15)!, workYearsCutoff: nil)
        for province in ["440000", "110000"] {
            try sessions.setWindow(
                sessionID: id, province: province, opens: CalendarDate(year: 2000, month: 1, day: 1)!,
                closes: CalendarDate(year: 2099, month: 6, day: 1)!)
        }
        return id
    }

    @Test func aCoordinatorRegistersAPersonAndAnIneligibleOneGetsTheErrorBesideTheField() async throws {
        try await withPages(users: Self.users) { owner, world, pages in
            let id = try Self.world(owner, world)
            let list = try await pages.get("/exams", as: "sz-coordinator")
            #expect(list.status == .ok)
            #expect(list.text.contains("href=\"/exams/\(id)\"") && list.text.contains("助理社会工作师"))
            #expect(list.text.contains("广东省 2000年1月1日至2099年6月1日"), "each province's window")
            #expect(!list.text.contains("/exams/scores"), "a coordinator writes no scores")
            let session = try await pages.get("/exams/\(id)", as: "sz-coordinator")
            #expect(session.text.contains("action=\"/exams/\(id)/register\""))
            #expect(session.text.contains("您的范围内没有人报名"))

            let registered = try await pages.post(
                "/exams/\(id)/register", as: "sz-coordinator", form: [("id_number", FixtureWorld.person(1))])
            let after = try await pages.follow(registered, as: "sz-coordinator")
            #expect(after.text.contains("已为 张伟 报名：社会工作综合能力、社会工作实务。"))
            #expect(after.text.contains("报名人员（1 人）"))
            // The roster's keeper sees the ID number whole; the status says eligibility is unverified.
            #expect(after.text.contains(FixtureWorld.person(1)) && after.text.contains("已报名（资格待核）"))
            #expect(try world.count("exam_registration") == 1)

            // 李娜's schooling and years of social work meet no junior rule.
            try owner.execute(
                """
                UPDATE person SET education = 'secondary', social_work_since = '2098-01-01'
                WHERE id_number = \(FixtureWorld.person(2))
                """)
            let refused = try await pages.post(
                "/exams/\(id)/register", as: "sz-coordinator", form: [("id_number", FixtureWorld.person(2))])
            #expect(refused.status == .unprocessableContent)
            let beside = refused.matches(
                #"name="id_number" value="[0-9X]*" autocomplete="off"/>\s*<span class="field-error">([^<]*)<"#)
            #expect(beside.first?.contains("考试的任何报考条件") == true, "\(beside)")
            #expect(try world.count("exam_registration") == 1)
            // A session that does not exist is not found.
            #expect(try await pages.get("/exams/\(id + 1)", as: "sz-coordinator").status == .notFound)
        }
    }

    @Test func aSessionsRegistrationsComeInPagesThatSayWhichPartIsShown() async throws {
        try await withPages(users: Self.users) { owner, world, pages in
            let id = try Self.world(owner, world)
            for person in [1, 2] {
                let done = try await pages.post(
                    "/exams/\(id)/register", as: "sz-coordinator", form: [("id_number", FixtureWorld.person(person))])
                #expect(done.status == .seeOther)
            }
            let row = #"<tr><td><a href="/staff/\d+">([^<]*)</a>"#
            let whole = try await pages.get("/exams/\(id)", as: "sz-hr")
            let names = whole.matches(row)
            #expect(Set(names) == ["张伟", "李娜"])
            #expect(!whole.text.contains("上一页") && !whole.text.contains("下一页") && !whole.text.contains("本页为"))
            // From the second registration on: the rest, the whole count, which part, and the way back.
            let rest = try await pages.get("/exams/\(id)?offset=1", as: "sz-hr")
            #expect(rest.matches(row) == Array(names.dropFirst()))
            #expect(rest.text.contains("报名人员（2 人）") && rest.text.contains("本页为第 2–2 人"))
            #expect(rest.text.contains(#"href="/exams/\#(id)?offset=0">上一页"#) && !rest.text.contains("下一页"))
        }
    }

    @Test func hrSeesTheRegistrationsMaskedWithoutAFormAndItsPostIsRefused() async throws {
        try await withPages(users: Self.users) { owner, world, pages in
            let id = try Self.world(owner, world)
            for (user, person) in [("sz-coordinator", 1), ("bj-coordinator", 3)] {
                let done = try await pages.post(
                    "/exams/\(id)/register", as: user, form: [("id_number", FixtureWorld.person(person))])
                #expect(done.status == .seeOther)
            }
            let page = try await pages.get("/exams/\(id)", as: "sz-hr")
            #expect(page.status == .ok)
            #expect(!page.text.contains("/register") && !page.text.contains("name=\"id_number\""))
            #expect(page.text.contains("张伟") && page.text.contains(maskedID(FixtureWorld.person(1))))
            #expect(!page.text.contains(FixtureWorld.person(1)))
            // Another enterprise's registration is not there.
            #expect(!page.text.contains("王芳") && !page.text.contains(maskedID(FixtureWorld.person(3))))
            let shenzhen = try await pages.get("/exams/\(id)", as: "sz-coordinator")
            #expect(shenzhen.text.contains("报名人员（1 人）") && !shenzhen.text.contains("王芳"))

            let forbidden = try await pages.post(
                "/exams/\(id)/register", as: "sz-hr", form: [("id_number", FixtureWorld.person(2))])
            #expect(forbidden.status == .forbidden)
            #expect(try world.count("exam_registration") == 2)
            #expect(try await pages.get("/exams/scores", as: "sz-hr").status == .forbidden)
            let upload = try await pages.upload(
                "/exams/scores", as: "sz-coordinator",
                file: "身份证号,考试场次,科目,成绩\n\(FixtureWorld.person(1)),2099 助理社会工作师,practice,70\n")
            #expect(upload.status == .forbidden)
            #expect(try world.count("exam_score") == 0)
        }
    }

    @Test func aBureausScoresUploadWithABadRowShowsTheTableAndWritesNothing() async throws {
        try await withPages(users: Self.users) { owner, world, pages in
            let id = try Self.world(owner, world)
            let today = CalendarDate.today()
            for person in [1, 2, 3] {
                _ = try ExamRegistrations(db: owner).register(
                    sessionID: id, idNumber: FixtureWorld.person(person), subjects: nil, on: today, today: today)
            }
            let list = try await pages.get("/exams", as: "guangdong")
            #expect(list.text.contains("href=\"/exams/scores\""))
            #expect(
                try await pages.get("/exams/scores", as: "guangdong").text.contains("enctype=\"multipart/form-data\""))

            let header = "身份证号,考试场次,科目,成绩\n"
            let good =
                "\(FixtureWorld.person(1)),2099 助理社会工作师,practice,70\n"
                + "\(FixtureWorld.person(1)),2099 助理社会工作师,comprehensive,65.5\n"
            // Line 4: a score over 100; line 5: Beijing's candidate, outside the province.
            let csv =
                header + good + "\(FixtureWorld.person(2)),2099 助理社会工作师,practice,101\n"
                + "\(FixtureWorld.person(3)),2099 助理社会工作师,practice,80\n"
            let refused = try await pages.upload("/exams/scores", as: "guangdong", file: csv)
            #expect(refused.status == .unprocessableContent)
            #expect(refused.text.contains("4 行中有 2 行有误，未导入任何一行"))
            #expect(refused.matches(#"<tr><td class="n">(\d+)</td>"#) == ["4", "5"])
            #expect(refused.text.contains("必须是 0 到 100 之间的数"))
            #expect(!refused.text.contains(FixtureWorld.person(3)), "the ID number is masked")
            #expect(try world.count("exam_score") == 0)

            let imported = try await pages.upload("/exams/scores", as: "guangdong", file: header + good)
            #expect(imported.status == .seeOther && imported.location == "/exams")
            #expect(try world.count("exam_score") == 2)
            let session = try await pages.get("/exams/\(id)", as: "sz-hr")
            #expect(session.text.contains("社会工作综合能力 65.50（合格）；社会工作实务 70.00（合格）"))
            #expect(session.text.contains("<td>通过</td>"))
        }
    }

    @Test func theEnterpriseHomeShowsThisYearsExamFunnelOfItsOwnRegistrations() async throws {
        try await WebHarness.run { harness, client in
            // AccessWorld: each enterprise registered one person for 2013's junior exam, who sat
            // practice (70) but not comprehensive, so has not passed the level.
            let page = try await client.get("/", cookie: try await client.signInWithNewPassword(harness, "sz-hr"))
            #expect(page.body.contains("2013年考试：报名 → 参考 → 通过 → 取得证书"))
            let row = [
                #"<tr><td class="name">助理社会工作师</td>"#, #"<td class="n">1</td>"#, #"<td class="n">1</td>"#,
                #"<td class="n">0</td>"#, #"<td class="n">0</td></tr>"#,
            ]
            #expect(page.body.contains(row.joined()), "registered 1 (not the country's 3), sat 1")
            #expect(page.body.contains("href=\"/exams\">考试</a>"), "the menu")
        }
    }
}
