import CalendarDates
import Foundation
import HTTPTypes
import PostgresClient
import TestSupport
import Testing
import Workforce
import WorkforceOutput

/// Exam sessions, registrations and results through the API, as each role may see and do them.
@Suite(.database) struct APIExamsTests {
    let shenzhen = AccessWorld.shenzhen

    /// A junior session next year whose Guangdong window is open today.
    static func openSession(_ api: APIWorld) throws -> Int {
        let today = CalendarDate.today()
        let sessions = ExamSessions(db: api.world.owner)
        let id = try sessions.create(
            year: today.year + 1, level: .junior, examDate: today.adding(days: 60), workYearsCutoff: nil)
        try sessions.setWindow(
            sessionID: id, province: "440000", opens: today.adding(days: -1), closes: today.adding(days: 10))
        return id
    }

    static func items(_ response: APIResponse) throws -> [[String: Any]] {
        try #require(try response.object["items"] as? [[String: Any]], "\(response.body)")
    }

    @Test func sessionsArePagedWithACursorThatContinuesWithoutOverlap() async throws {
        try await APIWorld.run { api in
            let sessions = ExamSessions(db: api.world.owner)
            for year in 2014...2016 {
                _ = try sessions.create(
                    year: year, level: .junior, examDate: CalendarDate(year: year, month: 6, day: 15)!,
                    workYearsCutoff: nil)
            }
            let (items, pages) = try await api.walk("/exam-sessions", limit: 3, as: "sz-hr")
            let ids = items.compactMap { $0["id"] as? Int }
            #expect(pages == 2)
            #expect(ids.count == 4)
            #expect(Set(ids).count == 4)
            let all = try sessions.list().map(\.id)
            #expect(ids == all)
            let badCursor = try await api.call(.get, "/exam-sessions?cursor=nonsense", as: "sz-hr")
            try badCursor.expectProblem(.badRequest, "bad-request")
            #expect(try badCursor.object["field"] as? String == "cursor")
        }
    }

    @Test func aCoordinatorRegistersTheirStaffAndEachRefusalHasItsStatus() async throws {
        try await APIWorld.run { api in
            let session = try APIExamsTests.openSession(api)
            let path = "/exam-sessions/\(session)/registrations"
            let body = #"{"id_number":"\#(shenzhen.idNumber)"}"#
            // HR reads the roster but registers nobody.
            try await api.call(.post, path, as: "sz-hr", json: body).expectProblem(.forbidden, "forbidden")
            // Beijing's coordinator does not see Shenzhen's person.
            try await api.call(.post, path, as: "bj-coordinator", json: body).expectProblem(.notFound, "not-found")
            try await api.call(.post, "/exam-sessions/999999/registrations", as: "sz-coordinator", json: body)
                .expectProblem(.notFound, "not-found")

            let made = try await api.call(.post, path, as: "sz-coordinator", json: body)
            #expect(made.status == .created, "\(made.body)")
            #expect(try made.object["subjects"] as? [String] == ["comprehensive", "practice"])
            // Education is not on record: accepted, and said so.
            #expect(try made.object["eligibility_verified"] as? Bool == false)

            let twice = try await api.call(.post, path, as: "sz-coordinator", json: body)
            try twice.expectProblem(.conflict, "conflict")
            #expect(!twice.body.contains(shenzhen.idNumber))

            let badID = try await api.call(.post, path, as: "sz-coordinator", json: #"{"id_number":"123"}"#)
            try badID.expectProblem(.badRequest, "bad-request")
            #expect(try badID.object["field"] as? String == "id_number")
            let badSubject = try await api.call(
                .post, path, as: "sz-coordinator", json: #"{"id_number":"1","subjects":["cooking"]}"#)
            try badSubject.expectProblem(.badRequest, "bad-request")

            // Recorded education that meets no rule: a rule of the exam refuses it.
            let student = Fixtures.idNumber(sequence: 60)
            let roster = APIStaffTests.roster(["\(shenzhen.uscc),\(student),新人,工会,2012-01-01"])
            let imported = try await api.upload(
                roster, to: "/enterprises/\(shenzhen.uscc)/staff/import", as: "sz-coordinator")
            #expect(imported.status == .ok, "\(imported.body)")
            try api.world.owner.execute(
                """
                UPDATE person SET education = 'secondary', social_work_since = \(CalendarDate.today().adding(days: -30))
                WHERE id_number = \(student)
                """)
            let refused = try await api.call(.post, path, as: "sz-coordinator", json: #"{"id_number":"\#(student)"}"#)
            try refused.expectProblem(.unprocessableContent, "rule-violation")
            #expect(!refused.body.contains(student))
        }
    }

    @Test func registrationsAreTheScopesWithIDNumbersAsTheRoleSeesThem() async throws {
        try await APIWorld.run { api in
            let session = try APIExamsTests.openSession(api)
            let path = "/exam-sessions/\(session)/registrations"
            let people = (70..<73).map { Fixtures.idNumber(sequence: $0) }
            let roster = APIStaffTests.roster(people.map { "\(shenzhen.uscc),\($0),考生,工会,2012-01-01" })
            _ = try await api.upload(roster, to: "/enterprises/\(shenzhen.uscc)/staff/import", as: "sz-coordinator")
            for person in people {
                let made = try await api.call(.post, path, as: "sz-coordinator", json: #"{"id_number":"\#(person)"}"#)
                #expect(made.status == .created, "\(made.body)")
            }
            let first = try await api.call(.get, path + "?limit=2", as: "sz-coordinator")
            let cursor = try #require(try first.object["next_cursor"] as? String)
            let second = try await api.call(.get, path + "?limit=2&cursor=" + cursor, as: "sz-coordinator")
            #expect(try second.object["next_cursor"] == nil)
            let shown = try (APIExamsTests.items(first) + APIExamsTests.items(second)).compactMap {
                $0["id_number"] as? String
            }
            #expect(shown.sorted() == people.sorted())

            let bureau = try APIExamsTests.items(try await api.call(.get, path, as: "guangdong"))
            #expect(bureau.compactMap { $0["id_number"] as? String }.sorted() == people.map(maskedIDNumber).sorted())
            #expect(try APIExamsTests.items(try await api.call(.get, path, as: "bj-coordinator")).isEmpty)
            try await api.call(.get, "/exam-sessions/999999/registrations", as: "admin")
                .expectProblem(.notFound, "not-found")
        }
    }

    @Test func resultsAreThoseOfTheScopesCandidates() async throws {
        try await APIWorld.run { api in
            let session: Int = try api.world.owner.query("SELECT id FROM exam_session WHERE year = 2013").single()
                .decode(0)
            let path = "/exam-sessions/\(session)/results"
            let mine = try APIExamsTests.items(try await api.call(.get, path, as: "sz-hr"))
            #expect(mine.map { $0["id_number"] as? String } == [maskedIDNumber(shenzhen.idNumber)])
            let subjects = try #require(mine.first?["subjects"] as? [[String: Any]])
            #expect(subjects.first?["subject"] as? String == "practice")
            #expect(subjects.first?["score"] as? Double == 70)
            let country = try APIExamsTests.items(try await api.call(.get, path, as: "ministry"))
            #expect(country.count == 3)
            try await api.call(.get, "/exam-sessions/999999/results", as: "ministry").expectProblem(
                .notFound, "not-found")
            try await api.call(.get, "/exam-sessions/0/results", as: "ministry").expectProblem(
                .badRequest, "bad-request")
        }
    }
}
