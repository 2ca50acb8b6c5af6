import CalendarDates
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import PostgresClient
import TestSupport
import Testing
import Workforce
import WorkforceWeb

/// The web application over an AccessWorld (three enterprises, one user of each role) in a fresh
/// schema, with a log that the test can read.
struct WebHarness: Sendable {
    /// The one-time passwords of AccessWorld's users, by name.
    let passwords: [String: String]
    let pool: ConnectionPool
    let configuration: WebConfiguration
    let log: CapturedLog

    /// What a test changes of the server's settings.
    struct Settings {
        var secureCookies = false
        var bodyLimitBytes = 20 * 1024 * 1024
        var connections = 2
        var acquireTimeout: Duration? = nil
    }

    /// Runs `body` with the harness and a test client of the router (no network).
    static func run(
        _ settings: Settings = Settings(), _ body: @Sendable (WebHarness, any TestClientProtocol) async throws -> Void
    ) async throws {
        try await TestDatabase.withSchema { (conninfo: String) async throws in
            let world = try AccessWorld(owner: try Connection(conninfo: conninfo), conninfo: conninfo)
            var configuration = WebConfiguration()
            configuration.today = { CalendarDate(year: 2013, month: 5, day: 20)! }
            configuration.secureCookies = settings.secureCookies
            configuration.bodyLimitBytes = settings.bodyLimitBytes
            let pool = ConnectionPool(
                conninfo: conninfo, maximumConnections: settings.connections, acquireTimeout: settings.acquireTimeout)
            let log = CapturedLog()
            let logger = Logger(label: "esw.serve.test", factory: { _ in CapturingLogHandler(log: log) })
            let harness = WebHarness(passwords: world.passwords, pool: pool, configuration: configuration, log: log)
            let app = Application(
                router: makeRouter(configuration: configuration, pool: pool, logger: logger), logger: logger)
            try await app.test(.router) { client in try await body(harness, client) }
            await pool.close()
        }
    }
}

/// What one response says, read once.
struct Page: Sendable {
    let status: HTTPResponse.Status
    let headers: HTTPFields
    let body: String

    var location: String? { headers[.location] }
    /// The Set-Cookie lines of the response.
    var setCookies: [String] { headers[values: .setCookie] }
    /// The session cookie's value as set by this response, if it sets one.
    var sessionCookie: String? {
        for line in setCookies where line.hasPrefix("esw_session=") {
            return String(line.dropFirst("esw_session=".count).prefix { $0 != ";" })
        }
        return nil
    }
    /// The CSRF token of the page's forms.
    var csrfToken: String? {
        guard let range = body.range(of: "name=\"_csrf\" value=\"") else { return nil }
        return String(body[range.upperBound...].prefix { $0 != "\"" })
    }
}

extension TestClientProtocol {
    func get(_ path: String, cookie: String? = nil) async throws -> Page {
        var headers: HTTPFields = [:]
        if let cookie { headers[.cookie] = "esw_session=\(cookie)" }
        return try await execute(uri: path, method: .get, headers: headers) { response in
            Page(status: response.status, headers: response.headers, body: String(buffer: response.body))
        }
    }

    func post(_ path: String, form: [(String, String)], cookie: String? = nil, headers extra: HTTPFields = [:])
        async throws -> Page
    {
        var headers = extra
        headers[.contentType] = "application/x-www-form-urlencoded"
        if let cookie { headers[.cookie] = "esw_session=\(cookie)" }
        let allowed = CharacterSet.alphanumerics.subtracting(CharacterSet(charactersIn: "+&="))
        let body = form.map { name, value in
            "\(name)=\(value.addingPercentEncoding(withAllowedCharacters: allowed)!)"
        }.joined(separator: "&")
        return try await execute(uri: path, method: .post, headers: headers, body: ByteBuffer(string: body)) {
            response in
            Page(status: response.status, headers: response.headers, body: String(buffer: response.body))
        }
    }

    /// Signs in and returns the session cookie's value.
    func signIn(_ name: String, password: String) async throws -> String {
        let page = try await post("/login", form: [("name", name), ("password", password)])
        return try #require(page.sessionCookie, "signing in as \(name) sets the session cookie")
    }

    /// Signs in with the one-time password, sets a new one, and returns the session cookie.
    func signInWithNewPassword(_ harness: WebHarness, _ name: String) async throws -> String {
        let cookie = try await signIn(name, password: harness.passwords[name]!)
        let form = try await get("/password", cookie: cookie)
        let changed = try await post(
            "/password",
            form: [
                ("_csrf", try #require(form.csrfToken)), ("current", harness.passwords[name]!),
                ("new", "a new password for \(name)"), ("repeat", "a new password for \(name)"),
            ], cookie: cookie)
        #expect(changed.status == .seeOther && changed.location == "/")
        return cookie
    }
}

/// Every line a logger wrote, with its metadata, for the tests to read.
final class CapturedLog: @unchecked Sendable {
    // @unchecked: `lines` is only touched while holding `lock`.
    private let lock = NSLock()
    private var lines: [String] = []

    func append(_ line: String) { lock.withLock { lines.append(line) } }
    var all: [String] { lock.withLock { lines } }
}

struct CapturingLogHandler: LogHandler {
    let log: CapturedLog
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let all = metadata.merging(event.metadata ?? [:]) { _, new in new }
        log.append(
            "\(event.level) \(event.message) "
                + all.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "))
    }
}
