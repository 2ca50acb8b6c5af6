import Foundation
import HTTPTypes
import HummingbirdTesting
import TestSupport
import Testing
import Workforce
import WorkforceWeb

@Suite(.database) struct SignInPageTests {
    @Test func signingInSetsAnHttpOnlyLaxSessionCookieForTheWholeSite() async throws {
        try await WebHarness.run { harness, client in
            let page = try await client.post(
                "/login", form: [("name", "sz-coordinator"), ("password", harness.passwords["sz-coordinator"]!)])
            #expect(page.status == .seeOther && page.location == "/")
            let cookie = try #require(page.setCookies.first { $0.hasPrefix("esw_session=") })
            let attributes = Set(
                cookie.split(separator: ";").dropFirst().map { $0.trimmingCharacters(in: .whitespaces) })
            #expect(attributes.isSuperset(of: ["HttpOnly", "SameSite=Lax", "Path=/"]))
            #expect(!attributes.contains("Secure"), "plain http on this machine: no Secure unless asked")
            #expect(page.sessionCookie?.isEmpty == false)
        }
    }

    @Test func behindTLSTheSessionCookieIsSecure() async throws {
        try await WebHarness.run(.init(secureCookies: true)) { harness, client in
            let page = try await client.post(
                "/login", form: [("name", "sz-hr"), ("password", harness.passwords["sz-hr"]!)])
            let cookie = try #require(page.setCookies.first { $0.hasPrefix("esw_session=") })
            #expect(cookie.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }.contains("Secure"))
        }
    }

    @Test func aWrongPasswordAndAnUnknownUserGetTheSameAnswerAndNoCookie() async throws {
        try await WebHarness.run { harness, client in
            let wrong = try await client.post("/login", form: [("name", "sz-coordinator"), ("password", "not it")])
            let unknown = try await client.post("/login", form: [("name", "nobody"), ("password", "not it")])
            for page in [wrong, unknown] {
                #expect(page.status == .ok)
                #expect(page.setCookies.isEmpty)
                #expect(page.body.contains("用户名或密码不正确"))
            }
            // The same page but for the name typed back into the form.
            #expect(wrong.body.replacingOccurrences(of: "sz-coordinator", with: "nobody") == unknown.body)
        }
    }

    @Test func aOneTimePasswordSendsEveryPageToThePasswordFormUntilItIsReplaced() async throws {
        try await WebHarness.run { harness, client in
            let oneTime = harness.passwords["guangdong"]!
            let cookie = try await client.signIn("guangdong", password: oneTime)
            let home = try await client.get("/", cookie: cookie)
            #expect(home.status == .seeOther && home.location == "/password")
            let form = try await client.get("/password", cookie: cookie)
            #expect(form.status == .ok && form.body.contains("一次性密码"))
            let csrf = try #require(form.csrfToken)

            let mismatch = try await client.post(
                "/password",
                form: [
                    ("_csrf", csrf), ("current", oneTime), ("new", "twelve chars one"), ("repeat", "twelve chars two"),
                ],
                cookie: cookie)
            #expect(mismatch.status == .ok && mismatch.body.contains("两次输入的新密码不一致"))
            let wrongCurrent = try await client.post(
                "/password",
                form: [
                    ("_csrf", csrf), ("current", "not it"), ("new", "twelve chars one"), ("repeat", "twelve chars one"),
                ],
                cookie: cookie)
            #expect(wrongCurrent.status == .ok && wrongCurrent.body.contains("当前密码不正确"))
            #expect(try await client.get("/", cookie: cookie).location == "/password", "still one-time")

            let changed = try await client.post(
                "/password",
                form: [
                    ("_csrf", csrf), ("current", oneTime), ("new", "twelve chars one"), ("repeat", "twelve chars one"),
                ],
                cookie: cookie)
            #expect(changed.status == .seeOther && changed.location == "/")
            #expect(try await client.get("/", cookie: cookie).status == .ok)
            // The new password signs in; the one-time one no longer does.
            _ = try await client.signIn("guangdong", password: "twelve chars one")
            #expect(
                try await client.post("/login", form: [("name", "guangdong"), ("password", oneTime)]).setCookies.isEmpty
            )
        }
    }

    @Test func withoutASessionEveryPageSendsToTheSignInForm() async throws {
        try await WebHarness.run { _, client in
            // An unknown token (of the right form) acts as nobody: the database knows no such session.
            let pages = [
                try await client.get("/"), try await client.get("/password"),
                try await client.get("/", cookie: String(repeating: "ab", count: 32)),
            ]
            #expect(pages.map(\.location) == ["/login", "/login", "/login"])
        }
    }

    @Test func aCookiePostWithoutTheCSRFTokenIsRefused() async throws {
        try await WebHarness.run { harness, client in
            let cookie = try await client.signInWithNewPassword(harness, "sz-coordinator")
            let csrf = try #require(try await client.get("/", cookie: cookie).csrfToken)
            let missing = try await client.post("/logout", form: [], cookie: cookie)
            let wrong = try await client.post(
                "/logout", form: [("_csrf", String(repeating: "0", count: 64))], cookie: cookie)
            // Another session's token does not do either.
            let other = try await client.signIn("sz-hr", password: harness.passwords["sz-hr"]!)
            let otherToken = try #require(try await client.get("/password", cookie: other).csrfToken)
            let foreign = try await client.post("/logout", form: [("_csrf", otherToken)], cookie: cookie)
            for page in [missing, wrong, foreign] {
                #expect(page.status == .forbidden)
                #expect(page.body.contains("无权访问"))
                #expect(page.setCookies.isEmpty)
            }
            let header = try await client.post(
                "/logout", form: [], cookie: cookie, headers: [HTTPField.Name("X-CSRF-Token")!: csrf])
            #expect(header.status == .seeOther)
        }
    }

    @Test func signingOutClearsTheCookie() async throws {
        try await WebHarness.run { harness, client in
            let cookie = try await client.signInWithNewPassword(harness, "sz-hr")
            let csrf = try #require(try await client.get("/", cookie: cookie).csrfToken)
            let page = try await client.post("/logout", form: [("_csrf", csrf)], cookie: cookie)
            #expect(page.status == .seeOther && page.location == "/login")
            let cleared = try #require(page.setCookies.first { $0.hasPrefix("esw_session=") })
            #expect(cleared.hasPrefix("esw_session=;") && cleared.contains("Max-Age=0"))
            // The session itself has ended: the old cookie, sent again, is nobody's.
            let again = try await client.get("/", cookie: cookie)
            #expect(again.status == .seeOther && again.location == "/login")
        }
    }

    @Test func repeatedFailuresThrottleTheNameAndTheRightPasswordWaits() async throws {
        try await WebHarness.run { harness, client in
            for _ in 0..<5 {
                let refused = try await client.post("/login", form: [("name", "sz-hr"), ("password", "not it")])
                #expect(refused.status == .ok && refused.body.contains("用户名或密码不正确"))
            }
            let throttled = try await client.post(
                "/login", form: [("name", "sz-hr"), ("password", harness.passwords["sz-hr"]!)])
            #expect(throttled.status == .tooManyRequests)
            #expect(throttled.setCookies.isEmpty)
            #expect(throttled.body.contains("登录失败次数过多"))
            #expect(Int(throttled.headers[.retryAfter] ?? "") ?? 0 > 0)
            // Another name is not throttled by these failures.
            let other = try await client.post(
                "/login", form: [("name", "sz-coordinator"), ("password", harness.passwords["sz-coordinator"]!)])
            #expect(other.status == .seeOther)
        }
    }
}
