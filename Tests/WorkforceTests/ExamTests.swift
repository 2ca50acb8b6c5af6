import CalendarDates
import Foundation
import PostgresClient
import TestSupport
import Testing
import Workforce
import WorkforceOutput

/// Exam sessions of several years with open windows in Guangdong and Beijing, and staff to
/// register (RosterWorld's enterprises; persons 1-6 in Shenzhen's union, 20 in Beijing).
struct ExamWorld {
    let training: TrainingWorld
    let examSessions: ExamSessions
    let registrations: ExamRegistrations
    let scores: ExamScores
    let results: ExamResults
    var sessions: [String: Int] = [:]

    init(db: Connection, years: [Int], levels: [CertificateLevel] = [.junior, .intermediate]) throws {
        training = try TrainingWorld(db: db)
        examSessions = ExamSessions(db: db)
        registrations = ExamRegistrations(db: db)
        scores = ExamScores(db: db)
        results = ExamResults(db: db)
        for year in years {
            for level in levels {
                let id = try examSessions.create(
                    year: year, level: level, examDate: CalendarDate(year: year, month: 6, day: 15)!)
                for province in ["440000", "110000"] {
                    try examSessions.setWindow(
                        sessionID: id, province: province, opens: CalendarDate(year: year, month: 3, day: 1)!,
                        closes: CalendarDate(year: year, month: 3, day: 31)!)
                }
                sessions["\(year) \(level.rawValue)"] = id
            }
        }
    }

    func session(_ year: Int, _ level: CertificateLevel) -> Int { sessions["\(year) \(level.rawValue)"]! }

    func register(_ person: Int, _ year: Int, _ level: CertificateLevel, _ subjects: [ExamSubject]? = nil) throws {
        _ = try registrations.register(
            sessionID: session(year, level), idNumber: RosterWorld.person(person), subjects: subjects,
            on: CalendarDate(year: year, month: 3, day: 15)!, today: RosterWorld.today)
    }

    /// Registers and scores in one go: (year, subject, score) for one person and level.
    func sit(_ person: Int, _ level: CertificateLevel, _ attempts: [(Int, ExamSubject, String)]) throws {
        var csv = "身份证号,考试场次,科目,成绩\n"
        for year in Set(attempts.map(\.0)).sorted() {
            try register(person, year, level, attempts.filter { $0.0 == year }.map(\.1))
        }
        for (year, subject, score) in attempts {
            csv += "\(RosterWorld.person(person)),\(session(year, level)),\(subject.chineseName),\(score)\n"
        }
        _ = try scores.importFile(path: try temporaryFile(text: csv), options: ImportOptions(today: RosterWorld.today))
    }

    func result(_ person: Int, _ level: CertificateLevel) throws -> LevelResult? {
        try results.results(idNumber: RosterWorld.person(person), today: RosterWorld.today).first { $0.level == level }
    }
}

@Suite(.database) struct ExamRuleTests {
    @Test func theNationalLineIsSixtyAndALocalLineGivesALocalPass() throws {
        try TestDatabase.withSchema { db in
            let world = try ExamWorld(db: db, years: [2013])
            try world.sit(1, .junior, [(2013, .comprehensive, "59.5"), (2013, .practice, "70")])
            #expect(try world.result(1, .junior)?.passed == false)
            #expect(try world.result(1, .junior)?.remaining == [.comprehensive])
            // A local line of 55 for Shenzhen's Nanshan district (440305) covers person 2, not Beijing's 20.
            try world.examSessions.setPassLine(
                sessionID: world.session(2013, .junior), subject: .comprehensive, mark: 55, region: "440305")
            try world.sit(2, .junior, [(2013, .comprehensive, "57"), (2013, .practice, "61")])
            try world.sit(20, .junior, [(2013, .comprehensive, "57"), (2013, .practice, "61")])
            let local = try #require(try world.result(2, .junior))
            #expect(local.passed && local.scope == "local" && local.passedYear == 2013)
            #expect(try world.result(20, .junior)?.passed == false)
            #expect(try world.result(1, .junior)?.passed == true)  // 59.5 passes on the local line of 55 too
        }
    }

