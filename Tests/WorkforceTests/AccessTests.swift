import Foundation
import PostgresClient
import TestSupport
import Testing
import Workforce

/// Who sees and changes what, as PostgreSQL enforces it (sql/0014_access.sql, docs/access.md):
/// raw SQL under each role, on every table that holds enterprise or person data.
@Suite(.database) struct AccessTests {
    typealias Side = AccessWorld.Side

    /// For each table: the user sees every row of the enterprises in `sees`, and none of the others.
    func expectSees(_ user: String, exactly sees: [Side], in world: AccessWorld) throws {
        let db = try world.connect(as: user)
        let seen = Set(sees.map(\.uscc))
        for table in AccessWorld.tables {
            let owned = try world.ownedKeys(table)
            let visible = try AccessWorld.visibleKeys(table, on: db)
            for side in AccessWorld.sides {
                let keys = owned[side.uscc] ?? []
                #expect(!keys.isEmpty, "the world has a row of \(side.name) in \(table.name)")
                if seen.contains(side.uscc) {
                    #expect(keys.isSubset(of: visible), "\(user) sees \(side.name)'s rows of \(table.name)")
                } else {
                    #expect(keys.isDisjoint(with: visible), "\(user) sees none of \(side.name)'s rows of \(table.name)")
                }
            }
        }
    }

    /// On `db`, no row of any table (but `skipping`) belongs to an enterprise other than `own` (nil: to any).
    func expectNoRowBeyond(
        _ own: Side?, on db: Connection, in world: AccessWorld, skipping: Set<String> = [], _ context: String = ""
    ) throws {
        for table in AccessWorld.tables where !skipping.contains(table.name) {
            let owned = try world.ownedKeys(table)
            let visible = try AccessWorld.visibleKeys(table, on: db)
            for side in AccessWorld.sides where side.uscc != own?.uscc {
                #expect((owned[side.uscc] ?? []).isDisjoint(with: visible), "\(table.name) \(context)")
            }
        }
    }

    @Test func anEnterpriseCoordinatorAndItsHRSeeNoRowOfAnotherEnterpriseInAnyTable() throws {
        try TestDatabase.withSchema { owner, conninfo in
            let world = try AccessWorld(owner: owner, conninfo: conninfo)
            try expectSees("sz-coordinator", exactly: [AccessWorld.shenzhen], in: world)
            try expectSees("sz-hr", exactly: [AccessWorld.shenzhen], in: world)
            try expectSees("bj-coordinator", exactly: [AccessWorld.beijing], in: world)
            // The audit log is an admin's to read.
            let coordinator = try world.connect(as: "sz-coordinator")
            #expect(try coordinator.query("SELECT count(*) FROM audit_log").single().decode(0) as Int == 0)
        }
    }

    @Test func aRegionCoordinatorSeesItsRegionOnlyAndABureauItsProvinceOnly() throws {
        try TestDatabase.withSchema { owner, conninfo in
            let world = try AccessWorld(owner: owner, conninfo: conninfo)
            // Shenzhen city (4403) holds the Shenzhen enterprise, not Guangzhou's (4401).
            try expectSees("shenzhen-city", exactly: [AccessWorld.shenzhen], in: world)
            try expectSees("guangdong", exactly: [AccessWorld.shenzhen, AccessWorld.guangzhou], in: world)
            try expectSees("ministry", exactly: AccessWorld.sides, in: world)
            try expectSees("admin", exactly: AccessWorld.sides, in: world)
        }
    }

