import CalendarDates
import Foundation
import PostgresClient
import TestSupport
import Workforce

/// The one fixed world every renderer snapshot reads: something in every table a listing or a
/// report shows, all of it dated 2012-2014 so that no output depends on the day the tests run.
///
/// Shenzhen has seven people in six departments (one left mid-2013, one is in two departments),
/// Guangzhou two, Beijing one; certificates of each level, one revoked and one registered; a
/// Shenzhen lecture with a quota, a waitlist and attendance, and a province seminar; the 2013
/// junior and intermediate exams (a pass without a certificate, a fail, an absence); a pilot
/// program with an enterprise application in its pilot year, a region's and a rejected one,
/// a service organization, posts, services and funding. Built in process through the domain API
/// (with ``FixtureWorld/today`` fixed), so its ids are the same in every fresh schema.
struct SnapshotFixture {
    let enterpriseApplication: Int
    let lecture: Int
    let juniorSession: Int
    static let org = "52440300MJ000123XJ"

    init(db: Connection) throws {
        let world = try FixtureWorld(db: db, adding: [.guangzhou])
        let today = FixtureWorld.today
        let day = FixtureWorld.day
        _ = try world.importStaff(
            FixtureWorld.staff([
                .init(.shenzhen, 1, "张伟", "union", hired: "2012-01-01"),
                .init(.shenzhen, 2, "李娜", "union", hired: "2012-01-01", left: "2013-06-30"),
                .init(.shenzhen, 3, "王芳", "party", hired: "2012-01-01"),
                .init(.shenzhen, 3, "王芳", "union", hired: "2012-03-01"),
                .init(.shenzhen, 4, "刘洋", "youth_league", hired: "2013-03-01"),
                .init(.shenzhen, 5, "陈静", "womens_federation", hired: "2012-01-01"),
                .init(.shenzhen, 6, "杨磊", "human_resources", hired: "2012-01-01"),
                .init(.shenzhen, 7, "赵敏", "social_org", hired: "2013-09-01"),
                .init(.guangzhou, 8, "黄勇", "party", hired: "2012-06-01"),
                .init(.guangzhou, 9, "周杰", "union", hired: "2012-06-01"),
                .init(.beijing, 10, "吴刚", "union", hired: "2012-01-01"),
            ]))
        _ = try world.importCertificates(
            FixtureWorld.certificates([
                (1, "junior", "C-1", "2013-01-15", nil),
                (3, "intermediate", "C-3", "2012-05-01", nil),
                (5, "junior", "C-5", "2012-01-01", "2013-10-01"),
                (8, "senior", "C-8", "2013-11-20", nil),
                (10, "junior", "C-10", "2013-04-01", nil),
            ]))
        _ = try CertificateRegistry(db: db).register(certificateNo: "C-1", on: day("2013-03-01"), today: today)

        lecture = try Events(db: db).create(
            EventDraft(
                kind: .expertLecture, title: "企业社会工作概论",
                startsAt: LocalDateTime(text: "2013-09-10T09:00")!, endsAt: LocalDateTime(text: "2013-09-10T12:00")!,
                hours: 3, capacity: 3,
                enterpriseUSCC: FixtureWorld.shenzhen, location: "南山区", quotas: [.union: 1]))
        let seminar = try Events(db: db).create(
            EventDraft(
                kind: .seminar, title: "全省企业社会工作研讨会",
                startsAt: LocalDateTime(text: "2013-11-05T14:00")!, endsAt: LocalDateTime(text: "2013-11-05T17:00")!,
                hours: 3, capacity: 10, regionCode: "440000"))
        let signUp = LocalDateTime(text: "2013-09-01T10:00")!
        for person in [1, 3, 4, 6] {
            _ = try Enrollments(db: db).enroll(
                eventID: lecture, idNumber: FixtureWorld.person(person), at: signUp, today: today)
        }
        for person in [8, 1] {
            _ = try Enrollments(db: db).enroll(
                eventID: seminar, idNumber: FixtureWorld.person(person), at: signUp, today: today)
        }
        let attendance: [(event: Int, person: Int, attended: Bool, hours: Decimal?, at: String)] = [
            (lecture, 1, true, nil, "2013-09-10T12:00"), (lecture, 3, true, 2, "2013-09-10T12:00"),
            (lecture, 4, false, nil, "2013-09-10T12:00"), (seminar, 8, true, nil, "2013-11-05T17:00"),
        ]
        for line in attendance {
            try Attendance(db: db).record(
                eventID: line.event, idNumber: FixtureWorld.person(line.person), attended: line.attended,
                hours: line.hours, at: LocalDateTime(text: line.at)!, today: today)
        }

        juniorSession = try ExamSessions(db: db).create(year: 2013, level: .junior, examDate: day("2013-06-15"))
        let intermediate = try ExamSessions(db: db).create(
            year: 2013, level: .intermediate, examDate: day("2013-06-15"))
        for session in [juniorSession, intermediate] {
            for province in ["440000", "110000"] {
                try ExamSessions(db: db).setWindow(
                    sessionID: session, province: province, opens: day("2013-03-01"),
                    closes: day("2013-03-31"))
            }
        }
        for (session, person) in [(juniorSession, 4), (juniorSession, 9), (intermediate, 2), (intermediate, 10)] {
            _ = try ExamRegistrations(db: db).register(
                sessionID: session, idNumber: FixtureWorld.person(person), subjects: nil,
                on: day("2013-03-15"), today: today)
        }
        var scores = "身份证号,考试场次,科目,成绩\n"
        for (person, session, subject, score) in [
            (4, juniorSession, "综合能力", "70"), (4, juniorSession, "实务", "65"),
            (9, juniorSession, "综合能力", "50"), (9, juniorSession, "实务", "61"),
            (2, intermediate, "综合能力", "66"), (2, intermediate, "法规与政策", "60"),
            (2, intermediate, "实务", "59.5"),
        ] {
            scores += "\(FixtureWorld.person(person)),\(session),\(subject),\(score)\n"
        }
        _ = try ExamScores(db: db).importFile(
            path: try temporaryFile(text: scores), options: ImportOptions(today: today))

        let program = try PilotPrograms(db: db).create(
            name: "企业社会工作试点", document: "民函〔2013〕132号", applyBy: day("2013-06-01"),
            confirmBy: day("2013-06-30"), pilotMonths: 12, summaryBy: day("2014-06-30"))
        enterpriseApplication = try PilotApplications(db: db).apply(
            programID: program, applicant: .enterprise(uscc: FixtureWorld.shenzhen),
            plan: "开发岗位；购买服务；培训骨干", on: day("2013-05-20"), late: false)
        let region = try PilotApplications(db: db).apply(
            programID: program, applicant: .region("440300"), plan: nil,
            on: day("2013-05-21"), late: false)
        let rejected = try PilotApplications(db: db).apply(
            programID: program, applicant: .enterprise(uscc: FixtureWorld.guangzhou),
            plan: nil, on: day("2013-05-25"), late: false)
        for (application, status, date, note) in [
            (enterpriseApplication, ApplicationStatus.approved, "2013-06-20", nil),
            (enterpriseApplication, .inPilot, "2013-07-01", nil), (region, .approved, "2013-06-20", nil),
            (rejected, .rejected, "2013-06-25", "材料不全"),
        ] as [(Int, ApplicationStatus, String, String?)] {
            try PilotApplications(db: db).advance(applicationID: application, to: status, on: day(date), note: note)
        }
        try ServiceOrganizations(db: db).add(
            uscc: SnapshotFixture.org, name: "深圳市测试社会工作服务中心", region: "440300",
            founded: day("2012-05-01"))
        _ = try Posts(db: db).add(
            enterpriseUSCC: FixtureWorld.shenzhen, department: .union, title: "企业社会工作专员",
            filledBy: FixtureWorld.person(1), createdOn: day("2013-08-01"), today: today)
        _ = try Posts(db: db).add(
            enterpriseUSCC: FixtureWorld.shenzhen, department: .party, title: "党群社工岗",
            filledBy: nil, createdOn: day("2013-09-01"), today: today)
        _ = try Services(db: db).record(
            enterpriseUSCC: FixtureWorld.shenzhen, kind: .emotionalCounseling,
            on: day("2013-10-12"), beneficiaries: 35, provider: SnapshotFixture.org,
            volunteers: 3, hours: Decimal(string: "4.5"), today: today)
        _ = try Services(db: db).record(
            enterpriseUSCC: FixtureWorld.shenzhen, kind: .familySupport, on: day("2013-12-01"),
            beneficiaries: 8, provider: nil, volunteers: nil, hours: nil, today: today)
        _ = try Funding(db: db).add(
            enterpriseUSCC: FixtureWorld.shenzhen, region: nil, source: .governmentPurchase,
            amount: "60000.30", on: day("2013-09-01"), providerOrg: SnapshotFixture.org,
            contract: "SZ-2013-01")
        _ = try Funding(db: db).add(
            enterpriseUSCC: nil, region: "440300", source: .other, amount: "1234.56",
            on: day("2013-11-01"), providerOrg: nil, contract: nil)
    }
}
