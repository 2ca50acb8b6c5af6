import Foundation
import Hummingbird
import PostgresClient
import TestSupport
import Testing
import Workforce

@Suite(.database) struct EventPagesTests {
    static let users: [(name: String, role: AccessRole, scope: String?)] = [
        ("sz-coordinator", .enterpriseCoordinator, FixtureWorld.shenzhen)
    ]

    /// The form of an event in the next century: enrollment is open.
    static func eventForm(title: String, capacity: Int, hours: String = "3") -> [(String, String)] {
        [
            ("kind", "seminar"), ("title", title), ("starts", "2099-01-10 09:00"), ("ends", "2099年1月10日 12:00"),
            ("hours", hours), ("capacity", String(capacity)), ("location", "会议室"), ("audience", "union"),
            ("audience", "party"),
        ]
    }

    /// Creates an event through its form; returns its address.
    static func create(_ pages: PageClient, title: String, capacity: Int) async throws -> String {
        let created = try await pages.post(
            "/events/new", as: "sz-coordinator", form: eventForm(title: title, capacity: capacity))
        #expect(created.status == .seeOther)
        return try #require(created.location)
    }

    static func hire(_ world: FixtureWorld, _ names: [String]) throws {
        _ = try world.importStaff(
            FixtureWorld.staff(
                names.enumerated().map { .init(.shenzhen, $0.offset + 1, $0.element, "union", hired: "2012-01-01") }))
    }

