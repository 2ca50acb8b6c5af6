import CalendarDates
import Foundation
import PostgresClient
import TestSupport
import Testing
import Workforce
import WorkforceOutput

@Suite struct SpreadsheetTests {
    func records(_ path: String) throws -> (SpreadsheetEncoding, [CSVRecord]) {
        let reader = try SpreadsheetReader(path: path)
        var records: [CSVRecord] = []
        while let record = try reader.next() { records.append(record) }
        return (reader.encoding, records)
    }

    @Test func utf8WithBOMAndCRLF() throws {
        let path = try temporaryFile(text: "\u{FEFF}姓名,部门\r\n张伟,工会\r\n李娜,妇联\r\n")
        let (encoding, rows) = try records(path)
        #expect(encoding == .utf8)
        #expect(rows.map(\.fields) == [["姓名", "部门"], ["张伟", "工会"], ["李娜", "妇联"]])
        #expect(rows.map(\.line) == [1, 2, 3])
    }

    @Test func gb18030IsDetectedWithoutBeingAsked() throws {
        let text =
            "姓名,公民身份号码,部门\r\n张伟,110105199003071239,人力资源部门\r\n"
            + "𠮷田,11010519491231002X,共青团\r\n"
        let encoded = text.data(using: String.Encoding(rawValue: 0x8000_0632))!
        #expect(String(data: encoded, encoding: .utf8) == nil)
        let (encoding, rows) = try records(try temporaryFile(contents: encoded))
        #expect(encoding == .gb18030)
        #expect(rows[1].fields == ["张伟", "110105199003071239", "人力资源部门"])
        #expect(rows[2].fields[0] == "𠮷田")
    }

    @Test func gb18030CharactersSplitAcrossReadChunksSurvive() throws {
        var text = "name,note\n"
        for index in 0..<60_000 { text += "张\(index),工会妇联共青团\n" }
        let encoded = text.data(using: String.Encoding(rawValue: 0x8000_0632))!
        #expect(encoded.count > 1 << 20)
        let (encoding, rows) = try records(try temporaryFile(contents: encoded))
        #expect(encoding == .gb18030)
        #expect(rows.count == 60_001)
        #expect(rows.allSatisfy { $0.fields.count == 2 && ($0.line == 1 || $0.fields[1] == "工会妇联共青团") })
    }

    @Test func quotedFieldsHoldCommasQuotesAndLineBreaks() throws {
        let path = try temporaryFile(text: "a,b,c\n\"x, y\",\"say \"\"hi\"\"\",\"two\nlines\"\nnext,  spaced  ,\n\n\n")
        let (_, rows) = try records(path)
        #expect(rows.count == 3)
        #expect(rows[1].fields == ["x, y", "say \"hi\"", "two\nlines"])
        #expect(rows[2].line == 4)
        #expect(rows[2].fields == ["next", "  spaced  ", ""])
    }

    @Test func anUnclosedQuoteIsReportedWithItsLine() throws {
        let path = try temporaryFile(text: "a,b\n1,\"open\n")
        #expect(throws: SpreadsheetError.self) { try records(path) }
    }

    @Test func spreadsheetDatesInTheirUsualForms() {
        #expect(CalendarDate(spreadsheetValue: "2013-06-01")?.iso == "2013-06-01")
        #expect(CalendarDate(spreadsheetValue: "2013/6/1")?.iso == "2013-06-01")
        #expect(CalendarDate(spreadsheetValue: "2013年6月1日")?.iso == "2013-06-01")
        #expect(CalendarDate(spreadsheetValue: " 2013.06.01 ")?.iso == "2013-06-01")
        #expect(CalendarDate(spreadsheetValue: "20130601")?.iso == "2013-06-01")
        #expect(CalendarDate(spreadsheetValue: "2013-02-30") == nil)
        #expect(CalendarDate(spreadsheetValue: "6/1/2013") == nil)
    }

