public import PostgresClient

/// The migrations of sql/, embedded in the binary at build time by the EmbedMigrations plugin.
public enum EmbeddedMigrations {}

/// The database schema this version of the tracker expects.
public enum Schema {
    public static let migrations: [Migration] = EmbeddedMigrations.files.map { Migration(name: $0.name, sql: $0.sql) }
    public static let runner = MigrationRunner(migrations: migrations)

    /// Checks, before a command uses the database, that its schema is the one this binary was
    /// built with: migrated, not behind, and not migrated by a newer version.
    ///
    /// - Throws: ``SchemaMismatch``.
    public static func checkCurrent(_ db: Connection) throws {
        // Names only: an edited file is `db migrate`'s to report, and every command need not hash
        // every migration file.
        let recorded = try runner.recordedVersions(db)
        if let unknown = recorded.subtracting(migrations.map(\.name)).min() {
            throw SchemaMismatch.newer(migration: unknown)
        }
        let pending = migrations.filter { !recorded.contains($0.name) }.count
        if pending == migrations.count { throw SchemaMismatch.notMigrated }
        if pending > 0 { throw SchemaMismatch.behind(pending: pending) }
    }
}

/// A rule of sql/0013 that rows stored before it break: the CHECK stays NOT VALID (new and changed
/// rows are still checked) or, for a trigger's rule, the rows stay as they were.
public struct GuardException: Sendable, Equatable {
    public let table: String
    /// The constraint's or trigger rule's name, as docs/limits.md lists it.
    public let rule: String
    public let rows: Int
}

extension Schema {
    /// The stored rows that break the rules sql/0013 added, by table and rule (sql `guard_exceptions`);
    /// none on a database that esw has guarded from the start.
    public static func guardExceptions(_ db: Connection) throws -> [GuardException] {
        try db.query("SELECT table_name, rule, violations FROM guard_exceptions()").map { row in
            GuardException(table: try row.decode(0), rule: try row.decode(1), rows: try row.decode(2))
        }
    }
}

/// Why a database cannot be used by this binary as it is.
public enum SchemaMismatch: Error, Sendable, Equatable {
    /// No migration was ever applied: the database has no schema of ours.
    case notMigrated
    /// Some migrations of this binary are not applied yet.
    case behind(pending: Int)
    /// The database records a migration this binary does not know: a newer version migrated it.
    case newer(migration: String)
}
