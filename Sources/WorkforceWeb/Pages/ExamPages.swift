import CalendarDates
import Foundation
public import Hummingbird
import PostgresClient
import Workforce
import WorkforceOutput

/// The exam pages: the sessions (`/exams`), a session with the registrations of the user's scope
/// (`/exams/{id}`), registering one person by ID number (`esw exam register`'s rules, for the
/// roles that write exam registrations) and the scores upload (`/exams/scores`, `esw exam scores
/// import`'s rules, all or nothing, for the roles that write scores). A role that may not write
/// sees no form, and its post is refused with 403; a session that does not exist is not found.
public enum ExamPages {
    /// The data kinds of role_permission the forms write.
    static let registrations = "exam_registrations"
    static let results = "exam_results"
    /// Registrations on one page of a session.
    static let pageSize = 100

    static let scoresUpload = UploadFlow(
        upload: WebUpload(
            title: "上传考试成绩", action: "/exams/scores",
            help: [
                "每行一人一科：身份证号、考试场次（如 2013 助理社会工作师，或场次编号）、科目、成绩；列名中英文均可。",
                "成绩为 0–100，至多一位小数（59.95 不会进位为合格）；须有该场次、该科目的报名，且在您的范围内。",
                "CSV 文件，UTF-8（可带 BOM）或 GBK/GB18030 编码。",
                "有任何一行出错时不导入任何一行，并列出每个出错的行、列和原因；可先导入其余行，并下载出错行更正后再上传。",
            ],
            back: WebFrame.Link(label: "返回考试列表", href: "/exams")),
        section: "/exams", done: "/exams",
        run: { db, path, options in try ExamScores(db: db).importFile(path: path, options: options) })

    /// Adds the exam pages to `router`.
    public static func addRoutes<Context: PageRequestContext>(to router: Router<Context>) {
        router.get("exams") { request, context in try await list(request, context) }
        router.get("exams/scores") { request, context in
            try await scores(request, context) { try await scoresUpload.form($0, $1) }
        }
        router.post("exams/scores") { request, context in
            try await scores(request, context) { try await scoresUpload.post($0, $1) }
        }
        router.post("exams/scores/{upload}/rest") { request, context in
            let id = try context.parameters.require("upload")
            return try await scores(request, context) { try await scoresUpload.rest($0, $1, id: id) }
        }
        router.get("exams/scores/{upload}") { request, context in
            let id = try context.parameters.require("upload")
            return try await scores(request, context) { try await scoresUpload.result($0, $1, id: id) }
        }
        router.get("exams/scores/{upload}/rejects.csv") { request, context in
            let id = try context.parameters.require("upload")
            return try await scores(request, context) { try await scoresUpload.rejects($0, $1, id: id) }
        }
        router.get("exams/{id}") { request, context in try await show(request, context) }
        router.post("exams/{id}/register") { request, context in try await register(request, context) }
    }

    static let forbidden = "您的角色不能进行此操作。"

    // MARK: Sessions

    static func list(_ request: Request, _ context: some PageRequestContext) async throws -> Response {
        try await PageSupport.respond(request, context: context, section: "/exams") { flash in
            let (user, read) = try await PageSupport.signedIn { db, _ in
                (sessions: try ExamSessions(db: db).list(), scores: try Session.mayWrite(db, results))
            }
            let frame = PageSupport.frame(user, path: "/exams", context: context, flash: flash)
            return PageSupport.html(WebExams.list(read.sessions, scoresUpload: read.scores, frame: frame))
        }
    }

    /// The session's id in the address; one that is not a number names no session.
    private static func sessionID(_ context: some PageRequestContext) throws -> Int {
        guard let id = context.parameters.get("id", as: Int.self) else {
            throw WorkforceError.notFound("no exam session has this id")
        }
        return id
    }

    private struct Shown: Sendable {
        let session: ExamSession
        /// One page of the registrations, and whether more follow.
        let registrations: [ExamRegistrationLine]
        let offset: Int
        let more: Bool
        let whole: Bool
        let mayRegister: Bool
        let mayScore: Bool
    }

    /// The session `id`; not found when there is none.
    private static func session(_ db: Connection, _ id: Int) throws -> ExamSession {
        guard let session = try ExamSessions(db: db).list().first(where: { $0.id == id }) else {
            throw WorkforceError.notFound("no exam session has this id")
        }
        return session
    }

