public import PostgresClient

/// The migrations of sql/, embedded in the binary at build time by the EmbedMigrations plugin.
public enum EmbeddedMigrations {}

/// The database schema this version of the tracker expects.
public enum Schema {
    public static let migrations: [Migration] = EmbeddedMigrations.files.map { Migration(name: $0.name, sql: $0.sql) }
    public static let runner = MigrationRunner(migrations: migrations)
}
