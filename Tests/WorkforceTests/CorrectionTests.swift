import CalendarDates
import Foundation
import PostgresClient
import TestSupport
import Testing
import Workforce

/// Duplicates refused (or idempotent on purpose) and corrections kept with their reason
/// (sql/0027_corrections.sql, docs/corrections.md).
@Suite(.database) struct DuplicateTests {
    static let org = "52440300MJ000123XJ"
    static let day = CalendarDate(iso: "2013-09-01")!

    @Test func anExistingOrganizationIsRefusedWithTheDifferenceAndGivenIdenticallyChangesNothing() throws {
        try TestDatabase.withSchema { db in
            let orgs = ServiceOrganizations(db: db)
            #expect(try orgs.add(uscc: Self.org, name: "启航社工中心", region: "440305", founded: Self.day) == .added)
            #expect(try orgs.add(uscc: Self.org, name: "启航社工中心", region: "440305", founded: nil) == .unchanged)
            let before = try DatabaseDigest(db)
            let refusal = #expect(throws: WorkforceError.self) {
                try orgs.add(uscc: Self.org, name: "同心社工社", region: "440300", founded: Self.day)
            }
            #expect(
                refusal?.description == """
                    a service organization with USCC \(Self.org) is on record; nothing was changed. To replace what \
                    is on record with what was given, add it again with update:
                      name: on record '启航社工中心', given '同心社工社'
                      region: on record '440305', given '440300'
                    """)
            #expect(try DatabaseDigest(db) == before)
            // --update replaces them, and the trail keeps both.
            let updated = try orgs.add(uscc: Self.org, name: "同心社工社", region: "440305", founded: nil, update: true)
            #expect(updated == .updated([FieldChange(field: "name", before: "启航社工中心", after: "同心社工社")]))
            let trail: String = try db.query(
                """
                SELECT before::text || after::text FROM audit_trail
                WHERE table_name = 'service_org' AND operation = 'update'
                """
            ).single().decode(0)
            #expect(trail == #"{"name": "启航社工中心"}{"name": "同心社工社"}"#)
        }
    }

    @Test func aDuplicateFundingEntryIsRefusedShowingTheOneOnRecordUnlessASecondIsMeant() throws {
        try TestDatabase.withSchema { db in
            _ = try RosterWorld(db: db)
            try ServiceOrganizations(db: db).add(uscc: Self.org, name: "启航社工中心", region: "440305", founded: nil)
            func add(provider: String?, contract: String? = "SZ-2013-001", allow: Bool = false) throws -> Int {
                try Funding(db: db).add(
                    enterpriseUSCC: RosterWorld.shenzhen, region: nil, source: .governmentPurchase, amount: "60000.00",
                    on: Self.day, providerOrg: provider, contract: contract, allowDuplicate: allow)
            }
            let first = try add(provider: nil)
            let before = try DatabaseDigest(db)
            let refusal = #expect(throws: WorkforceError.self) { try add(provider: Self.org) }
            #expect(
                refusal?.description == """
                    funding \(first) on record has the same recipient, source, amount, date and contract number; \
                    nothing was recorded. If this is a second payment, record it with allow_duplicate; to change \
                    that one, use <amend_funding>
                      provider_org: on record none, given '\(Self.org)'
                    """)
            #expect(try DatabaseDigest(db) == before)
            // Another contract number is another payment; a real second one is recorded on purpose.
            _ = try add(provider: nil, contract: "SZ-2013-002")
            let second = try add(provider: nil, allow: true)
            #expect(
                try db.query("SELECT duplicate_no FROM funding WHERE id = \(second)").single().decode(0) as Int == 1)
            // The database refuses the same duplicate from plain SQL.
            let error = #expect(throws: PostgresError.self) {
                try db.execute(
                    """
                    INSERT INTO funding (enterprise_id, source, amount, received_on, contract_no)
                    SELECT enterprise_id, source, amount, received_on, contract_no FROM funding WHERE id = \(first)
                    """
                )
            }
            #expect(error?.constraint == "funding_once")
        }
    }

    @Test func anIdenticalServiceIsRefusedAndASheetsRepeatedRowsAreRecordedOnce() throws {
        try TestDatabase.withSchema { db in
            _ = try RosterWorld(db: db)
            let services = Services(db: db)
            func record(allow: Bool = false) throws -> Int {
                try services.record(
                    enterpriseUSCC: RosterWorld.shenzhen, kind: .emotionalCounseling, on: Self.day, beneficiaries: 35,
                    provider: nil, volunteers: 4, hours: 6, today: RosterWorld.today, allowDuplicate: allow)
            }
            let first = try record()
            let refusal = #expect(throws: WorkforceError.self) { try record() }
            #expect(refusal?.description.hasPrefix("service \(first) on record is identical") == true)
            #expect(try db.query("SELECT count(*) FROM service_record").single().decode(0) as Int == 1)
            _ = try record(allow: true)
            // A sheet with the same row twice holds two services: imported again, it changes nothing.
            let sheet = try temporaryFile(
                text: """
                    统一社会信用代码,服务类别,服务日期,服务人次
                    \(RosterWorld.shenzhen),家庭帮扶,2013-11-02,12
                    \(RosterWorld.shenzhen),家庭帮扶,2013-11-02,12

                    """)
            let options = ImportOptions(today: RosterWorld.today)
            #expect(try services.importFile(path: sheet, options: options).inserted == 2)
            let again = try services.importFile(path: sheet, options: options)
            #expect((again.inserted, again.unchanged) == (0, 2))
            #expect(try db.query("SELECT count(*) FROM service_record").single().decode(0) as Int == 4)
        }
    }

    @Test func anEventWithTheSameOrganizerTitleAndStartIsTheSameEvent() throws {
        try TestDatabase.withSchema { db in
            _ = try RosterWorld(db: db)
            let events = Events(db: db)
            func draft(capacity: Int = 40) -> EventDraft {
                EventDraft(
                    kind: .expertLecture, title: "企业社会工作概论", startsAt: LocalDateTime(text: "2013-09-10T09:00")!,
                    endsAt: LocalDateTime(text: "2013-09-10T12:00")!, hours: 3, capacity: capacity,
                    enterpriseUSCC: RosterWorld.shenzhen)
            }
            let first = try events.schedule(draft())
            #expect(first.existed == false)
            #expect(try events.schedule(draft()) == (first.id, true))
            let refusal = #expect(throws: WorkforceError.self) { try events.schedule(draft(capacity: 30)) }
            #expect(refusal?.description.hasSuffix("\n  capacity: on record '40', given '30'") == true)
            #expect(try db.query("SELECT count(*) FROM training_event").single().decode(0) as Int == 1)
            // A cancelled event does not block scheduling it again.
            try events.cancel(id: first.id, reason: "专家临时有事")
            #expect(try events.schedule(draft(capacity: 30)).existed == false)
        }
    }

    @Test func aPilotProgramIsOnePerDocumentNumber() throws {
        try TestDatabase.withSchema { db in
            let programs = PilotPrograms(db: db)
            func establish(name: String = "企业社会工作试点", months: Int = 12) throws -> (id: Int, existed: Bool) {
                try programs.establish(
                    name: name, document: "民函〔2013〕132号", applyBy: CalendarDate(iso: "2013-06-01")!,
                    confirmBy: CalendarDate(iso: "2013-06-30")!, pilotMonths: months,
                    summaryBy: CalendarDate(iso: "2014-06-30")!)
            }
            let first = try establish()
            #expect(try establish() == (first.id, true))
            let refusal = #expect(throws: WorkforceError.self) { try establish(months: 18) }
            #expect(refusal?.description.hasSuffix("\n  pilot_months: on record '12', given '18'") == true)
            #expect(try db.query("SELECT count(*) FROM pilot_program").single().decode(0) as Int == 1)
        }
    }

    @Test func duplicatesAlreadyStoredDoNotBlockTheMigration() throws {
        try TestDatabase.withSchema(migrated: false) { (db: Connection) throws in
            let earlier = Schema.migrations.filter { $0.name < "0027" }
            try MigrationRunner(migrations: earlier).migrate(db)
            _ = try RosterWorld(db: db)
            try db.execute(
                script: """
                    INSERT INTO pilot_program (name, document, apply_by, confirm_by, pilot_months, summary_by)
                    SELECT '试点', '民函〔2013〕132号', '2013-06-01', '2013-06-30', 12, '2014-06-30'
                    FROM generate_series(1, 2);
                    INSERT INTO funding (enterprise_id, source, amount, received_on)
                    SELECT id, 'enterprise', 100, '2013-09-01' FROM enterprise, generate_series(1, 3);
                    INSERT INTO training_event (kind, title, starts_at, ends_at, hours, capacity)
                    SELECT 'forum', '座谈会', '2013-09-01 09:00', '2013-09-01 10:00', 1, 5 FROM generate_series(1, 2);
                    """)
            try Schema.runner.migrate(db)
            let numbers: [String] = try db.query(
                """
                SELECT 'funding ' || string_agg(duplicate_no::text, ',' ORDER BY enterprise_id, id) FROM funding
                UNION ALL SELECT 'program ' || string_agg(duplicate_no::text, ',' ORDER BY id) FROM pilot_program
                UNION ALL SELECT 'event ' || string_agg(duplicate_no::text, ',' ORDER BY id) FROM training_event
                """
            ).map { try $0.decode(0) }
            #expect(numbers == ["funding 0,1,2,0,1,2", "program 0,1", "event 0,1"])
        }
    }
}

