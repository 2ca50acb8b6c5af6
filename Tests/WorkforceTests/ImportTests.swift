import CalendarDates
import Foundation
import PostgresClient
import TestSupport
import Testing
import Workforce
import WorkforceOutput

/// The roster tests' world: TestSupport's shared ``FixtureWorld`` (Shenzhen and Beijing, numbered
/// people, imports with a fixed today), under the name these tests have always used.
typealias RosterWorld = FixtureWorld

@Suite(.database) struct StaffImportTests {
    let header = "enterprise_uscc,id_number,name,department,hired_on,left_on\n"

    @Test func englishHeadersCreatePersonsAndEmployments() throws {
        try TestDatabase.withSchema { db in
            let world = try RosterWorld(db: db)
            let summary = try world.importStaff(
                header + """
                    \(RosterWorld.shenzhen),\(RosterWorld.person(1)),张伟,union,2013-06-01,
                    \(RosterWorld.shenzhen),\(RosterWorld.person(1)),张伟,party,2013-06-01,
                    \(RosterWorld.beijing),\(RosterWorld.person(1)),张伟,social_org,2012-01-01,
                    \(RosterWorld.beijing),\(RosterWorld.person(2)),李娜,womens_federation,2010/3/5,2012年1月31日
                    """)
            #expect(summary.read == 4)
            #expect(summary.inserted == 4)
            #expect(try world.count("person") == 2)
            #expect(try world.count("employment") == 4)
            let left: CalendarDate? = try db.query(
                """
                SELECT left_on FROM employment JOIN person p ON p.id = person_id
                WHERE p.id_number = \(RosterWorld.person(2))
                """
            ).single().decode(0)
            #expect(left == CalendarDate(iso: "2012-01-31"))
        }
    }

    @Test func thePartsOfOneRosterImportTogetherAllOrNothing() throws {
        try TestDatabase.withSchema { db in
            let world = try RosterWorld(db: db)
            let (shenzhen, beijing) = (RosterWorld.shenzhen, RosterWorld.beijing)
            let first = try temporaryFile(
                "part1.csv", text: header + "\(shenzhen),\(RosterWorld.person(1)),张伟,union,2013-06-01,\n")
            let second = try temporaryFile(
                "part2.csv",
                text: header
                    + "\(beijing),\(RosterWorld.person(2)),李娜,party,2013-06-01,\n"
                    + "\(shenzhen),\(RosterWorld.person(3)),王芳,party,2013-06-01,\n")
            let lateDate = try temporaryFile(
                "part0.csv", text: header + "\(shenzhen),\(RosterWorld.person(4)),赵强,union,2099-01-01,\n")
            let badDepartment = try temporaryFile(
                "part3.csv", text: header + "\(shenzhen),\(RosterWorld.person(5)),钱军,nowhere,2013-06-01,\n")
            let options = ImportOptions(today: RosterWorld.today)
            let persons = try world.count("person"), employments = try world.count("employment")

            // Bad rows in two of three parts: every file's bad rows are listed, and the good part
            // between them is not written either.
            do {
                _ = try world.staff.importFiles(paths: [lateDate, first, badDepartment], options: options)
                Issue.record("parts with bad rows were imported")
            } catch let refused as ImportsRejected {
                #expect(
                    refused.files.map { URL(fileURLWithPath: $0.path).lastPathComponent } == ["part0.csv", "part3.csv"])
                #expect(
                    refused.files.map { $0.errors.map { "\($0.line) \($0.column)" } } == [
                        ["2 hired_on"], ["2 department"],
                    ])
            }
            #expect(try world.count("person") == persons)
            #expect(try world.count("employment") == employments)

            // Good parts: each file's own counts, all written in one transaction, and the maintained
            // figure (recomputed once, at COMMIT) equals the functions on every held day.
            let summaries = try world.staff.importFiles(paths: [first, second], options: options)
            #expect(summaries.map(\.read) == [1, 2])
            #expect(summaries.map(\.inserted) == [1, 2])
            #expect(try world.count("employment") == employments + 3)
            let differences: Int = try db.query("SELECT count(*) FROM ratio_counts_differences()").single().decode(0)
            #expect(differences == 0)
            let heldToday: Int = try db.query(
                """
                SELECT coalesce(sum(tracked), 0)::int FROM ratio_counts
                WHERE as_of = current_date AND NOT registered_only
                """
            ).single().decode(0)
            #expect(heldToday == 3)

