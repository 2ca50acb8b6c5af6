import Crypto
import Foundation

/// One versioned schema change: a numbered SQL file such as `0001_core.sql`.
public struct Migration: Sendable, Hashable {
    /// The file name, which is also the version recorded in `schema_migrations`.
    public let name: String
    public let sql: String

    public init(name: String, sql: String) {
        self.name = name
        self.sql = sql
    }

    /// The MD5 of the text's UTF-8 bytes in lower-case hex, as PostgreSQL's `md5(text)` gives it:
    /// what `schema_migrations.checksum` records.
    public var checksum: String {
        Insecure.MD5.hash(data: Data(sql.utf8)).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
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
/// `schema_migrations(version, applied_at, checksum)` with the MD5 of its text (hex, computed here;
/// the same value the server's `md5()` gives, which earlier versions recorded).
///
/// It is idempotent, and it refuses to run when an applied file was edited, when the database holds
/// a migration this program does not know, or when a new file sorts before one already applied.
/// A run takes one session-level advisory lock, reads the recorded history once, checks it, applies
/// the pending files and releases the lock, so concurrent runners take turns and the second finds
/// nothing left to do.
///
/// Related PostgreSQL documentation: <https://www.postgresql.org/docs/current/ddl.html>
public struct MigrationRunner: Sendable {
    public let migrations: [Migration]

    public init(migrations: [Migration]) {
        self.migrations = migrations.sorted { $0.name < $1.name }
    }

    /// Applies the pending migrations and returns their names.
    ///
    /// - Throws: ``MigrationError`` before changing anything when the history does not match the
    ///   files; ``PostgresError`` when a file fails (that file's transaction is rolled back).
    @discardableResult
    public func migrate(_ db: Connection) throws -> [String] {
        // One key for every esw runner, held for the whole run: planning and applying happen
        // under the same lock, so nobody can change the history in between.
        try db.execute("SELECT pg_advisory_lock(\(MigrationRunner.lockKey))")
        defer { _ = try? db.execute("SELECT pg_advisory_unlock(\(MigrationRunner.lockKey))") }
        try db.execute(
            script: """
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version text PRIMARY KEY,
                    applied_at timestamptz NOT NULL DEFAULT now(),
                    checksum text NOT NULL
                )
                """)
        let states = try plan(db)
        var applied: [String] = []
        for migration in migrations where states[migration.name] == .pending {
            try db.transaction { db in
                try runFile(migration, on: db)
                try db.execute(
                    """
                    INSERT INTO schema_migrations (version, checksum) VALUES (\(migration.name), \(migration.checksum))
                    """)
            }
            applied.append(migration.name)
        }
        return applied
    }

    /// The versions the database records as applied (none when it was never migrated); cheap
    /// enough to ask on every connection, since no file is hashed.
    public func recordedVersions(_ db: Connection) throws -> Set<String> {
        Set(try recordedMigrations(db).keys)
    }

    /// Lists every known and recorded migration with its state, changing nothing.
    public func status(_ db: Connection) throws -> [MigrationStatus] {
        let recorded = try recordedMigrations(db)
        var result: [MigrationStatus] = []
        for migration in migrations {
            let row = recorded[migration.name]
            let state: MigrationStatus.State
            if let row {
                state = row.checksum == migration.checksum ? .applied : .edited
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

    /// The advisory lock key every esw migration runner takes.
    static let lockKey = 7_303_001

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
                guard row.checksum == migration.checksum else {
                    throw MigrationError(
                        file: migration.name,
                        reason:
                            """
                            was edited after it was applied (checksum differs); restore the file and put the change in \
                            a new migration
                            """
                    )
                }
                states[migration.name] = .applied
            } else {
                if let lastApplied, migration.name < lastApplied {
                    throw MigrationError(
                        file: migration.name,
                        reason:
                            "is new but sorts before \(lastApplied), which is already applied; give it a later number")
                }
                states[migration.name] = .pending
            }
        }
        return states
    }

    private func recordedMigrations(_ db: Connection) throws -> [String: (checksum: String, appliedAt: String)] {
        let exists = try db.query("SELECT to_regclass('schema_migrations') IS NOT NULL").single().decode(
            0, as: Bool.self)
        guard exists else { return [:] }
        var recorded: [String: (checksum: String, appliedAt: String)] = [:]
        for row in try db.query("SELECT version, checksum, applied_at::text FROM schema_migrations") {
            recorded[try row.decode(0)] = (try row.decode(1), try row.decode(2))
        }
        return recorded
    }
}
