/// One versioned schema change: a numbered SQL file such as `0001_core.sql`.
public struct Migration: Sendable, Hashable {
    /// The file name, which is also the version recorded in `schema_migrations`.
    public let name: String
    public let sql: String

    public init(name: String, sql: String) {
        self.name = name
        self.sql = sql
    }
}

/// Where one migration stands in a database.
public struct MigrationStatus: Sendable, Equatable {
    public enum State: String, Sendable {
        case applied, pending
        /// Applied, but the file has changed since: refused until the file is restored.
        case edited
        /// Recorded in the database but unknown to this program (a newer version applied it).
        case unknown
    }
    public let name: String
    public let state: State
    public let appliedAt: String?
}

/// A migration problem that stops the runner before it changes anything.
public struct MigrationError: Error, Sendable, CustomStringConvertible {
    public let file: String
    public let reason: String
    public var description: String { "migration \(file): \(reason)" }
}

/// Applies numbered SQL files in lexical order, each in its own transaction, and records each in
/// `schema_migrations(version, applied_at, checksum)` with the MD5 of its text.
///
/// It is idempotent, and it refuses to run when an applied file was edited, when the database holds
/// a migration this program does not know, or when a new file sorts before one already applied.
/// Concurrent runners serialize on an advisory lock.
///
/// Related PostgreSQL documentation: <https://www.postgresql.org/docs/current/ddl.html>
public struct MigrationRunner: Sendable {
    public let migrations: [Migration]

    public init(migrations: [Migration]) {
        self.migrations = migrations.sorted { $0.name < $1.name }
    }

    /// Applies the pending migrations and returns their names.
    @discardableResult
    public func migrate(_ db: Connection) throws -> [String] {
        try db.transaction { db in
            try lockAndPrepare(db)
            _ = try plan(db)
        }
        var applied: [String] = []
        for migration in migrations {
            let didApply = try db.transaction { db -> Bool in
                try lockAndPrepare(db)
                let states = try plan(db)
                guard states[migration.name] == .pending else { return false }
                try runFile(migration, on: db)
                try db.execute("""
                    INSERT INTO schema_migrations (version, checksum) VALUES (\(migration.name), md5(\(migration.sql)))
                    """)
                return true
            }
            if didApply { applied.append(migration.name) }
        }
        return applied
    }

    /// Lists every known and recorded migration with its state, changing nothing.
    public func status(_ db: Connection) throws -> [MigrationStatus] {
        let recorded = try recordedMigrations(db)
        var result: [MigrationStatus] = []
        for migration in migrations {
            let row = recorded[migration.name]
            let state: MigrationStatus.State
            if let row {
                state = row.checksum == (try checksum(of: migration, on: db)) ? .applied : .edited
            } else {
                state = .pending
            }
            result.append(MigrationStatus(name: migration.name, state: state, appliedAt: row?.appliedAt))
        }
        for (name, row) in recorded where !migrations.contains(where: { $0.name == name }) {
            result.append(MigrationStatus(name: name, state: .unknown, appliedAt: row.appliedAt))
        }
        return result.sorted { $0.name < $1.name }
    }

    private func runFile(_ migration: Migration, on db: Connection) throws {
        do {
            try db.execute(script: migration.sql)
        } catch var error {
            error.message = "\(migration.name): \(error.message)"
            throw error
        }
    }

    private func lockAndPrepare(_ db: Connection) throws {
        // One key for every esw runner, so two migrating processes take turns.
        try db.execute("SELECT pg_advisory_xact_lock(\(7_303_001 as Int))")
        try db.execute(script: """
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version text PRIMARY KEY,
                applied_at timestamptz NOT NULL DEFAULT now(),
                checksum text NOT NULL
            )
            """)
    }

    /// Checks the recorded history against the files and returns each file's state.
    private func plan(_ db: Connection) throws -> [String: MigrationStatus.State] {
        let recorded = try recordedMigrations(db)
        for name in recorded.keys.sorted() where !migrations.contains(where: { $0.name == name }) {
            throw MigrationError(
                file: name,
                reason: "is applied to this database but unknown to this esw; use the esw that applied it")
        }
        var states: [String: MigrationStatus.State] = [:]
        let lastApplied = recorded.keys.max()
        for migration in migrations {
            if let row = recorded[migration.name] {
                guard row.checksum == (try checksum(of: migration, on: db)) else {
                    throw MigrationError(
                        file: migration.name,
                        reason: "was edited after it was applied (checksum differs); restore the file and put the change in a new migration")
                }
                states[migration.name] = .applied
            } else {
                if let lastApplied, migration.name < lastApplied {
                    throw MigrationError(
                        file: migration.name,
                        reason: "is new but sorts before \(lastApplied), which is already applied; give it a later number")
                }
                states[migration.name] = .pending
            }
        }
        return states
    }

    private func recordedMigrations(_ db: Connection) throws -> [String: (checksum: String, appliedAt: String)] {
        let exists = try db.query("SELECT to_regclass('schema_migrations') IS NOT NULL").single().decode(0, as: Bool.self)
        guard exists else { return [:] }
        var recorded: [String: (checksum: String, appliedAt: String)] = [:]
        for row in try db.query("SELECT version, checksum, applied_at::text FROM schema_migrations") {
            recorded[try row.decode(0)] = (try row.decode(1), try row.decode(2))
        }
        return recorded
    }

    private func checksum(of migration: Migration, on db: Connection) throws -> String {
        try db.query("SELECT md5(\(migration.sql))").single().decode(0)
    }
}
