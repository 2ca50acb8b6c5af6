import CalendarDates
import Foundation
import OpenAPIRuntime
import Workforce
import WorkforceOutput

extension APIHandlers {
    func getRegionReport(_ input: Operations.GetRegionReport.Input) async throws -> Operations.GetRegionReport.Output {
        let query = input.query
        let asOf = try APIInput.date(query.asOf, "as_of") ?? .today()
        let format = ReportFormat(query.format, accept: input.headers.accept)
        let header = ReportHeader(
            issuer: query.issuer, preparer: query.preparer, reviewer: query.reviewer, phone: query.phone)
        let code = input.path.code
        let report = try await APIHandlers.renamingField("region", to: "code") {
            try await APIHandlers.transaction { db in try Reports(db: db).province(region: code, asOf: asOf) }
        }
        // Exactly what `esw report province --format …` prints (ReportCommand.swift).
        let body: Operations.GetRegionReport.Output.Ok.Body
        switch format {
        case .html: body = .html(HTTPBody(report.html(header: header)))
        case .json: body = .json(RatioJSON(report.json))
        case .csv:
            let table = report.csvRows(language: CSVLanguage(rawValue: query.lang?.rawValue ?? "en") ?? .en)
            body = .csv(HTTPBody(CSVWriter.document(headers: table.headers, rows: table.rows)))
        }
        return .ok(.init(body: body))
    }

    func getPilotReport(_ input: Operations.GetPilotReport.Input) async throws -> Operations.GetPilotReport.Output {
        let query = input.query
        let application = try APIInput.id(input.path.id, "id", "a pilot application id")
        let (from, to) = (try APIInput.date(query.from, "from"), try APIInput.date(query.to, "to"))
        let format = ReportFormat(query.format, accept: input.headers.accept)
        let header = ReportHeader(
            issuer: query.issuer, preparer: query.preparer, reviewer: query.reviewer, phone: query.phone)
        let (report, whole) = try await APIHandlers.transaction { db in
            let report = try Reports(db: db).pilot(applicationID: application, from: from, to: to, today: .today())
            return (report, try Persons(db: db).seesWholeIDNumbers())
        }
        // What `esw report pilot --format …` prints, with whole ID numbers for the roles that see them.
        let body: Operations.GetPilotReport.Output.Ok.Body
        switch format {
        case .html: body = .html(HTTPBody(report.html(header: header)))
        case .json: body = .json(RatioJSON(report.json(includeIDNumbers: whole)))
        case .csv:
            let language = CSVLanguage(rawValue: query.lang?.rawValue ?? "en") ?? .en
            let table = report.csvRows(includeIDNumbers: whole, language: language)
            body = .csv(HTTPBody(CSVWriter.document(headers: table.headers, rows: table.rows)))
        }
        return .ok(.init(body: body))
    }

    func getEvidencePack(_ input: Operations.GetEvidencePack.Input) async throws -> Operations.GetEvidencePack.Output {
        let query = input.query
        let application = try APIInput.id(input.path.id, "id", "a pilot application id")
        let (from, to) = (try APIInput.date(query.from, "from"), try APIInput.date(query.to, "to"))
        let header = ReportHeader(
            issuer: query.issuer, preparer: query.preparer, reviewer: query.reviewer, phone: query.phone)
        let today = CalendarDate.today()
        let (evidence, whole) = try await APIHandlers.transaction { db in
            let evidence = try Reports(db: db).evidence(applicationID: application, from: from, to: to, today: today)
            return (evidence, try Persons(db: db).seesWholeIDNumbers())
        }
        // The pack `esw report evidence` writes, written the same way to a file of its own and read back.
        let files = EvidencePack.files(evidence, includeIDNumbers: whole, header: header)
        let manifest = EvidencePack.header(evidence, files: files, includeIDNumbers: whole, asOf: today)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "esw-evidence-" + UUID().uuidString)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: false)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("evidence.zip").path
        let digest = try EvidencePack.write(files: files, header: manifest, to: path, modified: Date())
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        return .ok(.init(headers: .init(xManifestSHA256: digest), body: .applicationZip(HTTPBody(data))))
    }
}

/// The format of a report: the `format` parameter when given, else the one of HTML, CSV and
/// JSON that the Accept header ranks highest, else JSON (also on a tie: without an Accept header
/// the generated code lists every type at the same quality).
enum ReportFormat: Sendable, Equatable {
    case html, csv, json

    init<Types>(_ parameter: Components.Parameters.ReportFormat?, accept: [AcceptHeaderContentType<Types>]) {
        self.init(parameter, accept: accept.map { ($0.contentType.rawValue, $0.quality.doubleValue) })
    }

    init(_ parameter: Components.Parameters.ReportFormat?, accept: [(type: String, quality: Double)]) {
        switch parameter {
        case .html?: self = .html
        case .csv?: self = .csv
        case .json?: self = .json
        case nil:
            let named: [String: ReportFormat] = ["text/html": .html, "text/csv": .csv, "application/json": .json]
            let acceptable = accept.compactMap { item in named[item.type.lowercased()].map { ($0, item.quality) } }
                .filter { $0.1 > 0 }
            let best = acceptable.map(\.1).max()
            let first = Set(acceptable.filter { $0.1 == best }.map(\.0))
            self = first.count == 1 ? first.first ?? .json : .json
        }
    }
}
