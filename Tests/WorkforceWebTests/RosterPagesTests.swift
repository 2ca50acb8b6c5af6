import CalendarDates
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PostgresClient
import TestSupport
import Testing
import Workforce
import WorkforceWeb

/// The request context of the page tests: the pages write this CSRF token into every form.
struct PageTestContext: PageRequestContext {
    var coreContext: CoreRequestContextStorage
    init(source: Source) { coreContext = .init(source: source) }
    var csrfToken: String? { "test-csrf" }
}

/// Test-only sign-in: the session token in the `x-test-session` header becomes the request's
/// ``RequestScope``, as the server's session middleware does with its cookie.
struct TestSessionMiddleware: RouterMiddleware {
    typealias Context = PageTestContext
    /// The server's `--rows-per-upload` in the page tests.
    static let rowsPerUpload = 200
    let pool: ConnectionPool

    func handle(
        _ request: Request, context: PageTestContext, next: (Request, PageTestContext) async throws -> Response
    ) async throws -> Response {
        let token = request.headers[PageClient.sessionHeader].map(SessionToken.init(presented:))
        let scope = RequestScope(
            pool: pool, token: token, statementTimeoutMilliseconds: 10_000, rowsPerUpload: Self.rowsPerUpload)
        return try await RequestScope.$current.withValue(scope) { try await next(request, context) }
    }
}

/// A response as the tests read it.
struct PageReply {
    let status: HTTPResponse.Status
    let headers: HTTPFields
    let text: String

    var location: String? { headers[.location] }

    /// The one-line message a redirect carries to the next page (its cookie's value, decoded).
    var flashCookie: String? {
        headers[values: .setCookie].first { $0.hasPrefix("esw_flash=") }
            .map { String($0.dropFirst("esw_flash=".count).prefix { $0 != ";" }) }
    }

    /// Every match of `pattern`'s first group.
    func matches(_ pattern: String) -> [String] {
        let regex = try! NSRegularExpression(pattern: pattern)
        return regex.matches(in: text, range: NSRange(text.startIndex..., in: text)).map {
            String(text[Range($0.range(at: 1), in: text)!])
        }
    }
}

/// The pages on a router, signed in per request as one of the world's users.
struct PageClient {
    static let sessionHeader = HTTPField.Name("x-test-session")!
    let client: any TestClientProtocol
    let tokens: [String: SessionToken]

    private func headers(_ user: String?, cookie: String? = nil) -> HTTPFields {
        var headers = HTTPFields()
        if let user { headers[PageClient.sessionHeader] = tokens[user]!.textForClient }
        if let cookie { headers[.cookie] = cookie }
        return headers
    }

    private func send(_ uri: String, _ method: HTTPRequest.Method, _ headers: HTTPFields, _ body: ByteBuffer?)
        async throws -> PageReply
    {
        let page = try await client.execute(uri: uri, method: method, headers: headers, body: body) { response in
            PageReply(status: response.status, headers: response.headers, text: String(buffer: response.body))
        }
        // ESW_PAGE_DUMP=folder keeps every HTML page the tests get, to look at in a browser.
        if let folder = ProcessInfo.processInfo.environment["ESW_PAGE_DUMP"],
            page.headers[.contentType]?.hasPrefix("text/html") == true
        {
            let name = "\(method.rawValue)\(uri)".map { $0.isLetter || $0.isNumber ? $0 : "_" }
            let file = URL(fileURLWithPath: folder).appendingPathComponent(String(name.prefix(80)) + ".html")
            try? Data(page.text.utf8).write(to: file)
        }
        return page
    }

    func get(_ uri: String, as user: String?) async throws -> PageReply {
        try await send(uri, .get, headers(user), nil)
    }

