import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import PostgresClient
import TestSupport
import Testing
import Workforce

@Suite(.database) struct PilotTests {
    func program(_ pilots: Pilots) throws -> Int {
        try pilots.createProgram(
            name: "企业社会工作试点", document: "民函〔2013〕132号", applyBy: CalendarDate(iso: "2013-06-01")!,
            confirmBy: CalendarDate(iso: "2013-06-30")!, pilotMonths: 12, summaryBy: CalendarDate(iso: "2014-06-30")!)
    }

    @Test func applicationsFollowTheStateMachineWithADatedHistory() throws {
        try TestDatabase.withSchema { db in
            _ = try RosterWorld(db: db)
            let pilots = Pilots(db: db)
            let program = try program(pilots)
            let id = try pilots.apply(programID: program, applicant: .enterprise(uscc: RosterWorld.shenzhen), plan: "开发岗位",
                                      on: CalendarDate(iso: "2013-05-20")!, late: false)
            for (status, day) in [(ApplicationStatus.approved, "2013-06-20"), (.inPilot, "2013-07-01"), (.summarized, "2014-06-28"),
                                  (.designatedDemonstration, "2014-12-01")] {
                try pilots.advance(applicationID: id, to: status, on: CalendarDate(iso: day)!, note: nil)
            }
            let history = try pilots.history(applicationID: id)
            #expect(history.map(\.to) == ["submitted", "approved", "in_pilot", "summarized", "designated_demonstration"])
            #expect(history.map(\.from) == [nil, "submitted", "approved", "in_pilot", "summarized"])
            #expect(history.last?.on == CalendarDate(iso: "2014-12-01"))
            #expect(history.allSatisfy { !$0.actor.isEmpty })
            let second = try pilots.apply(programID: program, applicant: .region("440300"), plan: nil, on: CalendarDate(iso: "2013-05-25")!, late: false)
            let skip = #expect(throws: WorkforceError.self) {
                try pilots.advance(applicationID: second, to: .inPilot, on: CalendarDate(iso: "2013-07-01")!, note: nil)
            }
            #expect(skip?.description == "application \(second) is submitted; it cannot become in_pilot")
            // The database refuses the same jump from plain SQL.
            let error = #expect(throws: PostgresError.self) {
                try db.execute("UPDATE pilot_application SET status = 'designated_demonstration' WHERE id = \(second)")
            }
            #expect(error?.constraint == "pilot_application_transition")
            #expect(try pilots.applications(programID: program, province: "440000").map(\.status) == [.designatedDemonstration, .submitted])
        }
    }

    @Test func deadlinesAndDuplicatesAreRefusedAndLatenessRecorded() throws {
        try TestDatabase.withSchema { db in
            _ = try RosterWorld(db: db)
            let pilots = Pilots(db: db)
            let program = try program(pilots)
            let late = #expect(throws: WorkforceError.self) {
                try pilots.apply(programID: program, applicant: .enterprise(uscc: RosterWorld.beijing), plan: nil,
                                 on: CalendarDate(iso: "2013-06-02")!, late: false)
            }
            #expect(late?.description.contains("closed on 2013-06-01") == true)
            let id = try pilots.apply(programID: program, applicant: .enterprise(uscc: RosterWorld.beijing), plan: nil,
                                      on: CalendarDate(iso: "2013-06-02")!, late: true)
            #expect(try pilots.applications().first { $0.id == id }?.late == true)
            #expect(try pilots.history(applicationID: id).first?.note == "late application")
            #expect(throws: WorkforceError.self) {
                try pilots.apply(programID: program, applicant: .enterprise(uscc: RosterWorld.beijing), plan: nil,
                                 on: CalendarDate(iso: "2013-05-01")!, late: false)
            }
            #expect(throws: WorkforceError.self) {
                try pilots.createProgram(name: "x", document: nil, applyBy: CalendarDate(iso: "2013-06-01")!,
                                         confirmBy: CalendarDate(iso: "2013-05-01")!, pilotMonths: 12, summaryBy: CalendarDate(iso: "2014-06-30")!)
            }
        }
    }

    @Test func postsServicesAndFundingAreRecordedExactly() throws {
        try TestDatabase.withSchema { db in
            _ = try TrainingWorld(db: db)
            let pilots = Pilots(db: db)
            let org = "52440300MJ000123XJ"
            try pilots.addServiceOrg(uscc: org, name: "深圳市测试社会工作服务中心", region: "440300", founded: CalendarDate(iso: "2012-05-01"))
            _ = try pilots.addPost(enterpriseUSCC: RosterWorld.shenzhen, department: .union, title: "企业社会工作专员",
                                   filledBy: RosterWorld.person(1), createdOn: CalendarDate(iso: "2013-08-01")!, today: RosterWorld.today)
            _ = try pilots.recordService(enterpriseUSCC: RosterWorld.shenzhen, kind: ServiceKind(text: "情绪疏导")!,
                                         on: CalendarDate(iso: "2013-10-12")!, beneficiaries: 35, provider: org, volunteers: 4,
                                         hours: 6, today: RosterWorld.today)
            _ = try pilots.recordService(enterpriseUSCC: RosterWorld.shenzhen, kind: .familySupport, on: CalendarDate(iso: "2013-11-02")!,
                                         beneficiaries: 8, provider: RosterWorld.person(1), volunteers: nil, hours: nil, today: RosterWorld.today)
            for amount in ["0.10", "0.20", "60000"] {
                _ = try pilots.addFunding(enterpriseUSCC: RosterWorld.shenzhen, region: nil, source: .governmentPurchase, amount: amount,
                                          on: CalendarDate(iso: "2013-09-01")!, providerOrg: org, contract: "SZ-2013-001")
            }
            let total: String = try db.query("SELECT sum(amount)::text FROM funding").single().decode(0)
            #expect(total == "60000.30")
            for bad in ["12.345", "-5", "1e3", "abc", "0"] {
                #expect(throws: WorkforceError.self, "\(bad)") {
                    try pilots.addFunding(enterpriseUSCC: RosterWorld.shenzhen, region: nil, source: .other, amount: bad,
                                          on: CalendarDate(iso: "2013-09-01")!, providerOrg: nil, contract: nil)
                }
            }
            let providers = try db.query("""
                SELECT count(provider_org_id), count(provider_person_id), sum(beneficiaries) FROM service_record
                """).single()
            #expect(try providers.decode(0, as: Int.self) == 1)
            #expect(try providers.decode(1, as: Int.self) == 1)
            #expect(try providers.decode(2, as: Int.self) == 43)
            #expect(throws: WorkforceError.self) {
                try pilots.recordService(enterpriseUSCC: RosterWorld.shenzhen, kind: .skillImprovement, on: CalendarDate(iso: "2013-11-02")!,
                                         beneficiaries: 8, provider: "not-a-code", volunteers: nil, hours: nil, today: RosterWorld.today)
            }
        }
    }
}