    @Test func juniorPassesMustFallInOneExamYear() throws {
        try TestDatabase.withSchema { db in
            let world = try ExamWorld(db: db, years: [2013, 2014])
            try world.sit(1, .junior, [(2013, .comprehensive, "80"), (2014, .practice, "80")])
            let result = try #require(try world.result(1, .junior))
            #expect(!result.passed)
            #expect(result.remaining == [.comprehensive])
            #expect(result.earlierPassesValidThrough == 2014)
        }
    }

    /// domain.md §1.4's worked examples, in their own years.
    @Test func intermediatePassesRollOverTwoConsecutiveYears() throws {
        try TestDatabase.withSchema { db in
            let world = try ExamWorld(db: db, years: [2024, 2025, 2026], levels: [.intermediate])
            // Comprehensive in 2024, regulations in 2025: in 2026 the 2024 pass has lapsed.
            try world.sit(
                1, .intermediate, [(2024, .comprehensive, "70"), (2025, .regulations, "70"), (2026, .practice, "70")])
            let lapsed = try #require(try world.result(1, .intermediate))
            #expect(!lapsed.passed)
            #expect(lapsed.remaining == [.comprehensive])
            #expect(lapsed.earlierPassesValidThrough == 2026)
            // Two subjects in 2025 and the third in 2026 qualifies.
            try world.sit(
                2, .intermediate,
                [
                    (2025, .comprehensive, "65"), (2025, .regulations, "61"), (2025, .practice, "40"),
                    (2026, .practice, "72.5"),
                ])
            let passed = try #require(try world.result(2, .intermediate))
            #expect(passed.passed && passed.passedYear == 2026 && passed.scope == "national")
            #expect(passed.subjects.map(\.subject) == [.comprehensive, .regulations, .practice])
            #expect(passed.subjects.last?.score == "72.50")
        }
    }

    @Test func registrationFollowsWindowsLevelsAndEmployment() throws {
        try TestDatabase.withSchema { db in
            let world = try ExamWorld(db: db, years: [2013])
            let outside = #expect(throws: WorkforceError.self) {
                _ = try world.registrations.register(
                    sessionID: world.session(2013, .junior), idNumber: RosterWorld.person(1), subjects: nil,
                    on: CalendarDate(iso: "2013-04-02")!, today: RosterWorld.today)
            }
            #expect(outside?.description.contains("is open from 2013-03-01 to 2013-03-31, not on 2013-04-02") == true)
            let wrongSubject = #expect(throws: WorkforceError.self) {
                try world.register(1, 2013, .junior, [.regulations])
            }
            #expect(wrongSubject?.description.contains("is not a subject of the junior exam") == true)
            try world.register(1, 2013, .junior)
            let twice = #expect(throws: WorkforceError.self) { try world.register(1, 2013, .junior) }
            #expect(twice?.description.contains("already registered") == true)
            try world.training.world.staff.recordLeaving(
                idNumber: RosterWorld.person(3), enterpriseUSCC: RosterWorld.shenzhen, department: nil,
                on: CalendarDate(iso: "2013-01-01")!, today: RosterWorld.today)
            let gone = #expect(throws: WorkforceError.self) { try world.register(3, 2013, .junior) }
            #expect(gone?.description.contains("no active employment") == true)
            let flagged: Bool = try db.query("SELECT bool_and(eligibility_unverified) FROM exam_registration").single()
                .decode(0)
            #expect(flagged)
        }
    }

    @Test func scoreRowsAreCheckedAgainstRegistrations() throws {
        try TestDatabase.withSchema { db in
            let world = try ExamWorld(db: db, years: [2013])
            try world.register(1, 2013, .junior, [.practice])
            let junior = world.session(2013, .junior)
            let rejection = #expect(throws: ImportRejected.self) {
                try world.scores.importFile(
                    path: try temporaryFile(
                        text: """
                            id_number,session,subject,score
                            \(RosterWorld.person(1)),\(junior),practice,75
                            \(RosterWorld.person(1)),\(junior),comprehensive,75
                            \(RosterWorld.person(2)),\(junior),practice,75
                            \(RosterWorld.person(1)),999,practice,75
                            \(RosterWorld.person(1)),\(junior),law,75
                            \(RosterWorld.person(1)),\(junior),practice,101

                            """), options: ImportOptions(today: RosterWorld.today))
            }
            let reasons = Dictionary(grouping: try #require(rejection).errors, by: \.line).mapValues {
                $0.map(\.reason.description)
            }
            #expect(reasons[2] == nil)
            #expect(reasons[3] == ["is not registered for comprehensive in the 2013 junior exam"])
            #expect(reasons[4] == ["has no registration for the 2013 junior exam"])
            #expect(reasons[5] == ["no exam session has this id"])
            #expect(reasons[6]?.first?.contains("unknown subject") == true)
            #expect(reasons[7] == ["must be a number from 0 to 100"])
            #expect(try db.query("SELECT count(*) FROM exam_score").single().decode(0, as: Int.self) == 0)
        }
    }
}

