import CalendarDates
import Foundation
import HTTPTypes
import PostgresClient
import TestSupport
import Testing
import Workforce

/// Enrollment through the API: seats, the waitlist and its promotion on a cancellation.
@Suite(.database) struct APIEventsTests {
    let shenzhen = AccessWorld.shenzhen.uscc

    /// An event of Shenzhen's with two seats, a year from now, and three more of its staff.
    func prepare(_ api: APIWorld) async throws -> (event: Int, people: [String]) {
        let people = (40..<43).map { Fixtures.idNumber(sequence: $0) }
        let csv = APIStaffTests.roster(people.map { "\(shenzhen),\($0),员工,工会,2012-01-01" })
        let imported = try await api.upload(csv, to: "/enterprises/\(shenzhen)/staff/import", as: "sz-coordinator")
        #expect(imported.status == .ok, "\(imported.body)")
        let next = CalendarDate(daysSinceEpoch: CalendarDate.today().daysSinceEpoch + 365)
        let event = try Events(db: api.world.owner).create(
            EventDraft(
                kind: .seminar, title: "API 研讨会", startsAt: LocalDateTime(date: next, hour: 9),
                endsAt: LocalDateTime(date: next, hour: 12), hours: 3, capacity: 2, enterpriseUSCC: shenzhen))
        return (event, people)
    }

    @Test func enrollingPastTheSeatsWaitlistsAndACancellationPromotesTheFirstInLine() async throws {
        try await APIWorld.run { api in
            let (event, people) = try await prepare(api)
            var answers: [[String: Any]] = []
            for person in people {
                let response = try await api.call(
                    .post, "/events/\(event)/enrollments", as: "sz-coordinator", json: #"{"id_number":"\#(person)"}"#)
                #expect(response.status == .ok, "\(response.body)")
                answers.append(try response.object)
            }
            #expect(answers.map { $0["status"] as? String } == ["enrolled", "enrolled", "waitlisted"])
            #expect(answers[2]["waitlist_position"] as? Int == 1)
            #expect(answers[0]["waitlist_position"] == nil)
            let twice = try await api.call(
                .post, "/events/\(event)/enrollments", as: "sz-coordinator", json: #"{"id_number":"\#(people[0])"}"#)
            #expect(try twice.object["changed"] as? Bool == false)

            let cancelled = try await api.call(
                .post, "/events/\(event)/cancellations", as: "sz-coordinator",
                json: #"{"id_number":"\#(people[0])"}"#)
            #expect(cancelled.status == .ok, "\(cancelled.body)")
            #expect(try cancelled.object["promoted"] as? String == people[2])
            #expect(try cancelled.object["promoted_outside_scope"] as? Bool == false)

            let listed = try await api.call(.get, "/events?limit=500", as: "sz-coordinator").object
            let mine = try #require((listed["items"] as? [[String: Any]])?.first { $0["id"] as? Int == event })
            #expect(mine["enrolled"] as? Int == 2)
            #expect(mine["waitlisted"] as? Int == 0)
        }
    }

    @Test func theEventListWalksPageByPageInStartOrderWithoutRepeats() async throws {
        try await APIWorld.run { api in
            let events = Events(db: api.world.owner)
            let first = CalendarDate(daysSinceEpoch: CalendarDate.today().daysSinceEpoch + 30)
            var created: [Int] = []
            // Created latest first: the list's order is the start's, not the id's.
            for week in (0..<5).reversed() {
                let day = first.adding(days: 7 * week)
                created.insert(
                    try events.create(
                        EventDraft(
                            kind: .expertLecture, title: "讲座 \(week)", startsAt: LocalDateTime(date: day, hour: 9),
                            endsAt: LocalDateTime(date: day, hour: 11), hours: 2, capacity: 10,
                            enterpriseUSCC: shenzhen)), at: 0)
            }
            // From the first of them: the world's own events are older.
            let seen = try await api.walk("/events?from=\(first.iso)", limit: 2, as: "sz-coordinator").items
            #expect(seen.compactMap { $0["id"] as? Int } == created)
        }
    }

    @Test func refusalsAreProblemsOfTheirKind() async throws {
        try await APIWorld.run { api in
            let (event, people) = try await prepare(api)
            let body = #"{"id_number":"\#(people[0])"}"#
            let hr = try await api.call(.post, "/events/\(event)/enrollments", as: "sz-hr", json: body)
            try hr.expectProblem(.forbidden, "forbidden")
            let elsewhere = try await api.call(.post, "/events/\(event)/enrollments", as: "bj-coordinator", json: body)
            try elsewhere.expectProblem(.notFound, "not-found")
            let noSuchEvent = try await api.call(.post, "/events/999999/enrollments", as: "sz-coordinator", json: body)
            try noSuchEvent.expectProblem(.notFound, "not-found")
            let notEnrolled = try await api.call(
                .post, "/events/\(event)/cancellations", as: "sz-coordinator", json: body)
            try notEnrolled.expectProblem(.notFound, "not-found")
            let badID = try await api.call(
                .post, "/events/\(event)/enrollments", as: "sz-coordinator", json: #"{"id_number":"123"}"#)
            try badID.expectProblem(.badRequest, "bad-request")
            #expect(try badID.object["field"] as? String == "id_number")
            let noBody = try await api.call(.post, "/events/\(event)/enrollments", as: "sz-coordinator", json: "{}")
            try noBody.expectProblem(.badRequest, "bad-request")
            #expect(try noBody.object["field"] as? String == "/id_number")
            // Someone employed elsewhere is not eligible for Shenzhen's event: a rule, not bad input.
            let outsider = try await api.call(
                .post, "/events/\(event)/enrollments", as: "admin",
                json: #"{"id_number":"\#(AccessWorld.beijing.idNumber)"}"#)
            try outsider.expectProblem(.unprocessableContent, "rule-violation")
            try Events(db: api.world.owner).cancel(id: event, reason: "场地变更")
            let cancelledEvent = try await api.call(
                .post, "/events/\(event)/enrollments", as: "sz-coordinator", json: #"{"id_number":"\#(people[1])"}"#)
            try cancelledEvent.expectProblem(.conflict, "conflict")
        }
    }
}
