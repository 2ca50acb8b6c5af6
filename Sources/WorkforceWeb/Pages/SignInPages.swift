import Foundation
import HTTPTypes
public import Hummingbird
import PostgresClient
import Workforce
import WorkforceOutput

/// Sign-in, the password change (a one-time password must be replaced before any other page),
/// and sign-out.
struct SignInPages {
    let keys: CSRFKey
    let secureCookies: Bool
    let behindProxy: Bool
    let formLimit: Int

    func register(on router: Router<WebContext>) {
        router.get("login") { _, context in self.loginForm(context, name: "", failed: false) }
        router.post("login") { request, context in try await self.login(request, context) }
        router.get("password") { _, context in try await self.passwordForm(context, errors: [:]) }
        router.post("password") { request, context in try await self.changePassword(request, context) }
        router.post("logout") { _, context in try await self.logout(context) }
    }

    func loginForm(_ context: WebContext, name: String, failed: Bool, retryAfterSeconds: Int? = nil) -> Response {
        // With a cookie (an expired session), the form carries its CSRF token, as every cookie post must.
        let csrf = context.session.flatMap { $0.carrier == .cookie ? keys.token(for: $0.token) : nil }
        var response = Pages.html(
            WebForms.login(
                frame: WebFrame(user: nil, navigation: [], currentPath: "/login", csrfToken: nil), name: name,
                failed: failed, retryAfterMinutes: retryAfterSeconds.map { ($0 + 59) / 60 }, csrfToken: csrf))
        if let retryAfterSeconds {
            response.status = .tooManyRequests
            response.headers[.retryAfter] = String(retryAfterSeconds)
        }
        return response
    }

    /// Checks the name and password in the database (esw_login, throttled per name and per client
    /// address) and sets the session cookie. A refusal shows the form again with one message for
    /// every cause (unknown user, wrong password, disabled user, expired one-time password) and no
    /// cookie; a throttled attempt answers 429 with when to try again, its password unchecked.
    func login(_ request: Request, _ context: WebContext) async throws -> Response {
        let form = try await FormFields.read(request, limit: formLimit)
        let name = form["name"], password = form.raw("password") ?? ""
        guard !name.isEmpty, !password.isEmpty, let scope = RequestScope.current else {
            return loginForm(context, name: name, failed: true)
        }
        // As nobody: a new scope without the presented token, whatever cookie came with the form.
        let anonymous = RequestScope(
            pool: scope.pool, token: nil, statementTimeoutMilliseconds: scope.statementTimeoutMilliseconds,
            notes: scope.notes)
        let address = ClientAddress.of(request, context: context, behindProxy: behindProxy)
        // A refusal commits: its failure must count towards the throttle.
        let outcome = try await anonymous.transaction { db in
            try Session.attemptLogin(db, user: name, password: password, address: address)
        }
        let token: SessionToken
        switch outcome {
        case .opened(let opened): token = opened
        case .refused: return loginForm(context, name: name, failed: true)
        case .throttled(let seconds): return loginForm(context, name: name, failed: false, retryAfterSeconds: seconds)
        }
        scope.notes.userName = name
        var response = Pages.redirect("/")
        response.setCookie(
            Cookie(
                name: SessionMiddleware.cookieName, value: token.textForClient, path: "/", secure: secureCookies,
                httpOnly: true, sameSite: .lax))
        return response
    }

    func passwordForm(_ context: WebContext, errors: [String: String]) async throws -> Response {
        try await Pages.signedIn(
            context, path: "/password", allowOneTime: true, read: { _, user in user.oneTimePassword },
            render: { oneTime, frame in WebForms.password(frame: frame, oneTime: oneTime, errors: errors) })
    }

    /// Replaces the signed-in user's password: the current one must match, the new one must have
    /// at least 12 characters and be typed twice alike; each error shows beside its field.
    func changePassword(_ request: Request, _ context: WebContext) async throws -> Response {
        let form = try await FormFields.read(request, limit: formLimit)
        let current = form.raw("current") ?? "", new = form.raw("new") ?? "", repeated = form.raw("repeat") ?? ""
        var errors: [String: String] = [:]
        if current.isEmpty { errors["current"] = "请输入当前密码。" }
        if new.count < 12 { errors["new"] = "新密码至少需要 12 个字符。" }
        if new != repeated { errors["repeat"] = "两次输入的新密码不一致。" }
        if !errors.isEmpty { return try await passwordForm(context, errors: errors) }
        guard context.session != nil, let scope = RequestScope.current else { return Pages.redirect("/login") }
        enum Change: Sendable { case done, signedOut, wrongCurrent, weak }
        let notes = scope.notes
        let change = try await scope.transaction { db -> Change in
            guard let user = notes.actor else { return .signedOut }
            notes.userName = user.name
            do {
                try Users(db: db).setPassword(current: current, new: new)
                return .done
            } catch is LoginRefused {
                return .wrongCurrent
            } catch let error as PostgresError where error.constraint == "app_user_password_strength" {
                return .weak
            }
        }
        switch change {
        case .done: return Pages.redirect("/")
        case .signedOut: return Pages.redirect("/login")
        case .wrongCurrent: return try await passwordForm(context, errors: ["current": "当前密码不正确。"])
        case .weak: return try await passwordForm(context, errors: ["new": "新密码太简单，请换一个更长或更复杂的密码。"])
        }
    }

    /// Ends the session in the database (its token names nobody from then on), clears the cookie
    /// and goes back to the sign-in page.
    func logout(_ context: WebContext) async throws -> Response {
        if context.session?.carrier == .cookie, let scope = RequestScope.current {
            try await scope.transaction { db in _ = try Session.end(db) }
        }
        var response = Pages.redirect("/login")
        response.setCookie(
            Cookie(
                name: SessionMiddleware.cookieName, value: "", maxAge: 0, path: "/", secure: secureCookies,
                httpOnly: true, sameSite: .lax))
        return response
    }
}