    /// The page a redirect leads to, with the flash it carries.
    func follow(_ redirect: PageReply, as user: String) async throws -> PageReply {
        #expect(redirect.status == .seeOther, "\(redirect.text)")
        let cookie = redirect.flashCookie.map { "esw_flash=\($0)" }
        return try await send(try #require(redirect.location), .get, headers(user, cookie: cookie), nil)
    }

    func post(_ uri: String, as user: String, form: [(String, String)]) async throws -> PageReply {
        var headers = headers(user)
        headers[.contentType] = "application/x-www-form-urlencoded"
        let allowed = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.")
        let body = ([("_csrf", "test-csrf")] + form).map { name, value in
            let encode = { (text: String) in text.addingPercentEncoding(withAllowedCharacters: allowed) ?? "" }
            return encode(name) + "=" + encode(value)
        }.joined(separator: "&")
        return try await send(uri, .post, headers, ByteBuffer(string: body))
    }

    /// A multipart/form-data post of `file` as the field `file`, as a browser sends it.
    func upload(_ uri: String, as user: String, file: String, named name: String = "名单.csv") async throws -> PageReply {
        let boundary = "----esw-test-boundary"
        var headers = headers(user)
        headers[.contentType] = "multipart/form-data; boundary=\(boundary)"
        let body =
            "--\(boundary)\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\ntest-csrf\r\n"
            + "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(name)\"\r\n"
            + "Content-Type: text/csv\r\n\r\n\(file)\r\n--\(boundary)--\r\n"
        return try await send(uri, .post, headers, ByteBuffer(string: body))
    }
}

/// A schema with Shenzhen and Beijing (FixtureWorld), users, and the staff and event pages on a
/// router; `body` gets the owner's connection and a client.
func withPages(
    users: [(name: String, role: AccessRole, scope: String?)], enterpriseChoices: Int = 200,
    _ body: @escaping @Sendable (_ owner: Connection, _ world: FixtureWorld, _ client: PageClient) async throws -> Void
) async throws {
    try await TestDatabase.withSchema { (conninfo: String) async throws in
        let owner = try Connection(conninfo: conninfo)
        let world = try FixtureWorld(db: owner)
        var tokens: [String: SessionToken] = [:]
        for user in users {
            let password = try Users(db: owner).add(name: user.name, role: user.role, scope: user.scope)
            let db = try Connection(conninfo: conninfo)
            tokens[user.name] = try Session.open(db, user: user.name, password: password)
            try Session.use(tokens[user.name]!, on: db)
            // Users who have set their own password: a one-time one sends every page to /password.
            try Users(db: db).setPassword(current: password, new: "\(user.name)'s own password")
        }
        let pool = ConnectionPool(conninfo: conninfo, maximumConnections: 2)
        let router = Router(context: PageTestContext.self)
        router.add(middleware: TestSessionMiddleware(pool: pool))
        RosterPages.addRoutes(to: router)
        EventPages.addRoutes(to: router)
        HRPages(today: { CalendarDate(year: 2013, month: 12, day: 31)! }, enterpriseChoices: enterpriseChoices)
            .addRoutes(to: router)
        ExamPages.addRoutes(to: router)
        PilotPages.addRoutes(to: router)
        ReportPages.addRoutes(to: router)
        // The test client's closure is @Sendable; the owner's connection is used by one test at a time.
        let fixture = Unchecked((owner, world))
        let signedIn = tokens
        try await Application(router: router).test(.router) { client in
            try await body(fixture.value.0, fixture.value.1, PageClient(client: client, tokens: signedIn))
        }
    }
}

@Suite(.database) struct RosterPagesTests {
    static let users: [(name: String, role: AccessRole, scope: String?)] = [
        ("sz-coordinator", .enterpriseCoordinator, FixtureWorld.shenzhen),
        ("sz-hr", .enterpriseHR, FixtureWorld.shenzhen),
    ]

