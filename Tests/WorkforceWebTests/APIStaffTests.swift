import Foundation
import HTTPTypes
import PostgresClient
import TestSupport
import Testing
import Workforce
import WorkforceOutput

/// The roster through the API: uploads with the CLI's rules, all or nothing, and the staff list.
@Suite(.database) struct APIStaffTests {
    let shenzhen = AccessWorld.shenzhen.uscc

    static func roster(_ rows: [String]) -> String {
        (["enterprise_uscc,id_number,name,department,hired_on"] + rows).joined(separator: "\r\n") + "\r\n"
    }

    static func person(_ sequence: Int) -> String { Fixtures.idNumber(sequence: sequence) }

    func employments(_ api: APIWorld) throws -> Int {
        try api.world.owner.query("SELECT count(*) FROM employment").single().decode(0)
    }

    @Test func anUploadWithABadRowIsRefusedWithEveryBadRowAndWritesNothing() async throws {
        try await APIWorld.run { api in
            let before = try employments(api)
            let badID = String(APIStaffTests.person(10).dropLast()) + "0"
            let csv = APIStaffTests.roster([
                "\(shenzhen),\(APIStaffTests.person(11)),张伟,工会,2012-01-01",
                "\(shenzhen),\(badID),李娜,工会,2012-01-01",
                "\(AccessWorld.beijing.uscc),\(APIStaffTests.person(12)),王芳,union,2012-01-01",
                "\(shenzhen),\(APIStaffTests.person(13)),赵磊,canteen,2012-01-01",
            ])
            let response = try await api.upload(csv, to: "/enterprises/\(shenzhen)/staff/import", as: "sz-coordinator")
            try response.expectProblem(.badRequest, "rows-rejected")
            let errors = try #require(try response.object["errors"] as? [[String: Any]])
            #expect(errors.map { $0["line"] as? Int } == [3, 4, 5])
            #expect(errors.map { $0["column"] as? String } == ["id_number", "enterprise_uscc", "department"])
            // The bad ID number is quoted masked, as the CLI quotes it.
            #expect(errors[0]["value"] as? String == maskedIDNumber(badID))
            #expect(!response.body.contains(badID))
            #expect(errors.allSatisfy { ($0["reason"] as? String)?.isEmpty == false })
            #expect(try employments(api) == before)
        }
    }

    @Test func aGoodUploadImportsAndTheStaffListWalksItPageByPage() async throws {
        try await APIWorld.run { api in
            let people = (20..<27).map(APIStaffTests.person)
            let csv = APIStaffTests.roster(people.map { "\(shenzhen),\($0),员工,工会,2012-01-01" })
            let imported = try await api.upload(csv, to: "/enterprises/\(shenzhen)/staff/import", as: "sz-coordinator")
            #expect(imported.status == .ok, "\(imported.body)")
            let summary = try imported.object
            #expect(summary["read"] as? Int == 7)
            #expect(summary["inserted"] as? Int == 7)
            #expect((summary["sha256"] as? String)?.count == 64)
            // The same file again changes nothing.
            let again = try await api.upload(csv, to: "/enterprises/\(shenzhen)/staff/import", as: "sz-coordinator")
            #expect(try again.object["unchanged"] as? Int == 7)

            let seen = try await api.walk("/staff?on=2013-12-31", limit: 3, as: "sz-coordinator").items.compactMap {
                $0["id_number"] as? String
            }
            #expect(seen.count == 8)
            #expect(Set(seen) == Set(people + [AccessWorld.shenzhen.idNumber]))

            // HR sees the same staff with ID numbers masked; search by the start of a name.
            let hr = try await api.call(.get, "/staff?on=2013-12-31&q=员&limit=500", as: "sz-hr").object
            let masked = try #require(hr["items"] as? [[String: Any]]).compactMap { $0["id_number"] as? String }
            #expect(Set(masked) == Set(people.map(maskedIDNumber)))
        }
    }

    @Test func aRoleThatMayNotWriteRostersIsForbiddenAndOtherScopesAreNotFound() async throws {
        try await APIWorld.run { api in
            let csv = APIStaffTests.roster(["\(shenzhen),\(APIStaffTests.person(30)),员工,工会,2012-01-01"])
            let hr = try await api.upload(csv, to: "/enterprises/\(shenzhen)/staff/import", as: "sz-hr")
            try hr.expectProblem(.forbidden, "forbidden")
            let elsewhere = try await api.upload(
                csv, to: "/enterprises/\(AccessWorld.beijing.uscc)/staff/import", as: "sz-coordinator")
            try elsewhere.expectProblem(.notFound, "not-found")
            let unreadable = try await api.upload(
                "\u{FF}\u{FE}junk", to: "/enterprises/\(shenzhen)/staff/import", as: "sz-coordinator")
            try unreadable.expectProblem(.badRequest, "bad-request")
            #expect(try employments(api) == 3)
        }
    }
}