@Suite(.database) struct ExamBatchAndFunnelTests {
    @Test func aBatchRegistersAllOrNothing() throws {
        try TestDatabase.withSchema { db in
            let world = try ExamWorld(db: db, years: [2013])
            let intermediate = world.session(2013, .intermediate)
            try world.register(4, 2013, .intermediate)
            let bad = """
                身份证号,考试场次,科目
                \(RosterWorld.person(1)),\(intermediate),
                \(RosterWorld.person(2)),\(intermediate),法规与政策;实务
                \(RosterWorld.person(2)),\(intermediate),
                \(RosterWorld.person(4)),\(intermediate),
                \(RosterWorld.person(5)),\(intermediate),高级实务

                """
            let rejection = #expect(throws: ImportRejected.self) {
                try world.registrations.register(
                    sessionID: nil, path: try temporaryFile(text: bad), on: CalendarDate(iso: "2013-03-10")!,
                    options: ImportOptions(today: RosterWorld.today))
            }
            let lines = Set(try #require(rejection).errors.map(\.line))
            #expect(lines == [4, 5, 6])
            #expect(try db.query("SELECT count(*) FROM exam_registration").single().decode(0, as: Int.self) == 1)
            let good =
                "身份证号,科目\n\(RosterWorld.person(1)),\n"
                + "\(RosterWorld.person(2)),法规与政策、实务\n"
            let summary = try world.registrations.register(
                sessionID: intermediate, path: try temporaryFile(text: good),
                on: CalendarDate(iso: "2013-03-10")!, options: ImportOptions(today: RosterWorld.today))
            #expect(summary.inserted == 2)
            let subjects: String = try db.query(
                """
                SELECT r.subjects::text FROM exam_registration r JOIN person p ON p.id = r.person_id
                WHERE p.id_number = \(RosterWorld.person(2))
                """
            ).single().decode(0)
            #expect(subjects == "{regulations,practice}")
            let late = #expect(throws: ImportRejected.self) {
                try world.registrations.register(
                    sessionID: intermediate, path: try temporaryFile(text: "id_number\n\(RosterWorld.person(6))\n"),
                    on: CalendarDate(iso: "2013-05-10")!, options: ImportOptions(today: RosterWorld.today))
            }
            #expect(late?.errors.first?.reason.description.contains("is open from 2013-03-01 to 2013-03-31") == true)
        }
    }

    @Test func passesWithoutCertificatesAreListedAndTheFunnelCountsEachStage() throws {
        try TestDatabase.withSchema { db in
            let world = try ExamWorld(db: db, years: [2013])
            try world.sit(1, .junior, [(2013, .comprehensive, "70"), (2013, .practice, "70")])
            try world.sit(2, .junior, [(2013, .comprehensive, "70"), (2013, .practice, "70")])
            try world.sit(7, .junior, [(2013, .comprehensive, "40"), (2013, .practice, "70")])
            try world.register(3, 2013, .junior)  // registered, never sat
            _ = try world.training.world.importCertificates(
                """
                id_number,level,certificate_no,issued_on
                \(RosterWorld.person(1)),junior,J2013-1,2013-09-01

                """)
            let pending = try world.results.pendingCertificates(region: "440000", today: RosterWorld.today)
            #expect(pending.map(\.idNumber) == [RosterWorld.person(2)])
            let funnel = try world.results.funnel(region: "440000", year: 2013, today: RosterWorld.today)
            let all = try #require(funnel.first { $0.level == .junior && $0.department == nil })
            #expect([all.registered, all.sat, all.passed, all.certified] as [Int] == [4, 3, 2, 1])
            let party = try #require(funnel.first { $0.level == .junior && $0.department == .party })
            #expect([party.registered, party.sat, party.passed, party.certified] as [Int] == [1, 1, 0, 0])
            #expect(try world.results.funnel(region: "110000", year: 2013, today: RosterWorld.today).isEmpty)
        }
    }
}

