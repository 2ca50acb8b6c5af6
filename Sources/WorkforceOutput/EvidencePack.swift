public import CalendarDates
import Crypto
public import Foundation
public import Workforce
import ZIPFoundation

/// The evidence pack a designation review asks for: the pilot report, the attendance sheets, the
/// certificates, the exam funnel, posts, services and funding, and a MANIFEST with the SHA-256
/// of every file, so that a reviewer can tell whether anything changed after submission.
public enum EvidencePack {
    public static let manifestName = "MANIFEST"

    public struct File: Sendable {
        public let name: String
        /// The name scripts know the file by (pilot-report.html), given in the MANIFEST.
        public let englishName: String
        public let data: Data

        public init(name: String, englishName: String? = nil, data: Data) {
            self.name = name
            self.englishName = englishName ?? name
            self.data = data
        }
    }

    /// What a verification found: the files checked, and each problem (empty when intact).
    public struct Verification: Sendable {
        public let header: [String]
        public let checked: Int
        public let problems: [String]
        /// The manifest's own digest: the one number to compare with the one recorded at submission.
        public let manifestDigest: String
    }

    static func hex(_ data: Data) -> String {
        SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }

    /// The manifest: comment lines with what the pack is, then `sha256sum` lines ("<hex>  <name>"),
    /// so that `sha256sum -c MANIFEST` also checks an unzipped pack.
    static func manifest(files: [File], header: [String]) -> Data {
        var text = header.map { "# \($0)\n" }.joined()
        for file in files { text += "\(hex(file.data))  \(file.name)\n" }
        return Data(text.utf8)
    }

    /// Writes the pack as a ZIP archive, atomically; returns the manifest's SHA-256.
    public static func write(files: [File], header: [String], to path: String, modified: Date) throws -> String {
        let pack = try archive(files: files, header: header, modified: modified)
        try writeAtomically(pack.data, to: path)
        return pack.manifestDigest
    }

    /// The pack as the bytes of a ZIP archive, built whole in memory (MANIFEST first), and the
    /// manifest's SHA-256.
    public static func archive(files: [File], header: [String], modified: Date) throws
        -> (data: Data, manifestDigest: String)
    {
        let manifest = manifest(files: files, header: header)
        let archive = try Archive(data: Data(), accessMode: .create)
        for file in [File(name: manifestName, data: manifest)] + files {
            try archive.addEntry(
                with: file.name, type: .file, uncompressedSize: Int64(file.data.count), modificationDate: modified,
                compressionMethod: .deflate
            ) { position, size in
                file.data.subdata(in: Int(position)..<Int(position) + size)
            }
        }
        guard let data = archive.data else {
            throw WorkforceError.invalid(field: "out", value: "", reason: "the archive could not be built")
        }
        return (data, hex(manifest))
    }

    /// Checks every file of a pack against its MANIFEST: a changed, missing or added file is a problem.
    public static func verify(path: String) throws -> Verification {
        let url = URL(fileURLWithPath: path)
        guard FileManager.default.fileExists(atPath: path) else {
            throw WorkforceError.notFound("\(path) does not exist")
        }
        let archive: Archive
        do {
            archive = try Archive(url: url, accessMode: .read)
        } catch {
            throw WorkforceError.invalid(field: "file", value: path, reason: "is not a ZIP archive")
        }
        var contents: [String: Data] = [:]
        for entry in archive where entry.type == .file {
            var data = Data()
            do {
                _ = try archive.extract(entry) { data.append($0) }
            } catch {
                throw WorkforceError.invalid(
                    field: "file", value: path, reason: "\(entry.path) cannot be read (\(error))")
            }
            contents[entry.path] = data
        }
        guard let manifest = contents.removeValue(forKey: manifestName),
            let text = String(data: manifest, encoding: .utf8)
        else {
            throw WorkforceError.invalid(field: "file", value: path, reason: "has no \(manifestName)")
        }
        var header: [String] = []
        var problems: [String] = []
        var listed: Set<String> = []
        for (index, line) in text.split(separator: "\n").enumerated() {
            if line.hasPrefix("# ") { header.append(String(line.dropFirst(2))); continue }
            let parts = line.split(separator: " ", maxSplits: 1)
            guard parts.count == 2, parts[0].count == 64, parts[1].hasPrefix(" ") else {
                problems.append("\(manifestName) line \(index + 1): not a '<sha256>  <file>' line")
                continue
            }
            let name = String(parts[1].dropFirst())
            listed.insert(name)
            guard let data = contents[name] else {
                problems.append("\(name): listed in \(manifestName) but missing from the pack")
                continue
            }
            if hex(data) != parts[0] {
                problems.append("\(name): changed (its SHA-256 is not the one in \(manifestName))")
            }
        }
        for name in contents.keys.sorted() where !listed.contains(name) {
            problems.append("\(name): in the pack but not listed in \(manifestName)")
        }
        return Verification(header: header, checked: listed.count, problems: problems, manifestDigest: hex(manifest))
    }
}

