import Foundation
public import Hummingbird
import OpenAPIHummingbird
import OpenAPIRuntime
import PostgresClient
import Workforce

/// The JSON API under /api/v1, generated from openapi.yaml (scripts/generate-api) and answered by
/// ``APIHandlers``.
public enum WorkforceAPI {
    /// Where the API's routes live.
    public static let prefix = "api/v1"

    /// Adds the API's routes, and only those openapi.yaml documents, under /api/v1 of `router`,
    /// with the middleware that answers every error as problem details.
    ///
    /// The server's own middleware must set ``RequestScope/current`` for each request (from the
    /// session cookie or the bearer token): every handler reads the user and the pool there.
    ///
    /// ```swift
    /// let router = Router(context: BasicRequestContext.self)
    /// router.add(middleware: SessionMiddleware(pool: pool))   // sets RequestScope.current
    /// try WorkforceAPI.register(on: router)
    /// ```
    public static func register<Context: RequestContext>(on router: Router<Context>) throws {
        let group = router.group(RouterPath(prefix)).add(middleware: ProblemMiddleware<Context>())
        try APIHandlers().registerHandlers(
            on: group, serverURL: URL(string: "/")!, middlewares: [WrittenJSONMiddleware()])
    }
}

/// The handlers of openapi.yaml's operations, one extension per area (APIHandlers+<Area>.swift).
struct APIHandlers: APIProtocol {
    /// Runs `body` in one transaction as the request's user (``RequestScope/transaction(_:)``),
    /// after making sure there is one: no token, or one that names no live session, is
    /// ``APIProblem/unauthorized``. (A one-time password does not bar the API: a program's user may
    /// never sign in on the pages, and its token is an admin's grant.)
    static func transaction<T: Sendable>(_ body: @escaping @Sendable (Connection) throws -> T) async throws -> T {
        guard let scope = RequestScope.current, scope.token != nil else { throw APIProblem.unauthorized }
        return try await scope.transaction { db in
            guard let user = scope.notes.actor else { throw APIProblem.unauthorized }
            scope.notes.userName = user.name
            return try body(db)
        }
    }

    /// Runs `body` for an operation whose path names an enterprise (/enterprises/{uscc}/…): the
    /// domain names a bad USCC by its `enterprise` field, the API by the path's `uscc`.
    static func enterpriseInPath<T>(_ body: () async throws -> T) async throws -> T {
        try await renamingField("enterprise", to: "uscc", body)
    }

    /// Runs `body`, naming a bad value of the domain's `field` by the API's parameter `name`
    /// (the region report's path names the domain's `region` as `code`).
    static func renamingField<T>(_ field: Field, to name: Field, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch WorkforceError.invalid(let bad, let value, let reason) where bad == field {
            throw WorkforceError.invalid(field: name, value: value, reason: reason)
        }
    }
}
