import CalendarDates
import Foundation
public import Hummingbird
import PostgresClient
import Workforce
import WorkforceOutput

/// What the pages need of the server's request context: the CSRF token that every form they
/// render posts back as `_csrf` (the server's middleware checks it; the pages only write it).
public protocol PageRequestContext: RequestContext {
    var csrfToken: String? { get }
}

/// No user is signed in (no session, or one that has ended): the page sends them to the login.
struct NotSignedIn: Error {}

/// The user still has a one-time password: every page sends them to /password first.
struct MustSetPassword: Error {}

/// A posted form or upload that cannot be read at all (not one of its fields: the whole body).
struct UnreadableForm: Error {}

/// The frame, responses, form reading and words the staff and event pages share.
enum PageSupport {
    /// The most a roster or enrollment upload may hold (issue 15: rosters up to 20 MB), with room
    /// for the form around the file.
    static let uploadLimit = 20 * 1024 * 1024 + 64 * 1024
    /// The most a form without a file may hold (an attendance sheet of a few hundred people).
    static let formLimit = 1024 * 1024

    // MARK: The request's user and database work

    /// Runs `body` in the request's one transaction as its user (``RequestScope``), handing it
    /// the signed-in user as the transaction began (their role and scope decide what a page
    /// offers), and returns that user with what `body` returned.
    ///
    /// - Throws: ``NotSignedIn`` when no user acts; ``MustSetPassword`` while their password is a
    ///   one-time one, unless `allowOneTime` (the password page itself); whatever `body` throws.
    static func signedIn<T: Sendable>(
        allowOneTime: Bool = false, _ body: @escaping @Sendable (Connection, SignedInUser) throws -> T
    ) async throws -> (user: SignedInUser, value: T) {
        guard let scope = RequestScope.current else { throw NotSignedIn() }
        // The transaction runs on the pool's thread, where the task-local scope is not set.
        let notes = scope.notes
        return try await scope.transaction { db in
            guard let actor = notes.actor else { throw NotSignedIn() }
            if actor.oneTimePassword && !allowOneTime { throw MustSetPassword() }
            notes.userName = actor.name
            return (actor, try body(db, actor))
        }
    }

    /// The page frame: the user's name, their role's menu (``Pages/navigation(for:)``), the
    /// form token and the message carried over from the last post.
    static func frame(
        _ user: SignedInUser, path: String, context: some PageRequestContext, flash: String?
    ) -> WebFrame {
        WebFrame(
            user: WebFrame.User(name: user.name, roleName: Pages.roleName(user.role)),
            navigation: Pages.navigation(for: user.role), currentPath: path, csrfToken: context.csrfToken,
            flash: flash)
    }

    /// Answers a page request: runs `body`, and turns what it throws into a page a person can act
    /// on — the login for no user, 404 for what is not in their scope (the same whether it exists
    /// elsewhere or nowhere), 403 for a role that may not write this, a conflict as a message.
    /// Anything else goes on to the server's error handling.
    static func respond(
        _ request: Request, context: some PageRequestContext, section: String,
        _ body: (_ flash: String?) async throws -> Response
    ) async throws -> Response {
        let flash = takeFlash(request)
        do {
            var response = try await body(flash)
            if flash != nil, response.status.code < 300 || response.status.code >= 400 {
                response.setCookie(Cookie(name: flashCookie, value: "", maxAge: 0, path: "/", sameSite: .lax))
            }
            return response
        } catch is NotSignedIn {
            return Pages.redirect("/login")
        } catch is MustSetPassword {
            return Pages.redirect("/password")
        } catch let error as WorkforceError {
            switch error {
            case .notFound:
                return try await errorPage(.notFound, "没有找到：不存在，或不在您的范围内。", request, context, section)
            case .invalid, .conflict, .refused:
                return try await errorPage(.unprocessableContent, Words.message(error), request, context, section)
            }
        } catch let error as PostgresError where error.sqlState == .insufficientPrivilege {
            return try await errorPage(.forbidden, "您的角色不能进行此操作。", request, context, section)
        } catch is UnreadableForm {
            return try await errorPage(.badRequest, "无法读取提交的表单，请返回重试。", request, context, section)
        }
    }

    /// A page that says only what went wrong, in the frame of the signed-in user.
    static func errorPage(
        _ status: HTTPResponse.Status, _ message: String, _ request: Request, _ context: some PageRequestContext,
        _ section: String
    ) async throws -> Response {
        let user: SignedInUser
        do {
            user = try await signedIn { _, _ in () }.user
        } catch is NotSignedIn {
            return Pages.redirect("/login")
        } catch is MustSetPassword {
            return Pages.redirect("/password")
        }
        let page = WebPage.render(
            title: status == .notFound ? "未找到" : "无法完成",
            frame: frame(user, path: section, context: context, flash: nil),
            template: "web-staff-message", context: ["message": message, "back": section])
        return html(page, status: status)
    }

