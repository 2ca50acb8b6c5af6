import Foundation
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
            let provinces = try db.query("SELECT count(*) FROM region WHERE level = 'province'").single().decode(
                0, as: Int.self)
            #expect(provinces == 31)
            #expect(try Schema.runner.status(db).allSatisfy { $0.state == .applied })
        }
    }

    @Test func theEmbeddedMigrationsAreTheFilesOfSQLByteForByteAndInOrder() throws {
        let sqlDirectory = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("sql")
        let names = try FileManager.default.contentsOfDirectory(atPath: sqlDirectory.path)
            .filter { $0.hasSuffix(".sql") }.sorted()
        #expect(!names.isEmpty)
        #expect(Schema.migrations.map(\.name) == names)
        for (migration, name) in zip(Schema.migrations, names) {
            let file = try Data(contentsOf: sqlDirectory.appendingPathComponent(name))
            #expect(Data(migration.sql.utf8) == file, "\(name)")
        }
    }

    @Test func checksumsComputedHereEqualTheServersMD5() throws {
        try TestDatabase.withSchema(migrated: false) { (db: Connection) throws in
            // Databases migrated by earlier versions recorded the server's md5(); they must still match.
            for migration in Schema.migrations {
                let server: String = try db.query("SELECT md5(\(migration.sql))").single().decode(0)
                #expect(migration.checksum == server, "\(migration.name)")
            }
            #expect(Migration(name: "x", sql: "").checksum == "d41d8cd98f00b204e9800998ecf8427e")
            #expect(
                Migration(name: "x", sql: "社会工作").checksum
                    == (try db.query("SELECT md5(\("社会工作"))").single().decode(0, as: String.self)))
        }
    }

    @Test func twoRunnersAtOnceApplyEachMigrationOnce() async throws {
        try await TestDatabase.withSchema(migrated: false) { (conninfo: String) async throws in
            let runner = MigrationRunner(migrations: [
                Migration(name: "0001_a.sql", sql: "CREATE TABLE a (x int); SELECT pg_sleep(0.2);"),
                Migration(name: "0002_b.sql", sql: "CREATE TABLE b (x int);"),
            ])
            let results = try await withThrowingTaskGroup(of: [String].self) { group in
                for _ in 0..<2 {
                    group.addTask { try runner.migrate(try Connection(conninfo: conninfo)) }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(results.sorted { $0.count < $1.count } == [[], ["0001_a.sql", "0002_b.sql"]])
            let db = try Connection(conninfo: conninfo)
            #expect(try db.query("SELECT count(*) FROM schema_migrations").single().decode(0, as: Int.self) == 2)
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
