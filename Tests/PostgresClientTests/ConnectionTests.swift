import CalendarDates
import Foundation
import PostgresClient
import TestSupport
import Testing

@Suite(.database) struct ConnectionTests {
    @Test func valuesRoundTripThroughParameters() throws {
        try TestDatabase.withSchema(migrated: false) { db in
            let awkward = [
                "it's", #"back\slash"#, "\"quoted\"", "张伟", "社会工作师 🎓", "tab\tand\nnewline",
                "$1 not a param", "",
            ]
            for value in awkward {
                let echoed: String = try db.query("SELECT \(value)::text").single().decode(0)
                #expect(echoed == value)
            }
            let nothing: String? = try db.query("SELECT \(nil as String?)::text").single().decode(0)
            #expect(nothing == nil)
            let row = try db.query(
                """
                SELECT \(42)::bigint, \(true), \(CalendarDate(iso: "2013-06-01")!), \(Decimal(string: "12345.67")!),
                       \(0.5)
                """
            ).single()
            #expect(try row.decode(0, as: Int.self) == 42)
            #expect(try row.decode(1, as: Bool.self) == true)
            #expect(try row.decode(2, as: CalendarDate.self) == CalendarDate(iso: "2013-06-01"))
            #expect(try row.decode(3, as: Decimal.self) == Decimal(string: "12345.67"))
            #expect(try row.decode(4, as: Double.self) == 0.5)
        }
    }

    @Test func decodingErrorsNameTheColumnAndType() throws {
        try TestDatabase.withSchema(migrated: false) { db in
            let row = try db.query("SELECT NULL::int AS hired, 'abc' AS headcount").single()
            let nullError = #expect(throws: PostgresDecodingError.self) { try row.decode("hired", as: Int.self) }
            #expect(nullError?.description.contains("'hired'") == true)
            #expect(nullError?.reason == .unexpectedNull)
            let textError = #expect(throws: PostgresDecodingError.self) { try row.decode("headcount", as: Int.self) }
            #expect(textError?.description.contains("'headcount'") == true)
            #expect(textError?.description.contains("Int") == true)
            #expect(textError?.valueForDiagnostics == "abc")
            #expect(textError?.description.contains("abc") == false)
        }
    }

