import Foundation
import PostgresClient
import TestSupport
import Testing
import Workforce

/// Chinese names in, names instead of ids out, and the look-ups (issue 14), as a user meets them
/// on the command line.
@Suite(.database) struct LookupCommandTests {
    /// Signs in as `user` (nil: the owner) and runs esw.
    private func run(_ arguments: [String], as user: String?, _ world: AccessWorld) throws -> ESWRun {
        try esw(
            arguments + ["--database-url", world.conninfo] + (user.map { ["--user", $0] } ?? []),
            environment: user.map { ["ESW_PASSWORD": world.passwords[$0]!] } ?? [:])
    }

    @Test func staffListShowsTheScopesStaffWithIDNumbersWholeOnlyForRosterKeepers() throws {
        try TestDatabase.withSchema { owner, conninfo in
            let world = try AccessWorld(owner: owner, conninfo: conninfo)
            let shenzhen = AccessWorld.shenzhen
            let masked = maskedForm(shenzhen.idNumber)
            let expectations: [(user: String?, sees: [AccessWorld.Side], whole: Bool)] = [
                (nil, AccessWorld.sides, true), ("sz-coordinator", [shenzhen], true), ("sz-hr", [shenzhen], false),
                ("shenzhen-city", [shenzhen], false), ("guangdong", [shenzhen, AccessWorld.guangzhou], false),
                ("admin", AccessWorld.sides, true),
            ]
            for (user, sees, whole) in expectations {
                let listed = try run(
                    ["staff", "list", "--as-of", "2013-12-31", "--format", "csv"], as: user, world)
                #expect(listed.status == 0, "\(user ?? "owner"): \(listed.stderr)")
                for side in AccessWorld.sides {
                    #expect(
                        listed.stdout.contains(side.uscc) == sees.contains { $0.uscc == side.uscc },
                        "\(user ?? "owner") and \(side.name)")
                }
                #expect(listed.stdout.contains(shenzhen.idNumber) == whole, "\(user ?? "owner")")
                #expect(listed.stdout.contains(masked) == !whole, "\(user ?? "owner")")
            }
            // Another enterprise's USCC is refused in the words of one on record nowhere.
            let outside = try run(["staff", "list", "--enterprise", AccessWorld.beijing.uscc], as: "sz-hr", world)
            #expect(outside.status == 3)
            #expect(outside.stderr.contains("no enterprise of your scope has USCC"))
        }
    }

    @Test func staffListFiltersByDepartmentNameAndDayAndPages() throws {
        try TestDatabase.withSchema { db, url in
            let hires: [FixtureWorld.Hire] =
                (1...5).map { .init(.shenzhen, $0, "张\($0)", "工会", hired: "2012-01-01") }
                + [
                    .init(.shenzhen, 6, "李六", "党组织", hired: "2012-01-01"),
                    .init(.shenzhen, 7, "张七", "工会", hired: "2014-01-01"),
                ]
            _ = try FixtureWorld(db: db).importStaff(FixtureWorld.staff(hires))
            let base = ["staff", "list", "--enterprise", FixtureWorld.shenzhen, "--as-of", "2013年12月31日"]
            let union = try esw(base + ["--department", "工会", "--format", "csv", "--database-url", url])
            #expect(union.status == 0, "\(union.stderr)")
            #expect(
                union.stdout.split(whereSeparator: \.isNewline).count == 6, "a header and 5 rows: the 2014 hire not yet"
            )
            #expect(union.stdout.contains(",union,") && !union.stdout.contains("李六"))
            let named = try esw(base + ["--name", "李", "--format", "json", "--database-url", url])
            let object = try #require(try JSONSerialization.jsonObject(with: Data(named.stdout.utf8)) as? [String: Any])
            #expect(object["total"] as? Int == 1)
            #expect((object["staff"] as? [[String: Any]])?.first?["department"] as? String == "party")
            // Pages: rows 3-4 of 6, and the table says where the next page starts.
            let page = try esw(base + ["--limit", "2", "--offset", "2", "--database-url", url])
            #expect(page.status == 0)
            #expect(page.stdout.contains("3–4 of 6; the next page: --offset 4"))
            #expect(page.stdout.contains("工会") && !page.stdout.contains(" union "), "Chinese terms in a table")
            let english = try esw(base + ["--limit", "2", "--lang", "en", "--database-url", url])
            #expect(english.stdout.contains("union") && !english.stdout.contains("工会"))
            let negative = try esw(base + ["--limit", "-1", "--database-url", url])
            #expect(negative.status == 2)
        }
    }

    @Test func personShowGivesTheRecordWithinTheScopeAndAnUnknownPersonIsExitTwo() throws {
        try TestDatabase.withSchema { owner, conninfo in
            let world = try AccessWorld(owner: owner, conninfo: conninfo)
            let shenzhen = AccessWorld.shenzhen
            let shown = try run(["person", "show", shenzhen.idNumber, "--format", "json"], as: "sz-hr", world)
            #expect(shown.status == 0, "\(shown.stderr)")
            let object = try #require(try JSONSerialization.jsonObject(with: Data(shown.stdout.utf8)) as? [String: Any])
            #expect(object["id_number"] as? String == maskedForm(shenzhen.idNumber), "HR sees it masked")
            #expect((object["employments"] as? [[String: Any]])?.first?["enterprise_uscc"] as? String == shenzhen.uscc)
            #expect((object["certificates"] as? [[String: Any]])?.first?["level"] as? String == "junior")
            #expect((object["training"] as? [[String: Any]])?.first?["status"] as? String == "enrolled")
            let exams = try #require(object["exams"] as? [[String: Any]])
            #expect(exams.first?["subject"] as? String == "practice" && exams.first?["passed"] as? Bool == true)
            let table = try run(["person", "show", shenzhen.idNumber], as: "sz-coordinator", world)
            #expect(table.stdout.contains(shenzhen.idNumber) && table.stdout.contains("助理社会工作师"))
            #expect(table.stdout.contains("社会工作实务") && table.stdout.contains("已报名"))

            // Someone of another scope, and someone on record nowhere: the same words, exit 2.
            let nowhere = Fixtures.idNumber(sequence: 40)
            for idNumber in [AccessWorld.beijing.idNumber, nowhere] {
                let unknown = try run(["person", "show", idNumber], as: "sz-hr", world)
                #expect(unknown.status == 2)
                #expect(unknown.stderr.contains("no person of your scope has this ID number"))
                #expect(!unknown.stderr.contains(idNumber))
                let results = try run(["exam", "results", "--id-number", idNumber], as: "sz-hr", world)
                #expect(results.status == 2)
                #expect(results.stderr.contains("no person of your scope has this ID number"))
            }
            let known = try run(
                ["exam", "results", "--id-number", shenzhen.idNumber, "--format", "csv"], as: nil, world)
            #expect(known.status == 0 && known.stdout.contains(shenzhen.idNumber))
        }
    }

    @Test func enumsAcceptChineseNamesAndTablesShowThemWhileCSVKeepsCodes() throws {
        try TestDatabase.withSchema { _, url in
            let database = ["--database-url", url]
            let created = try esw(
                ["exam", "session", "create", "--year", "2013", "--level", "社会工作师", "--date", "2013/6/15"]
                    + database)
            #expect(created.status == 0, "\(created.stderr)")
            let session = created.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            let line = try esw(
                [
                    "exam", "passline", "set", "--session", session, "--subject", "实务", "--mark", "55", "--region",
                    "513200",
                ]
                    + database)
            #expect(line.status == 0, "\(line.stderr)")
            let table = try esw(["exam", "session", "list"] + database)
            #expect(table.stdout.contains("社会工作师") && !table.stdout.contains("intermediate"))
            let english = try esw(["exam", "session", "list", "--lang", "en"] + database)
            #expect(english.stdout.contains("intermediate") && !english.stdout.contains("社会工作师"))
            let csv = try esw(["exam", "session", "list", "--format", "csv"] + database)
            #expect(csv.stdout.contains("intermediate") && !csv.stdout.contains("社会工作师"))
            let wrong = try esw(
                ["exam", "session", "create", "--year", "2014", "--level", "专家", "--date", "2014-06-15"] + database)
            #expect(wrong.status == 3)
            #expect(wrong.stderr.contains("junior (助理社会工作师)"))
            let kind = try esw(["event", "list", "--kind", "座谈会"] + database)
            #expect(kind.status == 0)
        }
    }

    @Test func everyDateOptionTakesTheThreeFormsAndABadDateNamesThem() throws {
        try TestDatabase.withSchema { _, url in
            for day in ["2013-12-31", "2013/12/31", "2013年12月31日"] {
                let run = try esw(["ratio", "--as-of", day, "--format", "json", "--database-url", url])
                #expect(run.status == 0, "\(day): \(run.stderr)")
                #expect(run.stdout.contains("\"as_of\": \"2013-12-31\""), "\(day)")
            }
            for bad in ["2013-02-30", "31/12/2013", "2013年13月1日"] {
                let run = try esw(["ratio", "--as-of", bad, "--database-url", url])
                #expect(run.status == 2, "\(bad)")
                #expect(run.stderr.contains("write a date as 2013-06-01, 2013/6/1 or 2013年6月1日"), "\(bad)")
            }
            let time = try esw(
                [
                    "event", "create", "--kind", "forum", "--title", "座谈", "--starts", "2013/9/10 09:00", "--ends",
                    "2013年9月10日", "--hours", "2", "--capacity", "5", "--database-url", url,
                ])
            #expect(time.status == 0, "\(time.stderr)")
            let badTime = try esw(["event", "list", "--from", "2013/9/31", "--database-url", url])
            #expect(badTime.status == 2)
        }
    }

    @Test func attendanceWaitsForTheEventToStartEvenWithALaterAt() throws {
        try TestDatabase.withSchema { db, url in
            _ = try FixtureWorld(db: db).importStaff(
                FixtureWorld.staff([.init(.shenzhen, 1, "员工1", "工会", hired: "2012-01-01")]))
            let created = try esw(
                [
                    "event", "create", "--kind", "seminar", "--title", "将来的研讨会", "--starts", "2099-01-10T09:00",
                    "--ends", "2099-01-10T12:00", "--hours", "3", "--capacity", "3", "--enterprise",
                    FixtureWorld.shenzhen, "--database-url", url,
                ])
            let id = created.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            let person = Fixtures.idNumber(sequence: 1)
            #expect(try esw(["enroll", "--event", id, "--id-number", person, "--database-url", url]).status == 0)
            let early = try esw(
                [
                    "attendance", "--event", id, "--id-number", person, "--attended", "--at", "2099-01-10T12:00",
                    "--database-url", url,
                ])
            #expect(early.status == 3)
            #expect(early.stderr.contains("「将来的研讨会」") && early.stderr.contains("has not started yet"))
            #expect(!early.stderr.contains("event \(id)"), "the event by its title, not its id")
            let sheet = try temporaryFile(text: "身份证号,出勤\n\(person),是\n")
            let file = try esw(
                ["attendance", "--event", id, "--file", sheet, "--at", "2099-01-10T12:00", "--database-url", url])
            #expect(file.status == 3)
        }
    }

    private func maskedForm(_ idNumber: String) -> String {
        String(idNumber.prefix(6)) + String(repeating: "*", count: 8) + String(idNumber.suffix(4))
    }
}
