import CalendarDates
import Foundation
import PostgresClient
import TestSupport
import Testing
import Workforce
import WorkforceOutput
import ZIPFoundation

#if canImport(FoundationXML)
import FoundationXML
#endif

@Suite(.database) struct PilotTests {
    func program(_ db: Connection) throws -> Int {
        try PilotPrograms(db: db).create(
            name: "企业社会工作试点", document: "民函〔2013〕132号",
            applyBy: CalendarDate(iso: "2013-06-01")!, confirmBy: CalendarDate(iso: "2013-06-30")!, pilotMonths: 12,
            summaryBy: CalendarDate(iso: "2014-06-30")!)
    }

    @Test func applicationsFollowTheStateMachineWithADatedHistory() throws {
        try TestDatabase.withSchema { db in
            _ = try RosterWorld(db: db)
            let program = try program(db)
            let id = try PilotApplications(db: db).apply(
                programID: program, applicant: .enterprise(uscc: RosterWorld.shenzhen), plan: "开发岗位",
                on: CalendarDate(iso: "2013-05-20")!, late: false)
            for (status, day) in [
                (ApplicationStatus.approved, "2013-06-20"), (.inPilot, "2013-07-01"), (.summarized, "2014-06-28"),
                (.designatedDemonstration, "2014-12-01"),
            ] {
                try PilotApplications(db: db).advance(
                    applicationID: id, to: status, on: CalendarDate(iso: day)!, note: nil)
            }
            let history = try PilotApplications(db: db).history(applicationID: id)
            #expect(
                history.map(\.to) == ["submitted", "approved", "in_pilot", "summarized", "designated_demonstration"])
            #expect(history.map(\.from) == [nil, "submitted", "approved", "in_pilot", "summarized"])
            #expect(history.last?.on == CalendarDate(iso: "2014-12-01"))
            #expect(history.allSatisfy { !$0.actor.isEmpty })
            let second = try PilotApplications(db: db).apply(
                programID: program, applicant: .region("440300"), plan: nil, on: CalendarDate(iso: "2013-05-25")!,
                late: false)
            let skip = #expect(throws: WorkforceError.self) {
                try PilotApplications(db: db).advance(
                    applicationID: second, to: .inPilot, on: CalendarDate(iso: "2013-07-01")!, note: nil)
            }
            #expect(skip?.description == "the application is 已申报 (submitted); it cannot become 试点中 (in_pilot)")
            // The database refuses the same jump from plain SQL.
            let error = #expect(throws: PostgresError.self) {
                try db.execute("UPDATE pilot_application SET status = 'designated_demonstration' WHERE id = \(second)")
            }
            #expect(error?.constraint == "pilot_application_transition")
            #expect(
                try PilotApplications(db: db).list(programID: program, province: "440000").map(\.status) == [
                    .designatedDemonstration, .submitted,
                ])
        }
    }

    @Test func deadlinesAndDuplicatesAreRefusedAndLatenessRecorded() throws {
        try TestDatabase.withSchema { db in
            _ = try RosterWorld(db: db)
            let program = try program(db)
            let late = #expect(throws: WorkforceError.self) {
                try PilotApplications(db: db).apply(
                    programID: program, applicant: .enterprise(uscc: RosterWorld.beijing), plan: nil,
                    on: CalendarDate(iso: "2013-06-02")!, late: false)
            }
            #expect(late?.description.contains("closed on 2013-06-01") == true)
            let id = try PilotApplications(db: db).apply(
                programID: program, applicant: .enterprise(uscc: RosterWorld.beijing), plan: nil,
                on: CalendarDate(iso: "2013-06-02")!, late: true)
            #expect(try PilotApplications(db: db).list().first { $0.id == id }?.late == true)
            #expect(try PilotApplications(db: db).history(applicationID: id).first?.note == "late application")
            #expect(throws: WorkforceError.self) {
                try PilotApplications(db: db).apply(
                    programID: program, applicant: .enterprise(uscc: RosterWorld.beijing), plan: nil,
                    on: CalendarDate(iso: "2013-05-01")!, late: false)
            }
            #expect(throws: WorkforceError.self) {
                try PilotPrograms(db: db).create(
                    name: "x", document: nil, applyBy: CalendarDate(iso: "2013-06-01")!,
                    confirmBy: CalendarDate(iso: "2013-05-01")!, pilotMonths: 12,
                    summaryBy: CalendarDate(iso: "2014-06-30")!)
            }
        }
    }

    @Test func postsServicesAndFundingAreRecordedExactly() throws {
        try TestDatabase.withSchema { db in
            _ = try TrainingWorld(db: db)
            let org = "52440300MJ000123XJ"
            try ServiceOrganizations(db: db).add(
                uscc: org, name: "深圳市测试社会工作服务中心", region: "440300",
                founded: CalendarDate(iso: "2012-05-01"))
            _ = try Posts(db: db).add(
                enterpriseUSCC: RosterWorld.shenzhen, department: .union, title: "企业社会工作专员",
                filledBy: RosterWorld.person(1), createdOn: CalendarDate(iso: "2013-08-01")!, today: RosterWorld.today)
            _ = try Services(db: db).record(
                enterpriseUSCC: RosterWorld.shenzhen, kind: ServiceKind(text: "情绪疏导")!,
                on: CalendarDate(iso: "2013-10-12")!, beneficiaries: 35, provider: org, volunteers: 4,
                hours: 6, today: RosterWorld.today)
            _ = try Services(db: db).record(
                enterpriseUSCC: RosterWorld.shenzhen, kind: .familySupport, on: CalendarDate(iso: "2013-11-02")!,
                beneficiaries: 8, provider: RosterWorld.person(1), volunteers: nil, hours: nil, today: RosterWorld.today
            )
            for amount in ["0.10", "0.20", "60000"] {
                _ = try Funding(db: db).add(
                    enterpriseUSCC: RosterWorld.shenzhen, region: nil, source: .governmentPurchase, amount: amount,
                    on: CalendarDate(iso: "2013-09-01")!, providerOrg: org, contract: "SZ-2013-001")
            }
            let total: String = try db.query("SELECT sum(amount)::text FROM funding").single().decode(0)
            #expect(total == "60000.30")
            for bad in ["12.345", "-5", "1e3", "abc", "0"] {
                #expect(throws: WorkforceError.self, "\(bad)") {
                    try Funding(db: db).add(
                        enterpriseUSCC: RosterWorld.shenzhen, region: nil, source: .other, amount: bad,
                        on: CalendarDate(iso: "2013-09-01")!, providerOrg: nil, contract: nil)
                }
            }
            let providers = try db.query(
                """
                SELECT count(provider_org_id), count(provider_person_id), sum(beneficiaries) FROM service_record
                """
            ).single()
            #expect(try providers.decode(0, as: Int.self) == 1)
            #expect(try providers.decode(1, as: Int.self) == 1)
            #expect(try providers.decode(2, as: Int.self) == 43)
            #expect(throws: WorkforceError.self) {
                try Services(db: db).record(
                    enterpriseUSCC: RosterWorld.shenzhen, kind: .skillImprovement, on: CalendarDate(iso: "2013-11-02")!,
                    beneficiaries: 8, provider: "not-a-code", volunteers: nil, hours: nil, today: RosterWorld.today)
            }
        }
    }
}

