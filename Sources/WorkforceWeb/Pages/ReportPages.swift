import CalendarDates
import Foundation
import HTTPTypes
public import Hummingbird
import NIOCore
import PostgresClient
import Workforce
import WorkforceOutput

/// The report pages: `/reports` lists every report the user's role may read, and each download
/// is made by the same domain call and renderer as `esw report …`: a region's report
/// (`/reports/region`: HTML to print, CSV, JSON, for a year's end or a date), an application's
/// pilot report (`/reports/pilot/{id}`), its application form (`/reports/application-form/{id}`)
/// and its evidence pack (`/reports/evidence/{id}`, a ZIP).
///
/// A download is built whole, in one `REPEATABLE READ, READ ONLY` transaction as the user, before
/// its first byte is sent: an error answers an error page, never half a file. A parameter that
/// cannot be read answers 400 naming it; an application or region outside the scope, 404;
/// a region report asked by an enterprise user, 403.
public enum ReportPages {
    /// Adds the report pages to `router`.
    public static func addRoutes<Context: PageRequestContext>(to router: Router<Context>) {
        router.get("reports") { request, context in try await index(request, context) }
        router.get("reports/region") { request, context in try await region(request, context) }
        router.get("reports/pilot/{id}") { request, context in try await pilot(request, context) }
        router.get("reports/application-form/{id}") { request, context in try await applicationForm(request, context) }
        router.get("reports/evidence/{id}") { request, context in try await evidence(request, context) }
    }

    /// The roles that read a region's report (an enterprise's users read their own pilot's reports).
    static let regionRoles: Set<AccessRole> = [.regionCoordinator, .provincialBureau, .ministry, .admin]

    /// How the 400 page names each parameter.
    static let labels: [String: String] = [
        "region": "地区代码", "year": "年份", "as_of": "截至日期", "format": "格式", "lang": "CSV 表头和取值",
        "from": "起始日期", "to": "截止日期", "preparer": "填报人", "reviewer": "审核人", "phone": "联系电话",
        "contact": "联系人", "address": "地址", "industry": "行业/性质",
    ]

    /// The refusal of a region report to an enterprise's user.
    static let forbiddenRegion = PilotPages.Forbidden(message: "企业用户没有地区报告，可在“报告”页下载本企业的试点报告。")

    /// The longest a header line (填报人, 审核人, 联系电话, …) may be.
    static let headerLineLimit = 100

    // MARK: The page

    private struct Listing: Sendable {
        let programs: [PilotProgram]
        let applications: [PilotApplication]
        let first: String?
        let next: String?
    }

    static func index(_ request: Request, _ context: some PageRequestContext) async throws -> Response {
        try await PilotPages.respond(request, context: context, section: "/reports") { flash in
            try await indexPage(request, context, form: nil, status: .ok, flash: flash)
        }
    }

    /// The page, with `form` (the region form as posted, with its errors) or the form's defaults:
    /// the user's region and this year.
    private static func indexPage(
        _ request: Request, _ context: some PageRequestContext, form: WebForm?, status: HTTPResponse.Status,
        flash: String?
    ) async throws -> Response {
        let after = try PilotPages.cursor(request)
        let (user, listing) = try await PageSupport.signedIn { db, user in
            // A refused region form is shown only to a role that has it.
            if form != nil && !regionRoles.contains(user.role) { throw forbiddenRegion }
            let page = try PilotPages.applicationsPage(db, after: after, path: "/reports")
            return Listing(
                programs: try PilotPrograms(db: db).list(), applications: page.applications, first: page.first,
                next: page.next)
        }
        let regionForm =
            regionRoles.contains(user.role)
            ? form ?? WebForm(values: ["region": user.scope ?? "", "year": String(PageSupport.today().year)]) : nil
        let html = WebReports.page(
            regionForm: regionForm, programs: listing.programs, applications: listing.applications,
            first: listing.first, next: listing.next,
            frame: PageSupport.frame(user, path: "/reports", context: context, flash: flash))
        return PageSupport.html(html, status: status)
    }

    // MARK: Parameters

    /// The query's parameters, trimmed; "" for one not given.
    private struct Query {
        let values: [String: String]

        init(_ request: Request, _ names: [String]) {
            var values: [String: String] = [:]
            for name in names {
                values[name] =
                    request.uri.queryParameters[Substring(name)].map {
                        String($0).trimmingCharacters(in: .whitespacesAndNewlines)
                    } ?? ""
            }
            self.values = values
        }

        subscript(name: String) -> String { values[name] ?? "" }

        /// A date parameter, nil when not given.
        func date(_ name: String) throws -> CalendarDate? {
            guard !self[name].isEmpty else { return nil }
            guard let date = CalendarDate(text: self[name]), date >= .earliestRecord else {
                throw ReportPages.bad(name, "请填写日期，如 2013-06-30 或 2013年6月30日，不早于1949年10月1日。")
            }
            return date
        }

