#if canImport(Glibc)
internal import Glibc
#elseif canImport(Darwin)
internal import Darwin
#endif

/// Runs a whole transaction again when PostgreSQL aborted it because of a concurrent one: a
/// serialization failure (`40001`) or a deadlock (`40P01`), a bounded number of times, waiting a
/// jittered, exponentially growing time between attempts.
///
/// The body must be the *whole* transaction, from its first statement (and whatever it read
/// before, such as a file) to its commit: after such an error the server has rolled everything
/// back, and only a fresh start can succeed. A lost connection is never retried here (the
/// outcome of a commit in flight is unknown), nor is any other error.
///
/// ```swift
/// let summary = try RetryPolicy.transactions.run { attempt in
///     try db.transaction { db in try merge(db) }
/// }
/// ```
///
/// Related PostgreSQL documentation:
/// <https://www.postgresql.org/docs/current/mvcc-serialization-failure-handling.html>
public struct RetryPolicy: Sendable {
    /// How many times the body runs at most (the first attempt included).
    public var attempts: Int
    /// The wait before the second attempt, in seconds; it doubles for each further attempt.
    public var firstDelay: Double
    /// The longest wait between two attempts, in seconds.
    public var maximumDelay: Double

    public init(attempts: Int = 5, firstDelay: Double = 0.05, maximumDelay: Double = 2) {
        self.attempts = max(1, attempts)
        self.firstDelay = firstDelay
        self.maximumDelay = maximumDelay
    }

    /// Five attempts, waiting 25–50 ms, 50–100 ms, 100–200 ms and 200–400 ms in between.
    public static let transactions = RetryPolicy()

    /// Whether an error means "a concurrent transaction got in the way; the same work may succeed
    /// if started again": a serialization failure or a deadlock.
    public static func isTransient(_ error: any Error) -> Bool {
        guard let error = error as? PostgresError, !error.isConnectionFailure else { return false }
        return error.sqlState == .serializationFailure || error.sqlState == .deadlockDetected
    }

    /// The wait before attempt `attempt` (2 or more): half the exponential delay plus a random
    /// part of up to the other half, so that two sessions that collided do not collide again.
    public func delay(beforeAttempt attempt: Int) -> Double {
        let exponential = min(maximumDelay, firstDelay * Double(1 << min(max(attempt - 2, 0), 20)))
        return exponential / 2 + Double.random(in: 0...(exponential / 2))
    }

    /// Runs `body` (given the attempt number, from 1) until it returns, it throws an error that
    /// `isRetriable` does not accept, or it has run ``attempts`` times; then the last error is
    /// rethrown as it was.
    public func run<T>(
        isRetriable: (any Error) -> Bool = RetryPolicy.isTransient, _ body: (_ attempt: Int) throws -> T
    ) throws -> T {
        var attempt = 1
        while true {
            do {
                return try body(attempt)
            } catch  where attempt < attempts && isRetriable(error) {
                attempt += 1
                usleep(useconds_t(delay(beforeAttempt: attempt) * 1_000_000))
            }
        }
    }
}
