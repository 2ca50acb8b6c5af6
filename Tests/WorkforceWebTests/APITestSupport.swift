import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PostgresClient
import TestSupport
import Testing
import Workforce
import WorkforceWeb

/// In tests only: `Authorization: Bearer <token>` (a token from Session.open) becomes the
/// request's ``RequestScope``; web-core's server does this for cookies and API tokens.
struct BearerScope<Context: RequestContext>: RouterMiddleware {
    let pool: ConnectionPool

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        let header = request.headers[.authorization] ?? ""
        let token = header.hasPrefix("Bearer ") ? SessionToken(presented: String(header.dropFirst(7))) : nil
        let scope = RequestScope(pool: pool, token: token, statementTimeoutMilliseconds: 10_000)
        return try await RequestScope.$current.withValue(scope) { try await next(request, context) }
    }
}

/// The API over the access world (three enterprises, a user of each role) in a schema of its own.
struct APIWorld {
    let world: AccessWorld
    let client: any TestClientProtocol
    /// Bearer tokens by user name.
    let tokens: [String: String]

    static func run(_ body: @Sendable (APIWorld) async throws -> Void) async throws {
        try await TestDatabase.withSchema { (conninfo: String) async throws in
            let pool = ConnectionPool(conninfo: conninfo, maximumConnections: 2)
            let router = Router(context: BasicRequestContext.self)
            router.add(middleware: BearerScope(pool: pool))
            try WorkforceAPI.register(on: router)
            let app = Application(router: router)
            try await app.test(.router) { client in
                // Built here: the world's connections stay in this closure.
                let world = try AccessWorld(owner: try Connection(conninfo: conninfo), conninfo: conninfo)
                var tokens: [String: String] = [:]
                for user in AccessWorld.users {
                    let token = try Session.open(
                        try Connection(conninfo: conninfo), user: user.name, password: world.passwords[user.name]!)
                    tokens[user.name] = token.textForClient
                }
                try await body(APIWorld(world: world, client: client, tokens: tokens))
            }
            await pool.close()
        }
    }

    /// A request as `user` (nil: without a token); the status, the content type and the body.
    func call(
        _ method: HTTPRequest.Method, _ path: String, as user: String?, json body: String? = nil,
        headers extra: HTTPFields = [:], body raw: ByteBuffer? = nil
    ) async throws -> APIResponse {
        var headers = extra
        if let user { headers[.authorization] = "Bearer " + tokens[user]! }
        var buffer = raw
        if let body {
            headers[.contentType] = "application/json"
            buffer = ByteBuffer(string: body)
        }
        return try await client.execute(uri: "/api/v1" + path, method: method, headers: headers, body: buffer) {
            APIResponse(
                status: $0.status, contentType: $0.headers[.contentType] ?? "", body: String(buffer: $0.body))
        }
    }

    /// Every item of a list, page after page, following `next_cursor` from `path` (a query of
    /// its own or none), `limit` a page, until the last page; with the number of pages. Each page must be 200
    /// with at most `limit` items; more than `maximumPages` pages is a failure (a cursor that
    /// does not advance).
    func walk(_ path: String, limit: Int, as user: String, maximumPages: Int = 50) async throws
        -> (items: [[String: Any]], pages: Int)
    {
        var items: [[String: Any]] = []
        var cursor: String?
        var pages = 0
        repeat {
            let query = (path.contains("?") ? "&" : "?") + "limit=\(limit)" + (cursor.map { "&cursor=" + $0 } ?? "")
            let page = try await call(.get, path + query, as: user)
            #expect(page.status == .ok, "\(page.body)")
            let object = try page.object
            let shown = try #require(object["items"] as? [[String: Any]])
            #expect(shown.count <= limit)
            items += shown
            cursor = object["next_cursor"] as? String
            pages += 1
        } while cursor != nil && pages < maximumPages
        #expect(cursor == nil, "more than \(maximumPages) pages")
        return (items, pages)
    }

    /// A multipart/form-data upload of `csv` as the part `file`.
    func upload(_ csv: String, to path: String, as user: String) async throws -> APIResponse {
        let boundary = "esw-test-boundary"
        let form =
            "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"roster.csv\"\r\n"
            + "Content-Type: text/csv\r\n\r\n\(csv)\r\n--\(boundary)--\r\n"
        return try await call(
            .post, path, as: user, headers: [.contentType: "multipart/form-data; boundary=\(boundary)"],
            body: ByteBuffer(string: form))
    }
}

struct APIResponse: Sendable {
    let status: HTTPResponse.Status
    let contentType: String
    let body: String

    /// The body as a JSON object.
    var object: [String: Any] {
        get throws {
            let value = try JSONSerialization.jsonObject(with: Data(body.utf8))
            return try #require(value as? [String: Any], "not a JSON object: \(body)")
        }
    }

    /// Checks that this is a problem details document of `status` and `kind`, with the documented
    /// members and nothing of SQL in it.
    func expectProblem(_ status: HTTPResponse.Status, _ kind: String, sourceLocation: SourceLocation = #_sourceLocation)
        throws
    {
        #expect(self.status == status, "\(body)", sourceLocation: sourceLocation)
        #expect(contentType == "application/problem+json", sourceLocation: sourceLocation)
        let problem = try object
        #expect(problem["type"] as? String == "https://esw.example/problems/" + kind, sourceLocation: sourceLocation)
        #expect(problem["status"] as? Int == Int(status.code), sourceLocation: sourceLocation)
        #expect((problem["title"] as? String)?.isEmpty == false, sourceLocation: sourceLocation)
        #expect((problem["detail"] as? String)?.isEmpty == false, sourceLocation: sourceLocation)
        for sql in ["SELECT", "INSERT", "UPDATE", "DELETE", "$1", "SQLSTATE 42", "stack", "Error("] {
            #expect(!body.contains(sql), "\(sql) in \(body)", sourceLocation: sourceLocation)
        }
    }
}
