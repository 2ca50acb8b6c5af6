import Dispatch

/// Shares a few connections among concurrent tasks.
///
/// A connection is lent to one closure at a time and the closure runs on a dispatch thread, not on
/// Swift's cooperative pool, because libpq calls block. Before a connection is lent it answers an
/// empty round trip; one that broke while idle (the server restarted, its backend was terminated)
/// is replaced there and then, and one that broke while lent is dropped when it comes back.
///
/// ```swift
/// let pool = ConnectionPool(conninfo: url, maximumConnections: 4)
/// let count = try await pool.withConnection { db in
///     try db.query("SELECT count(*) FROM person").single().decode(0, as: Int.self)
/// }
/// ```
///
/// The connection passed to the closure must not escape it.
public actor ConnectionPool {
    private let conninfo: String?
    private let maximumConnections: Int
    private var idle: [LentConnection] = []
    private var openCount = 0
    private var waiters: [CheckedContinuation<Void, Never>] = []
    private let queue = DispatchQueue(label: "esw.postgres.pool", attributes: .concurrent)

    /// - Parameters:
    ///   - conninfo: passed to libpq verbatim; nil lets libpq's PG* variables decide.
    ///   - maximumConnections: how many connections may be open at once.
    public init(conninfo: String?, maximumConnections: Int = 4) {
        precondition(maximumConnections > 0, "a pool needs at least one connection")
        self.conninfo = conninfo
        self.maximumConnections = maximumConnections
    }

    /// How many connections are open now, lent or idle.
    public var openConnections: Int { openCount }

    /// Lends a connection to `body`, which runs off the cooperative thread pool.
    public func withConnection<T: Sendable>(_ body: @escaping @Sendable (Connection) throws -> T) async throws -> T {
        let lent = try await acquire()
        let queue = self.queue
        let conninfo = self.conninfo
        let outcome: Result<T, any Error> = await withCheckedContinuation { continuation in
            queue.async {
                continuation.resume(returning: Result {
                    if !lent.connection.ping() { lent.connection = try Connection(conninfo: conninfo) }
                    return try body(lent.connection)
                })
            }
        }
        release(lent)
        return try outcome.get()
    }

    /// Lends a connection to `body` inside a transaction that commits when it returns and rolls
    /// back when it throws.
    public func withTransaction<T: Sendable>(_ body: @escaping @Sendable (Connection) throws -> T) async throws -> T {
        try await withConnection { connection in try connection.transaction(body) }
    }

    private func acquire() async throws -> LentConnection {
        while true {
            if let candidate = idle.popLast() { return candidate }
            if openCount < maximumConnections {
                openCount += 1
                let conninfo = self.conninfo
                let queue = self.queue
                let made: Result<LentConnection, any Error> = await withCheckedContinuation { continuation in
                    queue.async {
                        continuation.resume(returning: Result { LentConnection(try Connection(conninfo: conninfo)) })
                    }
                }
                switch made {
                case .success(let connection): return connection
                case .failure(let error):
                    openCount -= 1
                    wakeOneWaiter()
                    throw error
                }
            }
            await withCheckedContinuation { waiters.append($0) }
        }
    }

    private func release(_ lent: LentConnection) {
        if lent.connection.checkHealth() {
            idle.append(lent)
        } else {
            openCount -= 1
        }
        wakeOneWaiter()
    }

    private func wakeOneWaiter() {
        if !waiters.isEmpty { waiters.removeFirst().resume() }
    }
}

/// A connection while it belongs to the pool. The pool guarantees that only one closure uses it
/// at a time, which is what makes handing it across threads sound.
private final class LentConnection: @unchecked Sendable {
    var connection: Connection
    init(_ connection: Connection) { self.connection = connection }
}