/// Three exam years in Guangdong (Shenzhen's staff): person 1 passes junior in 2013; 2 fails in
/// 2013 and passes in 2014; 5 passes junior on a local line; 7 registers and never sits; 3 passes
/// intermediate over 2013-2014; 4's 2013 pass has lapsed by 2015. Certificates for 1, 2 and 3.
struct FunnelWorld {
    let exams: ExamWorld

    init(db: Connection) throws {
        exams = try ExamWorld(db: db, years: [2013, 2014, 2015])
        try exams.examSessions.setPassLine(
            sessionID: exams.session(2013, .junior), subject: .practice, mark: 55,
            region: "440300")
        try exams.sit(1, .junior, [(2013, .comprehensive, "70"), (2013, .practice, "70")])
        try exams.sit(
            2, .junior,
            [
                (2013, .comprehensive, "40"), (2013, .practice, "70"),
                (2014, .comprehensive, "70"), (2014, .practice, "65"),
            ])
        try exams.sit(5, .junior, [(2013, .comprehensive, "70"), (2013, .practice, "56")])
        try exams.register(7, 2013, .junior)
        try exams.sit(
            3, .intermediate,
            [
                (2013, .comprehensive, "70"), (2013, .regulations, "70"),
                (2013, .practice, "50"), (2014, .practice, "65"),
            ])
        try exams.sit(
            4, .intermediate,
            [
                (2013, .comprehensive, "70"), (2015, .regulations, "70"),
                (2015, .practice, "70"),
            ])
        _ = try exams.training.world.importCertificates(
            """
            id_number,level,certificate_no,issued_on
            \(RosterWorld.person(1)),junior,F1,2013-09-01
            \(RosterWorld.person(2)),junior,F2,2014-09-01
            \(RosterWorld.person(3)),intermediate,F3,2014-12-01

            """)
    }

    func funnel(_ year: Int) throws -> [String: [Int]] {
        var lines: [String: [Int]] = [:]
        for line in try exams.results.funnel(region: "440000", year: year, today: RosterWorld.today) {
            let key = "\(line.level.rawValue) \(line.department?.rawValue ?? "all")"
            lines[key] = [line.registered, line.sat, line.passed, line.certified]
        }
        return lines
    }
}

