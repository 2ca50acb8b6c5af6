public import CalendarDates
import Crypto
public import Foundation
import PostgresClient
import ZIPFoundation

/// The evidence pack a designation review asks for: the pilot report, the attendance sheets, the
/// certificates, the exam funnel, posts, services and funding, and a MANIFEST with the SHA-256
/// of every file, so that a reviewer can tell whether anything changed after submission.
public enum EvidencePack {
    public static let manifestName = "MANIFEST"

    public struct File: Sendable {
        public let name: String
        public let data: Data
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
        let manifest = manifest(files: files, header: header)
        let archive = try Archive(data: Data(), accessMode: .create)
        for file in [File(name: manifestName, data: manifest)] + files {
            try archive.addEntry(with: file.name, type: .file, uncompressedSize: Int64(file.data.count), modificationDate: modified,
                                 compressionMethod: .deflate) { position, size in
                file.data.subdata(in: Int(position)..<Int(position) + size)
            }
        }
        guard let data = archive.data else { throw WorkforceError.invalid(field: "--out", value: path, reason: "the archive could not be built") }
        try writeAtomically(data, to: path)
        return hex(manifest)
    }

    /// Checks every file of a pack against its MANIFEST: a changed, missing or added file is a problem.
    public static func verify(path: String) throws -> Verification {
        let url = URL(fileURLWithPath: path)
        guard FileManager.default.fileExists(atPath: path) else { throw WorkforceError.notFound("\(path) does not exist") }
        let archive: Archive
        do {
            archive = try Archive(url: url, accessMode: .read)
        } catch {
            throw WorkforceError.invalid(field: "FILE", value: path, reason: "is not a ZIP archive")
        }
        var contents: [String: Data] = [:]
        for entry in archive where entry.type == .file {
            var data = Data()
            do {
                _ = try archive.extract(entry) { data.append($0) }
            } catch {
                throw WorkforceError.invalid(field: "FILE", value: path, reason: "\(entry.path) cannot be read (\(error))")
            }
            contents[entry.path] = data
        }
        guard let manifest = contents.removeValue(forKey: manifestName), let text = String(data: manifest, encoding: .utf8) else {
            throw WorkforceError.invalid(field: "FILE", value: path, reason: "has no \(manifestName)")
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
            if hex(data) != parts[0] { problems.append("\(name): changed (its SHA-256 is not the one in \(manifestName))") }
        }
        for name in contents.keys.sorted() where !listed.contains(name) {
            problems.append("\(name): in the pack but not listed in \(manifestName)")
        }
        return Verification(header: header, checked: listed.count, problems: problems, manifestDigest: hex(manifest))
    }
}

extension Reports {
    /// The files of an application's evidence pack for its period (default: the pilot year).
    public func evidence(applicationID: Int, from: CalendarDate? = nil, to: CalendarDate? = nil,
                         includeIDNumbers: Bool, today: CalendarDate) throws -> (report: PilotReport, files: [EvidencePack.File]) {
        let scope = try pilotScope(applicationID: applicationID, from: from, to: to)
        let report = try pilot(scope: scope, today: today)
        let records = WorkAreaFilter(scope: scope)
        let pilots = Pilots(db: db)
        func csv(_ table: RecordTable) -> Data { Data(CSVWriter.document(headers: table.headers, rows: table.rows).utf8) }
        func shown(_ id: String) -> String { includeIDNumbers ? id : maskedIDNumber(id) }
        var files = [
            EvidencePack.File(name: "pilot-report.html", data: Data(report.html.utf8)),
            EvidencePack.File(name: "pilot-report.json", data: Data((report.json(includeIDNumbers: includeIDNumbers).serialized(pretty: true) + "\n").utf8)),
        ]
        var sheets: [Int: [[String]]] = [:]
        for row in try db.query("""
            SELECT ev.id, ev.title, ev.kind::text, to_char(ev.starts_at, 'YYYY-MM-DD HH24:MI'), p.id_number, p.name, en.name,
                   e.department::text, e.status::text, coalesce(e.hours::text, '')
            FROM enrollment e
            JOIN training_event ev ON ev.id = e.event_id
            JOIN person p ON p.id = e.person_id
            JOIN enterprise en ON en.id = e.enterprise_id
            WHERE \(scope.trainingCondition)
            ORDER BY ev.id, en.name, p.id_number
            """) {
            let event: Int = try row.decode(0)
            sheets[event, default: []].append([String(event), try row.decode(1), try row.decode(2), try row.decode(3), shown(try row.decode(4)),
                                               try row.decode(5), try row.decode(6), try row.decode(7), try row.decode(8), try row.decode(9)])
        }
        for (event, rows) in sheets.sorted(by: { $0.key < $1.key }) {
            files.append(.init(name: "attendance/event-\(event).csv", data: csv(RecordTable(
                headers: ["event_id", "title", "kind", "starts_at", "id_number", "name", "enterprise", "department", "status", "hours"], rows: rows))))
        }
        // Certificates held by anyone on the staff of the enterprises during the period.
        let certificates = try db.query("""
            SELECT p.id_number, p.name, c.level::text, c.certificate_no, c.issued_on::text, coalesce(c.revoked_on::text, '')
            FROM certificate c
            JOIN person p ON p.id = c.person_id
            WHERE c.issued_on <= \(scope.to)
              AND EXISTS (SELECT 1 FROM employment em WHERE em.person_id = c.person_id AND em.enterprise_id = ANY (\(scope.enterpriseIDs))
                          AND em.hired_on <= \(scope.to) AND (em.left_on IS NULL OR em.left_on > \(scope.from)))
            ORDER BY p.id_number, c.issued_on, c.certificate_no
            """).map { row in
            [shown(try row.decode(0)), try row.decode(1), try row.decode(2), try row.decode(3), try row.decode(4), try row.decode(5)]
        }
        files.append(.init(name: "certificates.csv", data: csv(RecordTable(
            headers: ["id_number", "name", "level", "certificate_no", "issued_on", "revoked_on"], rows: certificates))))
        files.append(.init(name: "exam-funnel.csv", data: csv(RecordTable(
            headers: ["level", "department", "registered", "sat", "passed", "certified"],
            rows: report.funnel.map { [$0.level.rawValue, $0.department?.rawValue ?? "all", String($0.registered), String($0.sat),
                                       String($0.passed), String($0.certified)] }))))
        files.append(.init(name: "posts.csv", data: csv(try pilots.posts(records, includeIDNumbers: includeIDNumbers))))
        files.append(.init(name: "services.csv", data: csv(try pilots.services(records))))
        files.append(.init(name: "funding.csv", data: csv(try pilots.funding(records))))
        return (report, files)
    }
}