@Suite(.database) struct ServiceImportTests {
    @Test func aServiceSheetIsAllOrNothingAndImportsOnce() throws {
        try TestDatabase.withSchema { db in
            _ = try RosterWorld(db: db)
            try ServiceOrganizations(db: db).add(
                uscc: "52440300MJ000123XJ", name: "深圳市测试社会工作服务中心", region: "440300",
                founded: nil)
            let options = ImportOptions(today: RosterWorld.today)
            let good = try temporaryFile(
                text: """
                    统一社会信用代码,服务类别,服务日期,服务人次,服务提供者,志愿者人数,\
                    服务时长
                    \(RosterWorld.shenzhen),家庭帮扶,2013/11/2,12,52440300MJ000123XJ,2,3.5
                    \(RosterWorld.shenzhen),skill_improvement,2014年1月8日,40,,,

                    """)
            #expect(try Services(db: db).importFile(path: good, options: options).inserted == 2)
            let again = try Services(db: db).importFile(path: good, options: options)
            #expect((again.inserted, again.unchanged) == (0, 2))
            let bad = try temporaryFile(
                text: """
                    enterprise_uscc,kind,served_on,beneficiaries,provider,hours
                    \(RosterWorld.shenzhen),家庭帮扶,2013-12-01,5,,
                    \(RosterWorld.shenzhen),cooking,2013-12-01,5,,1.234
                    \(RosterWorld.beijing),家庭帮扶,2013-12-01,5,52440300MJ000131X6,

                    """)
            let rejected = #expect(throws: ImportRejected.self) {
                try Services(db: db).importFile(path: bad, options: options)
            }
            #expect(rejected?.errors.map { "\($0.line) \($0.column)" } == ["3 hours", "3 kind", "4 provider"])
            let count: Int = try db.query("SELECT count(*) FROM service_record").single().decode(0)
            #expect(count == 2, "nothing of the bad file was written")
        }
    }
}