    @Test func aRosterWithABadRowShowsEachErrorAndWritesNothingThenTheGoodRowsGoInAndTheRejectsDownload()
        async throws
    {
        try await withPages(users: Self.users) { owner, world, pages in
            let invalidID =
                String(FixtureWorld.person(9).dropLast()) + (FixtureWorld.person(9).hasSuffix("1") ? "2" : "1")
            let csv =
                FixtureWorld.staff([
                    .init(.shenzhen, 1, "张伟", "union", hired: "2012-01-01"),
                    .init(.shenzhen, 2, "李娜", "party", hired: "2012-01-01"),
                ])
                + "\(FixtureWorld.shenzhen),\(invalidID),王芳,union,2012-01-01,\n"
                + "\(FixtureWorld.shenzhen),\(FixtureWorld.person(3)),赵强,=1+2,2012-01-01,\n"
            let form = try await pages.get("/staff/import", as: "sz-coordinator")
            #expect(form.text.contains(#"enctype="multipart/form-data""#))
            #expect(form.text.contains(#"name="_csrf" value="test-csrf""#))
            let refused = try await pages.upload("/staff/import", as: "sz-coordinator", file: csv)
            #expect(refused.status == .unprocessableContent)
            #expect(refused.text.contains("4 行中有 2 行有误，未导入任何一行"))
            // Line (the header is line 1), the file's own column, the value (an ID number masked) and the reason.
            let errorRows = refused.matches(#"<tr><td class="n">(\d+</td><td>[^<]*</td><td>[^<]*)</td>"#)
            #expect(
                errorRows == [
                    "4</td><td>id_number</td><td>\(maskedID(invalidID))", "5</td><td>department</td><td>=1+2",
                ])
            #expect(refused.text.contains("未知部门"))
            #expect(!refused.text.contains(invalidID))
            #expect(try world.count("employment") == 0 && world.count("person") == 0)
            #expect(refused.text.contains(#"name="_csrf" value="test-csrf""#))

            let rest = try #require(
                refused.matches(#"<form method="post" action="(/staff/import/[0-9a-f]{32}/rest)""#).first)
            let imported = try await pages.post(rest, as: "sz-coordinator", form: [])
            let done = try await pages.follow(imported, as: "sz-coordinator")
            #expect(done.text.contains("已导入 2 行，2 行未导入"))
            #expect(try world.count("employment") == 2)
            let link = try #require(done.matches(#"href="(/staff/import/[0-9a-f]{32}/rejects\.csv)""#).first)
            let rejects = try await pages.get(link, as: "sz-coordinator")
            #expect(rejects.headers[.contentType] == "text/csv; charset=utf-8")
            #expect(rejects.headers[.contentDisposition]?.contains("attachment") == true)
            let lines = rejects.text.components(separatedBy: "\r\n")
            #expect(lines[0] == "\u{FEFF}enterprise_uscc,id_number,name,department,hired_on,left_on,line,reason")
            // The cell a spreadsheet would run as a formula is written as text, as the CLI writes it.
            #expect(
                lines[2].hasPrefix("\(FixtureWorld.shenzhen),\(FixtureWorld.person(3)),赵强,\"'=1+2\",2012-01-01,,5,"))
            #expect(lines[1].contains("id_number '\(maskedID(invalidID))'"))
            // The upload belongs to its session: another user's request finds nothing.
            #expect(try await pages.get(link, as: "sz-hr").status == .notFound)
        }
    }

    @Test func aFileWithoutTheRequiredColumnsIsRefusedBesideTheFileField() async throws {
        try await withPages(users: Self.users) { _, world, pages in
            let refused = try await pages.upload("/staff/import", as: "sz-coordinator", file: "姓名\n张伟\n")
            #expect(refused.status == .unprocessableContent)
            #expect(
                refused.matches(#"<span class="field-error">([^<]*)</span>"#).first?.contains("缺少列") == true
            )
            #expect(try world.count("person") == 0)
        }
    }