@Suite(.database) struct ProvinceReportTests {
    @Test func theProvinceReportAddsUpAndIsAWellFormedDocumentWithCharts() throws {
        try TestDatabase.withSchema { (db: Connection) throws in
            let world = try RosterWorld(db: db)
            let guangzhou = Fixtures.uscc(region: "440106", serial: 3)
            try world.roster.addEnterprise(uscc: guangzhou, name: "广州测试", regionCode: "440106", employees: nil)
            _ = try world.importStaff("""
                enterprise_uscc,id_number,name,department,hired_on
                \(RosterWorld.shenzhen),\(RosterWorld.person(1)),一,union,2012-01-01
                \(RosterWorld.shenzhen),\(RosterWorld.person(2)),二,union,2012-01-01
                \(guangzhou),\(RosterWorld.person(3)),三,party,2012-01-01
                \(guangzhou),\(RosterWorld.person(4)),四,party,2012-01-01
                \(guangzhou),\(RosterWorld.person(5)),五,party,2012-01-01
                \(RosterWorld.beijing),\(RosterWorld.person(6)),六,party,2012-01-01
                """)
            _ = try world.importCertificates("""
                id_number,level,certificate_no,issued_on
                \(RosterWorld.person(1)),junior,P1,2013-01-01
                \(RosterWorld.person(3)),junior,P3,2014-01-01
                \(RosterWorld.person(6)),junior,P6,2013-01-01
                """)
            let pilots = Pilots(db: db)
            let program = try pilots.createProgram(name: "试点", document: nil, applyBy: CalendarDate(iso: "2013-06-01")!,
                                                   confirmBy: CalendarDate(iso: "2013-06-30")!, pilotMonths: 12, summaryBy: CalendarDate(iso: "2014-06-30")!)
            _ = try pilots.apply(programID: program, applicant: .enterprise(uscc: RosterWorld.shenzhen), plan: nil, on: CalendarDate(iso: "2013-05-01")!, late: false)
            let report = try Reports(db: db).province(region: "440000", asOf: CalendarDate(iso: "2014-06-30")!)
            // Guangdong: 5 tracked, 2 certified; Shenzhen 1/2 ranks above Guangzhou 1/3; Beijing is left out.
            #expect(report.total == RatioCounts(tracked: 5, certified: 2, ratio: "0.4000"))
            #expect(report.enterprises.map(\.code) == [RosterWorld.shenzhen, guangzhou])
            #expect(report.cities.map(\.code) == ["440100", "440300"])
            #expect(report.cities.map(\.counts.certified) == [1, 1])
            #expect(report.pilots.count == 1)
            #expect(report.trend.count == 8)
            #expect(report.trend.first?.date == CalendarDate(iso: "2012-09-30"))
            #expect(report.trend.map(\.date.iso) == ["2012-09-30", "2012-12-31", "2013-03-31", "2013-06-30", "2013-09-30",
                                                     "2013-12-31", "2014-03-31", "2014-06-30"])
            #expect(report.trend.map(\.counts.certified) == [0, 0, 1, 1, 1, 1, 2, 2])
            let html = report.html
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
