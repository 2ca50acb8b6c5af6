import CalendarDates
import Foundation
import PostgresClient
import TestSupport
import Testing
import Workforce

@Suite(.database) struct CertificateRegistryTests {
    /// Person 1 (Shenzhen, union) holds an intermediate certificate issued 2015-01-10.
    func world(_ db: Connection) throws -> TrainingWorld {
        let world = try TrainingWorld(db: db)
        _ = try world.world.importCertificates(
            """
            id_number,level,certificate_no,issued_on
            \(RosterWorld.person(1)),intermediate,R1,2015-01-10

            """)
        return world
    }

    func register(_ registry: CertificateRegistry, _ date: String) throws -> CalendarDate {
        try registry.register(certificateNo: "R1", on: CalendarDate(iso: date)!, today: RosterWorld.today)
    }

    /// Person 1 attends ten days of off-the-job training from `day` (credited `hours`).
    func attendCourse(_ world: TrainingWorld, from day: String, hours: Decimal) throws {
        let ends = LocalDateTime(text: "\(CalendarDate(iso: day)!.adding(days: 10).iso)T08:00")!
        let course = try world.events.create(
            EventDraft(
                kind: .offJobTraining, title: "脱产培训", startsAt: LocalDateTime(text: "\(day)T08:00")!,
                endsAt: ends,
                hours: hours, capacity: 10, enterpriseUSCC: RosterWorld.shenzhen))
        _ = try world.enrollments.enroll(
            eventID: course, idNumber: RosterWorld.person(1),
            at: LocalDateTime(text: "\(day)T07:00")!, today: RosterWorld.today)
        try world.attendance.record(
            eventID: course, idNumber: RosterWorld.person(1), attended: true,
            hours: nil, at: ends, today: RosterWorld.today)
    }

    @Test func theFirstRegistrationFallsWithinAYearOfIssueAndRunsThreeYears() throws {
        try TestDatabase.withSchema { db in
            _ = try world(db)
            let registry = CertificateRegistry(db: db)
            let late = #expect(throws: WorkforceError.self) { try register(registry, "2016-01-11") }
            #expect(late?.description.contains("was due by 2016-01-10") == true)
            #expect(try register(registry, "2015-06-01") == CalendarDate(iso: "2018-06-01"))
            let states = try registry.status(asOf: CalendarDate(iso: "2015-07-01")!)
            #expect(states.map(\.state) == [.registered])
            #expect(try registry.status(asOf: CalendarDate(iso: "2018-04-01")!).map(\.state) == [.renewalDue])
            #expect(try registry.status(asOf: CalendarDate(iso: "2018-06-01")!).map(\.state) == [.lapsed])
        }
    }

    @Test func renewalNeedsItsWindowAndTheContinuingEducationHours() throws {
        try TestDatabase.withSchema { db in
            let world = try world(db)
            let registry = CertificateRegistry(db: db)
            _ = try register(registry, "2015-06-01")
            let early = #expect(throws: WorkforceError.self) { try register(registry, "2018-02-28") }
            #expect(early?.description.contains("opens on 2018-03-01") == true)
            let short = #expect(throws: WorkforceError.self) { try register(registry, "2018-04-01") }
            #expect(
                short?.description.contains(
                    "needs 90.00 hours of continuing education since 2015-06-01; 0 are credited") == true)
            // 90 hours of off-the-job training in the period.
            try attendCourse(world, from: "2016-05-01", hours: 90)
            #expect(try register(registry, "2018-04-01") == CalendarDate(iso: "2021-06-01"))
            let lapsed = #expect(throws: WorkforceError.self) { try register(registry, "2021-06-02") }
            #expect(lapsed?.description.contains("lapsed on 2021-06-01") == true)
        }
    }

    @Test func theRatioCanCountRegisteredCertificatesOnly() throws {
        try TestDatabase.withSchema { db in
            _ = try world(db)
            let ratio = RatioService(db: db)
            let day = CalendarDate(iso: "2015-03-01")!
            #expect(try ratio.enterprise(uscc: RosterWorld.shenzhen, asOf: day).counts.certified == 1)
            #expect(
                try ratio.enterprise(uscc: RosterWorld.shenzhen, asOf: day, registeredOnly: true).counts.certified == 0)
            _ = try register(CertificateRegistry(db: db), "2015-02-01")
            #expect(
                try ratio.enterprise(uscc: RosterWorld.shenzhen, asOf: day, registeredOnly: true).counts.certified == 1)
            let report = try ratio.report(
                region: "440000", asOf: CalendarDate(iso: "2018-03-01")!, registeredOnly: true)
            #expect(report.total.counts.certified == 0, "the registration lapsed on 2018-02-01")
            #expect(
                try ratio.report(region: "440000", asOf: CalendarDate(iso: "2018-03-01")!).total.counts.certified == 1)
        }
    }

    /// Gaps and the registry read one continuing-education period (continuing_education_period).
    /// Before, gaps counted three-year cycles from the issue day (2018-01-10 on: nothing credited,
    /// short) while the registry counted from the registration day (95 hours: enough), for the
    /// same certificate on the same day.
    @Test func gapsAndTheRegistryAgreeOnTheContinuingEducationPeriod() throws {
        try TestDatabase.withSchema { db in
            let world = try world(db)
            let registry = CertificateRegistry(db: db)
            #expect(try register(registry, "2015-06-01") == CalendarDate(iso: "2018-06-01"))
            try attendCourse(world, from: "2016-05-01", hours: 95)
            func short(_ day: String) throws -> [TrainingGap] {
                try world.records.gaps(enterpriseUSCC: RosterWorld.shenzhen, asOf: CalendarDate(iso: day)!)
                    .filter { $0.reason == .continuingEducationShort && $0.idNumber == RosterWorld.person(1) }
            }
            func status(_ day: String) throws -> CertificateStatus {
                try #require(
                    try registry.status(enterpriseUSCC: RosterWorld.shenzhen, asOf: CalendarDate(iso: day)!)
                        .first { $0.certificateNo == "R1" })
            }
            // In the first registration period (2015-06-01 to 2018-06-01) the 95 hours count for both.
            #expect(try short("2018-03-01").isEmpty)
            let inFirstPeriod = try status("2018-03-01")
            #expect([inFirstPeriod.creditedHours, inFirstPeriod.requiredHours] == ["95.00", "90.00"])
            #expect(try register(registry, "2018-04-01") == CalendarDate(iso: "2021-06-01"))
            // The renewal starts the next period on its day: nothing credited yet, for both.
            let gap = try #require(try short("2018-07-01").first)
            #expect(gap.periodStart == CalendarDate(iso: "2018-04-01"))
            #expect(gap.periodEnd == CalendarDate(iso: "2021-06-01"))
            #expect([gap.creditedHours, gap.missingHours] == ["0", "90.00"])
            #expect(try status("2018-07-01").creditedHours == gap.creditedHours)
            // After the registration lapses, three-year cycles run on from the day it lapsed.
            let lapsed = try #require(try short("2022-01-01").first)
            #expect(lapsed.periodStart == CalendarDate(iso: "2021-06-01"))
            #expect(lapsed.periodEnd == CalendarDate(iso: "2024-06-01"))
            #expect(try status("2022-01-01").state == .lapsed)
        }
    }
}
