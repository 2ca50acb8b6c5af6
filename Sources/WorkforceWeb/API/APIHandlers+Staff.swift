import CalendarDates
import Foundation
import OpenAPIRuntime
import Workforce
import WorkforceOutput

extension APIHandlers {
    /// The largest roster upload (issue 15: 20 MB).
    static let maximumUploadBytes = 20 * 1_048_576

    func listStaff(_ input: Operations.ListStaff.Input) async throws -> Operations.ListStaff.Output {
        let query = input.query
        let page = try PageRequest(limit: query.limit, cursor: query.cursor)
        let staffQuery = StaffQuery(
            enterpriseUSCC: query.enterprise, department: try APIInput.department(query.department), name: query.q,
            asOf: try APIInput.date(query.on, "on") ?? .today(), limit: page.fetchLimit, offset: page.offset)
        let (staff, whole) = try await APIHandlers.transaction { db in
            let persons = Persons(db: db)
            return (try persons.staff(staffQuery), try persons.seesWholeIDNumbers())
        }
        let items = staff.lines.prefix(page.limit).map { line in
            Components.Schemas.StaffMember(
                idNumber: shownIDNumber(line.idNumber, whole: whole), name: line.name,
                enterpriseUscc: line.enterpriseUSCC, enterprise: line.enterpriseName,
                department: line.department.rawValue, hiredOn: line.hiredOn?.iso, leftOn: line.leftOn?.iso,
                highestLevel: line.highestLevel?.rawValue)
        }
        return .ok(
            .init(
                body: .json(
                    .init(asOf: staff.asOf.iso, items: items, nextCursor: page.nextCursor(fetched: staff.lines.count)))
            ))
    }

    func listCertificates(_ input: Operations.ListCertificates.Input) async throws
        -> Operations.ListCertificates.Output
    {
        let idNumber = input.path.idNumber
        // As `esw person show`: a person outside the scope is not found.
        let (person, whole) = try await APIHandlers.transaction { db in
            let persons = Persons(db: db)
            return (try persons.show(idNumber: idNumber, today: .today()), try persons.seesWholeIDNumbers())
        }
        let items = person.certificates.map { certificate in
            Components.Schemas.Certificate(
                level: .init(certificate.level), certificateNo: certificate.number, issuedOn: certificate.issuedOn.iso,
                revokedOn: certificate.revokedOn?.iso)
        }
        return .ok(
            .init(
                body: .json(
                    .init(idNumber: shownIDNumber(person.idNumber, whole: whole), name: person.name, items: items))))
    }

    func importStaff(_ input: Operations.ImportStaff.Input) async throws -> Operations.ImportStaff.Output {
        guard case .multipartForm(let parts) = input.body else {
            throw APIProblem.badParameter("file", "send the roster as multipart/form-data with a file part")
        }
        let upload = try await Upload.receive(parts)
        defer { upload.remove() }
        let uscc = input.path.uscc
        let path = upload.path
        let options =
            RequestScope.current?.uploadOptions(ImportOptions(today: .today())) ?? ImportOptions(today: .today())
        let summary = try await APIHandlers.enterpriseInPath {
            try await APIHandlers.transaction { db in
                try Staff(db: db).importFile(path: path, options: options, enterprise: uscc)
            }
        }
        return .ok(
            .init(
                body: .json(
                    .init(
                        read: summary.read, inserted: summary.inserted, updated: summary.updated,
                        unchanged: summary.unchanged, encoding: summary.encoding.rawValue, sha256: summary.sha256))))
    }
}

/// An uploaded file, written to a directory of its own under the temporary directory as it
/// arrives (at most ``APIHandlers/maximumUploadBytes``), under the name the client gave it (the
/// audit trail names the import's file), and removed after the import.
struct Upload: Sendable {
    let directory: URL
    let path: String

    static func receive(_ parts: MultipartBody<Operations.ImportStaff.Input.Body.MultipartFormPayload>)
        async throws -> Upload
    {
        var upload: Upload?
        do {
            for try await part in parts {
                guard case .file(let file) = part, upload == nil else { continue }
                upload = try await write(file.payload.body, named: file.filename)
            }
        } catch let problem as APIProblem {
            upload?.remove()
            throw problem
        } catch {
            // The runtime's multipart reader refuses a body that is not well-formed or lacks a
            // required part: bad input, not a server error.
            upload?.remove()
            throw APIProblem.badParameter("file", "the multipart body is not well-formed or has no file part")
        }
        guard let upload else { throw APIProblem.badParameter("file", "the form has no file part") }
        return upload
    }

    private static func write(_ body: HTTPBody, named filename: String?) async throws -> Upload {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("esw-upload-" + UUID().uuidString)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: false)
        let upload = Upload(directory: directory, path: directory.appendingPathComponent(safeName(filename)).path)
        do {
            FileManager.default.createFile(atPath: upload.path, contents: nil)
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: upload.path))
            defer { try? handle.close() }
            var written = 0
            for try await chunk in body {
                written += chunk.count
                if written > APIHandlers.maximumUploadBytes {
                    throw APIProblem(
                        kind: .tooLarge,
                        detail: "file: the upload is over \(APIHandlers.maximumUploadBytes / 1_048_576) MiB; "
                            + "split the roster into smaller files", field: "file")
                }
                try handle.write(contentsOf: chunk)
            }
        } catch {
            upload.remove()
            throw error
        }
        return upload
    }

    /// The last component of the client's file name, without control or path characters, at most
    /// 100 characters; "upload.csv" when nothing is left.
    static func safeName(_ filename: String?) -> String {
        let last = (filename ?? "").split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        let kept = String(last.unicodeScalars.filter { $0.value >= 0x20 && $0 != "\u{7F}" }.prefix(100))
        return kept.isEmpty || kept == "." || kept == ".." ? "upload.csv" : kept
    }

    func remove() { try? FileManager.default.removeItem(at: directory) }
}