    @Test func theApplicationRoleWithNoUserOrAForgedSessionSeesNothing() throws {
        try TestDatabase.withSchema { owner, conninfo in
            let world = try AccessWorld(owner: owner, conninfo: conninfo)
            // A national event (no organizer) is every signed-in user's to see, and nobody else's.
            try owner.execute(
                """
                INSERT INTO training_event (kind, title, starts_at, ends_at, hours, capacity)
                VALUES ('forum', '全国座谈会', '2013-05-03 09:00', '2013-05-03 11:00', 2, 50)
                """)
            let national: SQLQuery = "SELECT count(*) FROM training_event WHERE title = '全国座谈会'"
            #expect(try world.connect(as: "bj-coordinator").query(national).single().decode(0) as Int == 1)
            let db = try Connection(conninfo: conninfo)
            try db.execute("SET ROLE esw_app")
            let tables = AccessWorld.tables.map(\.name) + ["audit_log", "app_user"]
            for token in ["", "forged", String(repeating: "0", count: 64)] {
                try db.execute("SELECT set_config('esw.session', \(token), false)")
                for table in tables {
                    let count: Int = try db.query("SELECT count(*) FROM \(identifier: table)").single().decode(0)
                    #expect(count == 0, "\(table) with session '\(token)'")
                }
                #expect(throws: PostgresError.self) {
                    try db.execute("INSERT INTO audit_log (action, subject) VALUES ('x', 'y')")
                }
            }
        }
    }

    @Test func aClientCannotPickAUserBySettingAnythingButATokenEswLoginReturned() throws {
        try TestDatabase.withSchema { owner, conninfo in
            let world = try AccessWorld(owner: owner, conninfo: conninfo)
            let admin: Int = try owner.query("SELECT id FROM app_user WHERE name = 'admin'").single().decode(0)
            // What a cache of the acting user could be called, set to the admin's id, role and scope; then, in
            // the same transaction and in the next ones, Beijing's coordinator still sees Beijing only, and a
            // connection with no token nothing.
            let forged: [(String, String)] = [
                ("esw.user_id", String(admin)), ("esw.user", "admin"), ("esw.user_name", "admin"),
                ("esw.role", "admin"), ("esw.actor", "(\(admin),admin,admin,,)"), ("esw.scope", ""),
                ("esw.region_code", "440000"), ("esw.enterprise_uscc", AccessWorld.shenzhen.uscc),
            ]
            let signedIn = try world.connect(as: "bj-coordinator")
            let anonymous = try Connection(conninfo: conninfo)
            try anonymous.execute("SET ROLE esw_app")
            for db in [signedIn, anonymous] {
                for local in [true, false] {
                    try db.transaction { db in
                        _ = try db.query("SELECT * FROM esw_actor()")  // whatever it may cache, cached first
                        for (name, value) in forged {
                            try db.execute("SELECT set_config(\(name), \(value), \(local))")
                        }
                        let actor: String? = try db.query("SELECT (esw_actor()).user_name").single().decode(0)
                        #expect(actor == (db === signedIn ? "bj-coordinator" : nil))
                        try expectNoRowBeyond(db === signedIn ? AccessWorld.beijing : nil, on: db, in: world)
                    }
                }
            }
        }
    }

    @Test func temporaryTablesAndASearchPathAClientChoosesWidenNothing() throws {
        try TestDatabase.withSchema { owner, conninfo in
            let world = try AccessWorld(owner: owner, conninfo: conninfo)
            let schema: String = try owner.query("SELECT current_schema()::text").single().decode(0)
            let others: [Int] = try owner.query(
                """
                SELECT person_id FROM employment e JOIN enterprise en ON en.id = e.enterprise_id
                WHERE en.uscc <> \(AccessWorld.shenzhen.uscc)
                """
            ).map { try $0.decode(0) }
            let shenzhen: Int = try owner.query(
                "SELECT id FROM enterprise WHERE uscc = \(AccessWorld.shenzhen.uscc)"
            ).single().decode(0)
            let db = try world.connect(as: "sz-hr")
            // PostgreSQL searches a session's temporary tables before any schema: copies of the tables the
            // policies' functions read, saying that HR may write rosters, an empty enterprise table,
            // and that every other enterprise's staff work in Shenzhen.
            for statement: SQLQuery in [
                "CREATE TEMP TABLE role_permission AS SELECT * FROM role_permission WITH NO DATA",
                "INSERT INTO role_permission VALUES ('enterprise_hr', 'roster')",
                "CREATE TEMP TABLE employment (person_id bigint, enterprise_id bigint)",
                "INSERT INTO employment SELECT unnest(\(others)::bigint[]), \(shenzhen)",
                "CREATE TEMP TABLE enterprise (id bigint, uscc text, region_code text)",
                "CREATE TEMP TABLE app_session (token_hash bytea, user_id bigint, expires_at timestamptz)",
            ] {
                try db.execute(statement)
            }
            for path in ["pg_temp, \(schema)", "\(schema), pg_temp", "\(schema)"] {
                try db.execute(SQLQuery(unsafeSQL: "SET search_path = \(path)"))
                // (Listing employment and enterprise would read the temporary tables themselves.)
                try expectNoRowBeyond(
                    AccessWorld.shenzhen, on: db, in: world, skipping: ["employment", "enterprise"], path)
                let update: SQLQuery = """
                    UPDATE \(identifier: schema).employment SET left_on = '2014-01-01' WHERE enterprise_id = \(shenzhen)
                    """
                #expect {
                    try db.execute(update)
                } throws: { ($0 as? PostgresError)?.sqlState == .insufficientPrivilege }
            }
        }
    }

    @Test func aFunctionAClientPutsFirstOnItsSearchPathWidensNothing() throws {
        try TestDatabase.withSchema { owner, conninfo in
            let world = try AccessWorld(owner: owner, conninfo: conninfo)
            let schema: String = try owner.query("SELECT current_schema()::text").single().decode(0)
            let hostile = schema + "_hostile"
            // As in a database whose schema public anyone may write: a schema a client puts first on its
            // search_path, whose region_prefix() puts every division code in every region. The policies'
            // in_region() is inlined where a statement is planned, under the client's search_path.
            try owner.execute(
                script: """
                    CREATE SCHEMA \(hostile);
                    CREATE FUNCTION \(hostile).region_prefix(code text) RETURNS text
                    LANGUAGE sql IMMUTABLE AS $$ SELECT ''::text $$;
                    GRANT USAGE ON SCHEMA \(hostile) TO esw_app;
                    """)
            defer { try? owner.execute(script: "DROP SCHEMA \(hostile) CASCADE") }
            try owner.execute(
                """
                INSERT INTO training_event (kind, title, starts_at, ends_at, hours, capacity, region_code)
                VALUES ('forum', '北京市座谈会', '2013-05-02 09:00', '2013-05-02 11:00', 2, 5, '110000')
                """)
            let beijingEvents = SQLQuery(
                unsafeSQL: "SELECT count(*) FROM \(schema).training_event WHERE region_code = '110000'")
            #expect(try world.connect(as: "bj-coordinator").query(beijingEvents).single().decode(0) as Int == 1)
            let db = try world.connect(as: "sz-coordinator")
            for path in ["\(hostile), \(schema)", "\(hostile), pg_catalog, \(schema)"] {
                try db.execute(SQLQuery(unsafeSQL: "SET search_path = \(path)"))
                #expect(try db.query(beijingEvents).single().decode(0) as Int == 0, "\(path)")
                try expectNoRowBeyond(AccessWorld.shenzhen, on: db, in: world, path)
            }
        }
    }

    @Test func aTokenSetForOneTransactionActsForThatTransactionOnly() throws {
        try TestDatabase.withSchema { owner, conninfo in
            let world = try AccessWorld(owner: owner, conninfo: conninfo)
            // As a web server would: one pooled connection, the user set per request's transaction.
            let db = try Connection(conninfo: conninfo)
            try db.execute("SET ROLE esw_app")
            let token: String = try db.query(
                "SELECT esw_login('sz-coordinator', \(world.passwords["sz-coordinator"]!))"
            ).single().decode(0)
            let seen: Int = try db.transaction { db in
                try db.execute("SELECT set_config('esw.session', \(token), true)")
                return try db.query("SELECT count(*) FROM enterprise").single().decode(0)
            }
            #expect(seen == 1)
            #expect(try db.query("SELECT count(*) FROM enterprise").single().decode(0) as Int == 0)
        }
    }

    @Test func anEnterpriseCoordinatorCannotInsertUpdateOrDeleteAnotherEnterprisesRows() throws {
        try TestDatabase.withSchema { owner, conninfo in
            let world = try AccessWorld(owner: owner, conninfo: conninfo)
            let db = try world.connect(as: "sz-coordinator")
            func id(_ sql: SQLQuery) throws -> Int { try owner.query(sql).single().decode(0) }
            let beijing = try id("SELECT id FROM enterprise WHERE uscc = \(AccessWorld.beijing.uscc)")
            let shenzhen = try id("SELECT id FROM enterprise WHERE uscc = \(AccessWorld.shenzhen.uscc)")
            let ownPerson = try id("SELECT id FROM person WHERE id_number = \(AccessWorld.shenzhen.idNumber)")
            let beijingEmployment = try id("SELECT id FROM employment WHERE enterprise_id = \(beijing)")
            let before = try owner.query(
                "SELECT count(*) || ' ' || string_agg(department::text || left_on, ',') FROM employment"
            )
            .single().text(0)

            func refused(_ sql: SQLQuery) -> PostgresError? {
                do {
                    try db.execute(sql)
                    return nil
                } catch {
                    return error
                }
            }
            // Inserting a row of Beijing: a policy violation.
            for insert: SQLQuery in [
                """
                INSERT INTO employment (person_id, enterprise_id, department) VALUES (\(ownPerson), \(beijing), 'party')
                """,
                """
                INSERT INTO service_record (enterprise_id, kind, served_on, beneficiaries)
                VALUES (\(beijing), 'family_support', '2013-02-01', 1)
                """,
                """
                INSERT INTO social_work_post (enterprise_id, department, title, created_on)
                VALUES (\(beijing), 'union', 'x', '2013-01-01')
                """,
                """
                INSERT INTO training_event (kind, title, starts_at, ends_at, hours, capacity, enterprise_id)
                VALUES ('forum', 'x', '2013-05-01 09:00', '2013-05-01 10:00', 1, 5, \(beijing))
                """,
            ] {
                #expect(refused(insert)?.sqlState == .insufficientPrivilege)
            }
            // Beijing's rows are not there to update or delete: nothing changes.
            #expect(try db.execute("UPDATE employment SET left_on = '2014-01-01' WHERE id = \(beijingEmployment)") == 0)
            #expect(try db.execute("DELETE FROM employment WHERE id = \(beijingEmployment)") == 0)
            #expect(try db.execute("DELETE FROM funding WHERE enterprise_id = \(beijing)") == 0)
            // Moving one's own row to Beijing: a policy violation.
            #expect(
                refused("UPDATE employment SET enterprise_id = \(beijing) WHERE enterprise_id = \(shenzhen)")?.sqlState
                    == .insufficientPrivilege)
            let after = try owner.query(
                "SELECT count(*) || ' ' || string_agg(department::text || left_on, ',') FROM employment"
            )
            .single().text(0)
            #expect(before == after)
            // Its own rows it may change.
            #expect(
                try db.execute("UPDATE employment SET left_on = '2014-01-01' WHERE enterprise_id = \(shenzhen)") == 1)
        }
    }

    @Test func enterpriseHRReadsButChangesNothingNotEvenItsOwnEnterprise() throws {
        try TestDatabase.withSchema { owner, conninfo in
            let world = try AccessWorld(owner: owner, conninfo: conninfo)
            let db = try world.connect(as: "sz-hr")
            for write: SQLQuery in [
                "UPDATE employment SET left_on = '2014-01-01'",
                "DELETE FROM service_record",
                "UPDATE certificate SET revoked_on = '2014-01-01'",
                "INSERT INTO person (id_number, name) VALUES (\(Fixtures.idNumber(sequence: 9)), '新人')",
            ] {
                #expect {
                    try db.execute(write)
                } throws: { error in
                    let error = try #require(error as? PostgresError)
                    return error.sqlState == .insufficientPrivilege
                        && error.message.contains("role enterprise_hr may not change")
                }
            }
            #expect(
                try owner.query("SELECT count(*) FROM employment WHERE left_on IS NOT NULL").single().decode(0) as Int
                    == 0)
        }
    }

    @Test func everyTableTheApplicationReadsIsUnderRowLevelSecurityOrIsReferenceData() throws {
        try TestDatabase.withSchema { db in
            let unprotected: [String] = try db.query(
                """
                SELECT c.relname::text FROM pg_class c
                WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind = 'r'
                  AND has_table_privilege('esw_app', c.oid, 'SELECT')
                  AND NOT (c.relrowsecurity AND c.relforcerowsecurity)
                ORDER BY 1
                """
            ).map { try $0.decode(0) }
            #expect(
                unprotected == [
                    "application_transition", "continuing_education_rule", "exam_eligibility_rule", "exam_level_rule",
                    // The days the maintained ratio figure holds (sql/0021): dates, no enterprise's data.
                    "ratio_counts_day", "region", "registration_rule", "role_permission", "schema_migrations",
                ])
            let sessions: Bool = try db.query("SELECT has_table_privilege('esw_app', 'app_session', 'SELECT')")
                .single().decode(0)
            #expect(!sessions)
        }
    }

    @Test func theSecurityDefinerFunctionsAreTheOnesDocsAccessListsAndNoneIsPublic() throws {
        let page = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("docs/access.md")
        let section = try String(contentsOf: page, encoding: .utf8).components(separatedBy: "## SECURITY DEFINER")[1]
        let documented = Set(
            section.split(separator: "\n").compactMap { line in
                line.firstMatch(of: /^\| `(\w+)\(/).map { String($0.1) }
            })
        try TestDatabase.withSchema { db in
            let rows = try db.query(
                """
                SELECT p.proname::text, has_function_privilege('public', p.oid, 'EXECUTE'),
                       coalesce(array_to_string(p.proconfig, ','), '')
                FROM pg_proc p WHERE p.pronamespace = current_schema()::regnamespace AND p.prosecdef
                """)
            var definers: Set<String> = []
            for row in rows {
                let name: String = try row.decode(0)
                definers.insert(name)
                #expect(try row.decode(1) as Bool == false, "\(name) is executable by PUBLIC")
                // The three the policies call on every statement name everything schema-qualified instead
                // (sql/0016; a SET clause costs more than their work): see the test of hostile temp tables.
                let qualified: Set = ["esw_actor", "esw_scope_enterprise_ids", "esw_visible_person_ids"]
                #expect(
                    (try row.decode(2) as String).hasPrefix("search_path=test_") || qualified.contains(name),
                    "\(name) pins search_path")
            }
            #expect(definers == documented)
            #expect(documented.count == 26)
        }
    }

    @Test func aCoordinatorEnrollsItsStaffIntoARegionsEventWhoseSeatCounterItMayNotWrite() throws {
        try TestDatabase.withSchema { owner, conninfo in
            let world = try AccessWorld(owner: owner, conninfo: conninfo)
            let event: Int = try owner.query(
                """
                INSERT INTO training_event (kind, title, starts_at, ends_at, hours, capacity, region_code)
                VALUES ('forum', '深圳市座谈会', '2013-05-02 09:00', '2013-05-02 11:00', 2, 5, '440300') RETURNING id
                """
            ).single().decode(0)
            let person: Int = try owner.query(
                "SELECT id FROM person WHERE id_number = \(AccessWorld.shenzhen.idNumber)"
            ).single().decode(0)
            let enroll: SQLQuery = "SELECT status::text FROM enroll_person(\(event), \(person), '2013-04-01 10:00')"
            // Enterprise HR may not enroll; Beijing's coordinator does not even see the event.
            #expect {
                try world.connect(as: "sz-hr").execute(enroll)
            } throws: { ($0 as? PostgresError)?.sqlState == .insufficientPrivilege }
            #expect(throws: PostgresError.self) { try world.connect(as: "bj-coordinator").execute(enroll) }
            let status: String = try world.connect(as: "sz-coordinator").query(enroll).single().decode(0)
            #expect(status == "enrolled")
            let seats: Int = try owner.query("SELECT seats_taken FROM training_event WHERE id = \(event)").single()
                .decode(0)
            #expect(seats == 1)
            // ... but it still may not change the region's event itself.
            #expect {
                try world.connect(as: "sz-coordinator").execute(
                    "UPDATE training_event SET title = '改' WHERE id = \(event)")
            } throws: { ($0 as? PostgresError)?.sqlState == .insufficientPrivilege }
        }
    }

    @Test func theRatioFunctionsCountOnlyTheCallersScope() throws {
        try TestDatabase.withSchema { owner, conninfo in
            let world = try AccessWorld(owner: owner, conninfo: conninfo)
            let asOf = FixtureWorld.day("2013-12-31")
            let everyone = try RatioService(db: owner).report(region: nil, asOf: asOf)
            #expect(everyone.total.counts.tracked == 3)
            let expectations: [(String, Int, [String])] = [
                ("sz-coordinator", 1, [AccessWorld.shenzhen.uscc]),
                ("sz-hr", 1, [AccessWorld.shenzhen.uscc]),
                ("shenzhen-city", 1, [AccessWorld.shenzhen.uscc]),
                ("guangdong", 2, [AccessWorld.shenzhen.uscc, AccessWorld.guangzhou.uscc].sorted()),
                ("ministry", 3, AccessWorld.sides.map(\.uscc).sorted()),
            ]
            for (user, tracked, enterprises) in expectations {
                let report = try RatioService(db: try world.connect(as: user)).report(region: nil, asOf: asOf)
                #expect(report.total.counts.tracked == tracked, "\(user)")
                let listed = report.enterprises.compactMap { entry -> String? in
                    if case .enterprise(let enterprise) = entry.scope { return enterprise.uscc }
                    return nil
                }
                #expect(listed.sorted() == enterprises, "\(user)")
            }
        }
    }
}

/// Users and passwords (sql/0014_access.sql: esw_login, app_user).
@Suite(.database) struct UserTests {
    @Test func aWrongPasswordADisabledUserAndAnExpiredOneTimePasswordAreRefusedAlike() throws {
        try TestDatabase.withSchema { owner, conninfo in
            let users = Users(db: owner)
            let password = try users.add(name: "zhang", role: .ministry, scope: nil)
            #expect(password.count >= 16)
            #expect(try users.add(name: "li", role: .ministry, scope: nil) != password)
            func login(_ name: String, _ password: String) -> (any Error)? {
                do {
                    try Session.signIn(try Connection(conninfo: conninfo), user: name, password: password)
                    return nil
                } catch {
                    return error
                }
            }
            #expect(login("zhang", password) == nil)
            let refusals = [
                login("zhang", password + "x"), login("nobody", password), login("zhang", ""),
            ]
            try users.disable(name: "li")
            let liPassword = try users.resetPassword(name: "li")
            let disabled = login("li", liPassword)
            try owner.execute("UPDATE app_user SET password_set_at = now() - interval '8 days' WHERE name = 'zhang'")
            let expired = login("zhang", password)
            for refusal in refusals + [disabled, expired] {
                let refused = try #require(refusal as? LoginRefused)
                #expect(
                    refused.description
                        == "login refused: wrong user name or password, disabled user, or expired one-time password")
            }
            // Neither the password nor its hash is anywhere a client can read.
            let row: String = try owner.query("SELECT row_to_json(u)::text FROM app_user u WHERE name = 'zhang'")
                .single().decode(0)
            #expect(!row.contains(password))
        }
    }

    @Test func aUserSetForOneTransactionIsGoneAtItsEnd() throws {
        // What a web request does on a pooled connection: the next loan must not act as this user.
        try TestDatabase.withSchema { owner, conninfo in
            let oneTime = try Users(db: owner).add(name: "li", role: .ministry, scope: nil)
            let token = try Session.open(try Connection(conninfo: conninfo), user: "li", password: oneTime)
            let db = try Connection(conninfo: conninfo)
            let presented = SessionToken(presented: token.textForClient)
            let during: (String?, String, String) = try Session.transactionLocally(
                presented, statementTimeoutMilliseconds: 1_500, touch: true, on: db
            ) { db, actor in
                #expect(actor?.name == "li")
                let row = try db.query("SELECT current_user::text, current_setting('statement_timeout')").single()
                return (try Session.actingUser(db), try row.decode(0), try row.decode(1))
            }
            #expect(during.0 == "li")
            #expect(during.1 == Session.applicationRole)
            #expect(during.2 == "1500ms")
            #expect(try Session.actingUser(db) == nil)
            let after = try db.query(
                "SELECT current_user::text = session_user::text, current_setting('statement_timeout')"
            ).single()
            #expect(try after.decode(0) as Bool)
            #expect(try after.decode(1) as String == "0")
            // A token that names no session acts as nobody.
            let unknown = SessionToken(presented: "not a token")
            try Session.transactionLocally(unknown, statementTimeoutMilliseconds: 1_000, touch: false, on: db) {
                db, actor throws in
                #expect(actor == nil)
                #expect(try Session.actingUser(db) == nil)
            }
        }
    }

    @Test func aUserReplacesTheOneTimePasswordAndNoLongerExpires() throws {
        try TestDatabase.withSchema { owner, conninfo in
            let oneTime = try Users(db: owner).add(name: "wang", role: .ministry, scope: nil)
            let db = try Connection(conninfo: conninfo)
            try Session.signIn(db, user: "wang", password: oneTime)
            #expect(throws: WorkforceError.self) { try Users(db: db).setPassword(current: oneTime, new: "short") }
            #expect(throws: LoginRefused.self) {
                try Users(db: db).setPassword(current: "not it", new: "a much longer secret")
            }
            try Users(db: db).setPassword(current: oneTime, new: "a much longer secret")
            try owner.execute("UPDATE app_user SET password_set_at = now() - interval '30 days' WHERE name = 'wang'")
            try Session.signIn(try Connection(conninfo: conninfo), user: "wang", password: "a much longer secret")
            #expect(throws: LoginRefused.self) {
                try Session.signIn(try Connection(conninfo: conninfo), user: "wang", password: oneTime)
            }
            #expect(try Users(db: owner).list().map(\.oneTimePassword) == [false])
        }
    }

    @Test func onlyAnAdminManagesUsersAndNobodyReadsAHashOrRaisesTheirOwnRole() throws {
        try TestDatabase.withSchema { owner, conninfo in
            let world = try AccessWorld(owner: owner, conninfo: conninfo)
            let coordinator = try world.connect(as: "sz-coordinator")
            #expect(try Users(db: coordinator).list().map(\.name) == ["sz-coordinator"])
            for write: SQLQuery in [
                "UPDATE app_user SET role = 'admin'",
                "UPDATE app_user SET disabled_at = now()",
                "SELECT password_hash FROM app_user",
            ] {
                #expect {
                    try coordinator.execute(write)
                } throws: { ($0 as? PostgresError)?.sqlState == .insufficientPrivilege }
            }
            // Other users' rows are not there to change.
            #expect(try coordinator.execute("UPDATE app_user SET disabled_at = now() WHERE name = 'admin'") == 0)
            #expect(try Users(db: owner).list().filter(\.disabled).isEmpty)
            #expect(throws: PostgresError.self) {
                _ = try Users(db: coordinator).add(name: "x", role: .admin, scope: nil)
            }
            let admin = try world.connect(as: "admin")
            #expect(try Users(db: admin).list().count == AccessWorld.users.count)
            let password = try Users(db: admin).add(
                name: "new-hr", role: .enterpriseHR, scope: AccessWorld.beijing.uscc)
            let hr = try Connection(conninfo: conninfo)
            try Session.signIn(hr, user: "new-hr", password: password)
            #expect(
                try hr.query("SELECT uscc FROM enterprise").single().decode(0) as String == AccessWorld.beijing.uscc)
            // Disabling ends open sessions at once.
            try Users(db: admin).disable(name: "new-hr")
            #expect(try hr.query("SELECT count(*) FROM enterprise").single().decode(0) as Int == 0)
        }
    }

    @Test func aScopeMustFitTheRole() throws {
        try TestDatabase.withSchema { owner in
            let users = Users(db: owner)
            let refused: [(AccessRole, String?)] = [
                (.enterpriseCoordinator, nil), (.enterpriseCoordinator, "440300"),
                (.enterpriseHR, Fixtures.uscc(serial: 77)),  // valid, but no such enterprise
                (.regionCoordinator, "440000"), (.provincialBureau, "440300"), (.ministry, "440000"),
                (.regionCoordinator, "449900"),
            ]
            for (role, scope) in refused {
                #expect(throws: WorkforceError.self, "\(role) \(scope ?? "-")") {
                    _ = try users.add(name: "u", role: role, scope: scope)
                }
            }
            #expect(throws: WorkforceError.self) { _ = try users.add(name: "-x", role: .ministry, scope: nil) }
            _ = try users.add(name: "u", role: .ministry, scope: nil)
            #expect(throws: WorkforceError.conflict("a user named u exists already")) {
                _ = try users.add(name: "u", role: .admin, scope: nil)
            }
            #expect(try owner.query("SELECT count(*) FROM app_user").single().decode(0) as Int == 1)
        }
    }
}

/// The audit trail the database keeps (sql/0014_access.sql, `audit_trail`).
@Suite(.database) struct AuditTrailTests {
    @Test func everyWriteIsInTheTrailWithItsUserAndACoordinatorCannotEraseIt() throws {
        try TestDatabase.withSchema { owner, conninfo in
            let world = try AccessWorld(owner: owner, conninfo: conninfo)
            let db = try world.connect(as: "sz-coordinator")
            let shenzhen: Int = try owner.query(
                "SELECT id FROM enterprise WHERE uscc = \(AccessWorld.shenzhen.uscc)"
            ).single().decode(0)
            #expect(
                try db.execute("UPDATE employment SET left_on = '2014-01-01' WHERE enterprise_id = \(shenzhen)") == 1)
            try db.execute(
                """
                INSERT INTO service_record (enterprise_id, kind, served_on, beneficiaries)
                VALUES (\(shenzhen), 'labor_relations', '2013-03-01', 9)
                """)
            #expect(try db.execute("DELETE FROM funding") == 1)
            let written = try owner.query(
                """
                SELECT table_name || ' ' || operation || ' ' || coalesce(before::text, '-') || ' '
                       || coalesce(after->>'beneficiaries', '-')
                FROM audit_trail WHERE user_name = 'sz-coordinator' AND user_role = 'enterprise_coordinator'
                ORDER BY id
                """
            ).map { try $0.decode(0) as String }
            #expect(written.count == 3)
            #expect(written[0] == #"employment update {"left_on": null} -"#)
            #expect(written[1] == "service_record insert - 9")
            #expect(written[2].hasPrefix("funding delete {"))
            let entries: Int = try owner.query("SELECT count(*) FROM audit_trail").single().decode(0)
            for erase: SQLQuery in [
                "DELETE FROM audit_trail", "UPDATE audit_trail SET user_name = 'someone else'", "TRUNCATE audit_trail",
                "INSERT INTO audit_trail (table_name, operation) VALUES ('employment', 'insert')",
                "DELETE FROM audit_log",
            ] {
                #expect {
                    try db.execute(erase)
                } throws: { ($0 as? PostgresError)?.sqlState == .insufficientPrivilege }
            }
            // Not even the owner changes it.
            #expect(throws: PostgresError.self) { try owner.execute("DELETE FROM audit_trail") }
            #expect(try owner.query("SELECT count(*) FROM audit_trail").single().decode(0) as Int == entries)
            // A write in psql as the owner is there too, with its database role and no esw user.
            try owner.execute("UPDATE person SET name = '改名' WHERE id_number = \(AccessWorld.beijing.idNumber)")
            let psql: String = try owner.query(
                """
                SELECT coalesce(user_name, '-') || ' ' || db_role || ' ' || after::text
                FROM audit_trail ORDER BY id DESC LIMIT 1
                """
            ).single().decode(0)
            let role: String = try owner.query("SELECT session_user::text").single().decode(0)
            #expect(psql == "- \(role) " + #"{"name": "改名"}"#)
        }
    }

    @Test func idNumbersAreMaskedAndAStatementOverTheLimitIsOneEntryWithItsCountAndSource() throws {
        try TestDatabase.withSchema { owner, conninfo in
            _ = try AccessWorld(owner: owner, conninfo: conninfo)
            for side in AccessWorld.sides {
                let text: String = try owner.query(
                    """
                    SELECT string_agg(concat(row_key::text, before::text, after::text), ' ') FROM audit_trail
                    """
                ).single().decode(0)
                #expect(!text.contains(side.idNumber))
                #expect(text.contains(String(side.idNumber.prefix(6)) + "********" + String(side.idNumber.suffix(4))))
            }
            try owner.transaction { db in
                try db.execute("SELECT set_config('esw.source', 'service import services.csv', true)")
                try db.execute(
                    """
                    INSERT INTO service_record (enterprise_id, kind, served_on, beneficiaries)
                    SELECT e.id, 'family_support', '2013-01-01'::date + n, n
                    FROM enterprise e, generate_series(1, 150) n
                    WHERE e.uscc = \(AccessWorld.shenzhen.uscc)
                    """)
            }
            let bulk = try owner.query(
                """
                SELECT rows, row_key IS NULL, source, en.uscc
                FROM audit_trail a JOIN enterprise en ON en.id = a.enterprise_id
                WHERE table_name = 'service_record' AND rows > 1
                """
            ).single()
            #expect(try bulk.decode(0) as Int == 150)
            #expect(try bulk.decode(1) as Bool)
            #expect(try bulk.decode(2) as String == "service import services.csv")
            #expect(try bulk.decode(3) as String == AccessWorld.shenzhen.uscc)
        }
    }

    @Test func eachUserReadsTheTrailOfTheirScopeOnly() throws {
        try TestDatabase.withSchema { owner, conninfo in
            let world = try AccessWorld(owner: owner, conninfo: conninfo)
            let beijing = try AuditTrail(db: try world.connect(as: "bj-coordinator")).entries()
            #expect(!beijing.isEmpty)
            #expect(beijing.allSatisfy { $0.enterpriseUSCC == AccessWorld.beijing.uscc })
            let guangdong = try AuditTrail(db: try world.connect(as: "guangdong")).entries()
            #expect(
                Set(guangdong.compactMap(\.enterpriseUSCC)) == [AccessWorld.shenzhen.uscc, AccessWorld.guangzhou.uscc])
            let all = try AuditTrail(db: owner).entries()
            #expect(try AuditTrail(db: try world.connect(as: "ministry")).entries().count == all.count)
            #expect(try AuditTrail(db: owner).entries(table: "person").count == 3)
        }
    }
}
