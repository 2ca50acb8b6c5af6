import CalendarDates
import Foundation
public import Hummingbird
import PostgresClient
import Workforce
import WorkforceOutput

/// The pilot pages: the programs and the applications in scope (`/pilots`), and an application
/// (`/pilots/applications/{id}`) with its history and, for a role that may write applications (a
/// provincial bureau, an admin), a form for each move its state allows, posted to
/// `/pilots/applications/{id}/advance`: the same `PilotApplications.advance` as `esw pilot
/// advance`. Any other role sees no form and its post is refused (403); an application outside
/// the scope is not found (404).
public enum PilotPages {
    /// Applications per page of the list.
    static let pageSize = 50

    /// Adds the pilot pages to `router`.
    public static func addRoutes<Context: PageRequestContext>(to router: Router<Context>) {
        router.get("pilots") { request, context in try await list(request, context) }
        router.get("pilots/applications/{id}") { request, context in try await show(request, context) }
        router.post("pilots/applications/{id}/advance") { request, context in try await advance(request, context) }
    }

    // MARK: What the pilot and report pages share

    /// A query parameter or form field that cannot be read: the page answers 400 and names it.
    struct BadParameter: Error {
        /// The parameter's name, as the address or the form has it.
        let field: String
        let message: String
    }

    /// A role that may not do what was asked, whatever the row: the page answers 403.
    struct Forbidden: Error {
        let message: String
    }

    /// ``PageSupport/respond(_:context:section:_:)`` that also answers a ``BadParameter`` with 400
    /// and ``Forbidden`` with 403, on an error page.
    static func respond(
        _ request: Request, context: some PageRequestContext, section: String,
        _ body: (_ flash: String?) async throws -> Response
    ) async throws -> Response {
        try await PageSupport.respond(request, context: context, section: section) { flash in
            do {
                return try await body(flash)
            } catch let bad as BadParameter {
                return try await PageSupport.errorPage(.badRequest, bad.message, request, context, section)
            } catch let forbidden as Forbidden {
                return try await PageSupport.errorPage(.forbidden, forbidden.message, request, context, section)
            }
        }
    }

    /// The id in the address; one that is not a number names no application.
    static func applicationID(_ context: some PageRequestContext) throws -> Int {
        guard let id = context.parameters.get("id", as: Int.self) else {
            throw WorkforceError.notFound("no pilot application has this id")
        }
        return id
    }

    /// Where a page of applications starts: `after=<program>-<application>`, the last one of the
    /// page before (none: the first page).
    static func cursor(_ request: Request) throws -> (programID: Int, id: Int)? {
        guard let text = request.uri.queryParameters["after"].map(String.init), !text.isEmpty else { return nil }
        let parts = text.split(separator: "-")
        guard parts.count == 2, let program = Int(parts[0]), let id = Int(parts[1]) else {
            throw BadParameter(field: "after", message: "翻页参数（after）无效：请从第一页重新翻页。")
        }
        return (program, id)
    }

    /// One page of the applications in scope (one more is read, to know whether a next page
    /// exists), with the addresses of the first page and of the next, under `path`.
    static func applicationsPage(
        _ db: Connection, after: (programID: Int, id: Int)?, path: String
    ) throws -> (applications: [PilotApplication], first: String?, next: String?) {
        let read = try PilotApplications(db: db).list(after: after, limit: pageSize + 1)
        let shown = Array(read.prefix(pageSize))
        let next = read.count > pageSize ? shown.last.map { "\(path)?after=\($0.programID)-\($0.id)" } : nil
        return (shown, after == nil ? nil : path, next)
    }

    // MARK: List

    private struct Listed: Sendable {
        let programs: [PilotProgram]
        let applications: [PilotApplication]
        let provinceNames: [String: String]
        let first: String?
        let next: String?
    }

    static func list(_ request: Request, _ context: some PageRequestContext) async throws -> Response {
        try await respond(request, context: context, section: "/pilots") { flash in
            let after = try cursor(request)
            let (user, listed) = try await PageSupport.signedIn { db, _ in
                let page = try applicationsPage(db, after: after, path: "/pilots")
                let provinces = try Regions(db: db).divisions(Array(Set(page.applications.map(\.province))))
                return Listed(
                    programs: try PilotPrograms(db: db).list(), applications: page.applications,
                    provinceNames: provinces.mapValues(\.name), first: page.first, next: page.next)
            }
            return PageSupport.html(
                WebPilots.list(
                    programs: listed.programs, applications: listed.applications, provinceNames: listed.provinceNames,
                    first: listed.first, next: listed.next,
                    frame: PageSupport.frame(user, path: "/pilots", context: context, flash: flash)))
        }
    }

