import CalendarDates
import Foundation
import HTTPTypes
import PostgresClient
import TestSupport
import Testing
import Workforce
import WorkforceOutput

/// Training hours and gaps through the API: the CLI's figures, for the caller's scope.
@Suite(.database) struct APITrainingTests {
    @Test func hoursAreTheScopesWithTheCLIsFigures() async throws {
        try await APIWorld.run { api in
            // Everyone attended their enterprise's 2013 seminar: 3 hours.
            try api.world.owner.execute("UPDATE enrollment SET status = 'attended', hours = 3")
            let mine = try APIExamsTests.items(try await api.call(.get, "/hours?year=2013", as: "sz-coordinator"))
            #expect(mine.map { $0["id_number"] as? String } == [AccessWorld.shenzhen.idNumber])
            #expect(mine.first?["hours"] as? Double == 3)
            #expect(mine.first?["events"] as? Int == 1)
            #expect(mine.first?["department"] as? String == "union")
            let report = try TrainingRecords(db: try api.world.connect(as: "guangdong")).hours(
                from: CalendarDate(iso: "2013-01-01"), to: CalendarDate(iso: "2013-12-31"), today: .today())
            let province = try APIExamsTests.items(try await api.call(.get, "/hours?year=2013", as: "guangdong"))
            #expect(
                province.compactMap { $0["id_number"] as? String } == report.people.map { maskedIDNumber($0.idNumber) })
            #expect(province.count == 2)
            let before = try APIExamsTests.items(try await api.call(.get, "/hours?year=2012", as: "ministry"))
            #expect(before.isEmpty)

            let both = try await api.call(.get, "/hours?year=2013&from=2013-01-01", as: "ministry")
            try both.expectProblem(.badRequest, "bad-request")
            #expect(try both.object["field"] as? String == "from")
            try await api.call(.get, "/hours?year=0", as: "ministry").expectProblem(.badRequest, "bad-request")
            try await api.call(.get, "/hours", as: nil).expectProblem(.unauthorized, "unauthorized")
        }
    }

    @Test func gapsAreAnEnterprisesOfTheScope() async throws {
        try await APIWorld.run { api in
            let shenzhen = AccessWorld.shenzhen.uscc
            let path = "/enterprises/\(shenzhen)/training-gaps?as_of=2013-12-31"
            let gaps = try APIExamsTests.items(try await api.call(.get, path, as: "sz-hr"))
            let expected = try TrainingRecords(db: try api.world.connect(as: "sz-hr")).gaps(
                enterpriseUSCC: shenzhen, asOf: CalendarDate(iso: "2013-12-31")!)
            #expect(gaps.map { $0["reason"] as? String } == expected.map(\.reason.rawValue))
            #expect(
                gaps.map { $0["missing_hours"] as? Double } == expected.map { $0.missingHours.flatMap { Double($0) } })
            #expect(!gaps.isEmpty)
            try await api.call(.get, path, as: "bj-coordinator").expectProblem(.notFound, "not-found")
            let bad = try await api.call(.get, "/enterprises/123/training-gaps", as: "admin")
            try bad.expectProblem(.badRequest, "bad-request")
            #expect(try bad.object["field"] as? String == "uscc")
        }
    }
}