@Suite(.database) struct ProvinceReportTests {
    @Test func theProvinceReportAddsUpAndIsAWellFormedDocumentWithCharts() throws {
        try TestDatabase.withSchema { (db: Connection) throws in
            let world = try RosterWorld(db: db, adding: [.guangzhou])
            let guangzhou = RosterWorld.guangzhou
            _ = try world.importStaff(
                """
                enterprise_uscc,id_number,name,department,hired_on
                \(RosterWorld.shenzhen),\(RosterWorld.person(1)),一,union,2012-01-01
                \(RosterWorld.shenzhen),\(RosterWorld.person(2)),二,union,2012-01-01
                \(guangzhou),\(RosterWorld.person(3)),三,party,2012-01-01
                \(guangzhou),\(RosterWorld.person(4)),四,party,2012-01-01
                \(guangzhou),\(RosterWorld.person(5)),五,party,2012-01-01
                \(RosterWorld.beijing),\(RosterWorld.person(6)),六,party,2012-01-01
                """)
            _ = try world.importCertificates(
                """
                id_number,level,certificate_no,issued_on
                \(RosterWorld.person(1)),junior,P1,2013-01-01
                \(RosterWorld.person(3)),junior,P3,2014-01-01
                \(RosterWorld.person(6)),junior,P6,2013-01-01
                """)
            let program = try PilotPrograms(db: db).create(
                name: "试点", document: nil, applyBy: CalendarDate(iso: "2013-06-01")!,
                confirmBy: CalendarDate(iso: "2013-06-30")!, pilotMonths: 12,
                summaryBy: CalendarDate(iso: "2014-06-30")!)
            _ = try PilotApplications(db: db).apply(
                programID: program, applicant: .enterprise(uscc: RosterWorld.shenzhen), plan: nil,
                on: CalendarDate(iso: "2013-05-01")!, late: false)
            let report = try Reports(db: db).province(region: "440000", asOf: CalendarDate(iso: "2014-06-30")!)
            // Guangdong: 5 tracked, 2 certified; Shenzhen 1/2 ranks above Guangzhou 1/3; Beijing is left out.
            #expect(report.total == RatioCounts(tracked: 5, certified: 2, ratio: "0.4000"))
            #expect(report.enterprises.map(\.code) == [RosterWorld.shenzhen, guangzhou])
            #expect(report.cities.map(\.code) == ["440100", "440300"])
            #expect(report.cities.map(\.name) == ["广州市", "深圳市"])
            #expect(report.cities.map(\.counts.certified) == [1, 1])
            #expect(report.pilots.count == 1)
            #expect(report.trend.count == 8)
            #expect(report.trend.first?.date == CalendarDate(iso: "2012-09-30"))
            #expect(
                report.trend.map(\.date.iso) == [
                    "2012-09-30", "2012-12-31", "2013-03-31", "2013-06-30", "2013-09-30",
                    "2013-12-31", "2014-03-31", "2014-06-30",
                ])
            #expect(report.trend.map(\.counts.certified) == [0, 0, 1, 1, 1, 1, 2, 2])
            let html = report.html()
            let parser = XMLParser(data: Data(html.utf8))
            #expect(parser.parse(), "the HTML parses as well-formed markup: \(String(describing: parser.parserError))")
            #expect(html.components(separatedBy: "<svg").count - 1 == 2)
            #expect(html.contains("@page { size: A4"))
            #expect(!html.contains("<script"))
            #expect(!html.contains(RosterWorld.person(1)), "no ID numbers in HTML reports")
            let json = report.json.serialized()
            #expect(json.hasPrefix(#"{"schema_version":1,"report":"province""#))
        }
    }
}

