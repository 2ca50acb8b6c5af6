import PostgresClient
import TestSupport
import Testing
import Workforce

@Suite(.database) struct MigrationTests {
    @Test func aFreshDatabaseGetsEveryMigrationAndASecondRunIsANoOp() throws {
        try TestDatabase.withSchema(migrated: false) { (db: Connection) throws in
            let applied = try Schema.runner.migrate(db)
            #expect(applied == Schema.migrations.map(\.name))
            #expect(applied.first == "0001_core.sql")
            #expect(try Schema.runner.migrate(db).isEmpty)
            let provinces = try db.query("SELECT count(*) FROM region WHERE level = 'province'").single().decode(0, as: Int.self)
            #expect(provinces == 31)
            #expect(try Schema.runner.status(db).allSatisfy { $0.state == .applied })
        }
    }

    @Test func anEditedAppliedMigrationIsRefusedByName() throws {
        try TestDatabase.withSchema(migrated: false) { (db: Connection) throws in
            let original = MigrationRunner(migrations: [
                Migration(name: "0001_a.sql", sql: "CREATE TABLE a (x int);"),
                Migration(name: "0002_b.sql", sql: "CREATE TABLE b (x int);"),
            ])
            try original.migrate(db)
            let edited = MigrationRunner(migrations: [
                Migration(name: "0001_a.sql", sql: "CREATE TABLE a (x bigint);"),
                Migration(name: "0002_b.sql", sql: "CREATE TABLE b (x int);"),
                Migration(name: "0003_c.sql", sql: "CREATE TABLE c (x int);"),
            ])
            let error = #expect(throws: MigrationError.self) { try edited.migrate(db) }
            #expect(error?.file == "0001_a.sql")
            #expect(error?.description.contains("edited") == true)
            // Nothing after the refusal was applied.
            #expect(try db.query("SELECT to_regclass('c') IS NULL").single().decode(0, as: Bool.self))
            #expect(try edited.status(db).map(\.state) == [.edited, .applied, .pending])
        }
    }

    @Test func unknownAndReorderedMigrationsAreRefused() throws {
        try TestDatabase.withSchema(migrated: false) { (db: Connection) throws in
            try MigrationRunner(migrations: [
                Migration(name: "0001_a.sql", sql: "SELECT 1;"), Migration(name: "0003_c.sql", sql: "SELECT 3;"),
            ]).migrate(db)
            let older = MigrationRunner(migrations: [Migration(name: "0001_a.sql", sql: "SELECT 1;")])
            #expect(throws: MigrationError.self) { try older.migrate(db) }
            let reordered = MigrationRunner(migrations: [
                Migration(name: "0001_a.sql", sql: "SELECT 1;"), Migration(name: "0002_b.sql", sql: "SELECT 2;"),
                Migration(name: "0003_c.sql", sql: "SELECT 3;"),
            ])
            let error = #expect(throws: MigrationError.self) { try reordered.migrate(db) }
            #expect(error?.file == "0002_b.sql")
        }
    }

    @Test func aFailingMigrationRollsBackAndNamesItsFile() throws {
        try TestDatabase.withSchema(migrated: false) { (db: Connection) throws in
            let runner = MigrationRunner(migrations: [
                Migration(name: "0001_a.sql", sql: "CREATE TABLE a (x int);"),
                Migration(name: "0002_bad.sql", sql: "CREATE TABLE b (x int); SELECT * FROM missing_table;"),
            ])
            let error = #expect(throws: PostgresError.self) { try runner.migrate(db) }
            #expect(error?.message.hasPrefix("0002_bad.sql") == true)
            #expect(try db.query("SELECT to_regclass('b') IS NULL").single().decode(0, as: Bool.self))
            #expect(try runner.status(db).map(\.state) == [.applied, .pending])
        }
    }
}
