import Foundation
import PostgresClient
import TestSupport
import Testing
import Workforce

/// A database loaded under any earlier schema and upgraded with `esw db migrate` gives the same
/// ratios and reports as one loaded under the latest schema.
///
/// The data: ``SnapshotFixture`` (something in every table a report shows) and the sample's
/// enterprises, staff and certificates (data/sample/), loaded under the latest schema through the
/// product (`base`). For every migration k, including the last: a fresh schema is migrated up to
/// k, and every row of `base` that the migrations did not seed (rows of an empty schema at the
/// latest migration are left out) is copied into the tables and columns that exist at k, with
/// the values cast through text to k's types and triggers off (as a restore does); sequences
/// move past the copied ids. Then the rest of the migrations run (`Schema.runner`, as `esw db
/// migrate`), the tables they created are filled the same way (as a user would after upgrading),
/// and every output (JSON) must be byte for byte the one `base` gives. k = latest checks the copy
/// itself. New migrations are picked up from the embedded list: nothing here names one.
@Suite(.database) struct UpgradeTests {
    static let sample = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("data/sample")

    static func outputs(_ fixture: SnapshotFixture) -> [[String]] {
        let shenzhen = FixtureWorld.shenzhen
        return [
            ["ratio", "--as-of", "2014-12-31"],
            ["ratio", "--as-of", "2013-12-31", "--by", "department"],
            ["ratio", "--as-of", "2013-12-31", "--by", "level"],
            ["ratio", "--region", "440000", "--as-of", "2013-12-31", "--by", "department"],
            [
                "ratio", "--trend", "--region", "440000", "--from", "2012-01-01", "--to", "2015-12-31", "--every",
                "quarter",
            ],
            ["ratio", "--trend", "--enterprise", shenzhen, "--from", "2013-01-01", "--to", "2013-12-31"],
            ["report", "province", "--region", "440000", "--as-of", "2014-06-30"],
            ["report", "province", "--region", "110000", "--as-of", "2014-12-31"],
            [
                "report", "pilot", "--application", String(fixture.enterpriseApplication),
                "--from", "2013-07-01", "--to", "2014-06-30",
            ],
        ].map { $0 + ["--format", "json"] }
    }

    static func run(_ commands: [[String]], url: String) throws -> [String] {
        try inParallel(commands) { arguments in Result { try esw(arguments + ["--database-url", url]) } }
            .map { result in
                let run = try result.get()
                #expect(run.status == 0 && run.stderr.isEmpty, "\(run.stderr)")
                return run.stdout
            }
    }

    @Test func theSampleLoadedAtEveryEarlierMigrationUpgradesToTheSameRatiosAndReports() throws {
        let migrations = Schema.migrations
        try TestDatabase.withSchema { base, baseURL in
            let fixture = try SnapshotFixture(db: base)
            for (noun, file) in [
                ("enterprise", "enterprises.csv"), ("staff", "staff-beijing.csv"),
                ("staff", "staff-guangdong-gb18030.csv"), ("certificate", "certificates.csv"),
            ] {
                let path = UpgradeTests.sample.appendingPathComponent(file).path
                let run = try esw([noun, "import", path, "--database-url", baseURL])
                try #require(run.status == 0, "\(noun) import \(file): \(run.stderr)")
            }
            let commands = UpgradeTests.outputs(fixture)
            let expected = try UpgradeTests.run(commands, url: baseURL)
            #expect(expected.allSatisfy { $0.count > 100 })
            let baseSchema: String = try base.query("SELECT current_schema()").single().decode(0)
            try TestDatabase.withSchema { seeded in
                let seededSchema: String = try seeded.query("SELECT current_schema()").single().decode(0)
                for k in 1...migrations.count {
                    try TestDatabase.withSchema(migrated: false) { db, url in
                        try MigrationRunner(migrations: Array(migrations.prefix(k))).migrate(db)
                        let tablesAtK = try UpgradeTests.copy(from: baseSchema, leavingOut: seededSchema, into: db)
                        try Schema.runner.migrate(db)
                        // What the later migrations create, a user fills after upgrading; the
                        // maintained ratio figure (sql/0021) the migration computed itself.
                        _ = try UpgradeTests.copy(
                            from: baseSchema, leavingOut: seededSchema, into: db,
                            skipping: tablesAtK + ["ratio_counts_day", "ratio_counts", "ratio_department_counts"])
                        let found = try UpgradeTests.run(commands, url: url)
                        for (command, (was, now)) in zip(commands, zip(expected, found)) where was != now {
                            Issue.record(
                                "loaded at \(migrations[k - 1].name): esw \(command.joined(separator: " ")) differs")
                        }
                    }
                }
            }
        }
    }