/// A pilot year (2025-07-01 to 2026-06-30) of the Shenzhen enterprise, with something in every
/// work area inside the period, and something just outside it that must not count.
struct PilotWorld {
    let exams: ExamWorld
    let db: Connection
    let enterpriseApplication: Int
    let regionApplication: Int
    static let org = "52440300MJ000123XJ"

    init(db: Connection) throws {
        self.db = db
        exams = try ExamWorld(db: db, years: [2026])
        let world = exams.training.world
        let day = { (text: String) in CalendarDate(iso: text)! }
        _ = try world.importStaff(
            """
            enterprise_uscc,id_number,name,department,hired_on
            \(RosterWorld.shenzhen),\(RosterWorld.person(14)),新人,union,2026-01-01
            \(RosterWorld.shenzhen),\(RosterWorld.person(15)),社工,social_org,2025-10-01
            """)
        _ = try world.importCertificates(
            """
            id_number,level,certificate_no,issued_on
            \(RosterWorld.person(1)),junior,J-1,2024-01-01
            \(RosterWorld.person(2)),junior,J-2,2026-06-20
            \(RosterWorld.person(7)),intermediate,M-7,2026-08-01
            """)
        // Training: 1 attends (3 h), 2 attends for 2 h, 3 is absent; a Beijing event does not count.
        let training = exams.training
        let event = try training.event(capacity: 10)
        for n in 1...3 { _ = try training.enroll(event, n) }
        for (n, attended, hours) in [(1, true, nil), (2, true, Decimal(2)), (3, false, nil)] as [(Int, Bool, Decimal?)]
        {
            try training.attendance.record(
                eventID: event, idNumber: RosterWorld.person(n), attended: attended, hours: hours,
                at: TrainingWorld.afterStart, today: RosterWorld.today)
        }
        let beijingEvent = try training.event(capacity: 5, enterprise: RosterWorld.beijing)
        _ = try training.enroll(beijingEvent, 20)
        // Exams of 2026 (held 2026-06-15): 2 passes and is certified, 7 fails, 3 never sits.
        try exams.sit(2, .junior, [(2026, .comprehensive, "70"), (2026, .practice, "70")])
        try exams.sit(7, .junior, [(2026, .comprehensive, "40"), (2026, .practice, "70")])
        try exams.register(3, 2026, .junior)

        let program = try PilotPrograms(db: db).create(
            name: "企业社会工作试点", document: "民函〔2013〕132号", applyBy: day("2025-06-01"),
            confirmBy: day("2025-06-30"), pilotMonths: 12, summaryBy: day("2026-06-30"))
        enterpriseApplication = try PilotApplications(db: db).apply(
            programID: program, applicant: .enterprise(uscc: RosterWorld.shenzhen), plan: "开发岗位；购买服务",
            on: day("2025-05-20"), late: false)
        regionApplication = try PilotApplications(db: db).apply(
            programID: program, applicant: .region("440300"), plan: nil, on: day("2025-05-21"), late: false)
        for id in [enterpriseApplication, regionApplication] {
            try PilotApplications(db: db).advance(applicationID: id, to: .approved, on: day("2025-06-20"), note: nil)
            try PilotApplications(db: db).advance(applicationID: id, to: .inPilot, on: day("2025-07-01"), note: nil)
        }
        try ServiceOrganizations(db: db).add(
            uscc: PilotWorld.org, name: "深圳市启航社会工作服务中心", region: "440305",
            founded: day("2025-08-01"))
        for (created, filledBy) in [
            ("2025-01-01", nil), ("2025-09-01", RosterWorld.person(5)), ("2025-10-01", nil), ("2026-08-01", nil),
        ] as [(String, String?)] {
            _ = try Posts(db: db).add(
                enterpriseUSCC: RosterWorld.shenzhen, department: .union, title: "社会工作岗位 \(created)",
                filledBy: filledBy, createdOn: day(created), today: RosterWorld.today)
        }
        for (kind, date, beneficiaries, enterprise) in [
            (ServiceKind.emotionalCounseling, "2025-10-12", 35, RosterWorld.shenzhen),
            (.familySupport, "2026-02-01", 8, RosterWorld.shenzhen),
            (.emotionalCounseling, "2026-07-15", 10, RosterWorld.shenzhen),
            (.skillImprovement, "2025-10-12", 99, RosterWorld.beijing),
        ] {
            _ = try Services(db: db).record(
                enterpriseUSCC: enterprise, kind: kind, on: day(date), beneficiaries: beneficiaries,
                provider: kind == .emotionalCounseling ? PilotWorld.org : nil, volunteers: 4, hours: 6,
                today: RosterWorld.today)
        }
        for (source, amount, date) in [
            (FundingSource.governmentPurchase, "0.10", "2025-09-01"), (.governmentPurchase, "0.20", "2025-09-01"),
            (.governmentPurchase, "60000", "2025-09-01"), (.enterprise, "1234.56", "2026-06-30"),
            (.enterprise, "999.99", "2026-07-01"),
        ] {
            _ = try Funding(db: db).add(
                enterpriseUSCC: RosterWorld.shenzhen, region: nil, source: source, amount: amount, on: day(date),
                providerOrg: source == .governmentPurchase ? PilotWorld.org : nil, contract: nil)
        }
        _ = try Funding(db: db).add(
            enterpriseUSCC: nil, region: "440300", source: .governmentPurchase, amount: "5000.00",
            on: day("2025-12-01"),
            providerOrg: nil, contract: nil)
    }
}

