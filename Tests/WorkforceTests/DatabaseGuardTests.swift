import CalendarDates
import Foundation
import PostgresClient
import TestSupport
import Testing
import Workforce

/// The rules of sql/0013 (docs/limits.md): each one refused by esw with the line and column or the
/// field, refused by the database to hand-written SQL, and a refused import leaves the database
/// as it was.
@Suite(.database) struct DatabaseGuardTests {
    /// The SQLSTATE and constraint of what the database answers to `sql`, which must fail.
    func refusal(_ db: Connection, _ sql: SQLQuery) -> (state: String, constraint: String?, column: String?) {
        do {
            _ = try db.transaction { db in try db.execute(sql) }
            return ("none", nil, nil)
        } catch let error as PostgresError {
            return (error.sqlState?.code ?? "", error.constraint, error.column)
        } catch {
            return ("\(error)", nil, nil)
        }
    }

    @Test func theLengthLimitsInTheDatabaseAreTheOnesThisPageLists() throws {
        let page = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("docs/limits.md")
        let documented = Dictionary(
            uniqueKeysWithValues: try String(contentsOf: page, encoding: .utf8).split(separator: "\n").compactMap {
                line -> (String, Int)? in
                guard let match = line.firstMatch(of: /^\| `(\w+\.\w+)` \| (\d+) \|/) else { return nil }
                return (String(match.1), Int(match.2)!)
            })
        #expect(documented.count >= 20)
        try TestDatabase.withSchema { db in
            var enforced: [String: Int] = [:]
            for row in try db.query(
                """
                SELECT conrelid::regclass::text, pg_get_constraintdef(oid) FROM pg_constraint
                WHERE connamespace = current_schema()::regnamespace AND contype = 'c' AND conname LIKE '%\\_length'
                  AND convalidated
                """)
            {
                let table: String = try row.decode(0), definition: String = try row.decode(1)
                let match = try #require(definition.firstMatch(of: /char_length\((\w+)\) <= (\d+)/))
                enforced["\(table).\(match.1)"] = Int(match.2)!
            }
            #expect(enforced == documented)
            // Every text column but the codes (domains) and the migration runner's own has a limit,
            // and its comment says the same number.
            let columns = try db.query(
                """
                SELECT c.table_name || '.' || c.column_name, col_description(
                           (quote_ident(c.table_name))::regclass, c.ordinal_position::int)
                FROM information_schema.columns c
                JOIN information_schema.tables t USING (table_schema, table_name)
                WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE' AND c.data_type = 'text'
                  AND c.domain_name IS NULL AND c.table_name <> 'schema_migrations'
                """)
            #expect(columns.count == documented.count)
            for row in columns {
                let column: String = try row.decode(0)
                let comment: String? = try row.decode(1)
                let limit = try #require(documented[column], "\(column) has no documented limit")
                #expect(comment?.contains("at most \(limit) characters") == true, "\(column): \(comment ?? "")")
            }
        }
    }

    /// esw's own limits (TextLimits, which refuses with the line and column) are the database's, so
    /// nothing esw accepts is refused by a CHECK as a raw error, and nothing the database would take
    /// is refused by esw.
    @Test func textLimitsInEswAreTheDatabasesLimits() throws {
        let columnOfKind: [TextLimits.Kind: String] = [
            .personName: "person.name", .enterpriseName: "enterprise.name", .organizationName: "service_org.name",
            .programName: "pilot_program.name", .regionName: "region.name", .eventTitle: "training_event.title",
            .eventLocation: "training_event.location", .postTitle: "social_work_post.title",
            .programDocument: "pilot_program.document", .certificateNumber: "certificate.certificate_no",
            .contractNumber: "funding.contract_no", .applicationPlan: "pilot_application.plan",
            .transitionNote: "pilot_application_event.note", .correctionReason: "person_name_history.reason",
        ]
        #expect(Set(columnOfKind.keys) == Set(TextLimits.Kind.allCases.filter { $0 != .cell }))
        try TestDatabase.withSchema { db in
            for (kind, column) in columnOfKind {
                let parts = column.split(separator: ".").map(String.init)
                let definition: String = try db.query(
                    """
                    SELECT pg_get_constraintdef(oid) FROM pg_constraint
                    WHERE conrelid = \(parts[0])::regclass AND conname = \(parts[0] + "_" + parts[1] + "_length")
                    """
                ).single().decode(0)
                #expect(definition.contains("<= \(kind.maximumLength))"), "\(column): \(definition)")
            }
        }
    }