    @Test func enrollingUntilTheWaitlistStartsThenCancellingShowsWhoWasPromoted() async throws {
        try await withPages(users: Self.users) { _, world, pages in
            try Self.hire(world, ["张伟", "李娜", "王芳"])
            let form = try await pages.get("/events/new", as: "sz-coordinator")
            #expect(
                form.matches(#"<option value="[a-z_]+"(?: selected)?>([^<]+)</option>"#) == [
                    "座谈会", "研讨会", "专家讲座", "脱产培训", "考察学习",
                ])
            #expect(form.text.contains(#"name="_csrf" value="test-csrf""#))
            let created = try await pages.post(
                "/events/new", as: "sz-coordinator", form: Self.eventForm(title: "企业社会工作概论", capacity: 2))
            let event = try await pages.follow(created, as: "sz-coordinator")
            #expect(event.text.contains("已创建培训") && event.text.contains("研讨会"))
            #expect(event.text.contains("已占 0 / 共 2"))
            let address = try #require(created.location)

            var flashes: [String] = []
            for person in 1...3 {
                let enrolled = try await pages.post(
                    address + "/enroll", as: "sz-coordinator", form: [("id_number", FixtureWorld.person(person))])
                flashes.append(
                    try await pages.follow(enrolled, as: "sz-coordinator").matches(
                        #"<p class="flash" role="status">([^<]*)</p>"#
                    ).first ?? "")
            }
            #expect(flashes == ["张伟 已报名。", "李娜 已报名。", "王芳 列入候补（第 1 位）。"])
            let full = try await pages.get(address, as: "sz-coordinator")
            #expect(full.text.contains("已占 2 / 共 2，候补 1 人"))
            #expect(full.matches(#"<tr><td class="n">(\d+</td><td>[^<]*)</td>"#) == ["1</td><td>王芳"])

            // Cancel the first seated person: the first on the waitlist takes the seat.
            let first = try #require(full.matches(#"name="person" value="([^"]+)""#).first)
            let cancelled = try await pages.post(address + "/cancel", as: "sz-coordinator", form: [("person", first)])
            let after = try await pages.follow(cancelled, as: "sz-coordinator")
            #expect(after.text.contains("已取消 张伟 的报名；候补的 王芳 递补入座。"))
            #expect(after.text.contains("已占 2 / 共 2，候补 0 人") && after.text.contains("无人候补"))
            // A reference to a list that has changed since cancels nobody.
            let stale = try await pages.post(address + "/cancel", as: "sz-coordinator", form: [("person", first)])
            #expect(stale.flashCookie != nil)
            #expect(try await pages.follow(stale, as: "sz-coordinator").text.contains("名单已有变化，未取消任何人"))
        }
    }

    @Test func aRefusedEventOrEnrollmentShowsTheErrorBesideTheFieldAndWritesNothing() async throws {
        try await withPages(users: Self.users) { _, world, pages in
            try Self.hire(world, ["张伟"])
            let refused = try await pages.post(
                "/events/new", as: "sz-coordinator", form: Self.eventForm(title: "概论", capacity: 2, hours: "4"))
            #expect(refused.status == .unprocessableContent)
            let beside = refused.matches(
                #"id="hours" name="hours" value="4"/>\s*(?:<span class="sub">[^<]*</span>\s*)?"#
                    + #"<span class="field-error">([^<]*)<"#
            )
            #expect(beside.first?.contains("不超过培训的时长") == true)
            #expect(refused.text.contains(#"value="概论""#))
            #expect(try world.count("training_event") == 0)

            let address = try await Self.create(pages, title: "概论", capacity: 2)
            let unknown = try await pages.post(
                address + "/enroll", as: "sz-coordinator", form: [("id_number", FixtureWorld.person(7))])
            #expect(unknown.status == .unprocessableContent)
            #expect(unknown.matches(#"<span class="field-error">([^<]*)</span>"#).count == 1)
            let invalid = try await pages.post(
                address + "/enroll", as: "sz-coordinator", form: [("id_number", "12345")])
            #expect(invalid.status == .unprocessableContent)
            #expect(try world.count("enrollment") == 0)
        }
    }

    @Test func anEnrollmentListWithABadRowEnrollsNobodyAndTheOtherRowsGoInAtTheSecondStep() async throws {
        try await withPages(users: Self.users) { _, world, pages in
            try Self.hire(world, ["张伟", "李娜"])
            let address = try await Self.create(pages, title: "概论", capacity: 5)
            let csv =
                "身份证号,姓名\n\(FixtureWorld.person(1)),张伟\n\(FixtureWorld.person(8)),\n\(FixtureWorld.person(2)),李娜\n"
            let refused = try await pages.upload(address + "/enroll-file", as: "sz-coordinator", file: csv)
            #expect(refused.status == .unprocessableContent)
            #expect(refused.matches(#"<tr><td class="n">(\d+)</td>"#) == ["3"])
            #expect(refused.text.contains("没有此身份证号的人员"))
            #expect(try world.count("enrollment") == 0)
            let rest = try #require(refused.matches(#"action="(/events/\d+/enroll-file/[0-9a-f]{32}/rest)""#).first)
            let done = try await pages.follow(
                try await pages.post(rest, as: "sz-coordinator", form: []), as: "sz-coordinator")
            #expect(done.text.contains("已导入 2 行，1 行未导入"))
            #expect(try world.count("enrollment") == 2)
        }
    }

    @Test func theAttendanceSheetSavesEveryRowInOnePostOrNoneWhenOneIsRefused() async throws {
        try await withPages(users: Self.users) { owner, world, pages in
            try Self.hire(world, ["张伟", "李娜"])
            let address = try await Self.create(pages, title: "概论", capacity: 5)
            for person in 1...2 {
                _ = try await pages.post(
                    address + "/enroll", as: "sz-coordinator", form: [("id_number", FixtureWorld.person(person))])
            }
            // The event has taken place: attendance is recorded only after its start.
            try owner.execute(
                "UPDATE training_event SET starts_at = '2020-01-10 09:00', ends_at = '2020-01-10 12:00'")
            let sheet = try await pages.get(address + "/attendance", as: "sz-coordinator")
            let rows = sheet.matches(#"name="person" value="([^"]+)""#)
            #expect(rows.count == 2)
            let bad = try await pages.post(
                address + "/attendance", as: "sz-coordinator",
                form: [
                    ("person", rows[0]), ("attended." + rows[0], "1"), ("hours." + rows[0], "2.5"),
                    ("person", rows[1]), ("attended." + rows[1], "1"), ("hours." + rows[1], "9"),
                ])
            #expect(bad.status == .unprocessableContent)
            #expect(
                bad.matches(#"<span class="field-error">([^<]*)</span>"#).first?.contains("必须在 0 到培训的")
                    == true)
            #expect(
                try owner.query("SELECT count(*) FROM enrollment WHERE status = 'enrolled'").single().decode(0) == 2)

            let saved = try await pages.post(
                address + "/attendance", as: "sz-coordinator",
                form: [
                    ("person", rows[0]), ("attended." + rows[0], "1"), ("hours." + rows[0], "2.5"), ("person", rows[1]),
                ])
            #expect(try await pages.follow(saved, as: "sz-coordinator").text.contains("已保存 2 人的出勤"))
            let recorded = try owner.query(
                """
                SELECT p.name, e.status::text, coalesce(e.hours::text, '') FROM enrollment e
                JOIN person p ON p.id = e.person_id ORDER BY p.name
                """
            ).map { "\(try $0.decode(0) as String) \(try $0.decode(1) as String) \(try $0.decode(2) as String)" }
            #expect(Set(recorded) == ["张伟 attended 2.50", "李娜 absent "])
            #expect(try await pages.get(address + "/attendance", as: "sz-coordinator").text.contains(#"value="2.5""#))
        }
    }

    @Test func aRoleThatOnlyReadsSeesNoFormOrButtonToWrite() async throws {
        let users = Self.users + [("sz-hr", AccessRole.enterpriseHR, FixtureWorld.shenzhen)]
        try await withPages(users: users) { _, world, pages in
            try Self.hire(world, ["陈红", "李明"])
            let address = try await Self.create(pages, title: "企业社会工作概论", capacity: 2)
            _ = try await pages.post(
                address + "/enroll", as: "sz-coordinator", form: [("id_number", FixtureWorld.person(1))])
            for (user, writes) in [("sz-coordinator", true), ("sz-hr", false)] {
                let list = try await pages.get("/events", as: user)
                #expect(list.text.contains("企业社会工作概论"))
                #expect(list.text.contains(#"href="/events/new""#) == writes, "\(user)")
                let event = try await pages.get(address, as: user)
                #expect(event.text.contains("陈红"))
                for control in [#"action="\#(address)/enroll""#, #"action="\#(address)/cancel""#, "/attendance"] {
                    #expect(event.text.contains(control) == writes, "\(user): \(control)")
                }
                let staff = try await pages.get("/staff", as: user)
                #expect(staff.text.contains(#"href="/staff/import""#) == writes, "\(user)")
            }
            // The policies refuse the write all the same.
            let refused = try await pages.post(
                address + "/enroll", as: "sz-hr", form: [("id_number", FixtureWorld.person(2))])
            #expect(refused.status == .forbidden)
        }
    }

    @Test func anotherEnterprisesEventIsNotFound() async throws {
        try await withPages(users: Self.users) { owner, _, pages in
            let beijing: Int = try owner.query(
                """
                INSERT INTO training_event (kind, title, starts_at, ends_at, hours, capacity, enterprise_id)
                SELECT 'forum', '北京座谈', '2099-01-01 09:00', '2099-01-01 11:00', 2, 5, id FROM enterprise
                WHERE uscc = \(FixtureWorld.beijing) RETURNING id
                """
            ).single().decode(0)
            for path in ["", "/attendance"] {
                let page = try await pages.get("/events/\(beijing)\(path)", as: "sz-coordinator")
                #expect(page.status == .notFound && !page.text.contains("北京座谈"))
            }
            let enroll = try await pages.post(
                "/events/\(beijing)/enroll", as: "sz-coordinator", form: [("id_number", FixtureWorld.person(1))])
            #expect(enroll.status == .notFound)
            #expect(try await pages.get("/events/abc", as: "sz-coordinator").status == .notFound)
            #expect(!(try await pages.get("/events", as: "sz-coordinator").text.contains("北京座谈")))
        }
    }

    @Test func aHostileTitleAndNameAreEscapedOnEveryEventPage() async throws {
        try await withPages(users: Self.users) { _, world, pages in
            let hostile = "<script>alert(1)</script>"
            try Self.hire(world, [hostile])
            let address = try await Self.create(pages, title: hostile, capacity: 1)
            let enrolled = try await pages.post(
                address + "/enroll", as: "sz-coordinator", form: [("id_number", FixtureWorld.person(1))])
            let shown = try await pages.follow(enrolled, as: "sz-coordinator")
            let list = try await pages.get("/events", as: "sz-coordinator")
            let sheet = try await pages.get(address + "/attendance", as: "sz-coordinator")
            let form = try await pages.post(
                "/events/new", as: "sz-coordinator", form: [("title", hostile), ("kind", hostile)])
            for page in [shown, list, sheet, form] {
                #expect(!page.text.contains("<script>"))
                #expect(page.text.contains("&lt;script&gt;"))
            }
        }
    }
}