@Suite(.database) struct CorrectionTests {
    /// The audit trail's entries of a table: operation and source, oldest first.
    func trail(_ db: Connection, _ table: String) throws -> [String] {
        try db.query(
            """
            SELECT operation::text || ' ' || coalesce(source, '-') FROM audit_trail WHERE table_name = \(table)
            ORDER BY id
            """
        ).map { try $0.decode(0) }
    }

    @Test func amendmentsAndDeletionsKeepTheirReasonInTheAuditTrail() throws {
        try TestDatabase.withSchema { db in
            let world = try TrainingWorld(db: db)
            let services = Services(db: db)
            let service = try services.record(
                enterpriseUSCC: RosterWorld.shenzhen, kind: .emotionalCounseling, on: DuplicateTests.day,
                beneficiaries: 35, provider: nil, volunteers: nil, hours: nil, today: RosterWorld.today)
            let changes = try services.amend(
                id: service, beneficiaries: 53, hours: 2, reason: "人次录入错误", today: RosterWorld.today)
            #expect(
                changes == [
                    FieldChange(field: "beneficiaries", before: "35", after: "53"),
                    FieldChange(field: "hours", before: nil, after: "2.00"),
                ])
            #expect(
                try services.amend(id: service, beneficiaries: 53, reason: "再次核对", today: RosterWorld.today).isEmpty)
            try services.delete(id: service, reason: "重复录入")
            #expect(
                try trail(db, "service_record") == [
                    "insert -", "update service amend; reason: 人次录入错误", "delete service delete; reason: 重复录入",
                ])
            let gone = #expect(throws: WorkforceError.self) { try services.delete(id: service, reason: "再删") }
            #expect(gone?.description == "no service \(service) is on record")
            #expect(throws: WorkforceError.self) { try services.delete(id: service, reason: "  ") }

            let funding = Funding(db: db)
            let entry = try funding.add(
                enterpriseUSCC: RosterWorld.shenzhen, region: nil, source: .enterprise, amount: "25800.50",
                on: DuplicateTests.day, providerOrg: nil, contract: nil)
            #expect(
                try funding.amend(id: entry, amount: "25800.05", reason: "金额以凭证为准")
                    == [FieldChange(field: "amount", before: "25800.50", after: "25800.05")])
            #expect(throws: WorkforceError.self) { try funding.amend(id: entry, amount: "1.234", reason: "x") }
            try funding.delete(id: entry, reason: "误录")
            #expect(try trail(db, "funding").last == "delete funding delete; reason: 误录")

            let posts = Posts(db: db)
            let post = try posts.add(
                enterpriseUSCC: RosterWorld.shenzhen, department: .union, title: "专员", filledBy: RosterWorld.person(1),
                createdOn: DuplicateTests.day, today: RosterWorld.today)
            let vacated = try posts.amend(id: post, vacate: true, reason: "人员调离", today: RosterWorld.today)
            #expect(vacated.map(\.field) == ["filled_by"])
            #expect(vacated.first?.before?.contains("********") == true)
            try posts.delete(id: post, reason: "误录")
            #expect(try trail(db, "social_work_post").last == "delete post delete; reason: 误录")

            let event = try world.event(capacity: 10)
            let moved = try world.events.amend(
                id: event, capacity: 12, startsAt: LocalDateTime(text: "2026-01-10T08:00")!, reason: "改期")
            #expect(moved.map(\.field) == ["capacity", "starts"])
            #expect(try trail(db, "training_event").last == "update event amend; reason: 改期")
        }
    }

    @Test func anEventWithPeopleIsCancelledWithAReasonNotDeleted() throws {
        try TestDatabase.withSchema { db in
            let world = try TrainingWorld(db: db)
            let event = try world.event(capacity: 10)
            _ = try world.enroll(event, 1)
            let refusal = #expect(throws: WorkforceError.self) { try world.events.delete(id: event, reason: "误建") }
            #expect(refusal?.description.hasPrefix("event \(event) has 1 enrollments; nothing was deleted") == true)
            let tooShort = #expect(throws: WorkforceError.self) {
                try world.events.amend(id: event, capacity: 0, reason: "减少名额")
            }
            #expect(tooShort?.description.contains("must be at least 1") == true)
            try world.events.cancel(id: event, reason: "讲师因故无法到场")
            #expect(try world.statuses(event) == [RosterWorld.person(1): .cancelled])
            #expect(try trail(db, "training_event").last == "update event cancel; reason: 讲师因故无法到场")
            let empty = try world.event(capacity: 10)
            try world.events.delete(id: empty, reason: "重复创建")
            #expect(throws: WorkforceError.self) { try world.events.detail(id: empty) }
        }
    }

    @Test func aPersonsNameIsCorrectedWithItsHistoryAndTheImportPointsThere() throws {
        try TestDatabase.withSchema { db in
            let world = try RosterWorld(db: db)
            let id = RosterWorld.person(5)
            _ = try world.importStaff(RosterWorld.staff([.init(.shenzhen, 5, "王小明", "union", hired: "2012-01-01")]))
            // A roster giving another name is refused, quoting neither name, and points to the correction.
            let refusal = #expect(throws: ImportRejected.self) {
                try world.importStaff(RosterWorld.staff([.init(.shenzhen, 5, "王晓明", "union", hired: "2012-01-01")]))
            }
            let reason = try #require(refusal?.errors.first).description
            #expect(
                reason == "line 2, name: this ID number is on record under a different name; if the record is wrong, "
                    + "correct it with <correct_name> (its history is kept), then import again")
            #expect(try Staff(db: db).correctName(idNumber: id, to: "王晓明", reason: "以身份证为准", today: RosterWorld.today))
            #expect(
                try !Staff(db: db).correctName(idNumber: id, to: "王晓明", reason: "再次核对", today: RosterWorld.today))
            let history = try Staff(db: db).nameHistory(idNumber: id, today: RosterWorld.today)
            #expect(history.map { "\($0.oldName)→\($0.newName) \($0.reason ?? "")" } == ["王小明→王晓明 以身份证为准"])
            #expect(try trail(db, "person").last == "update staff rename; reason: 以身份证为准")
            #expect(
                try world.importStaff(RosterWorld.staff([.init(.shenzhen, 5, "王晓明", "union", hired: "2012-01-01")]))
                    .unchanged == 1)
            // A rename in psql is kept too, with no reason.
            try db.execute("UPDATE person SET name = '王晓敏' WHERE id_number = \(id)")
            #expect(try Staff(db: db).nameHistory(idNumber: id, today: RosterWorld.today).last?.reason == nil)
        }
    }

    @Test func noNameFromTheInputAppearsInAnyErrorOfAConflictingImport() throws {
        try TestDatabase.withSchema { db in
            let world = try RosterWorld(db: db)
            _ = try world.importStaff(RosterWorld.staff([.init(.shenzhen, 1, "张三丰", "union", hired: "2012-01-01")]))
            let names = ["李四光", "王五常", "赵六合", "张三疯"]
            let refusal = #expect(throws: ImportRejected.self) {
                try world.importStaff(
                    RosterWorld.staff([
                        .init(.shenzhen, 2, names[0], "union", hired: "2012-01-01"),
                        .init(.beijing, 2, names[1], "union", hired: "2012-01-01"),
                        .init(.shenzhen, 3, names[2], "party", hired: "2099-01-01"),
                        .init(.beijing, 1, names[3], "party", hired: "2012-01-01"),
                    ]))
            }
            let errors = try #require(refusal).errors
            #expect(errors.count >= 3)
            let text = errors.map(\.description).joined(separator: "\n") + "\(try #require(refusal))"
            for name in names + ["张三丰"] { #expect(!text.contains(name), "\(name) in \(text)") }
        }
    }

    @Test func aUserOutsideTheScopeCannotCorrectAndOneWhoOnlyReadsIsRefused() throws {
        try TestDatabase.withSchema { owner, conninfo in
            let world = try AccessWorld(owner: owner, conninfo: conninfo)
            func id(_ table: String, _ side: AccessWorld.Side) throws -> Int {
                try owner.query(
                    """
                    SELECT t.id FROM \(identifier: table) t JOIN enterprise e ON e.id = t.enterprise_id
                    WHERE e.uscc = \(side.uscc)
                    """
                ).single().decode(0)
            }
            let coordinator = try world.connect(as: "sz-coordinator")
            let hr = try world.connect(as: "sz-hr")
            let before = try DatabaseDigest(owner)
            let beijingService = try id("service_record", AccessWorld.beijing)
            let service = #expect(throws: WorkforceError.self) {
                try Services(db: coordinator).delete(id: beijingService, reason: "越权")
            }
            #expect(service?.description == "no service \(beijingService) of your scope")
            #expect(throws: WorkforceError.self) {
                try Funding(db: coordinator).amend(
                    id: try id("funding", AccessWorld.beijing), amount: "1", reason: "越权")
            }
            #expect(throws: WorkforceError.self) {
                try Posts(db: coordinator).delete(id: try id("social_work_post", AccessWorld.beijing), reason: "越权")
            }
            #expect(throws: WorkforceError.self) {
                try Staff(db: coordinator).correctName(
                    idNumber: AccessWorld.beijing.idNumber, to: "改名", reason: "越权", today: RosterWorld.today)
            }
            // HR reads Shenzhen's work records but may not change them.
            let denied = #expect(throws: PostgresError.self) {
                try Services(db: hr).delete(id: try id("service_record", AccessWorld.shenzhen), reason: "只读")
            }
            #expect(denied?.sqlState == .insufficientPrivilege)
            #expect(try DatabaseDigest(owner) == before)
            // Within the scope the coordinator corrects, and the trail names the user and the reason.
            try Services(db: coordinator).delete(id: try id("service_record", AccessWorld.shenzhen), reason: "重复")
            try Staff(db: coordinator).correctName(
                idNumber: AccessWorld.shenzhen.idNumber, to: "新名", reason: "更正", today: RosterWorld.today)
            let entries: [String] = try owner.query(
                """
                SELECT table_name || ' ' || user_name || ' ' || source FROM audit_trail
                WHERE user_name = 'sz-coordinator' ORDER BY id
                """
            ).map { try $0.decode(0) }
            #expect(
                entries == [
                    "service_record sz-coordinator service delete; reason: 重复",
                    "person sz-coordinator staff rename; reason: 更正",
                ])
            #expect(
                try Staff(db: coordinator).nameHistory(
                    idNumber: AccessWorld.shenzhen.idNumber, today: RosterWorld.today
                ).count == 1)
            let other = try world.connect(as: "bj-coordinator")
            #expect(try other.query("SELECT count(*) FROM person_name_history").single().decode(0) as Int == 0)
        }
    }
}
