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
        #expect(CalendarDate(text: "2013-06-01")?.iso == "2013-06-01")
        #expect(CalendarDate(text: "2013/6/1")?.iso == "2013-06-01")
        #expect(CalendarDate(text: "2013年6月1日")?.iso == "2013-06-01")
        #expect(CalendarDate(text: " 2013.06.01 ")?.iso == "2013-06-01")
        #expect(CalendarDate(text: "20130601")?.iso == "2013-06-01")
        #expect(CalendarDate(text: "2013-02-30") == nil)
        #expect(CalendarDate(text: "6/1/2013") == nil)
    }

    @Test func departmentsAndLevelsInEnglishOrChinese() {
        #expect(Department(text: "工会") == .union)
        #expect(Department(text: "youth_league") == .youthLeague)
        #expect(Department(text: "人力资源部门") == .humanResources)
        #expect(Department(text: "Human_Resources") == .humanResources)
        #expect(Department(text: "财务部") == nil)
        #expect(CertificateLevel(text: "助理社会工作师") == .junior)
        #expect(CertificateLevel(text: "社会工作师") == .intermediate)
        #expect(CertificateLevel(text: "高级社会工作师") == .senior)
        #expect(CertificateLevel(text: "expert") == nil)
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

    /// Typical Taiwanese and Hong Kong names saved in Big5: their byte pairs are valid GB18030,
    /// but read as GB18030 they are private-use characters, kana, Cyrillic or rare characters.
    @Test func aBig5FileOfChineseNamesIsRefusedNotGuessed() throws {
        let names = ["陳美玲", "林志明", "黃淑芬", "張家豪", "李雅婷", "王俊傑", "吳怡君", "劉建宏", "蔡宗翰", "楊佳穎"]
        let withEnglishHeader =
            "name,id_number\n" + names.enumerated().map { "\($1),\(RosterWorld.person($0))\n" }.joined()
        let withChineseHeader = "姓名,身份證號\n" + names.map { "\($0),110105199003071239\n" }.joined()
        for text in [withEnglishHeader, withChineseHeader] + names.map({ "name\n\($0)\n" }) {
            let big5 = try converted(text, to: "BIG5")
            #expect(String(data: big5, encoding: .utf8) == nil)
            let error = #expect(throws: SpreadsheetError.self) { try records(try temporaryFile(contents: big5)) }
            #expect(
                error?.reason.hasSuffix("is neither UTF-8 nor GB18030 text; save the file as CSV UTF-8 and try again")
                    == true, "\(text)")
        }
    }

    @Test func aUTF8FileWithOneRowSavedInGB18030IsRefusedNamingThatRow() throws {
        let utf8 = "姓名,部门\n张伟,工会\n李娜,妇联\n"
        let gb = try converted("王芳,党组织\n", to: "GB18030")
        let tail = Data("赵磊,共青团\n".utf8)
        let error = #expect(throws: SpreadsheetError.self) {
            try records(try temporaryFile(contents: Data(utf8.utf8) + gb + tail))
        }
        #expect(
            error?.reason
                == """
                line 4 is not UTF-8 text, but other lines are: the file mixes encodings; save the file as CSV UTF-8 \
                and try again
                """)
    }

    /// A long line is checked in pieces: a character cut between two pieces is read whole, and
    /// what lies beyond the first piece is checked too.
    @Test func aGB18030LineLongerThanOnePieceIsCheckedWhole() throws {
        let long = "a" + String(repeating: "张", count: 40_000)
        let (encoding, rows) = try records(try temporaryFile(contents: try converted("name\n\(long)\n", to: "GB18030")))
        #expect(encoding == .gb18030)
        #expect(rows[1].fields == [long])
        // Far into the line, a character from Big5's reading (private use): refused.
        let big5Tail = try converted("name\n\(long)", to: "GB18030") + Data([0xA4, 0xFD, 0x0A])
        let error = #expect(throws: SpreadsheetError.self) { try records(try temporaryFile(contents: big5Tail)) }
        #expect(error?.reason.hasPrefix("line 2 is neither UTF-8 nor GB18030 text") == true)
    }

    @Test func theSamplesGB18030RosterIsStillReadAsGB18030() throws {
        let sample = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("data/sample/staff-guangdong-gb18030.csv").path
        let (encoding, rows) = try records(sample)
        #expect(encoding == .gb18030)
        #expect(rows.count == 193)
        #expect(rows[0].fields[0] == "姓名")
    }

    @Test func aByteOrderMarkAfterTheStartIsRefusedNamingItsLine() throws {
        let joined = "\u{FEFF}姓名,部门\n张伟,工会\n\u{FEFF}姓名,部门\n李娜,妇联\n"
        for data in [Data(joined.utf8), try converted(joined, to: "GB18030")] {
            let error = #expect(throws: SpreadsheetError.self) { try records(try temporaryFile(contents: data)) }
            #expect(
                error?.reason.hasPrefix("line 3 holds a byte-order mark (U+FEFF) after the start of the file") == true)
        }
        // At the start it is Excel's UTF-8 signature, read and dropped.
        #expect(try records(try temporaryFile(text: "\u{FEFF}姓名\n张伟\n")).1.map(\.fields) == [["姓名"], ["张伟"]])
    }

    /// The plausibility check measured on typical Taiwanese names (116 surnames, 65 given-name
    /// characters, 2,320 names) saved in Big5, whose byte pairs are all valid GB18030: a lone name
    /// may pass for GB18030 (4.1 % did when measured), two rarely, three or more never.
    @Test func big5NamesPassForGB18030OnlyAlone() throws {
        let surnames = Array(
            "陳林黃張李王吳劉蔡楊許鄭謝洪郭邱曾廖賴徐周葉蘇莊呂江何蕭羅高潘簡朱鍾彭游詹胡施沈余盧梁趙顏柯翁魏孫戴范方宋鄧杜傅侯曹薛丁"
                + "卓馬阮董唐溫藍蔣石古紀姚連馮歐程湯田康姜汪白鄒尤巫鐘黎涂龔嚴韓袁金童陸夏柳邵錢伍倪于譚駱熊任甘秦顧毛章史官萬俞雷")
        let given = Array("志明俊傑建宏家豪冠宇承恩柏翰宗銘彥廷軒淑芬美玲雅婷怡君佳穎詩涵欣雯惠麗華秀英玉蘭婉心宜蓁品妍子晴雨萱思妤文國強偉誠政達信振嘉育哲鴻")
        var names: [String] = []
        for (i, surname) in surnames.enumerated() {
            for j in 0..<20 {
                let second = given[(i * 7 + j * 3) % given.count]
                names.append("\(surname)\(second)" + (j % 5 == 4 ? "" : String(given[(i + j * 11) % given.count])))
            }
        }
        #expect(names.count == 2320)
        // One iconv run for every row; each file is then a header and some of these rows.
        let rows = try converted(names.map { "\($0),110105199003071239\n" }.joined(), to: "BIG5")
            .split(separator: 0x0A).map { Data($0) + Data([0x0A]) }
        #expect(rows.count == names.count)
        let path = try temporaryFile(text: "")
        func passes(_ group: ArraySlice<Data>) throws -> Bool {
            try group.reduce(Data("name,id_number\n".utf8), +).write(to: URL(fileURLWithPath: path))
            return (try? SpreadsheetReader(path: path)) != nil
        }
        func passing(_ size: Int) throws -> Int {
            try stride(from: 0, to: rows.count - size + 1, by: size).filter { try passes(rows[$0..<$0 + size]) }.count
        }
        #expect(try passing(1) <= names.count / 20)
        #expect(try passing(2) <= names.count / 2 / 100)
        #expect(try passing(3) == 0)
    }
}
