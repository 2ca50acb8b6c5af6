import CalendarDates
import Foundation
import PostgresClient
import TestSupport
import Testing
import Workforce

/// A world in which every importer has rows that import: ExamWorld's staff and 2013 sessions,
/// one training event with persons 1 and 2 enrolled, and persons 1 and 2 registered for the
/// 2013 junior exam.
struct ImportWorld {
    let exams: ExamWorld
    let event: Int

    init(db: Connection) throws {
        exams = try ExamWorld(db: db, years: [2013], levels: [.junior])
        event = try exams.training.event(capacity: 10)
        for person in [1, 2] {
            _ = try exams.training.enroll(event, person)
            try exams.register(person, 2013, .junior)
        }
    }
}

/// The eight importers, each with a file of two rows (lines 2 and 3) whose free-text cell can
/// be chosen: the name column where the importer has one, else a note column no importer reads.
enum Importer: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case enterprise, staff, certificate, examRegistration, examScore, enrollment, attendance, service

    var testDescription: String { rawValue }

    var hasNameColumn: Bool { [.enterprise, .staff, .certificate, .enrollment, .attendance].contains(self) }

    /// The header of the cell that holds the chosen text.
    var textColumn: String { hasNameColumn ? "name" : "备注" }

    /// Names that import: enterprises and new staff take any, the others the person's own.
    func cleanText(_ row: Int) -> String {
        switch self {
        case .enterprise: ["阿依古丽·买买提公司", "测试•企业"][row]
        case .staff: ["阿依古丽·买买提", "欧阳・娜"][row]
        case .certificate, .attendance: ["工会1", "工会2"][row]
        case .enrollment: ["工会3", "工会4"][row]
        case .examRegistration, .examScore, .service: ["张伟", "李娜"][row]
        }
    }

    var header: String {
        switch self {
        case .enterprise: "uscc,name,region_code"
        case .staff: "enterprise_uscc,id_number,name,department,hired_on"
        case .certificate: "id_number,level,certificate_no,issued_on,name"
        case .examRegistration: "id_number,subjects,备注"
        case .examScore: "id_number,session,subject,score,备注"
        case .enrollment: "id_number,name"
        case .attendance: "id_number,attended,name"
        case .service: "enterprise_uscc,kind,served_on,beneficiaries,备注"
        }
    }

    /// Row `row` (0 or 1) with `text` in the text column.
    func row(_ row: Int, text: String, world: ImportWorld) -> String {
        let person = { (n: Int) in RosterWorld.person(n) }
        switch self {
        case .enterprise: return "\(Fixtures.uscc(region: "440305", serial: 10 + row)),\(text),440305"
        case .staff: return "\(RosterWorld.shenzhen),\(person(30 + row)),\(text),union,2012-01-01"
        case .certificate: return "\(person(1 + row)),junior,ZS-2013-\(row),2013-09-01,\(text)"
        case .examRegistration: return "\(person(3 + row)),,\(text)"
        case .examScore:
            return "\(person(1 + row)),\(world.exams.session(2013, .junior)),\(ExamSubject.comprehensive.chineseName),"
                + "75,\(text)"
        case .enrollment: return "\(person(3 + row)),\(text)"
        case .attendance: return "\(person(1 + row)),是,\(text)"
        case .service: return "\(RosterWorld.shenzhen),skill_improvement,2013-12-0\(1 + row),5,\(text)"
        }
    }

    func csv(world: ImportWorld, _ texts: (String, String)) -> String {
        [header, row(0, text: texts.0, world: world), row(1, text: texts.1, world: world)].joined(separator: "\n")
            + "\n"
    }

    func run(world: ImportWorld, path: String, options: ImportOptions) throws -> ImportSummary {
        let db = world.exams.examSessions.db
        switch self {
        case .enterprise: return try Enterprises(db: db).importFile(path: path, options: options)
        case .staff: return try Staff(db: db).importFile(path: path, options: options)
        case .certificate: return try Certificates(db: db).importFile(path: path, options: options)
        case .examRegistration:
            return try world.exams.registrations.register(
                sessionID: world.exams.session(2013, .junior), path: path, on: CalendarDate(iso: "2013-03-15")!,
                options: options)
        case .examScore: return try world.exams.scores.importFile(path: path, options: options)
        case .enrollment:
            return try world.exams.training.enrollments.enroll(
                eventID: world.event, path: path, at: TrainingWorld.beforeStart, options: options)
        case .attendance:
            return try world.exams.training.attendance.record(
                eventID: world.event, path: path, at: TrainingWorld.afterStart, options: options)
        case .service: return try Services(db: db).importFile(path: path, options: options)
        }
    }
}