    // MARK: An application

    private struct Shown: Sendable {
        let application: PilotApplication
        let program: PilotProgram?
        let provinceName: String
        let history: [WebPilots.Step]
        /// The moves the user may make from the application's state: none for a role that may not.
        let moves: [ApplicationStatus]
    }

    /// The application `id` as its page shows it, in the transaction of `db`.
    private static func read(_ db: Connection, _ id: Int) throws -> Shown {
        let applications = PilotApplications(db: db)
        let application = try applications.application(id: id)
        let province = application.province
        return Shown(
            application: application,
            program: try PilotPrograms(db: db).list().first { $0.id == application.programID },
            provinceName: try Regions(db: db).divisions([province])[province]?.name ?? province,
            history: try applications.history(applicationID: id).map {
                WebPilots.Step(from: $0.from, to: $0.to, on: $0.on, actor: $0.actor, note: $0.note)
            },
            moves: try applications.mayAdvance() ? try applications.transitions(from: application.status) : [])
    }

    private static func applicationPage(
        _ shown: Shown, user: SignedInUser, context: some PageRequestContext, flash: String?,
        form: WebForm = WebForm(), status: HTTPResponse.Status = .ok
    ) -> Response {
        let html = WebPilots.application(
            shown.application, program: shown.program, provinceName: shown.provinceName, history: shown.history,
            moves: shown.moves, form: form, today: PageSupport.today(),
            frame: PageSupport.frame(user, path: "/pilots", context: context, flash: flash))
        return PageSupport.html(html, status: status)
    }

    static func show(_ request: Request, _ context: some PageRequestContext) async throws -> Response {
        try await respond(request, context: context, section: "/pilots") { flash in
            let id = try applicationID(context)
            let (user, shown) = try await PageSupport.signedIn { db, _ in try read(db, id) }
            return applicationPage(shown, user: user, context: context, flash: flash)
        }
    }

    // MARK: A move

    private enum Advanced: Sendable {
        case done(ApplicationStatus)
        case refused(Shown, WebForm, HTTPResponse.Status)
    }

    static func advance(_ request: Request, _ context: some PageRequestContext) async throws -> Response {
        try await respond(request, context: context, section: "/pilots") { _ in
            let id = try applicationID(context)
            let fields = try await PageSupport.form(request)
            let today = PageSupport.today()
            var form = WebForm(values: ["to": fields["to"], "on": fields["on"], "note": fields["note"]])
            let on = fields["on"].isEmpty ? today : CalendarDate(text: fields["on"])
            if on == nil { form.errors["on"] = "请填写日期，如 \(today.iso) 或 \(today.year)年\(today.month)月\(today.day)日。" }
            let note = fields["note"].isEmpty ? nil : fields["note"]
            let checked = form
            let (user, outcome) = try await PageSupport.signedIn { db, _ -> Advanced in
                let applications = PilotApplications(db: db)
                let current = try applications.application(id: id)  // not found outside the scope
                guard try applications.mayAdvance() else {
                    throw Forbidden(message: "您的角色只能查看试点申报，不能办理。")
                }
                guard let target = ApplicationStatus(rawValue: fields["to"]) else {
                    throw BadParameter(field: "to", message: "要办理的状态（to）无效：请返回申报页面，用其中的表单办理。")
                }
                guard checked.errors.isEmpty, let on else { return .refused(try read(db, id), checked, .badRequest) }
                do {
                    try applications.advance(applicationID: id, to: target, on: on, note: note)
                    return .done(target)
                } catch let error as WorkforceError {
                    var refused = checked
                    var status = HTTPResponse.Status.unprocessableContent
                    switch error {
                    case .invalid(let field, _, let reason) where ["on", "note"].contains(field.rawValue):
                        refused.errors[field.rawValue] = Words.reason(reason)
                    case .conflict:
                        status = .conflict
                        refused.formError =
                            "申报当前为“\(current.status.chineseName)”，不能改为“\(target.chineseName)”；未作更改。"
                    default:
                        refused.formError = Words.message(error)
                    }
                    return .refused(try read(db, id), refused, status)
                }
            }
            switch outcome {
            case .done(let target):
                return PageSupport.redirect(to: "/pilots/applications/\(id)", flash: "已改为“\(target.chineseName)”。")
            case .refused(let shown, let form, let status):
                return applicationPage(shown, user: user, context: context, flash: nil, form: form, status: status)
            }
        }
    }
}