@Suite(.database) struct LevelPassAndFunnelTests {
    /// The same answers as the Swift computation they replace gave on this fixture.
    @Test func levelResultsComeFromTheLevelPassView() throws {
        try TestDatabase.withSchema { db in
            let world = try FunnelWorld(db: db).exams
            let two = try #require(try world.result(2, .junior))
            #expect(two.passed && two.passedYear == 2014 && two.scope == "national" && two.remaining.isEmpty)
            #expect(two.subjects.map(\.year) == [2014, 2014] && two.subjects.map(\.score) == ["70.00", "65.00"])
            #expect(two.earlierPassesValidThrough == nil && two.passValidThrough == nil)
            let five = try #require(try world.result(5, .junior))
            #expect(five.passed && five.passedYear == 2013 && five.scope == "local")
            let three = try #require(try world.result(3, .intermediate))
            #expect(three.passed && three.passedYear == 2014 && three.scope == "national")
            let four = try #require(try world.result(4, .intermediate))
            #expect(!four.passed && four.passedYear == nil && four.scope == nil)
            #expect(four.remaining == [.comprehensive] && four.earlierPassesValidThrough == 2016)
            // A psql user asks the view who passed which level in which year.
            let rows = try db.query(
                """
                SELECT p.id_number, x.level::text, x.year, x.scope
                FROM exam_level_pass x JOIN person p ON p.id = x.person_id
                ORDER BY x.level, x.year, p.id_number
                """
            ).map { row in
                let person: String = try row.decode(0), level: String = try row.decode(1)
                return "\(person) \(level) \(try row.decode(2, as: Int.self)) \(try row.decode(3, as: String.self))"
            }
            #expect(
                rows == [
                    "\(RosterWorld.person(1)) junior 2013 national", "\(RosterWorld.person(5)) junior 2013 local",
                    "\(RosterWorld.person(2)) junior 2014 national",
                    "\(RosterWorld.person(3)) intermediate 2014 national",
                ])
        }
    }

    /// Hand-computed: a pass in a later year counts in that year's cohort, with its certificate,
    /// so no cohort shows more certified than passed (person 2 and person 3 used to count as
    /// certified, not passed, in 2013).
    @Test func theFunnelCountsAPassAndItsCertificateInTheYearOfThePass() throws {
        try TestDatabase.withSchema { db in
            let world = try FunnelWorld(db: db)
            #expect(
                try world.funnel(2013) == [
                    "junior all": [4, 3, 2, 1], "junior union": [3, 3, 2, 1], "junior party": [1, 0, 0, 0],
                    "intermediate all": [2, 2, 0, 0], "intermediate union": [2, 2, 0, 0],
                ])
            #expect(
                try world.funnel(2014) == [
                    "junior all": [1, 1, 1, 1], "junior union": [1, 1, 1, 1],
                    "intermediate all": [1, 1, 1, 1], "intermediate union": [1, 1, 1, 1],
                ])
            #expect(try world.funnel(2015) == ["intermediate all": [1, 1, 0, 0], "intermediate union": [1, 1, 0, 0]])
            for year in 2013...2015 {
                for line in try world.exams.results.funnel(region: "440000", year: year, today: RosterWorld.today) {
                    #expect(line.certified <= line.passed && line.passed <= line.sat && line.sat <= line.registered)
                }
            }
            // The order is the documented one: each level's total, then its departments.
            let order = try world.exams.results.funnel(region: "440000", year: 2013, today: RosterWorld.today)
                .map { "\($0.level.rawValue) \($0.department?.rawValue ?? "all")" }
            #expect(order == ["junior all", "junior party", "junior union", "intermediate all", "intermediate union"])
        }
    }
}

@Suite(.database) struct SeniorAndCertificateLinkTests {
    @Test func aSeniorPassStaysValidForThreeExamYears() throws {
        try TestDatabase.withSchema { db in
            let world = try ExamWorld(db: db, years: [2019], levels: [.senior])
            try world.sit(1, .senior, [(2019, .practice, "66")])
            let result = try #require(try world.result(1, .senior))
            #expect(result.passed && result.passedYear == 2019)
            #expect(result.passValidThrough == 2021)
            #expect(try world.result(1, .senior)?.json.serialized().contains(#""pass_valid_through":2021"#) == true)
        }
    }