    /// Copies the rows of `source` that are not in `seeded` into the current schema of `db`: the
    /// tables and columns both have, but those in `skipping`, cast through text to the target's
    /// types, triggers and foreign keys off (session_replication_role, as pg_restore
    /// --disable-triggers), ids kept, then every sequence set past the largest id.
    ///
    /// - Returns: the tables of the target schema.
    @discardableResult
    static func copy(
        from source: String, leavingOut seeded: String, into db: Connection, skipping: [String] = []
    ) throws -> [String] {
        try db.execute(
            """
            SELECT set_config('esw.copy_source', \(source), false), set_config('esw.copy_seeded', \(seeded), false),
                   set_config('esw.copy_skipping', \(skipping.joined(separator: ",")), false)
            """)
        try db.execute(
            script: """
                SET session_replication_role = replica;
                DO $$
                DECLARE
                    source text := current_setting('esw.copy_source');
                    seeded text := current_setting('esw.copy_seeded');
                    target text := current_schema();
                    t record;
                BEGIN
                    FOR t IN
                        SELECT c.relname,
                               string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum) AS columns,
                               string_agg(quote_ident(a.attname) || '::text', ', ' ORDER BY a.attnum) AS texts,
                               string_agg(format('%I::%s', a.attname, format_type(a.atttypid, a.atttypmod)), ', '
                                          ORDER BY a.attnum) AS casts
                        FROM pg_class c
                        JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
                                           AND a.attgenerated = ''
                        WHERE c.relnamespace = target::regnamespace AND c.relkind = 'r'
                          AND c.relname <> 'schema_migrations'
                          AND c.relname <> ALL (string_to_array(current_setting('esw.copy_skipping'), ','))
                          AND EXISTS (SELECT 1 FROM pg_attribute s
                                      WHERE s.attrelid = to_regclass(format('%I.%I', source, c.relname))
                                        AND s.attname = a.attname AND NOT s.attisdropped)
                        GROUP BY c.relname
                    LOOP
                        EXECUTE format(
                            'INSERT INTO %I.%I (%s) OVERRIDING SYSTEM VALUE SELECT %s FROM '
                            '(SELECT %s FROM %I.%I EXCEPT SELECT %s FROM %I.%I) AS copied (%s)',
                            target, t.relname, t.columns, t.casts,
                            t.texts, source, t.relname, t.texts, seeded, t.relname, t.columns);
                    END LOOP;
                    FOR t IN
                        SELECT c.relname, a.attname
                        FROM pg_class c
                        JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
                        WHERE c.relnamespace = target::regnamespace AND c.relkind = 'r'
                          AND pg_get_serial_sequence(format('%I.%I', target, c.relname), a.attname) IS NOT NULL
                    LOOP
                        EXECUTE format(
                            'SELECT setval(pg_get_serial_sequence(%L, %L), greatest(max(%I), 1)) FROM %I.%I',
                            format('%I.%I', target, t.relname), t.attname, t.attname, target, t.relname);
                    END LOOP;
                END
                $$;
                SET session_replication_role = DEFAULT;
                """)
        return try db.query(
            "SELECT relname FROM pg_class WHERE relnamespace = current_schema()::regnamespace AND relkind = 'r'"
        ).map { try $0.decode(0) }
    }
}
