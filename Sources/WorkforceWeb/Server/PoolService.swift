public import PostgresClient
public import ServiceLifecycle

/// Closes the connection pool when the server has drained: added to the application's services,
/// it shuts down after the HTTP server (a service group stops its services in reverse order), so
/// requests in flight finish with their connections and only then are the connections closed.
public struct PoolService: Service {
    let pool: ConnectionPool

    public init(pool: ConnectionPool) {
        self.pool = pool
    }

    public func run() async throws {
        // Waits for the graceful shutdown (SIGTERM/SIGINT), or for cancellation.
        try? await gracefulShutdown()
        await pool.close()
    }
}