    // MARK: Responses

    static func html(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Pages.html(text, status: status)
    }

    static let flashCookie = "esw_flash"

    /// A 303 to `path` that carries a one-line message for the next page (a cookie of a minute:
    /// the message is the server's own words, never a value a person typed).
    static func redirect(to path: String, flash: String) -> Response {
        var response = Pages.redirect(path)
        let value = flash.addingPercentEncoding(withAllowedCharacters: asciiSafe) ?? ""
        response.setCookie(Cookie(name: flashCookie, value: value, maxAge: 60, path: "/", sameSite: .lax))
        return response
    }

    /// Letters, digits and `-_.` of ASCII: what a cookie value or a header's encoded file name keeps
    /// as it is (Foundation's `.alphanumerics` would keep Chinese letters too).
    static let asciiSafe = CharacterSet(
        charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.")

    private static func takeFlash(_ request: Request) -> String? {
        guard let value = request.cookies[flashCookie]?.value, !value.isEmpty else { return nil }
        return value.removingPercentEncoding
    }

    // MARK: Forms

    /// An `application/x-www-form-urlencoded` body of at most ``formLimit`` bytes.
    static func form(_ request: Request) async throws -> FormFields {
        var request = request
        let body = try await request.collectBody(upTo: formLimit)
        return FormFields(urlEncoded: String(buffer: body))
    }

    /// A `multipart/form-data` body (an upload) of at most ``uploadLimit`` bytes.
    static func multipart(_ request: Request) async throws -> MultipartForm {
        var request = request
        let body = try await request.collectBody(upTo: uploadLimit)
        guard let type = request.headers[.contentType], let form = MultipartForm(body: body, contentType: type)
        else { throw UnreadableForm() }
        return form
    }

    // MARK: Time

    private static let beijing = TimeZone(identifier: "Asia/Shanghai")!

    /// Now on Beijing's wall clock, as training events keep their times.
    static func beijingNow() -> LocalDateTime {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = beijing
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: Date())
        return LocalDateTime(
            date: CalendarDate(year: parts.year!, month: parts.month!, day: parts.day!)!, hour: parts.hour!,
            minute: parts.minute!)
    }

    static func today() -> CalendarDate { CalendarDate.today(in: beijing) }
}

/// The fields of a posted form, by name; a name may repeat (check boxes).
struct FormFields: Sendable {
    private(set) var values: [String: [String]] = [:]

    init(urlEncoded text: String) {
        for pair in text.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ part: Substring) -> String {
                part.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
            }
            values[decode(parts[0]), default: []].append(parts.count > 1 ? decode(parts[1]) : "")
        }
    }

    init(values: [String: [String]]) { self.values = values }

    /// The first value of `name`, trimmed; "" when the form has none.
    subscript(name: String) -> String { values[name]?.first?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "" }

    func all(_ name: String) -> [String] { values[name] ?? [] }

    /// The first value of `name` exactly as posted (a password keeps its spaces); nil when absent.
    func raw(_ name: String) -> String? { values[name]?.first }

    static func isForm(_ request: Request) -> Bool {
        request.headers[.contentType]?.lowercased().hasPrefix("application/x-www-form-urlencoded") ?? false
    }

    /// The fields of a urlencoded form post of at most `limit` bytes; none when it is not one.
    static func read(_ request: Request, limit: Int) async throws -> FormFields {
        guard isForm(request) else { return FormFields(values: [:]) }
        var request = request
        return FormFields(urlEncoded: String(buffer: try await request.collectBody(upTo: limit)))
    }

    func has(_ name: String) -> Bool { values[name] != nil }
}

/// A `multipart/form-data` body (RFC 7578): its text fields and its files, read whole (the body
/// is limited before it is read).
struct MultipartForm {
    struct File {
        /// The file's name as the browser gave it, without any folder.
        let name: String
        let data: Data
    }

    var fields = FormFields(values: [:])
    var files: [String: File] = [:]