    @Test func aCertificateCanNameTheSessionItCameFrom() throws {
        try TestDatabase.withSchema { db in
            let world = try ExamWorld(db: db, years: [2013])
            try world.sit(1, .junior, [(2013, .comprehensive, "70"), (2013, .practice, "70")])
            let junior = world.session(2013, .junior), intermediate = world.session(2013, .intermediate)
            let rejection = #expect(throws: ImportRejected.self) {
                try world.training.world.importCertificates(
                    """
                    id_number,level,certificate_no,issued_on,exam_session
                    \(RosterWorld.person(1)),junior,E1,2013-12-20,\(intermediate)
                    \(RosterWorld.person(2)),junior,E2,2013-12-20,\(junior)

                    """)
            }
            #expect(
                rejection?.errors.map(\.reason) == [
                    "is the 2013 intermediate session, not junior", "the holder has no registration for this session",
                ])
            let summary = try world.training.world.importCertificates(
                """
                id_number,level,certificate_no,issued_on,exam_session
                \(RosterWorld.person(1)),junior,E1,2013-12-20,\(junior)

                """)
            #expect(summary.inserted == 1)
            let linked: Int = try db.query("SELECT exam_session_id FROM certificate WHERE certificate_no = 'E1'")
                .single().decode(0)
            #expect(linked == junior)
        }
    }
}

@Suite(.database) struct ExamEligibilityTests {
    /// Persons 30-35 in Shenzhen's union with recorded education; person 1 has none recorded.
    /// Sessions of 2014 and 2015.
    func world(_ db: Connection) throws -> ExamWorld {
        let world = try ExamWorld(db: db, years: [2014, 2015], levels: [.junior, .intermediate, .senior])
        _ = try world.training.world.importStaff(
            """
            enterprise_uscc,id_number,name,department,hired_on,学历,社会工作专业,从事社会工作时间
            \(RosterWorld.shenzhen),\(RosterWorld.person(30)),应届,union,2012-01-01,本科,是,2013-07-01
            \(RosterWorld.shenzhen),\(RosterWorld.person(31)),中专三年,union,2012-01-01,中专,否,2010-06-01
            \(RosterWorld.shenzhen),\(RosterWorld.person(32)),本科外专业,union,2012-01-01,本科,否,2009-06-01
            \(RosterWorld.shenzhen),\(RosterWorld.person(33)),本科外专业长,union,2012-01-01,本科,否,2008-06-01
            \(RosterWorld.shenzhen),\(RosterWorld.person(34)),中专持证,union,2000-01-01,高中,否,2000-01-01

            """)
        _ = try world.training.world.importCertificates(
            """
            id_number,level,certificate_no,issued_on
            \(RosterWorld.person(34)),junior,EL1,2008-11-01

            """)
        return world
    }

    @Test func eligibilityFollowsTheRuleRows() throws {
        try TestDatabase.withSchema { db in
            let world = try world(db)
            // A social-work bachelor may sit the junior exam with no years of work.
            #expect(
                try world.registrations.register(
                    sessionID: world.session(2014, .junior), idNumber: RosterWorld.person(30), subjects: nil,
                    on: CalendarDate(iso: "2014-03-10")!, today: RosterWorld.today
                ).eligibilityVerified)
            // Secondary education needs 4 years by 2013-12-31; 3.5 are not enough.
            let short = #expect(throws: WorkforceError.self) { try world.register(31, 2014, .junior) }
            #expect(
                short?.description.contains(
                    """
                    meets no eligibility rule for the junior exam (education secondary, 3 years of social work by \
                    2013-12-31)
                    """
                ) == true)
            // Other-major bachelor: the intermediate exam needs 3 + 2 = 5 years.
            #expect(throws: WorkforceError.self) { try world.register(32, 2014, .intermediate) }
            try world.register(33, 2014, .intermediate)
            // Secondary with a junior certificate 6 years old by the cut-off (of 2015: certificates
            // start in 2008).
            try world.register(34, 2015, .intermediate)
            // The senior exam needs a bachelor's degree and an intermediate certificate.
            #expect(throws: WorkforceError.self) { try world.register(33, 2014, .senior) }
            // Nothing recorded: accepted, flagged.
            let unverified = try world.registrations.register(
                sessionID: world.session(2014, .junior), idNumber: RosterWorld.person(1),
                subjects: nil, on: CalendarDate(iso: "2014-03-10")!, today: RosterWorld.today)
            #expect(!unverified.eligibilityVerified)
            let flags = try db.query(
                """
                SELECT p.id_number, r.eligibility_unverified
                FROM exam_registration r JOIN person p ON p.id = r.person_id ORDER BY p.id_number
                """
            ).map { (try $0.decode(0, as: String.self), try $0.decode(1, as: Bool.self)) }
            #expect(flags.filter { $0.1 }.map(\.0) == [RosterWorld.person(1)])
        }
    }

    @Test func theDatabaseRefusesSubjectsOfAnotherLevel() throws {
        try TestDatabase.withSchema { db in
            let world = try world(db)
            let error = #expect(throws: PostgresError.self) {
                try db.execute(
                    """
                    INSERT INTO exam_registration (session_id, person_id, enterprise_id, region_code, subjects,
                                                   registered_on)
                    SELECT \(world.session(2014, .junior)), p.id, e.id, e.region_code, '{regulations}', '2014-03-10'
                    FROM person p, enterprise e WHERE p.id_number = \(RosterWorld.person(1))
                        AND e.uscc = \(RosterWorld.shenzhen)
                    """)
            }
            #expect(error?.constraint == "exam_registration_subjects_of_level")
        }
    }
}