            // A part repeated: the second sees the first's rows, as a later import would.
            let again = try world.staff.importFiles(paths: [first, first], options: options)
            #expect(again.map(\.unchanged) == [1, 1])
            #expect(try world.count("employment") == employments + 3)
        }
    }

    @Test func chineseHeadersInAnyOrderFromAGB18030File() throws {
        try TestDatabase.withSchema { db in
            let world = try RosterWorld(db: db)
            let text = """
                姓名,部门,公民身份号码,入职日期,统一社会信用代码\r
                王芳,人力资源部门,\(RosterWorld.person(3).lowercased()),2011年9月1日,\
                \(RosterWorld.shenzhen)\r
                "赵,强",共青团, \(RosterWorld.person(4)) ,2011/9/1,\(RosterWorld.shenzhen)\r
                \r

                """
            let path = try temporaryFile(contents: text.data(using: String.Encoding(rawValue: 0x8000_0632))!)
            let summary = try world.staff.importFile(path: path, options: ImportOptions(today: RosterWorld.today))
            #expect(summary.encoding == .gb18030)
            #expect(summary.inserted == 2)
            let names = try db.query("SELECT name FROM person ORDER BY name").map { try $0.decode(0, as: String.self) }
            #expect(Set(names) == ["王芳", "赵,强"])
        }
    }

    @Test func theAuditTrailNamesTheImportedFileByTheSHA256OfItsBytesAsRead() throws {
        try TestDatabase.withSchema { db in
            let world = try RosterWorld(db: db)
            let utf8 = header + "\(RosterWorld.shenzhen),\(RosterWorld.person(1)),张伟,union,2013-06-01,\n"
            let gb18030 =
                "姓名,部门,公民身份号码,入职日期,统一社会信用代码\r\n王芳,人力资源部门,\(RosterWorld.person(3)),2011年9月1日,"
                + "\(RosterWorld.shenzhen)\r\n"
            for bytes in [Data(utf8.utf8), gb18030.data(using: String.Encoding(rawValue: 0x8000_0632))!] {
                let path = try temporaryFile("roster.csv", contents: bytes)
                let before: Int = try db.query("SELECT coalesce(max(id), 0) FROM audit_trail").single().decode(0)
                let summary = try world.staff.importFile(path: path, options: ImportOptions(today: RosterWorld.today))
                // PostgreSQL's own sha256 of the same bytes, as the oracle.
                let hex = bytes.map { String(format: "%02x", $0) }.joined()
                let expected: String = try db.query("SELECT encode(sha256(decode(\(hex), 'hex')), 'hex')").single()
                    .decode(0)
                #expect(summary.sha256 == expected)
                // Every entry of the import (the person and the employment) names the file and its digest.
                let sources = try db.query("SELECT DISTINCT source FROM audit_trail WHERE id > \(before)")
                    .map { try $0.decode(0) as String? }
                #expect(sources == ["staff import roster.csv sha256:" + expected])
                let note: String = try db.query("SELECT detail->>'sha256' FROM audit_log ORDER BY id DESC LIMIT 1")
                    .single().decode(0)
                #expect(note == expected)
            }
        }
    }

    @Test func reImportingTheSameFileChangesNothingAndALaterFileClosesEmployments() throws {
        try TestDatabase.withSchema { db in
            let world = try RosterWorld(db: db)
            let first = header + "\(RosterWorld.shenzhen),\(RosterWorld.person(5)),陈杰,union,2013-01-01,\n"
            #expect(try world.importStaff(first).inserted == 1)
            let again = try world.importStaff(first)
            #expect(again.inserted == 0 && again.updated == 0 && again.unchanged == 1)
            let later = header + "\(RosterWorld.shenzhen),\(RosterWorld.person(5)),陈杰,union,2013-01-01,2014-02-01\n"
            let closing = try world.importStaff(later)
            #expect(closing.updated == 1)
            #expect(try world.count("employment") == 1)
            // An old file without the leaving date does not reopen it.
            #expect(try world.importStaff(first).unchanged == 1)
            let left: CalendarDate? = try db.query("SELECT left_on FROM employment").single().decode(0)
            #expect(left == CalendarDate(iso: "2014-02-01"))
        }
    }

    @Test func everyBadRowIsReportedAndNothingIsWritten() throws {
        try TestDatabase.withSchema { db in
            let world = try RosterWorld(db: db)
            let unknownEnterprise = Fixtures.uscc(region: "320102", serial: 99)
            let csv =
                header + """
                    \(RosterWorld.shenzhen),\(RosterWorld.person(10)),好人,union,2013-01-01,
                    \(RosterWorld.shenzhen),11010519491231002Y,坏号,union,2013-01-01,
                    \(RosterWorld.shenzhen),110105199003071238,错校验,union,2013-01-01,
                    \(unknownEnterprise),\(RosterWorld.person(11)),无企业,union,2013-01-01,
                    \(RosterWorld.shenzhen),\(RosterWorld.person(12)),错部门,财务部,2013-01-01,
                    \(RosterWorld.shenzhen),\(RosterWorld.person(13)),未来,union,2030-01-01,
                    \(RosterWorld.shenzhen),\(RosterWorld.person(14)),早退,union,2013-05-01,2013-01-01
                    \(RosterWorld.shenzhen),\(RosterWorld.person(15)),甲,union,2013-01-01,
                    \(RosterWorld.beijing),\(RosterWorld.person(15)),乙,party,2013-01-01,
                    \(RosterWorld.shenzhen),\(RosterWorld.person(16)),,union,2013-01-01,
                    \(RosterWorld.shenzhen),\(RosterWorld.person(17)),坏日期,union,2013-02-30,
                    """
            let rejection = #expect(throws: ImportRejected.self) { try world.importStaff(csv) }
            let errors = try #require(rejection).errors
            func reason(line: Int) -> String {
                errors.filter { $0.line == line }.map(\.description).joined(separator: " | ")
            }
            #expect(reason(line: 2) == "")
            #expect(
                reason(line: 3).contains(
                    "id_number '11010519491231002Y': check character must be a digit or upper-case X"))
            #expect(reason(line: 4) == "line 4, id_number '110105199003071238': check character should be 9, found 8")
            #expect(reason(line: 5).contains("enterprise_uscc '\(unknownEnterprise)': no enterprise has this USCC"))
            #expect(reason(line: 6).contains("department '财务部': unknown department"))
            #expect(reason(line: 7).contains("hired_on '2030-01-01': is after today (2026-11-27)"))
            #expect(reason(line: 8).contains("left_on '2013-01-01': is not after the hiring date 2013-05-01"))
            #expect(reason(line: 9) == "")
            // Names are personal data: the other line is named, neither name.
            #expect(reason(line: 10) == "line 10, name: line 9 gives the same ID number a different name")
            #expect(reason(line: 11).contains("name: is empty"))
            #expect(reason(line: 12).contains("hired_on '2013-02-30': is not a date"))
            #expect(rejection?.badLines == 9)
            #expect(try world.count("person") == 0)
            #expect(try world.count("employment") == 0)
            #expect(try world.count("audit_log") == 2)  // the two enterprises, not the import
        }
    }

    @Test func oneDepartmentAtTwoEnterprisesAndTwoDepartmentsAreNormal() throws {
        try TestDatabase.withSchema { db in
            let world = try RosterWorld(db: db)
            let summary = try world.importStaff(
                header + """
                    \(RosterWorld.shenzhen),\(RosterWorld.person(20)),周敏,union,2013-01-01,
                    \(RosterWorld.shenzhen),\(RosterWorld.person(20)),周敏,human_resources,2013-01-01,
                    \(RosterWorld.beijing),\(RosterWorld.person(20)),周敏,union,2013-01-01,
                    """)
            #expect(summary.inserted == 3)
        }
    }

    @Test func skipInvalidWritesTheGoodRowsAndSavesTheBadOnesWithAReason() throws {
        try TestDatabase.withSchema { db in
            let world = try RosterWorld(db: db)
            let rejects = FileManager.default.temporaryDirectory.appendingPathComponent(
                "rejects-\(UUID().uuidString).csv"
            ).path
            let summary = try world.importStaff(
                header + """
                    \(RosterWorld.shenzhen),\(RosterWorld.person(30)),好人,union,2013-01-01,
                    \(RosterWorld.shenzhen),110105199003071238,错校验,union,2013-01-01,
                    \(Fixtures.uscc(region: "320102", serial: 98)),\(RosterWorld.person(31)),无企业,union,2013-01-01,
                    """, skipInvalid: true, rejects: rejects)
            #expect(summary.inserted == 1)
            #expect(summary.rejected == 2)
            #expect(summary.rejectsFile == rejects)
            let bytes = try Data(contentsOf: URL(fileURLWithPath: rejects))
            #expect(bytes.starts(with: [0xEF, 0xBB, 0xBF]), "Excel needs the BOM to read UTF-8")
            let saved = String(decoding: bytes.dropFirst(3), as: UTF8.self)
            #expect(saved.hasPrefix("enterprise_uscc,id_number,name,department,hired_on,left_on,line,reason\r\n"))
            #expect(
                saved.contains(
                    """
                    110105199003071238,错校验,union,2013-01-01,,3,\"id_number '110105199003071238': check character \
                    should be 9, found 8\"
                    """
                ))
            #expect(saved.contains("无企业"))
            #expect(try world.count("employment") == 1)
            // The saved file, once fixed, imports like any roster.
            let fixed = saved.replacingOccurrences(of: "110105199003071238", with: "110105199003071239")
            let fixedPath = try temporaryFile(text: fixed)
            // The rejects file of the first run is there: it is replaced only when asked.
            let refused = #expect(throws: WorkforceError.self) {
                try world.staff.importFile(
                    path: fixedPath,
                    options: ImportOptions(
                        skipInvalid: true, rejectsPath: rejects, today: RosterWorld.today,
                        saveRejects: saveRejectsAsTheCLIDoes))
            }
            #expect(refused?.description.hasPrefix("rejects '\(rejects)': exists already") == true)
            #expect(try Data(contentsOf: URL(fileURLWithPath: rejects)) == bytes)
            let again = try world.staff.importFile(
                path: fixedPath,
                options: ImportOptions(
                    skipInvalid: true, rejectsPath: rejects, today: RosterWorld.today, replaceRejects: true,
                    saveRejects: saveRejectsAsTheCLIDoes))
            #expect(again.inserted == 1)
            #expect(again.rejected == 1)
        }
    }

    @Test func aRejectsFileNeverOverwritesTheFileBeingImported() throws {
        try TestDatabase.withSchema { db in
            let world = try RosterWorld(db: db)
            let roster = """
                enterprise_uscc,id_number,name,department
                \(RosterWorld.shenzhen),\(RosterWorld.person(1)),张伟,union
                \(RosterWorld.shenzhen),110105199003071238,李娜,union

                """
            let path = try temporaryFile(text: roster)
            for replacing in [false, true] {
                let refused = #expect(throws: WorkforceError.self) {
                    try world.staff.importFile(
                        path: path,
                        options: ImportOptions(
                            skipInvalid: true, rejectsPath: path, today: RosterWorld.today,
                            replaceRejects: replacing, saveRejects: saveRejectsAsTheCLIDoes))
                }
                #expect(refused?.description == "rejects '\(path)': is the file being imported; choose another path")
            }
            #expect(try String(contentsOfFile: path, encoding: .utf8) == roster)
            #expect(try world.count("employment") == 0)
        }
    }

    @Test func aMissingColumnIsNamedBeforeAnyRowIsRead() throws {
        try TestDatabase.withSchema { db in
            let world = try RosterWorld(db: db)
            let error = #expect(throws: SpreadsheetError.self) {
                try world.importStaff("id_number,name,department\n\(RosterWorld.person(1)),张伟,union\n")
            }
            #expect(error?.reason.description.contains("missing column: enterprise_uscc") == true)
        }
    }

    @Test func anOpenEmploymentCannotBeOpenedAgainWithAnotherHiringDate() throws {
        try TestDatabase.withSchema { db in
            let world = try RosterWorld(db: db)
            _ = try world.importStaff(
                header + "\(RosterWorld.shenzhen),\(RosterWorld.person(40)),孙丽,union,2013-01-01,\n")
            let rejection = #expect(throws: ImportRejected.self) {
                try world.importStaff(
                    header + "\(RosterWorld.shenzhen),\(RosterWorld.person(40)),孙丽,union,2014-01-01,\n")
            }
            #expect(
                rejection?.errors.first?.reason.description.contains("already employed in union there since 2013-01-01")
                    == true)
        }
    }

    @Test func leavingClosesTheOpenEmployment() throws {
        try TestDatabase.withSchema { db in
            let world = try RosterWorld(db: db)
            _ = try world.importStaff(
                header + """
                    \(RosterWorld.shenzhen),\(RosterWorld.person(50)),钱多,union,2013-01-01,
                    \(RosterWorld.shenzhen),\(RosterWorld.person(50)),钱多,party,2013-01-01,
                    """)
            let closed = try world.staff.recordLeaving(
                idNumber: RosterWorld.person(50), enterpriseUSCC: RosterWorld.shenzhen, department: .union,
                on: CalendarDate(iso: "2014-01-01")!, today: RosterWorld.today)
            #expect(closed == [.union])
            #expect(throws: WorkforceError.self) {
                try world.staff.recordLeaving(
                    idNumber: RosterWorld.person(50), enterpriseUSCC: RosterWorld.shenzhen, department: .union,
                    on: CalendarDate(iso: "2014-01-01")!, today: RosterWorld.today)
            }
            let early = #expect(throws: WorkforceError.self) {
                try world.staff.recordLeaving(
                    idNumber: RosterWorld.person(50), enterpriseUSCC: RosterWorld.shenzhen, department: nil,
                    on: CalendarDate(iso: "2012-01-01")!, today: RosterWorld.today)
            }
            #expect(early?.description.contains("is not after the hiring date 2013-01-01") == true)
            #expect(
                try db.query("SELECT count(*) FROM employment WHERE left_on IS NULL").single().decode(0, as: Int.self)
                    == 1)
        }
    }
}