    @Test func departmentsAndLevelsInEnglishOrChinese() {
        #expect(Department(spreadsheetValue: "工会") == .union)
        #expect(Department(spreadsheetValue: "youth_league") == .youthLeague)
        #expect(Department(spreadsheetValue: "人力资源部门") == .humanResources)
        #expect(Department(spreadsheetValue: "Human_Resources") == .humanResources)
        #expect(Department(spreadsheetValue: "财务部") == nil)
        #expect(CertificateLevel(spreadsheetValue: "助理社会工作师") == .junior)
        #expect(CertificateLevel(spreadsheetValue: "社会工作师") == .intermediate)
        #expect(CertificateLevel(spreadsheetValue: "高级社会工作师") == .senior)
        #expect(CertificateLevel(spreadsheetValue: "expert") == nil)
    }

    @Test func cellsThatWouldRunAsFormulasAreWrittenAsTextAndReadBackExactly() throws {
        let cells = [
            "=HYPERLINK(\"http://example.invalid\",\"点我\")", "+86 10 1234", "-cmd|' /C calc'!A0", "@SUM(A1:A2)",
            "\tTAB", "-0.2667", "+3", "12.50", "-", "'=already quoted", "张伟", "",
        ]
        let written = CSVWriter.document(headers: ["value"], rows: cells.map { [$0] })
        let lines = written.split(separator: "\r\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines[1] == "\"'=HYPERLINK(\"\"http://example.invalid\"\",\"\"点我\"\")\"")
        #expect(lines[2] == "\"'+86 10 1234\"")
        #expect(lines[4] == "\"'@SUM(A1:A2)\"")
        // Numbers stay numbers for the spreadsheet; other text is left as it is.
        #expect(Array(lines[6...8]) == ["-0.2667", "+3", "12.50"])
        #expect(lines[11] == "张伟")
        // No line of the file starts a formula, outside quotes or inside them.
        for line in lines.dropFirst() where !line.isEmpty {
            let content = line.hasPrefix("\"") ? String(line.dropFirst()) : line
            #expect(!SpreadsheetFormula.wouldRun(content), "\(line)")
        }
        // Our own reader (a rejects file imported again) gets every cell back as it was.
        let (_, rows) = try records(try temporaryFile(text: written))
        #expect(rows.dropFirst().map { $0.fields.first ?? "" } == cells.filter { !$0.isEmpty })
    }

    /// Found by scripts/fuzz: a quote followed by a combining mark is a single Character, and the
    /// writer, which doubled quotes by Character, left it single: the cell ended there and the
    /// rest of the name became cells of its own, a formula among them.
    @Test func aQuoteFollowedByACombiningMarkIsDoubledSoTheCellCannotBeClosedEarly() throws {
        let name = "张\"\u{032F},=HYPERLINK(\"http://example.invalid\")"
        let line = CSVWriter.line([name, "x"])
        #expect(line == "\"张\"\"\u{032F},=HYPERLINK(\"\"http://example.invalid\"\")\",x\r\n")
        let (_, rows) = try records(try temporaryFile(text: CSVWriter.byteOrderMark + line))
        #expect(rows.map(\.fields) == [[name, "x"]])
    }

    @Test func whatIsNotARegularFileOrIsTooLargeIsRefusedBeforeReading() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("esw-tests-" + UUID().uuidString)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let fifo = folder.appendingPathComponent("pipe.csv").path
        #expect(mkfifo(fifo, 0o600) == 0)
        // A sparse file: large on paper, nothing written.
        let large = folder.appendingPathComponent("large.csv").path
        #expect(FileManager.default.createFile(atPath: large, contents: Data("a,b\n".utf8)))
        #expect(truncate(large, off_t(SpreadsheetReader.maximumFileSize + 1)) == 0)
        let cases = [
            (folder.path, "is a directory; give a CSV file"),
            ("/dev/zero", "is not a regular file (a device or a pipe); give a CSV file"),
            (fifo, "is not a regular file (a device or a pipe); give a CSV file"),
            (large, "is 201 MB; at most 200 MB are read (split the file)"),
        ]
        for (path, reason) in cases {
            let error = #expect(throws: SpreadsheetError.self) { try SpreadsheetReader(path: path) }
            #expect(error?.reason == reason, "\(path)")
        }
    }
}
