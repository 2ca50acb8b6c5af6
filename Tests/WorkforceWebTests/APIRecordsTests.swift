import Foundation
import HTTPTypes
import PostgresClient
import TestSupport
import Testing
import Workforce
import WorkforceOutput

/// Certificates, quotas, attendance and the audit trail through the API, by role and scope.
@Suite(.database) struct APIRecordsTests {
    let shenzhen = AccessWorld.shenzhen

    static func event(of side: AccessWorld.Side, _ api: APIWorld) throws -> Int {
        try api.world.owner.query("SELECT id FROM training_event WHERE title = \("E-" + side.name)").single().decode(0)
    }

    @Test func aPersonsCertificatesAreReadWithinTheScope() async throws {
        try await APIWorld.run { api in
            let path = "/staff/\(shenzhen.idNumber)/certificates"
            let mine = try await api.call(.get, path, as: "sz-coordinator")
            #expect(mine.status == .ok, "\(mine.body)")
            #expect(try mine.object["id_number"] as? String == shenzhen.idNumber)
            let items = try APIExamsTests.items(mine)
            #expect(items.map { $0["certificate_no"] as? String } == ["C-" + shenzhen.uscc])
            #expect(items.first?["level"] as? String == "junior")
            #expect(items.first?["revoked_on"] == nil)
            let bureau = try await api.call(.get, path, as: "guangdong")
            #expect(try bureau.object["id_number"] as? String == maskedIDNumber(shenzhen.idNumber))
            try await api.call(.get, path, as: "bj-coordinator").expectProblem(.notFound, "not-found")
            let bad = try await api.call(.get, "/staff/123/certificates", as: "admin")
            try bad.expectProblem(.badRequest, "bad-request")
            #expect(try bad.object["field"] as? String == "id_number")
        }
    }

    @Test func quotasAndAttendanceAreTheEventsOfTheScope() async throws {
        try await APIWorld.run { api in
            let event = try APIRecordsTests.event(of: shenzhen, api)
            let quotas = try APIExamsTests.items(try await api.call(.get, "/events/\(event)/quotas", as: "sz-hr"))
            #expect(quotas.map { $0["department"] as? String } == ["union"])
            #expect(quotas.first?["seats"] as? Int == 2)
            // The world's enrollment holds an open seat, not one of the union's reserved ones.
            let detail = try Events(db: try api.world.connect(as: "sz-hr")).detail(id: event)
            #expect(quotas.first?["taken"] as? Int == detail.quotas.first?.taken)
            try await api.call(.get, "/events/\(event)/quotas", as: "bj-coordinator")
                .expectProblem(.notFound, "not-found")

            let path = "/events/\(event)/attendance"
            let came = #"{"id_number":"\#(shenzhen.idNumber)","attended":true,"hours":2.5}"#
            try await api.call(.post, path, as: "sz-hr", json: came).expectProblem(.forbidden, "forbidden")
            try await api.call(.post, path, as: "bj-coordinator", json: came).expectProblem(.notFound, "not-found")
            let absentWithHours = #"{"id_number":"\#(shenzhen.idNumber)","attended":false,"hours":1}"#
            let bad = try await api.call(.post, path, as: "sz-coordinator", json: absentWithHours)
            try bad.expectProblem(.badRequest, "bad-request")
            #expect(try bad.object["field"] as? String == "hours")
            let noSeat = #"{"id_number":"\#(AccessWorld.guangzhou.idNumber)","attended":true}"#
            try await api.call(.post, path, as: "admin", json: noSeat).expectProblem(.conflict, "conflict")

            let recorded = try await api.call(.post, path, as: "sz-coordinator", json: came)
            #expect(recorded.status == .ok, "\(recorded.body)")
            #expect(try recorded.object["status"] as? String == "attended")
            let hours = try APIExamsTests.items(try await api.call(.get, "/hours?year=2013", as: "sz-coordinator"))
            #expect(hours.first?["hours"] as? Double == 2.5)
        }
    }

    @Test func theAuditTrailIsTheScopesPageByPage() async throws {
        try await APIWorld.run { api in
            let event = try APIRecordsTests.event(of: shenzhen, api)
            let came = #"{"id_number":"\#(shenzhen.idNumber)","attended":true}"#
            let recorded = try await api.call(.post, "/events/\(event)/attendance", as: "sz-coordinator", json: came)
            #expect(recorded.status == .ok, "\(recorded.body)")

            let first = try await api.call(.get, "/audit?limit=1", as: "sz-coordinator")
            let newest = try #require(try APIExamsTests.items(first).first)
            #expect(newest["table"] as? String == "enrollment")
            #expect(newest["user"] as? String == "sz-coordinator")
            #expect(newest["operation"] as? String == "update")
            #expect(!(newest["after"] as? String ?? "").contains(shenzhen.idNumber))
            let cursor = try #require(try first.object["next_cursor"] as? String)
            let second = try APIExamsTests.items(
                try await api.call(.get, "/audit?limit=1&cursor=" + cursor, as: "sz-coordinator"))
            #expect(second.count == 1)
            #expect(second.first?["at"] as? String ?? "" <= newest["at"] as? String ?? "")
            #expect(NSDictionary(dictionary: second[0]) != NSDictionary(dictionary: newest))

            let beijing = try APIExamsTests.items(try await api.call(.get, "/audit?limit=500", as: "bj-coordinator"))
            #expect(!beijing.isEmpty)
            #expect(!beijing.contains { $0["enterprise_uscc"] as? String == shenzhen.uscc })
            // A cursor far past the end (as a client could forge one) is an empty last page, not a crash.
            let far = Data("o:\(Int.max)".utf8).base64EncodedString()
                .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
                .replacingOccurrences(of: "=", with: "")
            let past = try await api.call(.get, "/audit?cursor=" + far, as: "admin")
            #expect(past.status == .ok, "\(past.body)")
            #expect(try APIExamsTests.items(past).isEmpty)
            #expect(try past.object["next_cursor"] == nil)
            let backwards = try await api.call(.get, "/audit?from=2014-01-02&to=2014-01-01", as: "admin")
            try backwards.expectProblem(.badRequest, "bad-request")
            #expect(try backwards.object["field"] as? String == "from")
        }
    }
}