/// What a hostile file holds, and what esw must say about it.
enum Hostility: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case nul, escapeSequence, overLongCell, overLongName, bidiOverride, zeroWidth
    case byteOrderMarkInside, big5, mixedEncodings, directory, endlessDevice

    var testDescription: String { rawValue }

    /// A row-level problem with the text of line 3, and the words its error must hold; nil for
    /// a refusal of the whole file.
    var rowReason: String? {
        switch self {
        case .nul: "control character (U+0000) at character 2"
        case .escapeSequence: "control character (U+001B) at character 2"
        case .overLongCell: "at most 1000"
        case .overLongName: "is 201 characters long; at most"
        case .bidiOverride: "(U+202E) at character 2, which no name holds"
        case .zeroWidth: "(U+200B) at character 2, which no name holds"
        default: nil
        }
    }

    /// Only names refuse these; a note column holds them.
    var concernsNamesOnly: Bool { [.overLongName, .bidiOverride, .zeroWidth].contains(self) }

    var hostileText: String {
        switch self {
        case .nul: "张\u{0}伟"
        case .escapeSequence: "张\u{1B}[2J伟"
        case .overLongCell: String(repeating: "长", count: 1001)
        // Over 200 (an enterprise name) and 100 (a person's); under the 1,000 of any cell.
        case .overLongName: String(repeating: "名", count: 201)
        case .bidiOverride: "张\u{202E}伟"
        case .zeroWidth: "张\u{200B}伟"
        default: ""
        }
    }

    /// The file to import, and the words of the whole-file refusal.
    func file(_ importer: Importer, world: ImportWorld) throws -> (path: String, refusal: String?) {
        let clean = (importer.cleanText(0), importer.cleanText(1))
        switch self {
        case .byteOrderMarkInside:
            let lines = importer.csv(world: world, clean).split(separator: "\n")
            let joined = lines[0...1].joined(separator: "\n") + "\n\u{FEFF}" + lines[2] + "\n"
            return (try temporaryFile(text: joined), "line 3 holds a byte-order mark (U+FEFF)")
        case .big5:
            // Names as Taipei or Hong Kong would save them; the file is refused before its header is read.
            let text = "name,id_number\n王美玲,\(RosterWorld.person(1))\n李志明,\(RosterWorld.person(2))\n"
            return (try temporaryFile(contents: try converted(text, to: "BIG5")), "line 2 is neither UTF-8 nor GB18030")
        case .mixedEncodings:
            let utf8 = [importer.header, importer.row(0, text: "张伟", world: world)].joined(separator: "\n") + "\n"
            let gb = try converted(importer.row(1, text: "李娜", world: world) + "\n", to: "GB18030")
            return (
                try temporaryFile(contents: Data(utf8.utf8) + gb),
                "line 3 is not UTF-8 text, but other lines are: the file mixes encodings"
            )
        case .directory:
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString)
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            return (directory.path, "is a directory")
        case .endlessDevice: return ("/dev/zero", "is not a regular file")
        default:
            return (try temporaryFile(text: importer.csv(world: world, (clean.0, hostileText))), nil)
        }
    }
}

@Suite(.database) struct HostileInputTests {
    /// The done-when of the Reliability issue: every importer, fed every kind of hostile file,
    /// refuses it with the line and column (or the file's problem) and leaves every table as it
    /// was, row for row; the same file made clean then imports, so the refusal was the hostile
    /// part's.
    @Test(arguments: Importer.allCases, Hostility.allCases)
    func aHostileFileIsRefusedNamingLineAndColumnAndChangesNothing(importer: Importer, hostility: Hostility) throws {
        if hostility.concernsNamesOnly && !importer.hasNameColumn { return }
        try TestDatabase.withSchema { db in
            let world = try ImportWorld(db: db)
            let options = ImportOptions(today: RosterWorld.today)
            let before = try DatabaseDigest(db)
            #expect(before.totalRows > 0)
            let (path, refusal) = try hostility.file(importer, world: world)
            if let refusal {
                let error = #expect(throws: SpreadsheetError.self) {
                    try importer.run(world: world, path: path, options: options)
                }
                #expect(error?.reason.contains(refusal) == true, "\(String(describing: error))")
            } else {
                let rejected = #expect(throws: ImportRejected.self) {
                    try importer.run(world: world, path: path, options: options)
                }
                #expect(rejected?.errors.count == 1)
                let error = try #require(rejected?.errors.first)
                #expect((error.line, error.column, error.value) == (3, importer.textColumn, ""))
                #expect(error.reason.description.contains(hostility.rowReason!), "\(error)")
                #expect(!error.description.contains(hostility.hostileText))
            }
            #expect(try DatabaseDigest(db) == before)
            let clean = try temporaryFile(
                text: importer.csv(world: world, (importer.cleanText(0), importer.cleanText(1))))
            let summary = try importer.run(world: world, path: clean, options: options)
            #expect((summary.read, summary.rejected) == (2, 0))
            #expect(try DatabaseDigest(db) != before)
        }
    }

    @Test func underSkipInvalidARowWithAControlCharacterGoesToTheRejectsFileAndTheRestIsImported() throws {
        try TestDatabase.withSchema { db in
            let world = try RosterWorld(db: db)
            let rejects = FileManager.default.temporaryDirectory.appendingPathComponent("\(UUID()).csv").path
            let summary = try world.importStaff(
                "enterprise_uscc,id_number,name,department,hired_on,备注\n"
                    + "\(RosterWorld.shenzhen),\(RosterWorld.person(1)),张伟,union,2012-01-01,\n"
                    + "\(RosterWorld.shenzhen),\(RosterWorld.person(2)),李娜,union,2012-01-01,a\u{0}b\n",
                skipInvalid: true, rejects: rejects)
            #expect((summary.inserted, summary.rejected) == (1, 1))
            let saved = try String(contentsOfFile: rejects, encoding: .utf8)
            #expect(saved.contains("备注: holds a control character (U+0000) at character 2"))
            #expect(try world.count("person") == 1)
        }
    }
}
