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

@testable import WorkforceWeb

/// Who gets what through the API: RLS decides, and what is outside a scope answers 404.
@Suite(.database) struct APIAccessTests {
    let shenzhen = AccessWorld.shenzhen.uscc
    let beijing = AccessWorld.beijing.uscc

    @Test func aCoordinatorGetsTheirEnterprisesRatioAndNotFoundForAnother() async throws {
        try await APIWorld.run { api in
            let own = try await api.call(.get, "/enterprises/\(shenzhen)/ratio?on=2013-12-31", as: "sz-coordinator")
            #expect(own.status == .ok, "\(own.body)")
            #expect(own.contentType.hasPrefix("application/json"))
            let entry = try own.object
            #expect((entry["enterprise"] as? [String: Any])?["uscc"] as? String == shenzhen)
            #expect(entry["tracked"] as? Int == 1)
            #expect(entry["certified"] as? Int == 1)
            #expect(entry["as_of"] as? String == "2013-12-31")
            // The documented schema reads it.
            _ = try JSONDecoder().decode(Components.Schemas.RatioEntry.self, from: Data(own.body.utf8))

            let other = try await api.call(.get, "/enterprises/\(beijing)/ratio", as: "sz-coordinator")
            try other.expectProblem(.notFound, "not-found")
            // Nor does an enterprise that exists nowhere answer otherwise.
            let nowhere = try await api.call(
                .get, "/enterprises/\(Fixtures.uscc(region: "440305", serial: 99))/ratio", as: "sz-coordinator")
            try nowhere.expectProblem(.notFound, "not-found")
            let otherBody = try other.object["detail"] as? String
            #expect(
                otherBody
                    == (try nowhere.object["detail"] as? String)?.replacingOccurrences(
                        of: Fixtures.uscc(region: "440305", serial: 99), with: beijing))
        }
    }

    @Test func theRatioIsTheJSONOfEswRatio() async throws {
        try await APIWorld.run { api in
            let response = try await api.call(.get, "/ratio?on=2013-12-31", as: "ministry")
            #expect(response.status == .ok)
            let db = try api.world.connect(as: "ministry")
            let asOf = CalendarDate(iso: "2013-12-31")!
            let cli = RatioOutput.report(
                try RatioService(db: db).report(region: nil, asOf: asOf), by: nil, format: .json)
            let served = try JSONSerialization.jsonObject(with: Data(response.body.utf8)) as? NSDictionary
            let printed = try JSONSerialization.jsonObject(with: Data(cli.utf8)) as? NSDictionary
            #expect(served != nil && served == printed)
        }
    }

    @Test func aBureausRatioListsOnlyItsProvince() async throws {
        try await APIWorld.run { api in
            let response = try await api.call(.get, "/ratio?on=2013-12-31", as: "guangdong")
            #expect(response.status == .ok, "\(response.body)")
            let report = try response.object
            #expect((report["region"] as? [String: Any])?["code"] as? String == "440000")
            let enterprises = try #require(report["enterprises"] as? [[String: Any]])
            let usccs = Set(enterprises.compactMap { ($0["enterprise"] as? [String: Any])?["uscc"] as? String })
            #expect(usccs == [AccessWorld.shenzhen.uscc, AccessWorld.guangzhou.uscc])
            #expect(report["tracked"] as? Int == 2)

            let trend = try await api.call(
                .get, "/ratio?trend=true&from=2013-01-01&to=2013-12-31&every=quarter", as: "guangdong")
            #expect(trend.status == .ok, "\(trend.body)")
            let points = try #require(try trend.object["points"] as? [[String: Any]])
            #expect(points.map { $0["as_of"] as? String } == ["2013-03-31", "2013-06-30", "2013-09-30", "2013-12-31"])
        }
    }

    @Test func withoutAValidTokenEveryOperationButTheDocumentAnswersUnauthorized() async throws {
        try await APIWorld.run { api in
            for path in ["/ratio", "/enterprises", "/staff", "/events", "/enterprises/\(shenzhen)/ratio"] {
                let response = try await api.call(.get, path, as: nil)
                try response.expectProblem(.unauthorized, "unauthorized")
            }
            let forged = try await api.call(
                .get, "/ratio", as: nil, headers: [.authorization: "Bearer not-a-session-token"])
            try forged.expectProblem(.unauthorized, "unauthorized")
            // The document needs no sign-in, and is openapi.yaml as scripts/generate-api embedded it.
            let document = try await api.call(.get, "/openapi.json", as: nil)
            #expect(document.status == .ok)
            let served = try JSONSerialization.jsonObject(with: Data(document.body.utf8)) as? NSDictionary
            let embedded = try JSONSerialization.jsonObject(with: Data(OpenAPIDocument.json.utf8)) as? NSDictionary
            #expect(served != nil && served == embedded)
        }
    }

    @Test func badParametersAreRefusedNamingTheParameterNeverAsAServerError() async throws {
        try await APIWorld.run { api in
            let cases: [(String, String?)] = [
                ("/ratio?on=2013-02-30", "on"), ("/ratio?trend=true&from=2013-01-01", "to"),
                ("/ratio?from=2013-01-01", "from"),
                ("/ratio?region=440000&trend=true&from=2014-01-01&to=2013-01-01", "from"),
                ("/enterprises?limit=0", "limit"), ("/enterprises?limit=501", "limit"),
                ("/enterprises?cursor=x", "cursor"), ("/staff?department=nope", "department"),
                ("/events?kind=party", "kind"), ("/enterprises?region=999999", "region"),
                ("/enterprises/not-a-uscc/ratio", "uscc"), ("/ratio?by=nope", nil), ("/enterprises?limit=ten", nil),
            ]
            for (path, field) in cases {
                let response = try await api.call(.get, path, as: "ministry")
                try response.expectProblem(.badRequest, "bad-request")
                #expect(try response.object["field"] as? String == field, "\(path): \(response.body)")
            }
        }
    }

    @Test func aListWalksFullyWithoutRepeats() async throws {
        try await APIWorld.run { api in
            let seen = try await api.walk("/enterprises", limit: 2, as: "ministry").items.compactMap {
                $0["uscc"] as? String
            }
            #expect(seen.count == 3)
            #expect(Set(seen) == Set(AccessWorld.sides.map(\.uscc)))
            // A scope sees its own.
            let own = try await api.call(.get, "/enterprises", as: "guangdong").object
            #expect((own["items"] as? [[String: Any]])?.count == 2)
        }
    }
}