    /// The session `id` with a page of the registrations the user sees, from `offset`, in the
    /// transaction of `db`.
    private static func read(_ db: Connection, _ id: Int, offset: Int = 0) throws -> Shown {
        let page = try ExamRegistrations(db: db).list(sessionID: id, limit: pageSize + 1, offset: offset)
        return Shown(
            session: try session(db, id), registrations: Array(page.prefix(pageSize)), offset: offset,
            more: page.count > pageSize,
            whole: try Persons(db: db).seesWholeIDNumbers(), mayRegister: try Session.mayWrite(db, registrations),
            mayScore: try Session.mayWrite(db, results))
    }

    private static func sessionPage(
        _ shown: Shown, user: SignedInUser, context: some PageRequestContext, flash: String?,
        form: WebForm = WebForm(), status: HTTPResponse.Status = .ok
    ) -> Response {
        let frame = PageSupport.frame(user, path: "/exams", context: context, flash: flash)
        let address = "/exams/\(shown.session.id)?offset="
        let html = WebExams.session(
            shown.session, registrations: shown.registrations, firstNumber: shown.offset + 1,
            previous: shown.offset > 0 ? address + String(max(0, shown.offset - pageSize)) : nil,
            next: shown.more ? address + String(shown.offset + pageSize) : nil, wholeIDNumbers: shown.whole,
            registerForm: shown.mayRegister ? form : nil, scoresUpload: shown.mayScore, frame: frame)
        return PageSupport.html(html, status: status)
    }

    static func show(_ request: Request, _ context: some PageRequestContext) async throws -> Response {
        try await PageSupport.respond(request, context: context, section: "/exams") { flash in
            let id = try sessionID(context)
            let offset = max(0, request.uri.queryParameters["offset"].flatMap { Int(String($0)) } ?? 0)
            let (user, shown) = try await PageSupport.signedIn { db, _ in try read(db, id, offset: offset) }
            return sessionPage(shown, user: user, context: context, flash: flash)
        }
    }

    // MARK: Registering one person

    private enum Registered: Sendable {
        case done(String)
        case refused(Shown, WebForm)
        case forbidden
    }

    static func register(_ request: Request, _ context: some PageRequestContext) async throws -> Response {
        try await PageSupport.respond(request, context: context, section: "/exams") { _ in
            let id = try sessionID(context)
            let idNumber = try await PageSupport.form(request)["id_number"]
            let today = PageSupport.today()
            let (user, outcome) = try await PageSupport.signedIn { db, _ -> Registered in
                guard try Session.mayWrite(db, registrations) else { return .forbidden }
                _ = try session(db, id)
                do {
                    let registered = try ExamRegistrations(db: db).register(
                        sessionID: id, idNumber: idNumber, subjects: nil, on: today, today: today)
                    let name = try ExamRegistrations(db: db).list(sessionID: id, idNumber: idNumber).first?.name ?? ""
                    let subjects = registered.subjects.map(\.chineseName).joined(separator: "、")
                    let unverified = registered.eligibilityVerified ? "" : "（学历或社会工作起始时间未登记，资格待核）"
                    return .done("已为 \(name) 报名：\(subjects)。\(unverified)")
                } catch let error as WorkforceError {
                    return .refused(try read(db, id), Words.refused("id_number", idNumber, by: error))
                }
            }
            switch outcome {
            case .done(let flash): return PageSupport.redirect(to: "/exams/\(id)", flash: flash)
            case .refused(let shown, let form):
                return sessionPage(
                    shown, user: user, context: context, flash: nil, form: form, status: .unprocessableContent)
            case .forbidden:
                return try await PageSupport.errorPage(.forbidden, forbidden, request, context, "/exams")
            }
        }
    }

    // MARK: Scores

    /// Runs a step of the scores upload for a role that writes scores; 403 for the others.
    private static func scores<Context: PageRequestContext>(
        _ request: Request, _ context: Context, _ step: (Request, Context) async throws -> Response
    ) async throws -> Response {
        try await PageSupport.respond(request, context: context, section: "/exams") { _ in
            guard try await PageSupport.signedIn({ db, _ in try Session.mayWrite(db, results) }).value else {
                return try await PageSupport.errorPage(.forbidden, forbidden, request, context, "/exams")
            }
            return try await step(request, context)
        }
    }
}
