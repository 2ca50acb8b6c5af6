import Foundation
import HTTPTypes
import PostgresClient
import TestSupport
import Testing
import Workforce

/// Pilot programs and applications through the API: who reads which application, and who may
/// move it to its next state.
@Suite(.database) struct APIPilotsTests {
    @Test func eachScopeListsItsOwnApplicationsPageByPage() async throws {
        try await APIWorld.run { api in
            let programs = try APIExamsTests.items(try await api.call(.get, "/pilot-programs", as: "sz-hr"))
            #expect(programs.map { $0["name"] as? String } == ["企业社会工作试点"])
            #expect(programs.first?["apply_by"] as? String == "2013-06-01")

            let mine = try APIExamsTests.items(try await api.call(.get, "/pilot-applications", as: "sz-hr"))
            #expect(mine.map { $0["applicant"] as? String } == [AccessWorld.shenzhen.name])
            let province = try APIExamsTests.items(try await api.call(.get, "/pilot-applications", as: "guangdong"))
            #expect(province.count == 2)

            let first = try await api.call(.get, "/pilot-applications?limit=2", as: "ministry")
            let cursor = try #require(try first.object["next_cursor"] as? String)
            let second = try await api.call(.get, "/pilot-applications?limit=2&cursor=" + cursor, as: "ministry")
            #expect(try second.object["next_cursor"] == nil)
            let ids = try (APIExamsTests.items(first) + APIExamsTests.items(second)).compactMap { $0["id"] as? Int }
            #expect(ids.count == 3)
            #expect(Set(ids).count == 3)

            let inPilot = try await api.call(
                .get, "/pilot-applications?status=%E8%AF%95%E7%82%B9%E4%B8%AD", as: "ministry")
            #expect(try APIExamsTests.items(inPilot).isEmpty)
            let badStatus = try await api.call(.get, "/pilot-applications?status=pending", as: "ministry")
            try badStatus.expectProblem(.badRequest, "bad-request")
            #expect(try badStatus.object["field"] as? String == "status")
        }
    }

    @Test func theBureauMovesItsProvincesApplicationsAndNoOneElseDoes() async throws {
        try await APIWorld.run { api in
            let shenzhen = try APIReportsTests.application(of: AccessWorld.shenzhen.uscc, api)
            let beijing = try APIReportsTests.application(of: AccessWorld.beijing.uscc, api)
            let approve = #"{"to":"approved","note":"材料齐全"}"#

            let shown = try await api.call(.get, "/pilot-applications/\(shenzhen)", as: "sz-hr")
            #expect(shown.status == .ok, "\(shown.body)")
            let history = try #require(try shown.object["history"] as? [[String: Any]])
            #expect(history.map { $0["to"] as? String } == ["submitted"])
            try await api.call(.get, "/pilot-applications/\(shenzhen)", as: "bj-coordinator")
                .expectProblem(.notFound, "not-found")

            // Coordinators read their application; only the bureau (and an admin) move it.
            try await api.call(
                .post, "/pilot-applications/\(shenzhen)/transitions", as: "sz-coordinator", json: approve
            )
            .expectProblem(.forbidden, "forbidden")
            // Guangdong's bureau does not see Beijing's application.
            try await api.call(.post, "/pilot-applications/\(beijing)/transitions", as: "guangdong", json: approve)
                .expectProblem(.notFound, "not-found")

            let moved = try await api.call(
                .post, "/pilot-applications/\(shenzhen)/transitions", as: "guangdong", json: approve)
            #expect(moved.status == .ok, "\(moved.body)")
            let application = try #require(try moved.object["application"] as? [String: Any])
            #expect(application["status"] as? String == "approved")
            let after = try #require(try moved.object["history"] as? [[String: Any]])
            #expect(after.last?["from"] as? String == "submitted")
            #expect(after.last?["note"] as? String == "材料齐全")
            #expect(after.last?["actor"] as? String == "guangdong")

            // Approved cannot be approved again, nor become a demonstration unit straight away.
            try await api.call(.post, "/pilot-applications/\(shenzhen)/transitions", as: "guangdong", json: approve)
                .expectProblem(.conflict, "conflict")
            let badState = try await api.call(
                .post, "/pilot-applications/\(shenzhen)/transitions", as: "guangdong", json: #"{"to":"done"}"#)
            try badState.expectProblem(.badRequest, "bad-request")
            #expect(try badState.object["field"] as? String == "to")
        }
    }
}
