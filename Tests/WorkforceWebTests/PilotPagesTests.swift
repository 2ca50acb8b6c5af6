import CalendarDates
import Foundation
import HTTPTypes
import Hummingbird
import PostgresClient
import TestSupport
import Testing
import Workforce

@Suite(.database) struct PilotPagesTests {
    static let users: [(name: String, role: AccessRole, scope: String?)] = [
        ("gd-bureau", .provincialBureau, "440000"), ("sz-coordinator", .enterpriseCoordinator, FixtureWorld.shenzhen),
        ("sz-region", .regionCoordinator, "440300"), ("ministry", .ministry, nil),
    ]

    /// The 2013 program with an application of the Shenzhen enterprise (Guangdong) and one of the
    /// Beijing enterprise, both submitted on 2013-05-20.
    static func applications(_ owner: Connection) throws -> (program: Int, shenzhen: Int, beijing: Int) {
        let program = try PilotPrograms(db: owner).create(
            name: "企业社会工作试点", document: "民函〔2013〕132号", applyBy: FixtureWorld.day("2013-06-01"),
            confirmBy: FixtureWorld.day("2013-06-30"), pilotMonths: 12, summaryBy: FixtureWorld.day("2014-06-30"))
        let apply = { (uscc: String) throws -> Int in
            try PilotApplications(db: owner).apply(
                programID: program, applicant: .enterprise(uscc: uscc), plan: "开发岗位",
                on: FixtureWorld.day("2013-05-20"), late: false)
        }
        return (program, try apply(FixtureWorld.shenzhen), try apply(FixtureWorld.beijing))
    }