    @Test func constraintViolationsCarrySQLStateAndConstraintName() throws {
        try TestDatabase.withSchema(migrated: false) { db in
            try db.execute(
                script: """
                    CREATE TABLE account (email text CONSTRAINT account_email_key UNIQUE,
                                          age int CONSTRAINT account_age_check CHECK (age >= 0))
                    """)
            try db.execute("INSERT INTO account VALUES (\("a@example.com"), 1)")
            do {
                try db.execute("INSERT INTO account VALUES (\("a@example.com"), 2)")
                Issue.record("a duplicate was accepted")
            } catch SQLState.uniqueViolation {
            }
            let unique = #expect(throws: PostgresError.self) {
                try db.execute("INSERT INTO account VALUES (\("a@example.com"), 2)")
            }
            #expect(unique?.constraint == "account_email_key")
            #expect(unique?.diagnosticDetail?.contains("a@example.com") == true)
            #expect(unique?.description.contains(SQLState.uniqueViolation.code) == true)
            #expect(unique?.description.contains("a@example.com") == false)
            let check = #expect(throws: PostgresError.self) {
                try db.execute("INSERT INTO account VALUES (\("b@example.com"), -1)")
            }
            #expect(check?.sqlState == .checkViolation)
            #expect(check?.constraint == "account_age_check")
            #expect(check?.table == "account")
        }
    }

    @Test func transactionRollsBackWhenTheBodyThrows() throws {
        struct Abort: Error {}
        try TestDatabase.withSchema(migrated: false) { db in
            try db.execute(script: "CREATE TABLE item (name text)")
            #expect(throws: Abort.self) {
                try db.transaction { db in
                    try db.execute("INSERT INTO item VALUES (\("lost"))")
                    throw Abort()
                }
            }
            try db.transaction { db in
                try db.execute("INSERT INTO item VALUES (\("kept"))")
                // A failing savepoint undoes only its own work.
                _ = try? db.savepoint { db in
                    try db.execute("INSERT INTO item VALUES (\("inner"))")
                    throw Abort()
                }
            }
            let names = try db.query("SELECT name FROM item ORDER BY name").map { try $0.decode(0, as: String.self) }
            #expect(names == ["kept"])
            #expect(!db.isInTransaction)
        }
    }

    @Test func aPipelineAnswersEachStatementInOrderAndStopsAtTheFirstError() throws {
        try TestDatabase.withSchema(migrated: false) { db in
            try db.execute(script: "CREATE TABLE item (name text PRIMARY KEY)")
            let results = try db.pipeline([
                "SELECT \(7)::int", "INSERT INTO item VALUES (\("a"))", "SELECT count(*) FROM item",
            ])
            #expect(try results[0].single().decode(0, as: Int.self) == 7)
            #expect(try results[2].single().decode(0, as: Int.self) == 1)
            #expect(results[1].affectedRows == 1)

            // The duplicate fails, the server skips what follows it, and outside a transaction the
            // pipeline is one: nothing of it is kept. The connection goes on.
            let error = #expect(throws: PostgresError.self) {
                try db.pipeline([
                    "INSERT INTO item VALUES (\("b"))", "INSERT INTO item VALUES (\("a"))",
                    "INSERT INTO item VALUES (\("c"))",
                ])
            }
            #expect(error?.sqlState == .uniqueViolation)
            let names = try db.query("SELECT name FROM item ORDER BY name").map { try $0.decode(0, as: String.self) }
            #expect(names == ["a"])
        }
    }

    @Test func aTransactionsOpeningStatementsGoWithItsBeginAndRollBackWithIt() throws {
        struct Abort: Error {}
        try TestDatabase.withSchema(migrated: false) { db in
            try db.execute(script: "CREATE TABLE item (name text)")
            let seen = try db.transaction(opening: ["SELECT set_config('esw.test', 'on', true)", "SELECT 2 + 2"]) {
                db, results in
                #expect(db.isInTransaction)
                #expect(try results.last?.single().decode(0, as: Int.self) == 4)
                return try db.query("SELECT current_setting('esw.test')").single().decode(0, as: String.self)
            }
            #expect(seen == "on")
            // LOCAL settings ended with the transaction.
            #expect(
                try db.query("SELECT current_setting('esw.test', true)").single().decode(0, as: String?.self) != "on")
            #expect(throws: Abort.self) {
                try db.transaction(opening: ["INSERT INTO item VALUES ('lost')"]) { _, _ in throw Abort() }
            }
            #expect(throws: PostgresError.self) {
                try db.transaction(opening: ["SELECT 1 / 0"]) { _, _ in Issue.record("the body ran after an error") }
            }
            #expect(try db.query("SELECT count(*) FROM item").single().decode(0, as: Int.self) == 0)
            #expect(!db.isInTransaction)
        }
    }

    @Test func copyStreamsOneHundredThousandRows() throws {
        try TestDatabase.withSchema(migrated: false) { db in
            try db.execute(script: "CREATE TABLE bulk (n int, label text)")
            let stored = try db.copyIn(CopyStatement(table: "bulk", columns: ["n", "label"])) { writer in
                for n in 0..<100_000 { try writer.writeRow([String(n), n % 1000 == 0 ? nil : "行\t\(n)\\"]) }
            }
            #expect(stored == 100_000)
            let row = try db.query("SELECT count(*), sum(n), count(label), max(label) FILTER (WHERE n = 1) FROM bulk")
                .single()
            #expect(try row.decode(0, as: Int.self) == 100_000)
            #expect(try row.decode(1, as: Int.self) == 4_999_950_000)
            #expect(try row.decode(2, as: Int.self) == 99_900)
            #expect(try row.decode(3, as: String.self) == "行\t1\\")
        }
    }

    @Test func copyErrorsFromTheServerAreThrownAndLeaveTheConnectionUsable() throws {
        try TestDatabase.withSchema(migrated: false) { db in
            try db.execute(script: "CREATE TABLE bulk (n int NOT NULL)")
            let error = #expect(throws: PostgresError.self) {
                try db.copyIn(CopyStatement(table: "bulk", columns: ["n"])) { writer in
                    try writer.writeRow(["1"])
                    try writer.writeRow(["not a number"])
                }
            }
            #expect(error?.sqlState == .invalidTextRepresentation)
            #expect(try db.query("SELECT count(*) FROM bulk").single().decode(0, as: Int.self) == 0)
        }
    }

    @Test func unreachableServerIsAConnectionError() throws {
        let error = #expect(throws: PostgresError.self) {
            _ = try Connection(conninfo: "postgresql://nobody@127.0.0.1:1/none?connect_timeout=2")
        }
        #expect(error?.kind == .connection)
        #expect(error?.isConnectionFailure == true)
    }
}