@Suite(.database) struct ExamSessionByYearAndLevelTests {
    @Test func sheetsNameTheSessionByYearAndLevelOrByItsId() throws {
        try TestDatabase.withSchema { db in
            let world = try ExamWorld(db: db, years: [2013])
            let junior = world.session(2013, .junior)
            let candidates = """
                身份证号,考试场次,科目
                \(RosterWorld.person(1)),2013 助理社会工作师,
                \(RosterWorld.person(2)),2013年社会工作师（中级）,
                \(RosterWorld.person(3)),\(junior),

                """
            let registered = try world.registrations.register(
                sessionID: nil, path: try temporaryFile(text: candidates), on: CalendarDate(iso: "2013-03-10")!,
                options: ImportOptions(today: RosterWorld.today))
            #expect(registered.inserted == 3)
            let scores = """
                身份证号,考试场次,科目,成绩
                \(RosterWorld.person(1)),2013 junior,实务,70
                \(RosterWorld.person(2)),2013 社会工作师,法规与政策,61
                \(RosterWorld.person(3)),\(junior),综合能力,65

                """
            let imported = try world.scores.importFile(
                path: try temporaryFile(text: scores), options: ImportOptions(today: RosterWorld.today))
            #expect(imported.inserted == 3)
            // No 2014 session, and no level called 专家: each row refused by line, naming no internal id.
            let bad = """
                身份证号,考试场次,科目,成绩
                \(RosterWorld.person(1)),2014 助理社会工作师,实务,70
                \(RosterWorld.person(1)),2013 专家,实务,70
                \(RosterWorld.person(4)),2013 助理社会工作师,实务,70

                """
            let rejection = #expect(throws: ImportRejected.self) {
                try world.scores.importFile(
                    path: try temporaryFile(text: bad), options: ImportOptions(today: RosterWorld.today))
            }
            let errors = try #require(rejection).errors
            #expect(errors.map(\.line) == [2, 3, 4])
            #expect(errors[0].reason.description.contains("no exam session of this year and level"))
            #expect(errors[1].reason.description.contains("by exam year and level (2013 助理社会工作师)"))
            #expect(errors[2].reason.description == "has no registration for the 2013 junior exam")
        }
    }

    @Test func aSessionReferenceReadsYearAndLevelAsPeopleWriteThem() {
        #expect(ExamSessionReference(text: "2013 助理社会工作师") == .yearAndLevel(year: 2013, level: .junior))
        #expect(ExamSessionReference(text: "2014年社会工作师") == .yearAndLevel(year: 2014, level: .intermediate))
        #expect(ExamSessionReference(text: "2019-senior") == .yearAndLevel(year: 2019, level: .senior))
        #expect(ExamSessionReference(text: "2013 中级") == .yearAndLevel(year: 2013, level: .intermediate))
        #expect(ExamSessionReference(text: " 12 ") == .id(12))
        #expect(ExamSessionReference(text: "2013") == .id(2013))
        #expect(ExamSessionReference(text: "13 junior") == nil)
        #expect(ExamSessionReference(text: "") == nil)
    }
}
