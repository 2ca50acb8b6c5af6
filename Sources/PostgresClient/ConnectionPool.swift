import Dispatch

/// Shares a few connections among concurrent tasks.
///
/// A connection is lent to one closure at a time and the closure runs on that connection's own
/// serial dispatch queue, not on Swift's cooperative pool, because libpq calls block. (A serial
/// queue gets a thread of its own; one shared concurrent queue ran only 2–4 blocking closures at
/// once on Linux, whatever the pool's size.) Lending costs no round trip: health is
/// checked when a connection comes back, and one that is broken (libpq reports it bad, it is left
/// inside a transaction, or the closure threw a connection failure) is dropped, not kept.
///
/// A connection can still break while it sits idle (the server restarted, its backend was
/// terminated). The closure then fails on its first statement, and the pool runs it once more on
/// a freshly opened connection, exactly when all of these hold:
///
/// - the closure threw a ``PostgresError`` whose ``PostgresError/isConnectionFailure`` is true;
/// - the server answered no statement on that connection during this loan (so nothing the
///   closure sent was acknowledged, and no transaction of the closure was committed);
/// - it is the first attempt: the retry itself is never retried.
///
/// The closure therefore runs from the start a second time; work it did before its first statement
/// happens twice. In the rare case that the server dies while executing that first statement, an
/// autocommitted statement may have taken effect without its answer arriving; statements that must
/// not run twice belong in a transaction with a check, as always with lost connections.
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
    private var lentCount = 0
    private var waiters: [Waiter] = []
    private var nextWaiterID = 0
    private var nextQueueNumber = 0
    private var closed = false
    private let acquireTimeout: Duration?

    /// - Parameters:
    ///   - conninfo: passed to libpq verbatim; nil lets libpq's PG* variables decide.
    ///   - maximumConnections: how many connections may be open at once.
    ///   - acquireTimeout: how long a loan waits for a free connection before it throws
    ///     ``PoolExhausted``; nil waits as long as it takes.
    public init(conninfo: String?, maximumConnections: Int = 4, acquireTimeout: Duration? = nil) {
        precondition(maximumConnections > 0, "a pool needs at least one connection")
        self.conninfo = conninfo
        self.maximumConnections = maximumConnections
        self.acquireTimeout = acquireTimeout
    }

    /// Closes the idle connections and every lent one as it comes back; a loan asked for after
    /// this throws ``PoolClosed``, and so does one still waiting for a connection.
    public func close() {
        closed = true
        idle.removeAll()  // Connection's deinit calls PQfinish
        openCount = lentCount
        for waiter in waiters { waiter.continuation.resume(throwing: PoolClosed()) }
        waiters.removeAll()
    }

    /// How many connections are open now, lent or idle.
    public var openConnections: Int { openCount }

    /// Lends a connection to `body`, which runs off the cooperative thread pool.
    public func withConnection<T: Sendable>(_ body: @escaping @Sendable (Connection) throws -> T) async throws -> T {
        let lent = try await acquire()
        let conninfo = self.conninfo
        let outcome: Result<T, any Error> = await withCheckedContinuation { continuation in
            lent.queue.async {
                continuation.resume(
                    returning: Result {
                        let answeredBefore = lent.connection.answeredStatements
                        do {
                            return try body(lent.connection)
                        } catch let error as PostgresError
                            where error.isConnectionFailure && lent.connection.answeredStatements == answeredBefore
                        {
                            // Dead before the server answered anything: run the body once on a new connection.
                            lent.connection = try Connection(conninfo: conninfo)
                            return try body(lent.connection)
                        }
                    })
            }
        }
        let threwConnectionFailure = (outcome.error as? PostgresError)?.isConnectionFailure == true
        release(lent, keep: !threwConnectionFailure)
        return try outcome.get()
    }

    private func acquire() async throws -> LentConnection {
        let deadline = acquireTimeout.map { ContinuousClock.now + $0 }
        while true {
            if closed { throw PoolClosed() }
            if let candidate = idle.popLast() {
                lentCount += 1
                return candidate
            }
            if openCount < maximumConnections {
                openCount += 1
                lentCount += 1
                let conninfo = self.conninfo
                nextQueueNumber += 1
                let queue = DispatchQueue(label: "esw.postgres.pool.\(nextQueueNumber)")
                let made: Result<LentConnection, any Error> = await withCheckedContinuation { continuation in
                    queue.async {
                        continuation.resume(
                            returning: Result { LentConnection(try Connection(conninfo: conninfo), queue: queue) })
                    }
                }
                switch made {
                case .success(let connection): return connection
                case .failure(let error):
                    openCount -= 1
                    lentCount -= 1
                    wakeOneWaiter()
                    throw error
                }
            }
            try await waitForRelease(until: deadline)
        }
    }

    /// Waits until a connection comes back, the pool closes (``PoolClosed``) or the deadline
    /// passes (``PoolExhausted``).
    private func waitForRelease(until deadline: ContinuousClock.Instant?) async throws {
        nextWaiterID += 1
        let id = nextWaiterID
        if let deadline {
            Task { [weak self] in
                try? await Task.sleep(until: deadline, clock: .continuous)
                await self?.expire(waiter: id)
            }
        }
        try await withCheckedThrowingContinuation { waiters.append(Waiter(id: id, continuation: $0)) }
    }

    private func expire(waiter id: Int) {
        guard let index = waiters.firstIndex(where: { $0.id == id }) else { return }
        waiters.remove(at: index).continuation.resume(throwing: PoolExhausted())
    }

    /// Takes a connection back: kept for the next loan only when it is healthy and the pool open.
    private func release(_ lent: LentConnection, keep: Bool) {
        lentCount -= 1
        if keep && !closed && lent.connection.checkHealth() {
            idle.append(lent)
        } else {
            openCount -= 1
        }
        wakeOneWaiter()
    }

    private func wakeOneWaiter() {
        if !waiters.isEmpty { waiters.removeFirst().continuation.resume() }
    }
}

private struct Waiter {
    let id: Int
    let continuation: CheckedContinuation<Void, any Error>
}

/// No connection came free within the pool's acquire timeout: the server is busy (a web server
/// answers 503).
public struct PoolExhausted: Error, Sendable, CustomStringConvertible {
    public var description: String { "no database connection came free in time" }
}

/// A loan asked of a pool that was closed (the server is shutting down).
public struct PoolClosed: Error, Sendable, CustomStringConvertible {
    public var description: String { "the connection pool is closed" }
}

/// A connection while it belongs to the pool. The pool guarantees that only one closure uses it
/// at a time, which is what makes handing it across threads sound.
private final class LentConnection: @unchecked Sendable {
    var connection: Connection
    /// Serial, so that it has a thread of its own: libpq blocks it, not a shared one.
    let queue: DispatchQueue
    init(_ connection: Connection, queue: DispatchQueue) {
        self.connection = connection
        self.queue = queue
    }
}

extension Result {
    fileprivate var error: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