    @Test func aFileOverTheRowsPerUploadIsRefusedWholeBesideTheFileField() async throws {
        try await withPages(users: Self.users) { _, world, pages in
            let limit = TestSessionMiddleware.rowsPerUpload
            let rows = (1...limit + 1).map { FixtureWorld.Hire(.shenzhen, $0, "员工\($0)", "union", hired: "2012-01-01") }
            let refused = try await pages.upload("/staff/import", as: "sz-coordinator", file: FixtureWorld.staff(rows))
            #expect(refused.status == .unprocessableContent)
            let error = refused.matches(#"<span class="field-error">([^<]*)</span>"#).first ?? ""
            #expect(error.contains("\(limit) 行的上限") && error.contains("未导入任何一行"), "\(error)")
            #expect(try world.count("person") == 0)
            // At the limit it goes in.
            let accepted = try await pages.upload(
                "/staff/import", as: "sz-coordinator", file: FixtureWorld.staff(Array(rows.prefix(limit))))
            #expect(accepted.status == .seeOther)
            #expect(try world.count("person") == limit)
        }
    }

    @Test func theStaffListShowsTheEnterprisesOwnStaffWithIDNumbersMaskedForRolesThatMayNotSeeThem() async throws {
        try await withPages(users: Self.users) { _, world, pages in
            _ = try world.importStaff(
                FixtureWorld.staff([
                    .init(.shenzhen, 1, "张伟", "union", hired: "2012-01-01"),
                    .init(.beijing, 2, "李娜", "party", hired: "2012-01-01"),
                ]))
            let coordinator = try await pages.get("/staff", as: "sz-coordinator")
            #expect(coordinator.status == .ok)
            #expect(coordinator.text.contains("张伟") && coordinator.text.contains(FixtureWorld.person(1)))
            #expect(!coordinator.text.contains("李娜") && !coordinator.text.contains(FixtureWorld.person(2)))

            let hr = try await pages.get("/staff", as: "sz-hr")
            #expect(hr.text.contains("张伟") && hr.text.contains(maskedID(FixtureWorld.person(1))))
            #expect(!hr.text.contains(FixtureWorld.person(1)))
            // By the last 4 characters shown, not by more of the number.
            let tail = String(FixtureWorld.person(1).suffix(4))
            #expect(try await pages.get("/staff?q=\(tail)", as: "sz-hr").text.contains("张伟"))
            let probe = try await pages.get("/staff?q=\(FixtureWorld.person(1).suffix(8))", as: "sz-hr")
            #expect(probe.status == .unprocessableContent && probe.text.contains("只能按身份证号的后 4 位查找"))
            let byName = try await pages.get("/staff?q=%E5%BC%A0", as: "sz-coordinator")  // 张
            #expect(byName.text.contains("张伟"))
            #expect(try await pages.get("/staff?q=%E7%8E%8B", as: "sz-coordinator").text.contains("没有符合条件的人员"))

            // A person's page, by the key in the list's link; masked for HR as well.
            let link = try #require(hr.matches(#"<a href="(/staff/\d+)">张伟</a>"#).first)
            let person = try await pages.get(link, as: "sz-hr")
            #expect(person.status == .ok && person.text.contains("工会") && person.text.contains("2012年1月1日"))
            #expect(
                person.text.contains(maskedID(FixtureWorld.person(1))) && !person.text.contains(FixtureWorld.person(1)))
            // Beijing's person is not in Shenzhen's scope: not found, as a key that names nobody.
            let beijing: Int = try world.db.query(
                "SELECT id FROM person WHERE id_number = \(FixtureWorld.person(2))"
            ).single().decode(0)
            #expect(try await pages.get("/staff/\(beijing)", as: "sz-coordinator").status == .notFound)
            #expect(try await pages.get("/staff/999999", as: "sz-coordinator").status == .notFound)
            // No user: the login.
            let anonymous = try await pages.get("/staff", as: nil)
            #expect(anonymous.status == .seeOther && anonymous.location == "/login")
        }
    }

    @Test func aHostileNameIsEscapedOnTheListThePersonPageAndTheErrorTable() async throws {
        try await withPages(users: Self.users) { _, world, pages in
            let hostile = "<script>alert(1)</script>"
            _ = try world.importStaff(FixtureWorld.staff([.init(.shenzhen, 1, hostile, "union", hired: "2012-01-01")]))
            let list = try await pages.get("/staff", as: "sz-coordinator")
            let link = try #require(list.matches(#"<a href="(/staff/\d+)">"#).first)
            let person = try await pages.get(link, as: "sz-coordinator")
            let csv =
                "enterprise_uscc,id_number,name,department\n"
                + "\(FixtureWorld.shenzhen),\(FixtureWorld.person(2)),李娜,\(hostile)\n"
            let refused = try await pages.upload(
                "/staff/import", as: "sz-coordinator", file: csv, named: "\(hostile).csv")
            for page in [list, person, refused] {
                #expect(!page.text.contains("<script>"))
            }
            #expect(list.text.contains("&lt;script&gt;") && person.text.contains("&lt;script&gt;"))
            #expect(refused.text.contains("&lt;script&gt;"))
        }
    }
}

/// A value handed to a @Sendable closure that runs while its owner waits for it.
final class Unchecked<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}

/// The ID number as the pages mask it: first 6 and last 4.
func maskedID(_ id: String) -> String {
    String(id.prefix(6)) + String(repeating: "*", count: id.count - 10) + String(id.suffix(4))
}
