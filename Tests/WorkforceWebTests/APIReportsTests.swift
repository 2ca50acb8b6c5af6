import CalendarDates
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PostgresClient
import TestSupport
import Testing
import Workforce
import WorkforceOutput

/// The reports through the API: the same bytes (or the same JSON) as the CLI's renderers give for
/// the same user and input, in the format asked for; the evidence pack as a ZIP that verifies.
@Suite(.database) struct APIReportsTests {
    static func application(of uscc: String, _ api: APIWorld) throws -> Int {
        try api.world.owner.query(
            """
            SELECT a.id FROM pilot_application a JOIN enterprise e ON e.id = a.enterprise_id WHERE e.uscc = \(uscc)
            """
        ).single().decode(0)
    }

    /// Two JSON texts hold the same value (the API sorts keys; the CLI keeps its order).
    static func sameJSON(_ one: String, _ other: String) throws -> Bool {
        let parse = { (text: String) in try JSONSerialization.jsonObject(with: Data(text.utf8)) as? NSDictionary }
        return try #require(try parse(one)) == (try #require(try parse(other)))
    }

    @Test func theRegionReportIsWhatTheRendererGivesInEachFormat() async throws {
        try await APIWorld.run { api in
            let asOf = CalendarDate(iso: "2013-12-31")!
            let report = try Reports(db: try api.world.connect(as: "guangdong")).province(region: "440000", asOf: asOf)
            let path = "/reports/province/440000?as_of=2013-12-31"

            let csv = try await api.call(.get, path + "&format=csv&lang=zh", as: "guangdong")
            #expect(csv.status == .ok, "\(csv.body)")
            #expect(csv.contentType.hasPrefix("text/csv"))
            let table = report.csvRows(language: .zh)
            #expect(csv.body == CSVWriter.document(headers: table.headers, rows: table.rows))

            // Without `format`, the Accept header chooses.
            let html = try await api.call(.get, path, as: "guangdong", headers: [.accept: "text/html"])
            #expect(html.status == .ok)
            #expect(html.contentType.hasPrefix("text/html"))
            #expect(html.body == report.html(header: ReportHeader()))

            let json = try await api.call(.get, path, as: "guangdong")
            #expect(json.contentType.hasPrefix("application/json"))
            #expect(try APIReportsTests.sameJSON(json.body, report.json.serialized(pretty: true)))

            // The header block of the printed report comes from the parameters.
            let signed = try await api.call(.get, path + "&format=html&issuer=%E5%B9%BF%E4%B8%9C", as: "guangdong")
            #expect(signed.body == report.html(header: ReportHeader(issuer: "广东")))
        }
    }

    @Test func aRegionReportRefusesBadInputNamingTheParameter() async throws {
        try await APIWorld.run { api in
            let badDate = try await api.call(.get, "/reports/province/440000?as_of=2013-02-30", as: "guangdong")
            try badDate.expectProblem(.badRequest, "bad-request")
            #expect(try badDate.object["field"] as? String == "as_of")
            let badCode = try await api.call(.get, "/reports/province/4403?format=json", as: "guangdong")
            try badCode.expectProblem(.badRequest, "bad-request")
            #expect(try badCode.object["field"] as? String == "code")
            let badFormat = try await api.call(.get, "/reports/province/440000?format=pdf", as: "guangdong")
            try badFormat.expectProblem(.badRequest, "bad-request")
            let nobody = try await api.call(.get, "/reports/province/440000", as: nil)
            try nobody.expectProblem(.unauthorized, "unauthorized")
        }
    }

    @Test func thePilotReportIsTheScopesOwnWithIDNumbersAsTheRoleSeesThem() async throws {
        try await APIWorld.run { api in
            let shenzhen = try APIReportsTests.application(of: AccessWorld.shenzhen.uscc, api)
            let path = "/reports/pilot/\(shenzhen)"
            for (user, whole) in [("sz-coordinator", true), ("guangdong", false)] {
                let report = try Reports(db: try api.world.connect(as: user)).pilot(
                    applicationID: shenzhen, today: .today())
                let json = try await api.call(.get, path + "?format=json", as: user)
                #expect(json.status == .ok, "\(json.body)")
                #expect(
                    try APIReportsTests.sameJSON(
                        json.body, report.json(includeIDNumbers: whole).serialized(pretty: true)))
                let csv = try await api.call(.get, path + "?format=csv", as: user)
                let table = report.csvRows(includeIDNumbers: whole, language: .en)
                #expect(csv.body == CSVWriter.document(headers: table.headers, rows: table.rows))
            }
            // Beijing's coordinator does not see Shenzhen's application: as if it did not exist.
            let elsewhere = try await api.call(.get, path + "?format=json", as: "bj-coordinator")
            try elsewhere.expectProblem(.notFound, "not-found")
            let none = try await api.call(.get, "/reports/pilot/999999", as: "admin")
            try none.expectProblem(.notFound, "not-found")
            let backwards = try await api.call(.get, path + "?from=2013-12-31&to=2013-01-01", as: "admin")
            try backwards.expectProblem(.badRequest, "bad-request")
            #expect(try backwards.object["field"] as? String == "to")
        }
    }

    @Test func theEvidencePackIsAZIPThatVerifiesAgainstItsManifest() async throws {
        try await APIWorld.run { api in
            let shenzhen = try APIReportsTests.application(of: AccessWorld.shenzhen.uscc, api)
            let (status, contentType, digest, data) = try await api.client.execute(
                uri: "/api/v1/reports/pilot/\(shenzhen)/evidence", method: .get,
                headers: [.authorization: "Bearer " + api.tokens["guangdong"]!]
            ) { response in
                (
                    response.status, response.headers[.contentType],
                    response.headers[HTTPField.Name("X-Manifest-SHA256")!],
                    Data(response.body.readableBytesView)
                )
            }
            #expect(status == .ok)
            #expect(contentType == "application/zip")
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("esw-api-\(UUID().uuidString).zip")
            defer { try? FileManager.default.removeItem(at: file) }
            try data.write(to: file)
            let verification = try EvidencePack.verify(path: file.path)
            #expect(verification.problems.isEmpty)
            #expect(verification.manifestDigest == digest)
            // The bureau sees ID numbers masked, so the pack holds them masked.
            #expect(verification.header.contains { $0.contains("id_numbers: masked") })

            let elsewhere = try await api.call(.get, "/reports/pilot/\(shenzhen)/evidence", as: "bj-coordinator")
            try elsewhere.expectProblem(.notFound, "not-found")
        }
    }
}
