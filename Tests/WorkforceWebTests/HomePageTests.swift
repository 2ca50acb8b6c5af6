import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import PostgresClient
import TestSupport
import Testing
import Workforce
import WorkforceWeb

@Suite(.database) struct HomePageTests {
    @Test func aCoordinatorsHomeShowsTheirEnterpriseAndNotAnothers() async throws {
        try await WebHarness.run { harness, client in
            let cookie = try await client.signInWithNewPassword(harness, "sz-coordinator")
            let page = try await client.get("/", cookie: cookie)
            #expect(page.status == .ok)
            #expect(page.body.contains("<h2>SZ · 持证比例</h2>"))
            #expect(page.body.contains("<svg"), "the trend chart")
            #expect(page.body.contains("工会"), "the department table")
            // This month's training (2013年5月): its own event, with its seats; no other enterprise's.
            #expect(page.body.contains("2013年5月的培训活动"))
            #expect(page.body.contains("E-SZ"))
            for other in ["GZ", "BJ"] {
                #expect(!page.body.contains("E-\(other)") && !page.body.contains(">\(other) "))
            }
            #expect(page.body.contains("2013年5月1日 9:00"), "dates as 2013年6月1日")
        }
    }

    @Test func anHRUsersHomeHasNoTrainingSection() async throws {
        try await WebHarness.run { harness, client in
            let page = try await client.get("/", cookie: try await client.signInWithNewPassword(harness, "sz-hr"))
            #expect(page.status == .ok && page.body.contains("<h2>SZ · 持证比例</h2>"))
            #expect(!page.body.contains("培训活动"))
        }
    }

    @Test func aBureausRankedTableHoldsOnlyItsProvince() async throws {
        try await WebHarness.run { harness, client in
            let page = try await client.get("/", cookie: try await client.signInWithNewPassword(harness, "guangdong"))
            #expect(page.status == .ok)
            #expect(page.body.contains("广东省"))
            #expect(page.body.contains(AccessWorld.shenzhen.uscc) && page.body.contains(AccessWorld.guangzhou.uscc))
            #expect(!page.body.contains(AccessWorld.beijing.uscc))
            #expect(page.body.contains("企业社会工作试点"), "the pilot program")
            // The ministry's covers the country.
            let ministry = try await client.get(
                "/", cookie: try await client.signInWithNewPassword(harness, "ministry"))
            #expect(ministry.body.contains(AccessWorld.beijing.uscc) && ministry.body.contains("全国"))
        }
    }

    @Test func everyResponseCarriesTheSecurityHeaders() async throws {
        try await WebHarness.run(.init(bodyLimitBytes: 1024)) { harness, client in
            let cookie = try await client.signInWithNewPassword(harness, "sz-coordinator")
            let pages = [
                try await client.get("/login"), try await client.get("/", cookie: cookie), try await client.get("/"),
                try await client.get("/static/esw.css"), try await client.get("/no/such/page"),
                try await client.post("/logout", form: [], cookie: cookie),
                try await client.post("/login", form: [("name", String(repeating: "x", count: 2000))]),
            ]
            #expect(pages.map(\.status.code) == [200, 200, 303, 200, 404, 403, 413])
            for page in pages {
                #expect(
                    page.headers[.contentSecurityPolicy]
                        == "default-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'")
                #expect(page.headers[.xContentTypeOptions] == "nosniff")
                #expect(page.headers[HTTPField.Name("Referrer-Policy")!] == "same-origin")
            }
            // No inline script or style: the CSP would block them.
            for page in pages where page.headers[.contentType]?.hasPrefix("text/html") == true {
                #expect(
                    !page.body.contains("<script") && !page.body.contains("style=") && !page.body.contains("<style"))
            }
        }
    }

    @Test func aBodyOverTheLimitIsRefusedWith413() async throws {
        try await WebHarness.run(.init(bodyLimitBytes: 1024)) { _, client in
            let page = try await client.post(
                "/login", form: [("name", "x"), ("password", String(repeating: "y", count: 1100))])
            #expect(page.status == .contentTooLarge)
            #expect(page.body.contains("内容过大") && !page.body.contains("yyyy"))
            #expect(try await client.post("/login", form: [("name", "x"), ("password", "y")]).status == .ok)
        }
    }

    @Test func noFreeConnectionAnswers503() async throws {
        try await WebHarness.run(.init(connections: 1, acquireTimeout: .milliseconds(200))) { harness, client in
            let cookie = try await client.signInWithNewPassword(harness, "sz-coordinator")
            let (held, holding) = AsyncStream<Void>.makeStream()
            // The only connection is held until the page has answered, however slow the machine.
            let release = DispatchSemaphore(value: 0)
            let holder = Task {
                try await harness.pool.withConnection { _ in
                    holding.yield()
                    release.wait()
                }
            }
            for await _ in held { break }
            let page = try await client.get("/", cookie: cookie)
            release.signal()
            #expect(page.status == .serviceUnavailable)
            #expect(page.body.contains("服务繁忙"))
            try await holder.value
            #expect(try await client.get("/", cookie: cookie).status == .ok, "once the connection is free")
        }
    }

    @Test func theAccessLogHasTheStatusAndUserButNoTokenPasswordOrQuery() async throws {
        try await WebHarness.run { harness, client in
            let password = harness.passwords["sz-coordinator"]!
            let cookie = try await client.signIn("sz-coordinator", password: password)
            _ = try await client.get("/password?search=110105199003071239", cookie: cookie)
            _ = try await client.get("/persons/11010519900307123X/page", cookie: cookie)
            let lines = harness.log.all.filter { $0.contains(" request ") }
            #expect(lines.count == 3)
            #expect(
                lines.contains { $0.contains("path=/persons/******************/page ") && $0.contains("status=404") })
            #expect(
                lines.contains { $0.contains("method=POST") && $0.contains("path=/login") && $0.contains("status=303") }
            )
            #expect(
                lines.contains {
                    $0.contains("path=/password ") && $0.contains("status=200") && $0.contains("user=sz-coordinator")
                        && $0.contains("request_id=") && $0.contains("duration_ms=")
                })
            for line in harness.log.all {
                #expect(
                    !line.contains(cookie) && !line.contains(password) && !line.contains("110105199003071239")
                        && !line.contains("11010519900307123"))
            }
        }
    }
}
