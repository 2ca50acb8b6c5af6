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
            try archive.addEntry(
                with: file.name, type: .file, uncompressedSize: Int64(file.data.count), modificationDate: modified,
                compressionMethod: .deflate
            ) { position, size in
                file.data.subdata(in: Int(position)..<Int(position) + size)
            }
        }
        guard let data = archive.data else {
            throw WorkforceError.invalid(field: "out", value: path, reason: "the archive could not be built")
        }
        try writeAtomically(data, to: path)
        return hex(manifest)
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
    /// The files of a pack, in the order the MANIFEST lists them: ID numbers masked (first 6 and
    /// last 4) in the CSV and JSON files unless `includeIDNumbers`, never shown in the HTML.
    public static func files(_ evidence: PilotEvidence, includeIDNumbers: Bool) -> [File] {
        func csv(_ listing: Listing) -> Data { Data(listing.rendered(as: .csv).utf8) }
        let report = evidence.report
        var files = [
            File(name: "pilot-report.html", data: Data(report.html.utf8)),
            File(
                name: "pilot-report.json",
                data: Data((report.json(includeIDNumbers: includeIDNumbers).serialized(pretty: true) + "\n").utf8)),
        ]
        let sheetHeaders = [
            "event_id", "title", "kind", "starts_at", "id_number", "name", "enterprise", "department", "status",
            "hours",
        ]
        for (event, lines) in Dictionary(grouping: evidence.attendance, by: \.eventID).sorted(by: { $0.key < $1.key }) {
            let rows = lines.map { line in
                [
                    String(line.eventID), line.title, line.kind.rawValue,
                    line.startsAt.description,
                    shownIDNumber(line.idNumber, whole: includeIDNumbers), line.name, line.enterprise,
                    line.department.rawValue, line.status.rawValue,
                    line.hours ?? "",
                ]
            }
            let sheet = RecordTable(headers: sheetHeaders, rows: rows)
            files.append(File(name: "attendance/event-\(event).csv", data: csv(Listing(records: sheet))))
        }
        let certificates = RecordTable(
            headers: ["id_number", "name", "level", "certificate_no", "issued_on", "revoked_on"],
            rows: evidence.certificates.map {
                [
                    shownIDNumber($0.idNumber, whole: includeIDNumbers), $0.name, $0.level.rawValue, $0.number,
                    $0.issuedOn.iso, $0.revokedOn?.iso ?? "",
                ]
            })
        files.append(File(name: "certificates.csv", data: csv(Listing(records: certificates))))
        files.append(File(name: "exam-funnel.csv", data: csv(.examFunnel(report.funnel))))
        files.append(File(name: "posts.csv", data: csv(.posts(evidence.posts, includeIDNumbers: includeIDNumbers))))
        files.append(File(name: "services.csv", data: csv(.services(evidence.services))))
        files.append(File(name: "funding.csv", data: csv(.funding(evidence.funding))))
        return files
    }

    /// The MANIFEST's comment lines: what the pack is, its period, the day it was made and whether
    /// it holds whole ID numbers.
    public static func header(_ evidence: PilotEvidence, includeIDNumbers: Bool, asOf: CalendarDate) -> [String] {
        let scope = evidence.report.scope
        return [
            "esw evidence pack",
            "application: \(scope.applicationID) \(scope.applicantName) (\(scope.applicantCode))",
            "program: \(scope.programName)", "period: \(scope.from) to \(scope.to)", "as_of: \(asOf)",
            "id_numbers: \(includeIDNumbers ? "included" : "masked")",
        ]
    }
}
