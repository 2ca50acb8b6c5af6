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
        _ = try world.world.importCertificates("""
            id_number,level,certificate_no,issued_on
            \(RosterWorld.person(1)),intermediate,R1,2015-01-10

            """)
        return world
    }

    func register(_ registry: CertificateRegistry, _ date: String) throws -> CalendarDate {
        try registry.register(certificateNo: "R1", on: CalendarDate(iso: date)!, today: RosterWorld.today)
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
            #expect(short?.description.contains("needs 90.00 hours of continuing education since 2015-06-01; 0 are credited") == true)
            // 90 hours of off-the-job training in the period.
            let course = try world.training.createEvent(EventDraft(
                kind: .offJobTraining, title: "脱产培训", startsAt: LocalDateTime(text: "2016-05-01T08:00")!,
                endsAt: LocalDateTime(text: "2016-05-11T08:00")!, hours: 90, capacity: 10, enterpriseUSCC: RosterWorld.shenzhen))
            _ = try world.training.enroll(eventID: course, idNumber: RosterWorld.person(1), at: LocalDateTime(text: "2016-04-01T08:00")!, today: RosterWorld.today)
            try world.training.recordAttendance(eventID: course, idNumber: RosterWorld.person(1), attended: true, hours: nil,
                                                at: LocalDateTime(text: "2016-05-11T08:00")!, today: RosterWorld.today)
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
            #expect(try ratio.enterprise(uscc: RosterWorld.shenzhen, asOf: day, registeredOnly: true).counts.certified == 0)
            _ = try register(CertificateRegistry(db: db), "2015-02-01")
            #expect(try ratio.enterprise(uscc: RosterWorld.shenzhen, asOf: day, registeredOnly: true).counts.certified == 1)
            let report = try ratio.report(region: "440000", asOf: CalendarDate(iso: "2018-03-01")!, registeredOnly: true)
            #expect(report.total.counts.certified == 0, "the registration lapsed on 2018-02-01")
            #expect(try ratio.report(region: "440000", asOf: CalendarDate(iso: "2018-03-01")!).total.counts.certified == 1)
        }
    }
}