@Suite(.database) struct CertificateAndEnterpriseImportTests {
    @Test func certificatesImportIdempotentlyAndRecordLaterRevocations() throws {
        try TestDatabase.withSchema { db in
            let world = try RosterWorld(db: db)
            _ = try world.importStaff(
                "enterprise_uscc,id_number,name,department,hired_on\n"
                    + "\(RosterWorld.shenzhen),\(RosterWorld.person(1)),张伟,union,2013-01-01\n"
            )
            let csv = """
                身份证号,证书等级,证书编号,发证日期,注销日期
                \(RosterWorld.person(1)),社会工作师,201300000000000001,2013-09-01,

                """
            #expect(try world.importCertificates(csv).inserted == 1)
            #expect(try world.importCertificates(csv).unchanged == 1)
            let revoked = try world.importCertificates(
                csv.replacingOccurrences(of: "2013-09-01,", with: "2013-09-01,2015-01-01"))
            #expect(revoked.updated == 1)
        }
    }

    @Test func certificateRowsAreCheckedAgainstPersonsAndEachOther() throws {
        try TestDatabase.withSchema { db in
            let world = try RosterWorld(db: db)
            _ = try world.importStaff(
                "enterprise_uscc,id_number,name,department\n"
                    + "\(RosterWorld.shenzhen),\(RosterWorld.person(1)),张伟,union\n"
            )
            let rejection = #expect(throws: ImportRejected.self) {
                try world.importCertificates(
                    """
                    id_number,level,certificate_no,issued_on,revoked_on
                    \(RosterWorld.person(2)),junior,A1,2013-09-01,
                    \(RosterWorld.person(1)),expert,A2,2013-09-01,
                    \(RosterWorld.person(1)),junior,A3,2013-09-01,2013-01-01
                    \(RosterWorld.person(1)),junior,A4,2013-09-01,
                    \(RosterWorld.person(1)),senior,A4,2014-09-01,

                    """)
            }
            let lines = Dictionary(grouping: try #require(rejection).errors, by: \.line)
            #expect(lines[2]?.first?.reason.description.contains("no person has this ID number") == true)
            #expect(lines[3]?.first?.column == "level")
            #expect(lines[4]?.first?.reason.description.contains("is not after the issue date 2013-09-01") == true)
            #expect(lines[5] == nil)
            #expect(lines[6]?.first?.reason.description.contains("line 5 has the same certificate number") == true)
        }
    }

