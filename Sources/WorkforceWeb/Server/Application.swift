import HTTPTypes
public import Hummingbird
public import Logging
import NIOCore
public import PostgresClient
import WorkforceOutput

/// The application `esw serve` runs: the router with its middleware and pages, listening where
/// `configuration` says, and a ``PoolService`` that closes `pool` once the server has drained.
/// Run it with `runService()`: SIGTERM or SIGINT stops accepting connections, lets the requests in
/// flight finish, then closes the pool.
public func makeApplication(
    configuration: WebConfiguration, pool: ConnectionPool, logger: Logger
) -> Application<RouterResponder<WebContext>> {
    Application(
        router: makeRouter(configuration: configuration, pool: pool, logger: logger),
        configuration: .init(address: .hostname(configuration.host, port: configuration.port)),
        services: [PoolService(pool: pool)], logger: logger)
}

/// The router of ``makeApplication(configuration:pool:logger:)``: the pages and the JSON API under
/// /api/v1 (``WorkforceAPI``), all behind the same middleware.
///
/// The middleware, outermost first: security headers (on every response), the access log (the
/// final status), error pages, the body limit, the session (``RequestScope/current`` for the
/// rest of the request) and the CSRF check.
public func makeRouter(
    configuration: WebConfiguration, pool: ConnectionPool, logger: Logger, csrfKey: CSRFKey = CSRFKey()
) -> Router<WebContext> {
    let router = Router(context: WebContext.self)
    router.add(middleware: SecurityHeadersMiddleware())
    router.add(middleware: AccessLogMiddleware(logger: logger))
    router.add(middleware: ErrorPageMiddleware(logger: logger, bodyLimitBytes: configuration.bodyLimitBytes))
    router.add(middleware: BodyLimitMiddleware(limit: configuration.bodyLimitBytes))
    router.add(
        middleware: SessionMiddleware(
            pool: pool, statementTimeoutMilliseconds: configuration.statementTimeoutMilliseconds,
            rowsPerUpload: configuration.rowsPerUpload))
    router.add(middleware: CSRFMiddleware(key: csrfKey, bodyLimit: configuration.bodyLimitBytes))

    router.get("static/esw.css") { _, _ in
        Response(
            status: .ok, headers: [.contentType: "text/css; charset=utf-8", .cacheControl: "max-age=3600"],
            body: .init(byteBuffer: ByteBuffer(string: WebPage.stylesheet)))
    }
    SignInPages(
        keys: csrfKey, secureCookies: configuration.secureCookies, behindProxy: configuration.behindProxy,
        formLimit: min(configuration.bodyLimitBytes, 64 * 1024)
    ).register(on: router)
    HomePage(rankedEnterprises: configuration.rankedEnterprises, today: configuration.today)
        .register(on: router)
    RosterPages.addRoutes(to: router)
    EventPages.addRoutes(to: router)
    HRPages(today: configuration.today).addRoutes(to: router)
    ExamPages.addRoutes(to: router)
    PilotPages.addRoutes(to: router)
    ReportPages.addRoutes(to: router)
    do {
        try WorkforceAPI.register(on: router)
    } catch {
        // Registering documented operations on a new router cannot fail but for a bug.
        preconditionFailure("the JSON API's routes could not be registered: \(error)")
    }
    return router
}

extension Application {
    /// Serves until SIGTERM or SIGINT, then shuts down gracefully: stops accepting connections,
    /// lets the requests in flight finish, then runs the other services' shutdown (the pool's).
    public func runUntilSignalled() async throws {
        try await runService()
    }
}