        /// The `to` of a period from `from` (before the domain, which says it in English).
        func period() throws -> CalendarDate? {
            let (from, to) = (try date("from"), try date("to"))
            if let from, let to, to < from { throw ReportPages.bad("to", "不能早于起始日期（from）。") }
            return to
        }

        /// One of `choices`, `fallback` when not given.
        func choice(_ name: String, _ choices: [String], fallback: String) throws -> String {
            let value = self[name].isEmpty ? fallback : self[name]
            guard choices.contains(value) else {
                throw ReportPages.bad(name, "须是 \(choices.joined(separator: "、")) 之一。")
            }
            return value
        }

        /// A header line of the printed report, nil when not given.
        func line(_ name: String) throws -> String? {
            guard !self[name].isEmpty else { return nil }
            guard self[name].count <= ReportPages.headerLineLimit, !self[name].contains(where: \.isNewline) else {
                throw ReportPages.bad(name, "不超过 \(ReportPages.headerLineLimit) 个字，且只占一行。")
            }
            return self[name]
        }
    }

    /// The 400 of a parameter: its name in Chinese, the code in brackets (as the address shows
    /// it), and what it must be.
    static func bad(_ field: String, _ rule: String) -> PilotPages.BadParameter {
        PilotPages.BadParameter(field: field, message: "\(labels[field] ?? field)（\(field)）无效：\(rule)")
    }

    /// A parameter the domain refused (a date out of order, an unknown region) as a 400.
    static func bad(_ error: WorkforceError) -> PilotPages.BadParameter? {
        guard case .invalid(let field, _, let reason) = error else { return nil }
        return bad(field.rawValue, Words.reason(reason))
    }

    // MARK: Downloads