    @Test func aCertificateNumberOnRecordIsReportedWithoutItsHoldersIDNumber() throws {
        try TestDatabase.withSchema { db in
            let world = try RosterWorld(db: db)
            _ = try world.importStaff(
                "enterprise_uscc,id_number,name,department\n"
                    + "\(RosterWorld.shenzhen),\(RosterWorld.person(1)),张伟,union\n"
                    + "\(RosterWorld.shenzhen),\(RosterWorld.person(2)),李娜,union\n"
            )
            _ = try world.importCertificates(
                "id_number,level,certificate_no,issued_on\n\(RosterWorld.person(1)),junior,C1,2013-09-01\n")
            func refusal(_ row: String) throws -> RowError {
                let rejection = #expect(throws: ImportRejected.self) {
                    try world.importCertificates("id_number,level,certificate_no,issued_on\n\(row)\n")
                }
                return try #require(rejection?.errors.first)
            }
            let otherHolder = try refusal("\(RosterWorld.person(2)),junior,C1,2013-09-01")
            #expect(otherHolder.line == 2 && otherHolder.column == "certificate_no")
            #expect(otherHolder.reason.description == "is on record for another person")
            let otherDetails = try refusal("\(RosterWorld.person(1)),senior,C1,2013-09-01")
            #expect(otherDetails.reason.description == "is on record as junior, issued 2013-09-01")
            #expect(![otherHolder, otherDetails].contains { $0.description.contains(RosterWorld.person(1)) })
        }
    }

    @Test func aNameColumnCreatesPersonsNotYetOnARoster() throws {
        try TestDatabase.withSchema { db in
            let world = try RosterWorld(db: db)
            let summary = try world.importCertificates(
                """
                id_number,name,level,certificate_no,issued_on
                \(RosterWorld.person(60)),吴刚,助理社会工作师,B1,2013-09-01

                """)
            #expect(summary.inserted == 1)
            #expect(try world.count("person") == 1)
        }
    }

    @Test func enterpriseImportUpdatesWhatChanged() throws {
        try TestDatabase.withSchema { db in
            let world = try RosterWorld(db: db)
            let third = Fixtures.uscc(region: "440106", serial: 3)
            let summary = try world.enterprises.importFile(
                path: try temporaryFile(
                    text: """
                        统一社会信用代码,单位名称,行政区划代码,职工人数
                        \(RosterWorld.shenzhen),深圳测试电子有限公司,440305,800
                        \(RosterWorld.beijing),北京测试科技有限公司,110105,
                        \(third),广州测试纺织有限公司,440106,1200

                        """),
                options: ImportOptions(today: RosterWorld.today))
            #expect(summary.inserted == 1)
            #expect(summary.updated == 1)
            #expect(summary.unchanged == 1)
            let inGuangdong = try world.enterprises.list(inRegion: "440000").map(\.uscc)
            #expect(inGuangdong == [third, RosterWorld.shenzhen])
            #expect(try world.enterprises.list(inRegion: "440300").map(\.uscc) == [RosterWorld.shenzhen])
        }
    }
}