@Suite(.database) struct PilotReportTests {
    @Test func thePilotReportComparesTheBaselineWithTheEndAndSumsEachWorkArea() throws {
        try TestDatabase.withSchema { (db: Connection) throws in
            let world = try PilotWorld(db: db)
            let report = try Reports(db: db).pilot(applicationID: world.enterpriseApplication, today: RosterWorld.today)
            #expect(report.scope.from == CalendarDate(iso: "2025-07-01"))
            #expect(report.scope.to == CalendarDate(iso: "2026-06-30"))
            // 13 staff and 1 certificate at the start; 15 staff (two hired) and 2 certificates at the end
            // (the intermediate certificate of 2026-08-01 is after the period).
            #expect(report.totalStart == RatioCounts(tracked: 13, certified: 1, ratio: "0.0769"))
            #expect(report.totalEnd == RatioCounts(tracked: 15, certified: 2, ratio: "0.1333"))
            let union = try #require(report.departments.first { $0.department == .union })
            #expect(union.start == RatioCounts(tracked: 6, certified: 1, ratio: "0.1667"))
            #expect(union.end == RatioCounts(tracked: 7, certified: 2, ratio: "0.2857"))
            #expect(report.enterprises.map(\.uscc) == [RosterWorld.shenzhen])
            #expect(report.training.map(\.kind) == [.seminar])
            #expect(report.training.map { [$0.events, $0.enrolled, $0.participants] } == [[1, 3, 2]])
            #expect(report.training.map(\.personHours) == ["5.00"])
            let junior = try #require(report.funnel.first { $0.level == .junior && $0.department == nil })
            #expect([junior.registered, junior.sat, junior.passed, junior.certified] as [Int] == [3, 2, 1, 1])
            #expect(report.postsBefore == 1)
            #expect(report.posts.count == 2)
            #expect(report.postsFilled == 1)
            #expect((report.practitionersStart, report.practitionersEnd) == (0, 1))
            #expect(report.organizations.map(\.uscc) == [PilotWorld.org])
            #expect(report.organizationsFounded == 1)
            #expect(report.services.map(\.kind) == [.emotionalCounseling, .familySupport])
            #expect(report.services.map(\.beneficiaries) == [35, 8])
            #expect(report.funding.map(\.amount) == ["60000.30", "1234.56"])
            #expect(report.fundingTotal == "61234.86")

            let json = report.json().serialized()
            #expect(json.contains(#""change":0.0564"#))
            #expect(json.contains(#""total":"61234.86""#))
            #expect(json.contains(maskedIDNumber(RosterWorld.person(5))))
            #expect(!json.contains(RosterWorld.person(5)), "ID numbers are masked unless asked for")
            #expect(report.json(includeIDNumbers: true).serialized().contains(RosterWorld.person(5)))
            #expect(maskedIDNumber("110105199003070016") == "110105********0016")

            // The region's report covers its enterprises and the money paid to the region itself.
            let region = try Reports(db: db).pilot(applicationID: world.regionApplication, today: RosterWorld.today)
            #expect(region.scope.applicantName == "广东省深圳市", "a region applicant is named in full")
            #expect(region.enterprises.count == 1)
            #expect(region.fundingTotal == "66234.86")
            // A shorter period moves the end: on 2025-12-31 person 14 is not hired yet.
            let half = try Reports(db: db).pilot(
                applicationID: world.enterpriseApplication, to: CalendarDate(iso: "2025-12-31"),
                today: RosterWorld.today)
            #expect(half.totalEnd == RatioCounts(tracked: 14, certified: 1, ratio: "0.0714"))
            #expect(half.fundingTotal == "60000.30")
            // An end before the start names the start it was compared with: the one given, or the pilot
            // year's (the application entered the pilot on 2025-07-01).
            let early = #expect(throws: WorkforceError.self) {
                try Reports(db: db).pilot(
                    applicationID: world.enterpriseApplication, to: CalendarDate(iso: "2025-06-30"),
                    today: RosterWorld.today)
            }
            #expect(early?.description == "to '2025-06-30': is before the start of the pilot year 2025-07-01")
            let crossed = #expect(throws: WorkforceError.self) {
                try Reports(db: db).pilot(
                    applicationID: world.enterpriseApplication, from: CalendarDate(iso: "2025-09-01"),
                    to: CalendarDate(iso: "2025-08-31"), today: RosterWorld.today)
            }
            #expect(crossed?.description == "to '2025-08-31': is before from 2025-09-01")
        }
    }

    @Test func thePilotReportIsAWellFormedDocumentWithItsChartsAndNoIDNumbers() throws {
        try TestDatabase.withSchema { (db: Connection) throws in
            let world = try PilotWorld(db: db)
            let report = try Reports(db: db).pilot(
                applicationID: world.enterpriseApplication, today: RosterWorld.today)
            let html = report.html(header: ReportHeader(preparer: "填报人甲"))
            let parser = XMLParser(data: Data(html.utf8))
            #expect(parser.parse(), "the HTML parses as well-formed markup: \(String(describing: parser.parserError))")
            #expect(html.components(separatedBy: "<svg").count - 1 == 2, "the before/after bars and the exam funnel")
            #expect(html.contains("+5.64 个百分点"))
            #expect(
                html.contains("<td>报送单位：<span class=\"fill\">\(report.scope.applicantName)</span></td>"),
                "the applicant sends its own report unless --issuer says otherwise")
            #expect(html.contains("<td>填报人：<span class=\"fill\">填报人甲</span></td>"))
            #expect(html.contains("<h2>口径说明</h2>"))
            #expect(html.contains("61,234.86"), "money with thousands separators")
            #expect(!html.contains("<script"))
            for n in [1, 2, 5] {
                #expect(!html.contains(RosterWorld.person(n)) && !html.contains(maskedIDNumber(RosterWorld.person(n))))
            }
        }
    }

    @Test func theApplicationFormIsFilledFromTheTrackersData() throws {
        try TestDatabase.withSchema { (db: Connection) throws in
            let world = try PilotWorld(db: db)
            let form = try Reports(db: db).applicationForm(
                applicationID: world.enterpriseApplication, asOf: CalendarDate(iso: "2026-06-30")!)
            #expect(form.total == RatioCounts(tracked: 15, certified: 2, ratio: "0.1333"))
            #expect(form.levels == LevelCounts(junior: 2))
            #expect(form.departments.first { $0.department == .socialOrg }?.counts.tracked == 1)
            #expect((form.posts, form.postsFilled) == (3, 1))
            let html = form.html(details: ApplicantDetails(contact: "联系人甲", industry: "制造业"))
            let parser = XMLParser(data: Data(html.utf8))
            #expect(parser.parse(), "the HTML parses as well-formed markup: \(String(describing: parser.parserError))")
            #expect(html.contains("<p>开发岗位；购买服务</p>"), "the plan filed with the application")
            #expect(html.contains(RosterWorld.shenzhen) && html.contains("申报表"))
            #expect(html.contains("<th>联系人</th><td>联系人甲</td>") && html.contains("<th>行业/性质</th><td>制造业</td>"))
            #expect(html.contains("<th>单位类型</th><td>企业</td>"), "an applicant, not yet a pilot enterprise")
            #expect(!html.contains(RosterWorld.person(5)))
        }
    }

    @Test func theEvidencePackListsEveryFileInItsManifestAndVerificationCatchesAnyChange() throws {
        try TestDatabase.withSchema { (db: Connection) throws in
            let world = try PilotWorld(db: db)
            // Someone enrolled whose attendance was never recorded: their row on the sheet says so.
            let event = try #require(
                try Reports(db: db).evidence(applicationID: world.enterpriseApplication, today: RosterWorld.today)
                    .attendance.first?.eventID)
            _ = try world.exams.training.enroll(event, 4)
            let evidence = try Reports(db: db).evidence(
                applicationID: world.enterpriseApplication, today: RosterWorld.today)
            let (report, files) = (evidence.report, EvidencePack.files(evidence, includeIDNumbers: false))
            let names = files.map(\.name)
            #expect(names.first == "试点工作报告.html")
            for name in ["试点工作报告.json", "持证情况.csv", "考试情况.csv", "岗位开发.csv", "服务开展.csv", "资金投入.csv"] {
                #expect(names.contains(name), "\(name)")
            }
            #expect(files.map(\.englishName).contains("funding.csv"), "the English names stay known")
            // One attendance sheet: the Shenzhen event; the Beijing one is not the pilot's.
            let sheets = files.filter { $0.name.hasPrefix("签到表/") }
            #expect(sheets.count == 1)
            let sheet = String(decoding: try #require(sheets.first).data, as: UTF8.self)
            #expect(sheet.hasPrefix("\u{FEFF}活动编号,活动名称,培训方式,开始时间,身份证号,姓名,企业,部门,状态,学时,签到,备注\r\n"))
            let rows = sheet.components(separatedBy: "\r\n").dropFirst().filter { !$0.isEmpty }
            #expect(rows.count == 4)
            #expect(
                rows.filter { $0.hasSuffix(",已报名,,,活动结束后仍为“已报名”，未记录出勤") }.count == 1,
                "the one row still enrolled after the event carries the note; attended and absent rows do not")
            for file in files where file.name.hasSuffix(".csv") {
                #expect(file.data.starts(with: [0xEF, 0xBB, 0xBF]), "\(file.name) is UTF-8 with BOM")
                let text = String(decoding: file.data, as: UTF8.self)
                for n in [1, 2, 5] {
                    #expect(!text.contains(RosterWorld.person(n)), "\(file.name): ID numbers are masked")
                }
            }
            let funding = String(decoding: try #require(files.first { $0.name == "资金投入.csv" }).data, as: UTF8.self)
            #expect(funding.components(separatedBy: "\r\n").count - 2 == 4, "four payments in the period")
            #expect(report.fundingTotal == "61234.86")

            let path = FileManager.default.temporaryDirectory.appendingPathComponent(
                "evidence-\(UUID().uuidString).zip"
            ).path
            defer { try? FileManager.default.removeItem(atPath: path) }
            let digest = try EvidencePack.write(files: files, header: ["as_of: 2026-11-27"], to: path, modified: Date())
            let intact = try EvidencePack.verify(path: path)
            #expect(intact.problems.isEmpty)
            #expect(intact.checked == files.count)
            #expect(intact.manifestDigest == digest)
            #expect(intact.header == ["as_of: 2026-11-27"])

            // Change one file after submission, as someone editing the pack would.
            let archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .update)
            try archive.remove(try #require(archive["资金投入.csv"]))
            let forged = Data("\u{FEFF}id,amount\r\n1,999999.00\r\n".utf8)
            try archive.addEntry(with: "资金投入.csv", type: .file, uncompressedSize: Int64(forged.count)) {
                position, size in
                forged.subdata(in: Int(position)..<Int(position) + size)
            }
            try archive.addEntry(with: "extra.txt", type: .file, uncompressedSize: Int64(1)) { (_: Int64, _: Int) in
                Data("x".utf8)
            }
            let tampered = try EvidencePack.verify(path: path)
            #expect(
                tampered.problems == [
                    "资金投入.csv: changed (its SHA-256 is not the one in MANIFEST)",
                    "extra.txt: in the pack but not listed in MANIFEST",
                ])
        }
    }

    @Test func aServiceOrganizationsReportCoversWhatItProvided() throws {
        try TestDatabase.withSchema { (db: Connection) throws in
            _ = try PilotWorld(db: db)
            let program: Int = try db.query("SELECT min(id) FROM pilot_program").single().decode(0)
            let id = try PilotApplications(db: db).apply(
                programID: program, applicant: .serviceOrg(uscc: PilotWorld.org), plan: nil,
                on: CalendarDate(iso: "2025-05-22")!, late: false)
            try PilotApplications(db: db).advance(
                applicationID: id, to: .approved, on: CalendarDate(iso: "2025-06-20")!, note: nil)
            try PilotApplications(db: db).advance(
                applicationID: id, to: .inPilot, on: CalendarDate(iso: "2025-07-01")!, note: nil)
            let report = try Reports(db: db).pilot(applicationID: id, today: RosterWorld.today)
            #expect(report.scope.kind == .serviceOrg)
            #expect(report.enterprises.map(\.uscc) == [RosterWorld.shenzhen], "the enterprise it served")
            // Only its own services and the money paid for them: not the family support by a person,
            // not the enterprise's own money.
            #expect(report.services.map(\.kind) == [.emotionalCounseling])
            #expect(report.services.map(\.beneficiaries) == [35])
            #expect(report.fundingTotal == "60000.30")
            #expect(report.organizations.map(\.uscc) == [PilotWorld.org])
        }
    }
}