@Suite(.database) struct ConnectionPoolTests {
    @Test func concurrentTasksShareAFewConnections() async throws {
        let pool = ConnectionPool(conninfo: try TestDatabase.localURL(), maximumConnections: 3)
        let pids = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<20 {
                group.addTask {
                    try await pool.withConnection { db in
                        try db.query("SELECT pg_backend_pid() FROM pg_sleep(0.01)").single().decode(0, as: Int.self)
                    }
                }
            }
            return try await group.reduce(into: Set<Int>()) { $0.insert($1) }
        }
        #expect(pids.count <= 3)
        #expect(await pool.openConnections <= 3)
    }

    @Test func aKilledConnectionIsReplaced() async throws {
        let pool = ConnectionPool(conninfo: try TestDatabase.localURL(), maximumConnections: 1)
        let firstPID = try await pool.withConnection { db in db.backendPID }
        let killer = try Connection(conninfo: try TestDatabase.localURL())
        try killer.execute("SELECT pg_terminate_backend(\(firstPID)::int)")
        // Wait until the server has really ended it.
        for _ in 0..<100 {
            let alive = try killer.query("SELECT count(*) FROM pg_stat_activity WHERE pid = \(firstPID)").single()
                .decode(0, as: Int.self)
            if alive == 0 { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        let secondPID = try await pool.withConnection { db in
            try db.query("SELECT pg_backend_pid()").single().decode(0, as: Int.self)
        }
        #expect(secondPID != firstPID)
        #expect(await pool.openConnections == 1)
    }

    @Test func anIdlePooledConnectionKilledBetweenLoansIsReplacedAndTheBodyRunsOnceMore() async throws {
        let pool = ConnectionPool(conninfo: TestDatabase.url, maximumConnections: 1)
        let idlePID = try await pool.withConnection { db in db.backendPID }
        try await terminate(idlePID)
        let attempts = Counter()
        let pid = try await pool.withConnection { db in
            attempts.increment()
            return try db.query("SELECT pg_backend_pid()").single().decode(0, as: Int.self)
        }
        #expect(pid != idlePID)
        #expect(attempts.value == 2)
        #expect(await pool.openConnections == 1)
        // The fresh connection stays in the pool.
        #expect(try await pool.withConnection { db in db.backendPID } == pid)
    }

    @Test func aConnectionLostAfterTheServerAnsweredIsNotRetriedAndIsDropped() async throws {
        let pool = ConnectionPool(conninfo: TestDatabase.url, maximumConnections: 1)
        let attempts = Counter()
        let error = await #expect(throws: PostgresError.self) {
            try await pool.withConnection { db in
                attempts.increment()
                _ = try db.query("SELECT 1")
                try db.execute("SELECT pg_terminate_backend(pg_backend_pid())")
            }
        }
        #expect(error?.isConnectionFailure == true)
        #expect(attempts.value == 1)
        #expect(await pool.openConnections == 0)
        #expect(try await pool.withConnection { db in try db.query("SELECT 1").single().decode(0, as: Int.self) } == 1)
    }

    @Test func aStatementTimeoutKeepsThePooledConnection() async throws {
        let pool = ConnectionPool(conninfo: TestDatabase.url, maximumConnections: 1)
        let attempts = Counter()
        let pid = try await pool.withConnection { db in db.backendPID }
        let error = await #expect(throws: PostgresError.self) {
            try await pool.withConnection { db in
                attempts.increment()
                try db.execute(script: "SET statement_timeout = 50")
                defer { _ = try? db.execute(script: "RESET statement_timeout") }
                try db.execute("SELECT pg_sleep(5)")
            }
        }
        #expect(error?.sqlState == .queryCanceled)
        #expect(attempts.value == 1)
        #expect(try await pool.withConnection { db in db.backendPID } == pid)
    }

    @Test func everyPooledConnectionRunsItsBlockingCallAtTheSameTime() async throws {
        // A libpq call blocks its thread; a pool of 8 must run 8 of them at once, not 2 or 4.
        let pool = ConnectionPool(conninfo: TestDatabase.url, maximumConnections: 8)
        let running = HighWaterMark()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    try await pool.withConnection { db in
                        running.enter()
                        defer { running.leave() }
                        // Held until all 8 have entered (or 10 s passed, and the count below fails).
                        for _ in 0..<500 where running.highest < 8 { _ = try db.query("SELECT pg_sleep(0.02)") }
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(running.highest == 8)
    }

    @Test func aLoanThatWaitsPastTheAcquireTimeoutIsRefused() async throws {
        let pool = ConnectionPool(conninfo: TestDatabase.url, maximumConnections: 1, acquireTimeout: .milliseconds(100))
        // The only connection is held from before the second loan until after it gave up, however
        // slow the machine: no sleep decides the order.
        let (held, holding) = AsyncStream<Void>.makeStream()
        let release = DispatchSemaphore(value: 0)
        let holder = Task {
            try await pool.withConnection { _ in
                holding.yield()
                release.wait()
            }
        }
        for await _ in held { break }
        await #expect(throws: PoolExhausted.self) { try await pool.withConnection { db in db.backendPID } }
        release.signal()
        _ = try await holder.value
        #expect(try await pool.withConnection { db in db.backendPID } > 0)
    }

    @Test func aClosedPoolLendsNothingAndClosesItsConnections() async throws {
        let pool = ConnectionPool(conninfo: TestDatabase.url, maximumConnections: 2)
        _ = try await pool.withConnection { db in db.backendPID }
        #expect(await pool.openConnections == 1)
        await pool.close()
        #expect(await pool.openConnections == 0)
        await #expect(throws: PoolClosed.self) { try await pool.withConnection { db in db.backendPID } }
    }

    /// Ends a backend and waits until the server has really ended it.
    private func terminate(_ pid: Int) async throws {
        let killer = try Connection(conninfo: TestDatabase.url)
        try killer.execute("SELECT pg_terminate_backend(\(pid)::int)")
        for _ in 0..<100 {
            let alive = try killer.query("SELECT count(*) FROM pg_stat_activity WHERE pid = \(pid)").single()
                .decode(0, as: Int.self)
            if alive == 0 { return }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    @Test func transactionsThroughThePoolRollBackOnError() async throws {
        struct Abort: Error {}
        try await TestDatabase.withSchema(migrated: false) { (conninfo: String) async throws in
            let pool = ConnectionPool(conninfo: conninfo, maximumConnections: 2)
            try await pool.withConnection { db in try db.execute(script: "CREATE TABLE note (text text)") }
            await #expect(throws: Abort.self) {
                try await pool.withConnection { db in
                    try db.transaction { db in
                        try db.execute("INSERT INTO note VALUES (\("gone"))")
                        throw Abort()
                    }
                }
            }
            let count = try await pool.withConnection { db in
                try db.query("SELECT count(*) FROM note").single().decode(0, as: Int.self)
            }
            #expect(count == 0)
        }
    }
}

/// Counts how often a pooled closure ran; the pool runs closures on its own threads.
private final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func increment() { lock.withLock { count += 1 } }
    var value: Int { lock.withLock { count } }
}

/// The most closures that ran at once.
private final class HighWaterMark: @unchecked Sendable {
    private let lock = NSLock()
    private var now = 0
    private var most = 0
    func enter() {
        lock.withLock {
            now += 1; most = max(most, now)
        }
    }
    func leave() { lock.withLock { now -= 1 } }
    var highest: Int { lock.withLock { most } }
}
