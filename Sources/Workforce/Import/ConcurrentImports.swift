import Foundation
import PostgresClient

/// A merge found, after writing, that the database does not hold what the file says: a concurrent
/// import committed other values for the same keys (a name, a hiring date, a certificate's holder)
/// after this import's checks had run. The transaction is rolled back and the import runs again,
/// when its checks see the other import's rows and either report them per line or agree.
///
/// Thrown out of an import only when every attempt met such a change.
public struct ConcurrentChange: Error, Sendable, CustomStringConvertible {
    /// The table whose rows changed under the import ("person", "employment").
    public let table: String
    /// How many times the import ran.
    public var attempts: Int

    public var description: String {
        "concurrent imports kept changing the same \(table) rows (tried \(attempts) times); nothing was written"
    }
}

extension ImportPipeline {
    /// Runs the import of one file: ``run(paths:on:options:)``.
    func run(path: String, on db: Connection, options: ImportOptions) throws -> ImportSummary {
        try run(paths: [path], on: db, options: options)[0]
    }

    /// Runs the import (``runOnce(paths:on:options:)``), and runs all of it again — the files re-read,
    /// the rows validated, staged and checked anew — when a concurrent transaction got in the way: a
    /// deadlock or serialization failure the server reported (``RetryPolicy/isTransient(_:)``), or a
    /// ``ConcurrentChange`` the merge found. At most ``RetryPolicy/transactions`` attempts, with a
    /// jittered exponential wait in between; the last error is thrown as it was.
    ///
    /// A rejects file saved by an attempt that was then rolled back is replaced by the next
    /// attempt's: it is this import's own file, and must describe the attempt that committed.
    func run(paths: [String], on db: Connection, options: ImportOptions) throws -> [ImportSummary] {
        let saved = SavedRejects()
        var options = options
        if let save = options.saveRejects {
            options.saveRejects = { rejected, path in
                try save(rejected, path)
                saved.mark()
            }
        }
        let policy = RetryPolicy.transactions
        do {
            let retriable: (any Error) -> Bool = { RetryPolicy.isTransient($0) || $0 is ConcurrentChange }
            return try policy.run(isRetriable: retriable) { _ in
                var attempt = options
                if saved.happened { attempt.replaceRejects = true }
                return try runOnce(paths: paths, on: db, options: attempt)
            }
        } catch var error as ConcurrentChange {
            error.attempts = policy.attempts
            throw error
        }
    }

    /// Runs `body`, turning a unique violation of `constraint` into a ``ConcurrentChange`` of `table`:
    /// for a key that the checks cover, so that only a concurrent import can have broken it.
    static func concurrentChange<T>(ifViolating constraint: String, of table: String, _ body: () throws -> T) throws
        -> T
    {
        do {
            return try body()
        } catch let error as PostgresError where error.sqlState == .uniqueViolation && error.constraint == constraint {
            throw ConcurrentChange(table: table, attempts: 1)
        }
    }

    /// Throws ``ConcurrentChange`` when `query`, run after a merge, counts rows of the staging
    /// table that the tables do not hold as the file has them.
    static func expectMerged(_ db: Connection, table: String, _ query: SQLQuery) throws {
        let missing: Int = try db.query(query).single().decode(0)
        if missing > 0 { throw ConcurrentChange(table: table, attempts: 1) }
    }
}

/// Whether an attempt of an import saved its rejects file.
private final class SavedRejects: @unchecked Sendable {
    private let lock = NSLock()
    private var saved = false

    func mark() { lock.withLock { saved = true } }
    var happened: Bool { lock.withLock { saved } }
}