    /// A whole file as an attachment: its type, and its name in ASCII (`filename`) and in
    /// Chinese (`filename*`, RFC 5987's UTF-8 percent-encoding).
    static func download(_ data: Data, type: String, name: WebReports.FileName) -> Response {
        let encoded = name.chinese.addingPercentEncoding(withAllowedCharacters: PageSupport.asciiSafe) ?? name.ascii
        return Response(
            status: .ok,
            headers: [
                .contentType: type, .cacheControl: "no-store",
                .contentDisposition: "attachment; filename=\"\(name.ascii)\"; filename*=UTF-8''\(encoded)",
            ],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func contentType(_ format: String) -> String {
        switch format {
        case "csv": "text/csv; charset=utf-8"
        case "json": "application/json; charset=utf-8"
        default: "text/html; charset=utf-8"
        }
    }

    /// Runs `build` in a snapshot transaction as the user, with what `check` made of the request
    /// in an ordinary transaction before (which marks the session as used; it may refuse): a
    /// parameter the domain refuses answers 400.
    private static func build<Checked: Sendable, T: Sendable>(
        check: @escaping @Sendable (Connection, SignedInUser) throws -> Checked = { _, _ in () },
        _ build: @escaping @Sendable (Connection, Checked) throws -> T
    ) async throws -> T {
        guard let scope = RequestScope.current else { throw NotSignedIn() }
        do {
            let checked = try await PageSupport.signedIn(check).value
            return try await scope.snapshot { db in try build(db, checked) }
        } catch let error as WorkforceError {
            if let bad = bad(error) { throw bad }
            throw error
        }
    }

    /// The header block of a printed report, from the query; made today.
    private static func reportHeader(_ query: Query) throws -> ReportHeader {
        ReportHeader(
            preparer: try query.line("preparer"), reviewer: try query.line("reviewer"), phone: try query.line("phone"),
            generatedOn: PageSupport.today())
    }

    /// The report in `format`, as `esw report …` writes it.
    private static func rendered(
        format: String, html: () -> String, json: () -> JSON, csv: () -> (headers: [String], rows: [[String]])
    ) -> Data {
        switch format {
        case "csv":
            let table = csv()
            return Data(CSVWriter.document(headers: table.headers, rows: table.rows).utf8)
        case "json": return Data((json().serialized(pretty: true) + "\n").utf8)
        default: return Data(html().utf8)
        }
    }

    private static let regionParameters = [
        "region", "year", "as_of", "format", "lang", "preparer", "reviewer", "phone",
    ]

    /// A region's report: the user's own region unless another inside it is given; at the end of
    /// `year` (today for this year), or on `as_of`. A refused field shows the reports page again
    /// with the error beside it (400).
    static func region(_ request: Request, _ context: some PageRequestContext) async throws -> Response {
        try await PilotPages.respond(request, context: context, section: "/reports") { _ in
            let query = Query(request, regionParameters)
            var form = WebForm(values: query.values)
            let today = PageSupport.today()
            var asOf = today
            var format = "html"
            var language = CSVLanguage.zh
            var header = ReportHeader(generatedOn: today)
            do {
                format = try query.choice("format", ["html", "csv", "json"], fallback: "html")
                language = CSVLanguage(rawValue: try query.choice("lang", ["zh", "en"], fallback: "zh")) ?? .zh
                header = try reportHeader(query)
                if let date = try query.date("as_of") {
                    asOf = date
                } else if !query["year"].isEmpty {
                    guard let year = Int(query["year"]), (1949...today.year).contains(year) else {
                        throw bad("year", "请填写 1949 至 \(today.year) 之间的年份。")
                    }
                    asOf = year == today.year ? today : CalendarDate(year: year, month: 12, day: 31)!
                }
            } catch let bad as PilotPages.BadParameter {
                form.errors[bad.field] = bad.message
                return try await indexPage(request, context, form: form, status: .badRequest, flash: nil)
            }
            let (date, region) = (asOf, query["region"])
            let report: ProvinceReport
            do {
                report = try await build(
                    check: { db, user in
                        guard regionRoles.contains(user.role) else {
                            throw forbiddenRegion
                        }
                        guard let code = region.isEmpty ? user.scope : region else {
                            throw ReportPages.bad("region", "请填写地区代码。")
                        }
                        let division = try Regions(db: db).lookUp(code)
                        guard try Regions(db: db).isWithin(division.code, scope: user.scope) else {
                            throw WorkforceError.notFound("the region is outside the user's scope")
                        }
                        return division.code
                    },
                    { db, code in try Reports(db: db).province(region: code, asOf: date) })
            } catch let bad as PilotPages.BadParameter {
                form.errors[bad.field] = bad.message
                return try await indexPage(request, context, form: form, status: .badRequest, flash: nil)
            }
            let (chosen, signed) = (language, header)
            let data = rendered(
                format: format, html: { report.html(header: signed) }, json: { report.json },
                csv: { report.csvRows(language: chosen) })
            return download(data, type: contentType(format), name: WebReports.fileName(report, format: format))
        }
    }

    /// An application's pilot report for its pilot year (or `from`–`to`), as `esw report pilot`.
    static func pilot(_ request: Request, _ context: some PageRequestContext) async throws -> Response {
        try await PilotPages.respond(request, context: context, section: "/reports") { _ in
            let id = try PilotPages.applicationID(context)
            let query = Query(request, ["format", "lang", "from", "to", "preparer", "reviewer", "phone"])
            let format = try query.choice("format", ["html", "csv", "json"], fallback: "html")
            let language = CSVLanguage(rawValue: try query.choice("lang", ["zh", "en"], fallback: "zh")) ?? .zh
            let (from, to, header) = (try query.date("from"), try query.period(), try reportHeader(query))
            let today = PageSupport.today()
            let report = try await build { db, _ in
                try Reports(db: db).pilot(applicationID: id, from: from, to: to, today: today)
            }
            let data = rendered(
                format: format, html: { report.html(header: header) }, json: { report.json(includeIDNumbers: false) },
                csv: { report.csvRows(includeIDNumbers: false, language: language) })
            return download(
                data, type: contentType(format), name: WebReports.fileName(pilotReport: report.scope, format: format))
        }
    }

    /// An application's form (申报表), as `esw report application-form`.
    static func applicationForm(_ request: Request, _ context: some PageRequestContext) async throws -> Response {
        try await PilotPages.respond(request, context: context, section: "/reports") { _ in
            let id = try PilotPages.applicationID(context)
            let query = Query(
                request, ["as_of", "contact", "address", "industry", "preparer", "reviewer", "phone"])
            let asOf = try query.date("as_of")
            let header = try reportHeader(query)
            let details = ApplicantDetails(
                contact: try query.line("contact"), address: try query.line("address"),
                industry: try query.line("industry"))
            let form = try await build { db, _ in try Reports(db: db).applicationForm(applicationID: id, asOf: asOf) }
            return download(
                Data(form.html(header: header, details: details).utf8), type: contentType("html"),
                name: WebReports.fileName(applicationForm: form.scope))
        }
    }

    /// An application's evidence pack, as `esw report evidence` writes it (ID numbers masked).
    static func evidence(_ request: Request, _ context: some PageRequestContext) async throws -> Response {
        try await PilotPages.respond(request, context: context, section: "/reports") { _ in
            let id = try PilotPages.applicationID(context)
            let query = Query(request, ["from", "to", "preparer", "reviewer", "phone"])
            let (from, to, header) = (try query.date("from"), try query.period(), try reportHeader(query))
            let today = PageSupport.today()
            let evidence = try await build { db, _ in
                try Reports(db: db).evidence(applicationID: id, from: from, to: to, today: today)
            }
            let files = EvidencePack.files(evidence, includeIDNumbers: false, header: header)
            let lines = EvidencePack.header(evidence, files: files, includeIDNumbers: false, asOf: today)
            let pack = try EvidencePack.archive(files: files, header: lines, modified: Date())
            return download(
                pack.data, type: "application/zip", name: WebReports.fileName(evidence: evidence.report.scope))
        }
    }
}
