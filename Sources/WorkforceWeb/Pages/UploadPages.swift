import Foundation
import Hummingbird
import PostgresClient
import Workforce
import WorkforceOutput

/// Uploaded spreadsheets kept between the two steps of an upload, on the server: each in a
/// directory of its own under the temporary directory, named by 128 random bits, and bound in
/// memory to the session that sent it and to the page it was posted to.
///
/// The second step ("import the other rows and download the rejected ones") runs on the file the
/// first step refused, so the person does not pick the file again (a browser cannot fill in a
/// file field), and the bytes do not make a second trip (up to 20 MB). Kept an hour at most; a
/// restarted server has forgotten them (the person uploads again) and deletes their folders an hour
/// after they were written.
actor UploadStore {
    struct Upload: Sendable {
        let id: String
        let directory: URL
        /// The uploaded file, under the name the browser gave it (the audit trail names it).
        let file: String
        /// The session token that sent it.
        let owner: String
        /// The address it was posted to.
        let action: String
        let received: Date

        /// Where the second step saves the rejected rows.
        var rejects: String { directory.appendingPathComponent("rejected.csv").path }
    }

    static let shared = UploadStore(
        directory: FileManager.default.temporaryDirectory.appendingPathComponent("esw-uploads"))

    private let directory: URL
    private var uploads: [String: Upload] = [:]
    private let lifetime: TimeInterval = 3600

    init(directory: URL) {
        self.directory = directory
    }

    /// Saves an uploaded file, forgetting (and deleting) those older than an hour first.
    func keep(_ file: MultipartForm.File, owner: String, action: String) throws -> Upload {
        sweep()
        var generator = SystemRandomNumberGenerator()
        let id = (0..<4).map { _ in String(generator.next() as UInt32, radix: 16).leftPadded(to: 8) }.joined()
        let folder = directory.appendingPathComponent(id)
        try FileManager.default.createDirectory(
            at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        var name = String(file.name.filter { !$0.isNewline && $0 != "\0" }.prefix(100))
        if name.isEmpty || name.hasPrefix(".") || name == "rejected.csv" { name = "upload.csv" }
        let path = folder.appendingPathComponent(name).path
        try file.data.write(to: URL(fileURLWithPath: path))
        let upload = Upload(id: id, directory: folder, file: path, owner: owner, action: action, received: Date())
        uploads[id] = upload
        return upload
    }

    /// The upload `id` if this session sent it to this page, and within the hour.
    func upload(_ id: String, owner: String, action: String) -> Upload? {
        guard let upload = uploads[id], upload.owner == owner, upload.action == action,
            Date().timeIntervalSince(upload.received) < lifetime
        else { return nil }
        return upload
    }

    /// Deletes the uploaded file (the rejected rows, if saved, stay for their download).
    func dropFile(of upload: Upload) {
        try? FileManager.default.removeItem(atPath: upload.file)
    }

    func forget(_ upload: Upload) {
        uploads[upload.id] = nil
        try? FileManager.default.removeItem(at: upload.directory)
    }

    /// Forgets the uploads of more than an hour ago, and deletes any folder of more than an hour ago
    /// that no upload names (one a restarted server has forgotten).
    private func sweep() {
        let now = Date()
        for upload in uploads.values where now.timeIntervalSince(upload.received) >= lifetime { forget(upload) }
        let folders = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        for folder in folders where uploads[folder] == nil {
            let path = directory.appendingPathComponent(folder).path
            let modified = (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date
            if let modified, now.timeIntervalSince(modified) >= lifetime {
                try? FileManager.default.removeItem(atPath: path)
            }
        }
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}

/// A spreadsheet upload as the pages run it, with exactly the command line's rules (the domain's
/// import, all or nothing): with bad rows nothing is written and the page shows every bad row
/// (line, column, value masked, reason); a second step imports the other rows and keeps the
/// rejected ones, with a reason column, for download (`--skip-invalid --rejects`).
struct UploadFlow: Sendable {
    let upload: WebUpload
    /// The menu entry the pages belong to.
    let section: String
    /// Where a whole import goes on to, with its flash.
    let done: String
    let run: @Sendable (Connection, _ path: String, ImportOptions) throws -> ImportSummary

    private enum Outcome: Sendable {
        case imported(ImportSummary)
        case refused(errors: [RowError], badLines: Int, read: Int)
        case fileRefused(String)
    }

    func form(_ request: Request, _ context: some PageRequestContext, fileError: String? = nil) async throws
        -> Response
    {
        try await PageSupport.respond(request, context: context, section: section) { flash in
            try await page(request, context, flash: flash, fileError: fileError, status: .ok)
        }
    }

    private func page(
        _ request: Request, _ context: some PageRequestContext, flash: String?, fileError: String?,
        status: HTTPResponse.Status
    ) async throws -> Response {
        let user = try await PageSupport.signedIn { _, _ in () }.user
        let frame = PageSupport.frame(user, path: section, context: context, flash: flash)
        return PageSupport.html(WebStaff.uploadForm(upload, fileError: fileError, frame: frame), status: status)
    }

    /// The first step: all or nothing.
    func post(_ request: Request, _ context: some PageRequestContext) async throws -> Response {
        try await PageSupport.respond(request, context: context, section: section) { _ in
            let form = try await PageSupport.multipart(request)
            guard let file = form.files["file"], !file.data.isEmpty else {
                return try await page(
                    request, context, flash: nil, fileError: "请选择要上传的 CSV 文件。", status: .unprocessableContent)
            }
            guard let owner = RequestScope.current?.token?.textForClient else { throw NotSignedIn() }
            let kept = try await UploadStore.shared.keep(file, owner: owner, action: upload.action)
            let today = PageSupport.today()
            let (user, outcome) = try await attempt(kept, ImportOptions(today: today))
            let frame = PageSupport.frame(user, path: section, context: context, flash: nil)
            switch outcome {
            case .imported(let summary):
                await UploadStore.shared.forget(kept)
                return PageSupport.redirect(to: done, flash: "已导入 \(summary.read) 行。" + Self.counts(summary))
            case .refused(let errors, let badLines, let read):
                return PageSupport.html(
                    WebStaff.uploadRefused(
                        upload, errors: errors, reason: Words.reason, badLines: badLines, read: read,
                        rest: "\(upload.action)/\(kept.id)/rest", frame: frame),
                    status: .unprocessableContent)
            case .fileRefused(let reason):
                await UploadStore.shared.forget(kept)
                return PageSupport.html(
                    WebStaff.uploadForm(upload, fileError: reason, frame: frame), status: .unprocessableContent)
            }
        }
    }

    /// The second step: imports the rows the first refused none of, saves the others for download.
    func rest(_ request: Request, _ context: some PageRequestContext, id: String) async throws -> Response {
        try await PageSupport.respond(request, context: context, section: section) { _ in
            let kept = try await stored(id)
            let options = ImportOptions(
                skipInvalid: true, rejectsPath: kept.rejects, today: PageSupport.today(), replaceRejects: true,
                saveRejects: { rejected, path in
                    try RejectsFile.write(rejected, to: path, reason: Words.rejectedValue)
                })
            let (user, outcome) = try await attempt(kept, options)
            await UploadStore.shared.dropFile(of: kept)
            switch outcome {
            case .imported(let summary):
                let rest = summary.read - summary.rejected
                return PageSupport.redirect(
                    to: "\(upload.action)/\(kept.id)",
                    flash: "已导入 \(rest) 行，\(summary.rejected) 行未导入。" + Self.counts(summary))
            case .refused, .fileRefused:
                await UploadStore.shared.forget(kept)
                let frame = PageSupport.frame(user, path: section, context: context, flash: nil)
                return PageSupport.html(
                    WebStaff.uploadForm(upload, fileError: "文件无法导入，请重新上传。", frame: frame),
                    status: .unprocessableContent)
            }
        }
    }

    /// After the second step: the link to the rejected rows.
    func result(_ request: Request, _ context: some PageRequestContext, id: String) async throws -> Response {
        try await PageSupport.respond(request, context: context, section: section) { flash in
            let kept = try await stored(id)
            let user = try await PageSupport.signedIn { _, _ in () }.user
            let saved = FileManager.default.fileExists(atPath: kept.rejects)
            let frame = PageSupport.frame(user, path: section, context: context, flash: flash)
            return PageSupport.html(
                WebStaff.uploadDone(
                    upload, rejects: saved ? "\(upload.action)/\(kept.id)/rejects.csv" : nil, frame: frame))
        }
    }

    /// The rejected rows as CSV (UTF-8 with BOM; cells a spreadsheet would run as formulas written
    /// as text, as the command line writes them).
    func rejects(_ request: Request, _ context: some PageRequestContext, id: String) async throws -> Response {
        try await PageSupport.respond(request, context: context, section: section) { _ in
            let kept = try await stored(id)
            guard let data = FileManager.default.contents(atPath: kept.rejects) else {
                throw WorkforceError.notFound("no rejected rows were saved")
            }
            let base = URL(fileURLWithPath: kept.file).deletingPathExtension().lastPathComponent + ".rejected.csv"
            let encoded = base.addingPercentEncoding(withAllowedCharacters: PageSupport.asciiSafe) ?? "rejected.csv"
            return Response(
                status: .ok,
                headers: [
                    .contentType: "text/csv; charset=utf-8", .cacheControl: "no-store",
                    .contentDisposition: "attachment; filename=\"rejected.csv\"; filename*=UTF-8''\(encoded)",
                ],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
        }
    }

    /// The upload `id` of this session and page; an unknown or expired one is not found.
    private func stored(_ id: String) async throws -> UploadStore.Upload {
        guard let owner = RequestScope.current?.token?.textForClient else { throw NotSignedIn() }
        guard let kept = await UploadStore.shared.upload(id, owner: owner, action: upload.action) else {
            throw WorkforceError.notFound("the upload has expired or does not exist; upload the file again")
        }
        return kept
    }

    private func attempt(_ kept: UploadStore.Upload, _ options: ImportOptions) async throws
        -> (SignedInUser, Outcome)
    {
        let run = self.run
        let options = RequestScope.current?.uploadOptions(options) ?? options
        return try await PageSupport.signedIn { db, _ -> Outcome in
            // The import runs in a savepoint of the request's transaction: a refused one has
            // rolled back to it before it is caught here, so the commit writes nothing.
            do {
                return .imported(try run(db, kept.file, options))
            } catch let refused as ImportRejected {
                return .refused(errors: refused.errors, badLines: refused.badLines, read: refused.read)
            } catch let error as ImportTooManyRows {
                return .fileRefused(ChineseReasons.translate(error.description))
            } catch let error as SpreadsheetError {
                return .fileRefused(ChineseReasons.translate(error.reason))
            } catch let error as WorkforceError {
                return .fileRefused(Words.message(error))
            }
        }
    }

    private static func counts(_ summary: ImportSummary) -> String {
        "新增 \(summary.inserted)，更新 \(summary.updated)，未变 \(summary.unchanged)。"
    }
}