    /// The states the page offers to move to, by the forms it shows.
    static func moves(_ page: PageReply) -> [String] { page.matches(#"name="to" value="([a-z_]+)""#) }

    @Test func theBureauSeesItsProvincesApplicationsAndAnotherProvincesIsNotFound() async throws {
        try await withPages(users: Self.users) { owner, _, pages in
            let (_, shenzhen, beijing) = try Self.applications(owner)
            let list = try await pages.get("/pilots", as: "gd-bureau")
            #expect(list.status == .ok)
            #expect(list.text.contains("民函〔2013〕132号") && list.text.contains("2013年6月1日"))
            #expect(list.matches(#"<a href="/pilots/applications/(\d+)">"#) == [String(shenzhen)])
            #expect(list.text.contains(FixtureWorld.Enterprise.shenzhen.name))
            #expect(!list.text.contains(FixtureWorld.Enterprise.beijing.name))
            #expect(list.text.contains(#"<a href="/pilots" aria-current="page">试点</a>"#))

            let page = try await pages.get("/pilots/applications/\(shenzhen)", as: "gd-bureau")
            #expect(page.status == .ok)
            #expect(page.text.contains("<td>2013年5月20日</td><td>—</td><td>已申报</td>"))
            #expect(Self.moves(page) == ["approved", "rejected"])
            #expect(!page.text.contains("class=\"error\"") && !page.text.contains("field-error"))
            #expect(page.text.contains(#"name="_csrf" value="test-csrf""#))
            #expect(page.text.contains("/reports/evidence/\(shenzhen)"))

            let elsewhere = try await pages.get("/pilots/applications/\(beijing)", as: "gd-bureau")
            #expect(elsewhere.status == .notFound)
            #expect(!elsewhere.text.contains(FixtureWorld.Enterprise.beijing.name))
            #expect(try await pages.get("/pilots/applications/999999", as: "gd-bureau").status == .notFound)
            #expect(try await pages.get("/pilots/applications/x", as: "gd-bureau").status == .notFound)
            let refused = try await pages.post(
                "/pilots/applications/\(beijing)/advance", as: "gd-bureau", form: [("to", "approved")])
            #expect(refused.status == .notFound)
            #expect(try PilotApplications(db: owner).application(id: beijing).status == .submitted)

            // The ministry reads both, and may move neither.
            let country = try await pages.get("/pilots", as: "ministry")
            #expect(country.matches(#"<a href="/pilots/applications/(\d+)">"#) == [String(shenzhen), String(beijing)])
            let read = try await pages.get("/pilots/applications/\(beijing)", as: "ministry")
            #expect(read.status == .ok && read.text.contains(FixtureWorld.Enterprise.beijing.name))
            #expect(Self.moves(read) == [])
        }
    }

    @Test func theBureauMovesAnApplicationOnAndTheHistoryShowsWhoWhenAndWhy() async throws {
        try await withPages(users: Self.users) { owner, _, pages in
            let (_, shenzhen, _) = try Self.applications(owner)
            let address = "/pilots/applications/\(shenzhen)"
            let moved = try await pages.post(
                address + "/advance", as: "gd-bureau",
                form: [("to", "approved"), ("on", "2013年6月20日"), ("note", "材料齐全")])
            let page = try await pages.follow(moved, as: "gd-bureau")
            #expect(page.text.contains("已改为“已批准”。"))
            #expect(page.text.contains("<td>2013年6月20日</td><td>已申报</td><td>已批准</td><td>gd-bureau</td><td>材料齐全</td>"))
            #expect(Self.moves(page) == ["in_pilot"])
            let history = try PilotApplications(db: owner).history(applicationID: shenzhen)
            #expect(history.map(\.to) == ["submitted", "approved"])
            #expect(history.last?.actor == "gd-bureau" && history.last?.note == "材料齐全")
            #expect(history.last?.on == FixtureWorld.day("2013-06-20"))

            // A date that is not one is shown beside the field of its form, and changes nothing.
            let badDate = try await pages.post(
                address + "/advance", as: "gd-bureau", form: [("to", "in_pilot"), ("on", "明天")])
            #expect(badDate.status == .badRequest)
            #expect(badDate.text.contains(#"value="明天"/>"# + "\n" + #"<span class="field-error">请填写日期"#))
            #expect(try PilotApplications(db: owner).history(applicationID: shenzhen).count == 2)
        }
    }

    @Test func aMoveTheStateDoesNotAllowIsRefusedAndChangesNothing() async throws {
        try await withPages(users: Self.users) { owner, _, pages in
            let (_, shenzhen, _) = try Self.applications(owner)
            let refused = try await pages.post(
                "/pilots/applications/\(shenzhen)/advance", as: "gd-bureau",
                form: [("to", "in_pilot"), ("on", "2013-07-01")])
            #expect(refused.status == .conflict)
            #expect(refused.text.contains(#"<p class="error" role="alert">申报当前为“已申报”，不能改为“试点中”；未作更改。</p>"#))
            #expect(Self.moves(refused) == ["approved", "rejected"])
            #expect(try PilotApplications(db: owner).application(id: shenzhen).status == .submitted)
            #expect(try PilotApplications(db: owner).history(applicationID: shenzhen).count == 1)
            let unknown = try await pages.post(
                "/pilots/applications/\(shenzhen)/advance", as: "gd-bureau", form: [("to", "finished")])
            #expect(unknown.status == .badRequest && unknown.text.contains("（to）无效"))
        }
    }

    @Test func anEnterpriseCoordinatorSeesItsOwnApplicationWithoutAFormAndItsPostIsForbidden() async throws {
        try await withPages(users: Self.users) { owner, _, pages in
            let (_, shenzhen, beijing) = try Self.applications(owner)
            let list = try await pages.get("/pilots", as: "sz-coordinator")
            #expect(list.matches(#"<a href="/pilots/applications/(\d+)">"#) == [String(shenzhen)])
            let page = try await pages.get("/pilots/applications/\(shenzhen)", as: "sz-coordinator")
            #expect(page.status == .ok && page.text.contains("已申报"))
            #expect(Self.moves(page) == [] && !page.text.contains("/advance"))
            for user in ["sz-coordinator", "sz-region", "ministry"] {
                #expect(try await pages.get("/pilots/applications/\(shenzhen)", as: user).status == .ok, "\(user)")
                let post = try await pages.post(
                    "/pilots/applications/\(shenzhen)/advance", as: user, form: [("to", "approved")])
                #expect(post.status == .forbidden && post.text.contains("您的角色只能查看试点申报，不能办理。"), "\(user)")
            }
            #expect(try PilotApplications(db: owner).application(id: shenzhen).status == .submitted)
            #expect(try await pages.get("/pilots/applications/\(beijing)", as: "sz-coordinator").status == .notFound)
            let post = try await pages.post(
                "/pilots/applications/\(beijing)/advance", as: "sz-coordinator", form: [("to", "approved")])
            #expect(post.status == .notFound)
        }
    }

    @Test func aLongListOfApplicationsComesInPagesThatFollowOneAnother() async throws {
        try await withPages(users: Self.users) { owner, _, pages in
            let (program, shenzhen, _) = try Self.applications(owner)
            // Guangdong's divisions apply as regions: with the enterprise, more than a page.
            let codes: [String] = try owner.query(
                """
                SELECT code FROM region WHERE code LIKE '44%' AND code <> '440000' AND in_use_until IS NULL
                ORDER BY code LIMIT \(PilotPagesTests.pageSize)
                """
            ).map { try $0.decode(0) }
            for code in codes {
                _ = try PilotApplications(db: owner).apply(
                    programID: program, applicant: .region(code), plan: nil, on: FixtureWorld.day("2013-05-21"),
                    late: false)
            }
            let first = try await pages.get("/pilots", as: "gd-bureau")
            let firstIDs = first.matches(#"<a href="/pilots/applications/(\d+)">"#)
            #expect(firstIDs.count == Self.pageSize && firstIDs.first == String(shenzhen))
            let next = try #require(
                first.matches(#"<a class="button secondary" href="(/pilots\?after=[0-9-]+)">下一页"#).first)
            let second = try await pages.get(next, as: "gd-bureau")
            let secondIDs = second.matches(#"<a href="/pilots/applications/(\d+)">"#)
            #expect(secondIDs.count == codes.count + 1 - Self.pageSize)
            #expect(Set(firstIDs).isDisjoint(with: secondIDs))
            #expect(!second.text.contains("下一页") && second.text.contains(#"href="/pilots">第一页"#))
            #expect(try await pages.get("/pilots?after=x", as: "gd-bureau").status == .badRequest)
        }
    }

    @Test func theServersRouterServesThePagesBehindItsMiddlewareWithCookieAndCSRF() async throws {
        try await WebHarness.run { harness, client in
            let cookie = try await client.signInWithNewPassword(harness, "guangdong")
            let list = try await client.get("/pilots", cookie: cookie)
            #expect(list.status == .ok)
            #expect(list.body.contains(#"<a href="/pilots" aria-current="page">试点</a><a href="/reports">报告</a>"#))
            let regex = try NSRegularExpression(pattern: #"<a href="/pilots/applications/(\d+)">"#)
            let ids = regex.matches(in: list.body, range: NSRange(list.body.startIndex..., in: list.body)).map {
                String(list.body[Range($0.range(at: 1), in: list.body)!])
            }
            #expect(ids.count == 2)  // Shenzhen's and Guangzhou's, not Beijing's
            let id = try #require(ids.first)
            let page = try await client.get("/pilots/applications/\(id)", cookie: cookie)
            let csrf = try #require(page.csrfToken)
            let unsigned = try await client.post(
                "/pilots/applications/\(id)/advance", form: [("to", "approved")], cookie: cookie)
            #expect(unsigned.status == .forbidden)
            let moved = try await client.post(
                "/pilots/applications/\(id)/advance", form: [("_csrf", csrf), ("to", "approved")], cookie: cookie)
            #expect(moved.status == .seeOther && moved.location == "/pilots/applications/\(id)")
            #expect(try await client.get("/pilots/applications/\(id)", cookie: cookie).body.contains("<td>已批准</td>"))

            let zip = try await client.get("/reports/evidence/\(id)", cookie: cookie)
            #expect(zip.status == .ok && zip.headers[.contentType] == "application/zip")
            #expect(zip.headers[.xContentTypeOptions] == "nosniff")
            #expect(try await client.get("/reports/region?year=abc", cookie: cookie).status == .badRequest)
        }
    }

    static let pageSize = 50
}