    /// Nil for a body that is not multipart with the boundary its content type names.
    init?(body: ByteBuffer, contentType: String) {
        guard contentType.lowercased().hasPrefix("multipart/form-data"),
            let boundary = MultipartForm.parameter("boundary", in: contentType), !boundary.isEmpty
        else { return nil }
        let bytes = Array(body.readableBytesView)
        let delimiter = Array("--\(boundary)".utf8)
        guard var start = MultipartForm.find(delimiter, in: bytes, from: 0) else { return nil }
        var fieldValues: [String: [String]] = [:]
        while true {
            var position = start + delimiter.count
            // "--" after a delimiter closes the body.
            if bytes.count >= position + 2, bytes[position] == 0x2D, bytes[position + 1] == 0x2D { break }
            guard bytes.count >= position + 2, bytes[position] == 0x0D, bytes[position + 1] == 0x0A else {
                return nil
            }
            position += 2
            guard let headerEnd = MultipartForm.find(Array("\r\n\r\n".utf8), in: bytes, from: position) else {
                return nil
            }
            let headers = String(decoding: bytes[position..<headerEnd], as: UTF8.self)
            let contentStart = headerEnd + 4
            guard let next = MultipartForm.find(Array("\r\n".utf8) + delimiter, in: bytes, from: contentStart) else {
                return nil
            }
            let content = bytes[contentStart..<next]
            let disposition =
                headers.split(separator: "\r\n").first { $0.lowercased().hasPrefix("content-disposition:") }
                .map(String.init) ?? ""
            if let name = MultipartForm.parameter("name", in: disposition) {
                if let filename = MultipartForm.parameter("filename", in: disposition) {
                    let base = filename.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
                    files[name] = File(name: base, data: Data(content))
                } else {
                    fieldValues[name, default: []].append(String(decoding: content, as: UTF8.self))
                }
            }
            start = next + 2
        }
        fields = FormFields(values: fieldValues)
    }

    /// A `name=value` or `name="value"` parameter of a header value.
    static func parameter(_ name: String, in header: String) -> String? {
        for part in header.split(separator: ";").dropFirst() {
            let pair = part.split(separator: "=", maxSplits: 1)
            guard pair.count == 2, pair[0].trimmingCharacters(in: .whitespaces).lowercased() == name else { continue }
            var value = pair[1].trimmingCharacters(in: .whitespaces)
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 {
                value = String(value.dropFirst().dropLast()).replacingOccurrences(of: "\\\"", with: "\"")
            }
            return value
        }
        return nil
    }

    /// The first place `needle` occurs in `haystack` at or after `from`.
    static func find(_ needle: [UInt8], in haystack: [UInt8], from: Int) -> Int? {
        guard let first = needle.first, haystack.count >= needle.count else { return nil }
        var index = from
        let last = haystack.count - needle.count
        while index <= last {
            if haystack[index] == first {
                var matched = true
                for offset in 1..<needle.count where haystack[index + offset] != needle[offset] {
                    matched = false
                    break
                }
                if matched { return index }
            }
            index += 1
        }
        return nil
    }
}

/// How the pages name the domain's fields and remedies (the command line names them as flags and
/// commands, CommandLineWords), and quote values: an ID number masked.
enum Words {
    static let labels: [String: String] = [
        "id_number": "身份证号", "id_number_end": "身份证号后几位", "name": "姓名", "title": "名称", "kind": "类型",
        "starts": "开始时间", "ends": "结束时间", "hours": "学时", "capacity": "名额", "location": "地点",
        "audience": "面向部门", "quota": "部门预留名额", "enterprise": "主办企业", "region": "主办地区", "file": "文件",
        "event": "培训", "event_id": "培训编号", "enterprise_uscc": "统一社会信用代码", "department": "部门",
        "hired_on": "入职日期", "left_on": "离职日期",
    ]

    static func field(_ field: Field) -> String { labels[field.rawValue] ?? field.rawValue }

    static func remedy(_ remedy: Remedy) -> String {
        switch remedy {
        case .addOrImportEnterprise: "先添加或导入企业"
        case .listEnterprises: "查看企业列表"
        case .addServiceOrganization: "先添加社会工作服务机构"
        case .listExamSessions: "查看考试场次"
        case .setExamWindow: "设置报名时间"
        case .recordLeaving: "先登记离职"
        case .amendService: "更正或删除该服务记录"
        case .amendFunding: "更正或删除该资金记录"
        case .correctName: "先更正姓名"
        }
    }

    /// A reason in Chinese (``ChineseReasons``), its fields and remedies named as above.
    static func reason(_ reason: Reason) -> String {
        ChineseReasons.translated(reason).rendered(field: field, remedy: remedy)
    }

    /// The whole message of a refusal, the field and its value (masked) named.
    static func message(_ error: WorkforceError) -> String {
        ChineseReasons.translated(error).message(field: field, remedy: remedy, value: quotedValue)
    }

    /// A form of one field, `value` as posted, refused by `error`: its reason beside the field, or
    /// the whole message when the error is not about a value (a conflict, a record not found).
    static func refused(_ field: String, _ value: String, by error: WorkforceError) -> WebForm {
        var form = WebForm(values: [field: value])
        if case .invalid(_, _, let reason) = error {
            form.errors[field] = Words.reason(reason)
        } else {
            form.errors[field] = Words.message(error)
        }
        return form
    }

    /// The reason column of the rejects file the pages hand out: "身份证号 '110105********1239': …".
    static func rejectedValue(_ error: RowError) -> String {
        "\(error.column)\(error.value.isEmpty ? "" : " '\(quotedValue(error.value))'"): \(reason(error.reason))"
    }
}