    @Test func theDatabaseRefusesHandWrittenSQLThatBreaksARule() throws {
        try TestDatabase.withSchema { db in
            let world = try RosterWorld(db: db)
            _ = try world.importStaff(RosterWorld.staff([.init(.shenzhen, 1, "张伟", "union", hired: "2012-01-01")]))
            let person: Int = try db.query("SELECT id FROM person").single().decode(0)
            let enterprise: Int = try db.query("SELECT min(id) FROM enterprise").single().decode(0)
            let before = try DatabaseDigest(db)

            // Born 1990-03-07 (RosterWorld's people).
            var answer = refusal(
                db,
                """
                INSERT INTO employment (person_id, enterprise_id, department, hired_on)
                VALUES (\(person), \(enterprise), 'party', '1990-03-06')
                """)
            #expect(answer.state == "23514" && answer.constraint == "employment_not_before_birth")
            #expect(answer.column == "hired_on")
            answer = refusal(db, "UPDATE employment SET left_on = '1990-01-01', hired_on = NULL")
            #expect(answer.constraint == "employment_not_before_birth" && answer.column == "left_on")
            answer = refusal(db, "UPDATE employment SET hired_on = '1949-09-30'")
            #expect(answer.constraint == "employment_dates_from_1949")
            for (issued, rule) in [
                ("2007-12-31", "certificate_issued_from_2008"), ("2008-03-06", "certificate_issued_plausibly"),
                ("2099-01-01", "certificate_issued_plausibly"),
            ] {
                answer = refusal(
                    db,
                    """
                    INSERT INTO certificate (person_id, level, certificate_no, issued_on)
                    VALUES (\(person), 'junior', 'C1', \(issued)::date)
                    """)
                #expect(answer.state == "23514" && answer.constraint == rule, "\(issued)")
            }
            answer = refusal(db, "UPDATE person SET name = repeat('张', 101)")
            #expect(answer.constraint == "person_name_length")
            answer = refusal(db, "UPDATE enterprise SET region_code = '449999' WHERE id = \(enterprise)")
            #expect(
                answer.state == "23514" && answer.constraint == "region_code_known" && answer.column == "region_code")
            answer = refusal(
                db,
                """
                INSERT INTO funding (region_code, source, amount, received_on)
                VALUES ('449999', 'other', 1, '2013-01-01')
                """)
            #expect(answer.constraint == "region_code_known")
            answer = refusal(
                db,
                """
                INSERT INTO funding (region_code, source, amount, received_on)
                VALUES ('440305', 'other', 1, '1949-01-01')
                """)
            #expect(answer.constraint == "funding_received_from_1949")
            #expect(try DatabaseDigest(db) == before)

            // The checks accept what is true: the birthday itself, an 18th birthday, a municipality's district.
            try db.execute("UPDATE employment SET hired_on = '1990-03-07'")
            try db.execute(
                """
                INSERT INTO certificate (person_id, level, certificate_no, issued_on)
                VALUES (\(person), 'junior', 'C1', '2008-03-07')
                """)
            try db.execute("UPDATE person SET name = repeat('张', 100)")
            for code in ["440305", "110105", "500230", "440000", "441900"] {
                try db.execute("UPDATE enterprise SET region_code = \(code) WHERE id = \(enterprise)")
            }
        }
    }

    @Test func hiringAndLeavingDatesThatCannotBeTrueAreRowErrorsAndNothingIsImported() throws {
        try TestDatabase.withSchema { db in
            let world = try RosterWorld(db: db)
            _ = try world.importStaff(RosterWorld.staff([.init(.beijing, 9, "旧人", "union", hired: "2010-01-01")]))
            let before = try DatabaseDigest(db)
            let csv = RosterWorld.staff([
                .init(.shenzhen, 1, "张伟", "union", hired: "2012-01-01"),
                .init(.shenzhen, 2, "李娜", "union", hired: "1989-05-01"),
                .init(.shenzhen, 3, "王芳", "party", hired: "1949-09-30"),
                .init(.shenzhen, 4, "陈杰", "party", hired: "", left: "1990-03-06"),
            ])
            let rejection = #expect(throws: ImportRejected.self) { try world.importStaff(csv) }
            let errors = try #require(rejection).errors.map(\.description)
            #expect(
                errors == [
                    "line 3, hired_on '1989-05-01': is before the person's birth date (from the ID number)",
                    "line 4, hired_on '1949-09-30': is before 1949-10-01; no record here is older than the People's "
                        + "Republic",
                    "line 5, left_on '1990-03-06': is before the person's birth date (from the ID number)",
                ])
            #expect(errors.allSatisfy { !$0.contains("19900307") && !$0.contains("1990-03-07") })
            #expect(try DatabaseDigest(db) == before)

            // Leaving before the birth date, one record at a time: the field is named.
            let leaving = #expect(throws: WorkforceError.self) {
                try world.staff.recordLeaving(
                    idNumber: RosterWorld.person(9), enterpriseUSCC: RosterWorld.beijing, department: nil,
                    on: RosterWorld.day("1949-01-01"), today: RosterWorld.today)
            }
            #expect(leaving.map { "\($0)" }?.hasPrefix("on '1949-01-01': is before 1949-10-01") == true)
            #expect(try DatabaseDigest(db) == before)
        }
    }

    @Test func certificatesBefore2008OrBeforeTheHolderIsEighteenAreRowErrors() throws {
        try TestDatabase.withSchema { db in
            let world = try RosterWorld(db: db)
            _ = try world.importStaff(
                RosterWorld.staff([
                    .init(.shenzhen, 1, "张伟", "union", hired: "2012-01-01"),
                    .init(.shenzhen, 2, "李娜", "union", hired: "2012-01-01"),
                ]))
            let before = try DatabaseDigest(db)
            let csv = RosterWorld.certificates([
                (1, "junior", "C-1", "2013-06-01", nil), (2, "junior", "C-2", "2007-12-01", nil),
                (2, "junior", "C-3", "2008-03-06", nil),
            ])
            let rejection = #expect(throws: ImportRejected.self) { try world.importCertificates(csv) }
            #expect(
                try #require(rejection).errors.map(\.description) == [
                    "line 3, issued_on '2007-12-01': is before 2008, the year of the first national social worker exam",
                    "line 4, issued_on '2008-03-06': is before the holder's 18th birthday (from the ID number)",
                ])
            #expect(try DatabaseDigest(db) == before)

            let single = #expect(throws: WorkforceError.self) {
                try world.certificates.add(
                    idNumber: RosterWorld.person(1), level: "junior", certificateNo: "C-9", issuedOn: "2008-01-02",
                    revokedOn: nil, name: nil, today: RosterWorld.today)
            }
            #expect(single.map { "\($0)" }?.hasPrefix("issued '2008-01-02': is before the holder") == true)
            #expect(try DatabaseDigest(db) == before)
        }
    }

    @Test func unknownRegionCodesAreRefusedByTheImportAndByEveryCommandThatTakesOne() throws {
        try TestDatabase.withSchema { db in
            let world = try RosterWorld(db: db)
            let before = try DatabaseDigest(db)
            let csv = """
                uscc,name,region_code
                \(Fixtures.uscc(region: "440305", serial: 31)),南山,440305
                \(Fixtures.uscc(region: "449999", serial: 32)),无此地,449999
                \(Fixtures.uscc(region: "110105", serial: 33)),朝阳,110105
                \(Fixtures.uscc(region: "500230", serial: 34)),丰都,500230

                """
            let rejection = #expect(throws: ImportRejected.self) {
                try world.enterprises.importFile(
                    path: try temporaryFile(text: csv), options: ImportOptions(today: RosterWorld.today))
            }
            #expect(
                try #require(rejection).errors.map(\.description) == [
                    "line 3, region_code '449999': is not a GB/T 2260 division: no code list since 1981 has it"
                ])
            #expect(try DatabaseDigest(db) == before)

            func field(_ body: () throws -> Void) -> String? {
                do {
                    try body()
                    return nil
                } catch let WorkforceError.invalid(field, _, reason) {
                    return "\(field.rawValue): \(reason)"
                } catch {
                    return "\(error)"
                }
            }
            let unknown = "is not a GB/T 2260 division"
            #expect(
                field {
                    _ = try world.enterprises.add(
                        uscc: Fixtures.uscc(serial: 35), name: "x", regionCode: "449999", employees: nil)
                }?
                .hasPrefix("region: \(unknown)") == true)
            #expect(
                field {
                    try ServiceOrganizations(db: db).add(
                        uscc: Fixtures.uscc(serial: 36), name: "机构", region: "449999", founded: nil)
                }?.hasPrefix("region: \(unknown)") == true)
            #expect(
                field {
                    _ = try Funding(db: db).add(
                        enterpriseUSCC: nil, region: "449900", source: .other, amount: "10",
                        on: RosterWorld.day("2013-01-01"), providerOrg: nil, contract: nil)
                }?.hasPrefix("region: \(unknown)") == true)
            let program = try PilotPrograms(db: db).create(
                name: "试点", document: nil, applyBy: RosterWorld.day("2013-06-01"),
                confirmBy: RosterWorld.day("2013-07-01"), pilotMonths: 12, summaryBy: RosterWorld.day("2014-07-01"))
            #expect(
                field {
                    _ = try PilotApplications(db: db).apply(
                        programID: program, applicant: .region("449999"), plan: nil, on: RosterWorld.day("2013-05-01"),
                        late: false)
                }?.hasPrefix("region: \(unknown)") == true)
            #expect(
                field {
                    _ = try Funding(db: db).add(
                        enterpriseUSCC: nil, region: "110105", source: .other, amount: "10",
                        on: RosterWorld.day("1949-09-30"), providerOrg: nil, contract: nil)
                }?.hasPrefix("date: is before 1949-10-01") == true)
            #expect(try db.query("SELECT count(*) FROM funding").single().decode(0, as: Int.self) == 0)
            #expect(try db.query("SELECT count(*) FROM pilot_application").single().decode(0, as: Int.self) == 0)
        }
    }

    @Test func scoresWithMoreThanOneDecimalAreRefusedNotRounded() throws {
        try TestDatabase.withSchema { db in
            let world = try ExamWorld(db: db, years: [2013])
            try world.register(1, 2013, .junior, [.practice, .comprehensive])
            let junior = world.session(2013, .junior)
            let before = try DatabaseDigest(db)
            let rejection = #expect(throws: ImportRejected.self) {
                try world.scores.importFile(
                    path: try temporaryFile(
                        text: """
                            id_number,session,subject,score
                            \(RosterWorld.person(1)),\(junior),practice,59.999
                            \(RosterWorld.person(1)),\(junior),comprehensive,59.95

                            """), options: ImportOptions(today: RosterWorld.today))
            }
            let reason =
                "has more than one decimal; the exam gives scores to one decimal (59.5), and rounding could "
                + "cross the pass line"
            #expect(
                try #require(rejection).errors.map(\.description) == [
                    "line 2, score '59.999': \(reason)", "line 3, score '59.95': \(reason)",
                ])
            #expect(try DatabaseDigest(db) == before)

            let registration: Int = try db.query("SELECT id FROM exam_registration").single().decode(0)
            for score in ["59.999", "59.95"] {
                let answer = refusal(
                    db, "INSERT INTO exam_score VALUES (\(registration), 'practice', \(score)::numeric)")
                #expect(answer.constraint == "exam_score_one_decimal", "\(score)")
            }
            #expect(try DatabaseDigest(db) == before)
            try db.execute("INSERT INTO exam_score VALUES (\(registration), 'practice', 59.5)")
            let passed: Bool = try db.query("SELECT passed FROM exam_subject_result").single().decode(0)
            #expect(!passed)
        }
    }

    @Test func aDatabaseHoldingRowsThatBreakTheNewRulesMigratesAndCountsThem() throws {
        try TestDatabase.withSchema(migrated: false) { db in
            let earlier = Schema.migrations.filter { $0.name < "0013" }
            try MigrationRunner(migrations: earlier).migrate(db)
            // As an earlier esw could store them (this esw checks first, so plain SQL).
            try db.execute(
                "INSERT INTO enterprise (uscc, name, region_code) VALUES (\(RosterWorld.shenzhen), '深圳', '440305')")
            try db.execute("INSERT INTO person (id_number, name) VALUES (\(RosterWorld.person(1)), repeat('张', 101))")
            try db.execute(
                """
                INSERT INTO employment (person_id, enterprise_id, department, hired_on)
                SELECT p.id, e.id, 'union', '1989-01-01' FROM person p, enterprise e
                """)
            try db.execute(
                """
                INSERT INTO certificate (person_id, level, certificate_no, issued_on)
                SELECT id, 'junior', 'OLD-1', '2007-01-01' FROM person
                """)
            try Schema.runner.migrate(db)
            let exceptions = try Schema.guardExceptions(db).map { "\($0.table) \($0.rule) \($0.rows)" }
            #expect(
                Set(exceptions) == [
                    "person person_name_length 1", "certificate certificate_issued_from_2008 1",
                    "certificate certificate_issued_plausibly 1", "employment employment_not_before_birth 1",
                ])
            let valid: Bool = try db.query(
                """
                SELECT convalidated FROM pg_constraint
                WHERE conname = 'person_name_length' AND connamespace = current_schema()::regnamespace
                """
            ).single().decode(0)
            #expect(!valid)
            // Still enforced on a new row.
            #expect(
                refusal(db, "INSERT INTO person (id_number, name) VALUES (\(RosterWorld.person(2)), repeat('张', 101))")
                    .constraint == "person_name_length")
        }
    }
}