extension EvidencePack {
    /// The files of a pack, in the order the MANIFEST lists them, with their Chinese names (and
    /// the English names the MANIFEST also gives): ID numbers masked (first 6 and last 4) in the
    /// CSV and JSON files unless `includeIDNumbers`, never shown in the HTML. The CSV files have
    /// Chinese headers and values; the JSON keeps its documented English keys.
    public static func files(
        _ evidence: PilotEvidence, includeIDNumbers: Bool, header: ReportHeader = ReportHeader()
    ) -> [File] {
        let report = evidence.report
        var files = [
            File(name: "试点工作报告.html", englishName: "pilot-report.html", data: Data(report.html(header: header).utf8)),
            File(
                name: "试点工作报告.json", englishName: "pilot-report.json",
                data: Data((report.json(includeIDNumbers: includeIDNumbers).serialized(pretty: true) + "\n").utf8)),
        ]
        let sheetHeaders = [
            "活动编号", "活动名称", "培训方式", "开始时间", "身份证号", "姓名", "企业", "部门", "状态", "学时", "签到", "备注",
        ]
        for (event, lines) in Dictionary(grouping: evidence.attendance, by: \.eventID).sorted(by: { $0.key < $1.key }) {
            let rows = lines.map { line in
                [
                    String(line.eventID), line.title, line.kind.chineseName, line.startsAt.description,
                    shownIDNumber(line.idNumber, whole: includeIDNumbers), line.name, line.enterprise,
                    line.department.chineseName, line.status.sheetName, line.hours.map(ReportText.hours) ?? "", "",
                    // The pack is made after the period: an enrollment never marked attended or
                    // absent is a gap in the record, said so on its row.
                    line.status == .enrolled ? "活动结束后仍为“已报名”，未记录出勤" : "",
                ]
            }
            files.append(
                File(
                    name: "签到表/培训活动-\(event).csv", englishName: "attendance/event-\(event).csv",
                    data: Data(CSVWriter.document(headers: sheetHeaders, rows: rows).utf8)))
        }
        let certificates = RecordTable(
            headers: ["id_number", "name", "level", "certificate_no", "issued_on", "revoked_on"],
            rows: evidence.certificates.map {
                [
                    shownIDNumber($0.idNumber, whole: includeIDNumbers), $0.name, $0.level.rawValue, $0.number,
                    $0.issuedOn.iso, $0.revokedOn?.iso ?? "",
                ]
            })
        let tables: [(name: String, englishName: String, RecordTable)] = [
            ("持证情况.csv", "certificates.csv", certificates),
            ("考试情况.csv", "exam-funnel.csv", .init(.examFunnel(report.funnel))),
            ("岗位开发.csv", "posts.csv", .init(.posts(evidence.posts, includeIDNumbers: includeIDNumbers))),
            ("服务开展.csv", "services.csv", .init(.services(evidence.services))),
            ("资金投入.csv", "funding.csv", .init(.funding(evidence.funding))),
        ]
        for (name, englishName, table) in tables {
            files.append(File(name: name, englishName: englishName, data: chineseCSV(table)))
        }
        return files
    }

    /// A table as CSV with Chinese headers, and Chinese values in its code columns (level,
    /// department, kind, source).
    static func chineseCSV(_ table: RecordTable) -> Data {
        let headers = [
            "id": "编号", "id_number": "身份证号", "name": "姓名", "level": "级别", "certificate_no": "证书编号",
            "issued_on": "发证日期", "revoked_on": "撤销日期", "department": "部门", "registered": "报名",
            "sat": "参考", "passed": "通过", "certified": "取证", "created_on": "设立日期",
            "enterprise_uscc": "企业统一社会信用代码", "enterprise": "企业", "title": "岗位名称", "filled_by": "在岗人员",
            "filled_by_id_number": "在岗人员身份证号", "served_on": "服务日期", "kind": "服务类别",
            "beneficiaries": "服务人次", "provider": "服务提供者", "volunteers": "志愿者人数", "hours": "服务时长",
            "received_on": "到账日期", "recipient_code": "接收方代码", "recipient": "接收方", "source": "资金来源",
            "amount": "金额（元）", "provider_org": "服务机构", "contract_no": "合同编号",
        ]
        let codeColumns: Set<String> = ["level", "department", "kind", "source"]
        let rows = table.rows.map { row in
            zip(table.headers, row).map { header, cell in
                codeColumns.contains(header) ? (cell == "all" ? "合计" : PilotReport.chineseItem(cell)) : cell
            }
        }
        return Data(CSVWriter.document(headers: table.headers.map { headers[$0] ?? $0 }, rows: rows).utf8)
    }

    /// The MANIFEST's comment lines: what the pack is, its period, the day it was made, whether
    /// it holds whole ID numbers, and the English name of every file.
    public static func header(
        _ evidence: PilotEvidence, files: [File], includeIDNumbers: Bool, asOf: CalendarDate
    ) -> [String] {
        let scope = evidence.report.scope
        return [
            "esw evidence pack",
            "application: \(scope.applicationID) \(scope.applicantName) (\(scope.applicantCode))",
            "program: \(scope.programName)", "period: \(scope.from) to \(scope.to)", "as_of: \(asOf)",
            "id_numbers: \(includeIDNumbers ? "included" : "masked")",
        ] + files.map { "file: \($0.name) = \($0.englishName)" }
    }
}

extension RecordTable {
    init(_ listing: Listing) { self.init(headers: listing.headers, rows: listing.rows) }
}

extension EnrollmentStatus {
    /// The state on an attendance sheet.
    fileprivate var sheetName: String {
        switch self {
        case .enrolled: "已报名"
        case .waitlisted: "候补"
        case .cancelled: "已取消"
        case .attended: "出勤"
        case .absent: "缺勤"
        }
    }
}
