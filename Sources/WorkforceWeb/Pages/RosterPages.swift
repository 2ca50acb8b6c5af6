import CalendarDates
import Foundation
public import Hummingbird
import PostgresClient
import Workforce
import WorkforceOutput

/// The staff pages: the list with its search (`/staff`), a person (`/staff/{id}`, by the
/// database's key, so that no ID number is in an address or a request log) and the roster upload
/// (`/staff/import`) with its error table and second step. What a user sees is their scope's, as
/// row-level security decides; ID numbers are masked unless the role may see them whole.
public enum RosterPages {
    /// Rows per page of the staff list.
    static let pageSize = 50

    static let upload = UploadFlow(
        upload: WebUpload(
            title: "上传花名册", action: "/staff/import",
            help: [
                "每行一人、一个企业、一个部门；列名中英文均可，顺序不限。",
                "必填列：统一社会信用代码、身份证号、姓名、部门（党组织、工会、共青团、妇联、人力资源部门、社会组织）。",
                "选填列：入职日期、离职日期（如 2013-06-01、2013/6/1 或 2013年6月1日）、学历、社会工作专业（是/否）、从事社会工作时间。",
                "CSV 文件，UTF-8（可带 BOM）或 GBK/GB18030 编码，Excel 或 WPS 另存为 CSV 即可；至多 20 MB。",
                "有任何一行出错时不导入任何一行，并列出每个出错的行、列和原因；可先导入其余行，并下载出错行更正后再上传。",
            ],
            back: WebFrame.Link(label: "返回人员列表", href: "/staff")),
        section: "/staff", done: "/staff",
        run: { db, path, options in try Staff(db: db).importFile(path: path, options: options) })

    /// Adds the staff pages to `router`.
    public static func addRoutes<Context: PageRequestContext>(to router: Router<Context>) {
        router.get("staff") { request, context in try await list(request, context) }
        router.get("staff/import") { request, context in try await upload.form(request, context) }
        router.post("staff/import") { request, context in try await upload.post(request, context) }
        router.post("staff/import/{upload}/rest") { request, context in
            try await upload.rest(request, context, id: try context.parameters.require("upload"))
        }
        router.get("staff/import/{upload}") { request, context in
            try await upload.result(request, context, id: try context.parameters.require("upload"))
        }
        router.get("staff/import/{upload}/rejects.csv") { request, context in
            try await upload.rejects(request, context, id: try context.parameters.require("upload"))
        }
        router.get("staff/{person}") { request, context in try await person(request, context) }
    }

    private struct ListResult: Sendable {
        var page: StaffPage?
        var whole = false
        var searchError: String?
        var mayUpload = false
    }

    static func list(_ request: Request, _ context: some PageRequestContext) async throws -> Response {
        try await PageSupport.respond(request, context: context, section: "/staff") { flash in
            let parameters = request.uri.queryParameters
            let search = parameters["q"].map(String.init)?.trimmingCharacters(in: .whitespaces) ?? ""
            let offset = max(0, parameters["offset"].flatMap { Int(String($0)) } ?? 0)
            // Digits (and a last X) are the end of an ID number; anything else the start of a name.
            let isIDNumberEnd =
                !search.isEmpty && search.allSatisfy { $0.isASCII && ($0.isNumber || $0 == "X" || $0 == "x") }
            let today = PageSupport.today()
            let (user, result) = try await PageSupport.signedIn { db, _ -> ListResult in
                let persons = Persons(db: db)
                var result = ListResult(
                    whole: try persons.seesWholeIDNumbers(), mayUpload: try Session.mayWrite(db, "roster"))
                // Who sees ID numbers masked finds people by the 4 characters shown, not by more.
                if isIDNumberEnd, !result.whole, search.count > 4 {
                    result.searchError = "只能按身份证号的后 4 位查找。"
                    return result
                }
                do {
                    result.page = try persons.staff(
                        StaffQuery(
                            name: isIDNumberEnd || search.isEmpty ? nil : search,
                            idNumberEnd: isIDNumberEnd ? search : nil, asOf: today, limit: pageSize, offset: offset))
                } catch WorkforceError.invalid(field: _, value: _, reason: let reason) {
                    result.searchError = Words.reason(reason)
                }
                return result
            }
            func link(_ offset: Int) -> String {
                let query = search.addingPercentEncoding(withAllowedCharacters: PageSupport.asciiSafe) ?? ""
                return "/staff?q=\(query)&offset=\(offset)"
            }
            let shownEnd = (result.page?.offset ?? 0) + (result.page?.lines.count ?? 0)
            let html = WebStaff.list(
                result.page, wholeIDNumbers: result.whole, search: search, searchError: result.searchError,
                previous: offset > 0 ? link(max(0, offset - pageSize)) : nil,
                next: shownEnd < result.page?.total ?? 0 && shownEnd > offset ? link(shownEnd) : nil,
                mayUpload: result.mayUpload,
                frame: PageSupport.frame(user, path: "/staff", context: context, flash: flash))
            return PageSupport.html(html, status: result.searchError == nil ? .ok : .unprocessableContent)
        }
    }

    static func person(_ request: Request, _ context: some PageRequestContext) async throws -> Response {
        try await PageSupport.respond(request, context: context, section: "/staff") { flash in
            guard let id = context.parameters.get("person", as: Int.self) else {
                throw WorkforceError.notFound(Persons.unknown)
            }
            let today = PageSupport.today()
            let (user, shown) = try await PageSupport.signedIn { db, _ in
                let persons = Persons(db: db)
                let record = try persons.show(personID: id)
                let registrations = try CertificateRegistry(db: db).status(personID: id, asOf: today)
                return (
                    record: record, whole: try persons.seesWholeIDNumbers(),
                    registrations: Dictionary(registrations.map { ($0.certificateNo, $0) }) { first, _ in first }
                )
            }
            let frame = PageSupport.frame(user, path: "/staff", context: context, flash: flash)
            return PageSupport.html(
                WebStaff.person(
                    shown.record, registrations: shown.registrations, wholeIDNumber: shown.whole, frame: frame))
        }
    }
}