/// A server whose connections are all taken answers 503, soon, rather than queueing without end.
@Suite(.database) struct APIBusyTests {
    @Test func aRequestThatGetsNoConnectionInTimeIsServiceUnavailable() async throws {
        try await TestDatabase.withSchema { (conninfo: String) async throws in
            let pool = ConnectionPool(conninfo: conninfo, maximumConnections: 1, acquireTimeout: .milliseconds(100))
            let router = Router(context: BasicRequestContext.self)
            router.add(middleware: BearerScope(pool: pool))
            try WorkforceAPI.register(on: router)
            // The pool's one connection is held until the request has been answered.
            let holding = DispatchSemaphore(value: 0)
            let release = DispatchSemaphore(value: 0)
            let holder = Task {
                try await pool.withConnection { _ in
                    holding.signal()
                    release.wait()
                }
            }
            await withCheckedContinuation { continuation in
                DispatchQueue.global().async {
                    holding.wait()
                    continuation.resume()
                }
            }
            try await Application(router: router).test(.router) { client in
                try await client.execute(
                    uri: "/api/v1/ratio", method: .get, headers: [.authorization: "Bearer any-token"]
                ) { response in
                    #expect(response.status == .serviceUnavailable)
                    #expect(response.headers[.contentType] == "application/problem+json")
                    #expect(String(buffer: response.body).contains("https://esw.example/problems/unavailable"))
                }
            }
            release.signal()
            try await holder.value
            await pool.close()
        }
    }
}
