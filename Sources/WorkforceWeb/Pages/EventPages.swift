import CalendarDates
import Foundation
public import Hummingbird
import PostgresClient
import Workforce
import WorkforceOutput

/// The training pages: the list (`/events`), the form that schedules an event (`/events/new`),
/// an event (`/events/{id}`) with its enroll form, spreadsheet upload and cancel buttons, and its
/// attendance sheet (`/events/{id}/attendance`). Each does what the command line's `esw event
/// create`, `esw enroll`, `esw enroll cancel` and `esw attendance` do, with their rules; an event
/// outside the user's scope is not found.
public enum EventPages {
    /// Events per page of the list.
    static let pageSize = 50

    /// Adds the training pages to `router`.
    public static func addRoutes<Context: PageRequestContext>(to router: Router<Context>) {
        router.get("events") { request, context in try await list(request, context) }
        router.get("events/new") { request, context in try await newForm(request, context) }
        router.post("events/new") { request, context in try await create(request, context) }
        router.get("events/{id}") { request, context in try await show(request, context) }
        router.post("events/{id}/enroll") { request, context in try await enroll(request, context) }
        router.post("events/{id}/cancel") { request, context in try await cancel(request, context) }
        router.get("events/{id}/attendance") { request, context in try await attendance(request, context) }
        router.post("events/{id}/attendance") { request, context in try await saveAttendance(request, context) }
        router.post("events/{id}/enroll-file") { request, context in
            try await enrollFile(context).post(request, context)
        }
        router.post("events/{id}/enroll-file/{upload}/rest") { request, context in
            try await enrollFile(context).rest(request, context, id: try context.parameters.require("upload"))
        }
        router.get("events/{id}/enroll-file/{upload}") { request, context in
            try await enrollFile(context).result(request, context, id: try context.parameters.require("upload"))
        }
        router.get("events/{id}/enroll-file/{upload}/rejects.csv") { request, context in
            try await enrollFile(context).rejects(request, context, id: try context.parameters.require("upload"))
        }
    }

    /// The event's id in the address; one that is not a number names no event.
    private static func eventID(_ context: some PageRequestContext) throws -> Int {
        guard let id = context.parameters.get("id", as: Int.self) else {
            throw WorkforceError.notFound("no training event has this id")
        }
        return id
    }

    // MARK: List

    static func list(_ request: Request, _ context: some PageRequestContext) async throws -> Response {
        try await PageSupport.respond(request, context: context, section: "/events") { flash in
            let offset = max(0, request.uri.queryParameters["offset"].flatMap { Int(String($0)) } ?? 0)
            let today = PageSupport.today()
            let monthStart = CalendarDate(year: today.year, month: today.month, day: 1)!
            let (user, events) = try await PageSupport.signedIn { db, _ in
                let events = Events(db: db)
                return (
                    current: try events.list(from: monthStart),
                    earlier: Array(try events.list(to: monthStart.adding(days: -1)).reversed()),
                    mayCreate: try Session.mayWrite(db, "events")
                )
            }
            // One page of the two lists one after the other.
            let all = events.current + events.earlier
            let shown = Array(all.dropFirst(offset).prefix(pageSize))
            let currentCount = max(0, min(events.current.count - offset, shown.count))
            let html = WebEvents.list(
                current: Array(shown.prefix(currentCount)), earlier: Array(shown.dropFirst(currentCount)),
                previous: offset > 0 ? "/events?offset=\(max(0, offset - pageSize))" : nil,
                next: offset + shown.count < all.count ? "/events?offset=\(offset + shown.count)" : nil,
                mayCreate: events.mayCreate,
                frame: PageSupport.frame(user, path: "/events", context: context, flash: flash))
            return PageSupport.html(html)
        }
    }

    // MARK: Create

    static func newForm(_ request: Request, _ context: some PageRequestContext) async throws -> Response {
        try await PageSupport.respond(request, context: context, section: "/events") { flash in
            let user = try await PageSupport.signedIn { _, _ in () }.user
            let frame = PageSupport.frame(user, path: "/events", context: context, flash: flash)
            return PageSupport.html(
                WebEvents.newForm(WebForm(values: ["kind": EventKind.expertLecture.rawValue]), frame: frame))
        }
    }

    private enum Created: Sendable {
        case created(id: Int, existed: Bool)
        case refused(WebForm)
    }

    static func create(_ request: Request, _ context: some PageRequestContext) async throws -> Response {
        try await PageSupport.respond(request, context: context, section: "/events") { _ in
            let fields = try await PageSupport.form(request)
            var form = WebForm(
                values: Dictionary(
                    uniqueKeysWithValues: ["kind", "title", "starts", "ends", "hours", "capacity", "location"].map {
                        ($0, fields[$0])
                    }))
            form.values["audience"] = fields.all("audience").joined(separator: ",")
            let kind = EventKind(text: fields["kind"])
            if kind == nil { form.errors["kind"] = "请选择类型。" }
            let starts = LocalDateTime(text: fields["starts"].replacingOccurrences(of: "T", with: " "))
            if starts == nil { form.errors["starts"] = "请填写开始时间，如 2013-09-10 09:00。" }
            var ends: LocalDateTime?
            do {
                ends = try EventDraft.end(parsing: fields["ends"])
            } catch WorkforceError.invalid(field: _, value: _, reason: let reason) {
                form.errors["ends"] = fields["ends"].isEmpty ? "请填写结束时间。" : Words.reason(reason)
            }
            let hours = Decimal(string: fields["hours"])
            if hours == nil { form.errors["hours"] = "请填写学时（数字，如 3 或 1.5）。" }
            let capacity = Int(fields["capacity"])
            if capacity == nil { form.errors["capacity"] = "请填写名额（整数）。" }
            let audience = fields.all("audience").compactMap(Department.init(rawValue:))
            var quotas: [Department: Int] = [:]
            for department in Department.allCases {
                let key = "quota." + department.rawValue
                form.values[key] = fields[key]
                guard !fields[key].isEmpty else { continue }
                if let seats = Int(fields[key]), seats >= 0 {
                    if seats > 0 { quotas[department] = seats }
                } else {
                    form.errors[key] = "请填写整数。"
                }
            }
            let location = fields["location"].isEmpty ? nil : fields["location"]
            let title = fields["title"]
            let checked = form
            let (endsAt, seats) = (ends, quotas)
            let (user, outcome) = try await PageSupport.signedIn { db, _ -> Created in
                guard checked.errors.isEmpty, let kind, let starts, let ends = endsAt, let hours, let capacity else {
                    return .refused(checked)
                }
                // The organizer is the user's own scope: their enterprise, their region, or none.
                let scope = try Session.scope(db)
                let draft = EventDraft(
                    kind: kind, title: title, startsAt: starts, endsAt: ends, hours: hours, capacity: capacity,
                    enterpriseUSCC: scope.uscc, regionCode: scope.uscc == nil ? scope.region : nil,
                    location: location, audience: audience.isEmpty ? nil : audience, quotas: seats)
                do {
                    let event = try Events(db: db).schedule(draft)
                    return .created(id: event.id, existed: event.existed)
                } catch let error as WorkforceError {
                    var refused = checked
                    if case .invalid(let field, _, let reason) = error,
                        ["title", "starts", "ends", "hours", "capacity", "location", "audience", "quota"]
                            .contains(field.rawValue)
                    {
                        refused.errors[field.rawValue] = Words.reason(reason)
                    } else {
                        refused.formError = Words.message(error)
                    }
                    return .refused(refused)
                }
            }
            switch outcome {
            case .created(let id, let existed):
                return PageSupport.redirect(
                    to: "/events/\(id)",
                    flash: existed ? "同一主办、名称和开始时间的培训已有记录，未作更改。" : "已创建培训。")
            case .refused(let form):
                let frame = PageSupport.frame(user, path: "/events", context: context, flash: nil)
                return PageSupport.html(WebEvents.newForm(form, frame: frame), status: .unprocessableContent)
            }
        }
    }

    // MARK: An event

    private struct Shown: Sendable {
        let detail: EventDetail
        let whole: Bool
        let mayEnroll: Bool
    }

    /// The event, whether ID numbers are shown whole and whether the role may enroll, in the
    /// transaction of `db`.
    private static func read(_ db: Connection, _ id: Int) throws -> Shown {
        Shown(
            detail: try Events(db: db).detail(id: id), whole: try Persons(db: db).seesWholeIDNumbers(),
            mayEnroll: try Session.mayWrite(db, "enrollments"))
    }

    private static func eventPage(
        _ shown: Shown, user: SignedInUser, context: some PageRequestContext, flash: String?,
        enrollForm: WebForm = WebForm(), status: HTTPResponse.Status = .ok
    ) -> Response {
        let open = PageSupport.beijingNow() < shown.detail.summary.startsAt
        let html = WebEvents.show(
            shown.detail, wholeIDNumbers: shown.whole, enrollmentOpen: open, mayEnroll: shown.mayEnroll,
            enrollForm: enrollForm,
            frame: PageSupport.frame(user, path: "/events", context: context, flash: flash))
        return PageSupport.html(html, status: status)
    }

    static func show(_ request: Request, _ context: some PageRequestContext) async throws -> Response {
        try await PageSupport.respond(request, context: context, section: "/events") { flash in
            let id = try eventID(context)
            let (user, shown) = try await PageSupport.signedIn { db, _ in try read(db, id) }
            return eventPage(shown, user: user, context: context, flash: flash)
        }
    }

    private enum Enrolled: Sendable {
        case done(String)
        case refused(Shown, WebForm)
    }

    static func enroll(_ request: Request, _ context: some PageRequestContext) async throws -> Response {
        try await PageSupport.respond(request, context: context, section: "/events") { _ in
            let id = try eventID(context)
            let idNumber = try await PageSupport.form(request)["id_number"]
            let (at, today) = (PageSupport.beijingNow(), PageSupport.today())
            let (user, outcome) = try await PageSupport.signedIn { db, _ -> Enrolled in
                _ = try Events(db: db).detail(id: id)  // not found outside the scope
                do {
                    let outcome = try Enrollments(db: db).enroll(eventID: id, idNumber: idNumber, at: at, today: today)
                    let name = try read(db, id).detail.enrollments.first { $0.idNumber == idNumber }?.name ?? ""
                    let place =
                        outcome.status == .waitlisted
                        ? "列入候补（第 \(outcome.waitlistPosition ?? 0) 位）" : outcome.status.chineseName
                    return .done(outcome.changed ? "\(name) \(place)。" : "\(name) 已在名单中（\(place)），未作更改。")
                } catch let error as WorkforceError {
                    return .refused(try read(db, id), Words.refused("id_number", idNumber, by: error))
                }
            }
            switch outcome {
            case .done(let flash): return PageSupport.redirect(to: "/events/\(id)", flash: flash)
            case .refused(let shown, let form):
                return eventPage(
                    shown, user: user, context: context, flash: nil, enrollForm: form, status: .unprocessableContent)
            }
        }
    }

    static func cancel(_ request: Request, _ context: some PageRequestContext) async throws -> Response {
        try await PageSupport.respond(request, context: context, section: "/events") { _ in
            let id = try eventID(context)
            let reference = try await PageSupport.form(request)["person"]
            let today = PageSupport.today()
            let (_, flash) = try await PageSupport.signedIn { db, _ -> String in
                let detail = try Events(db: db).detail(id: id)
                guard let line = WebEvents.enrollment(reference, in: detail) else {
                    return "名单已有变化，未取消任何人：请核对后重试。"
                }
                let promotion = try Enrollments(db: db).cancel(eventID: id, idNumber: line.idNumber, today: today)
                let what = line.status == .waitlisted ? "候补" : "报名"
                switch promotion {
                case .nobody:
                    return "已取消 \(line.name) 的\(what)。"
                case .person(let promoted):
                    let name = detail.enrollments.first { $0.idNumber == promoted }?.name ?? ""
                    return "已取消 \(line.name) 的\(what)；候补的 \(name) 递补入座。"
                case .outsideScope:
                    return "已取消 \(line.name) 的\(what)；候补第一位（不在您的范围内）递补入座。"
                }
            }
            return PageSupport.redirect(to: "/events/\(id)", flash: flash)
        }
    }

    private static func enrollFile(_ context: some PageRequestContext) throws -> UploadFlow {
        let id = try eventID(context)
        return UploadFlow(
            upload: WebUpload(
                title: "上传报名名单", action: "/events/\(id)/enroll-file",
                help: [
                    "必填列：身份证号；选填列：姓名（须与记录一致）。每行报名一人，按文件顺序占座，满员后列入候补。",
                    "须是主办企业或地区在职、部门在培训面向范围内的人员；培训开始后不能报名。",
                    "CSV 文件，UTF-8 或 GBK/GB18030 编码。有任何一行出错时不报名任何人，并列出出错的行、列和原因。",
                ],
                back: WebFrame.Link(label: "返回培训", href: "/events/\(id)")),
            section: "/events", done: "/events/\(id)",
            run: { db, path, options in
                try Enrollments(db: db).enroll(eventID: id, path: path, at: PageSupport.beijingNow(), options: options)
            })
    }

    // MARK: Attendance

    static func attendance(_ request: Request, _ context: some PageRequestContext) async throws -> Response {
        try await PageSupport.respond(request, context: context, section: "/events") { flash in
            let id = try eventID(context)
            let (user, shown) = try await PageSupport.signedIn { db, _ in try read(db, id) }
            return attendancePage(shown, user: user, context: context, flash: flash, form: nil, status: .ok)
        }
    }

    private static func attendancePage(
        _ shown: Shown, user: SignedInUser, context: some PageRequestContext, flash: String?, form: WebForm?,
        status: HTTPResponse.Status
    ) -> Response {
        let html = WebEvents.attendance(
            shown.detail, wholeIDNumbers: shown.whole,
            started: shown.detail.summary.startsAt <= PageSupport.beijingNow(),
            form: form, frame: PageSupport.frame(user, path: "/events", context: context, flash: flash))
        return PageSupport.html(html, status: status)
    }

    private enum Saved: Sendable {
        case saved(Int)
        case refused(Shown, WebForm)
    }

    /// A sheet with any refused row is refused whole: the rows are recorded in a savepoint, rolled
    /// back when one fails, and the sheet is shown again with each row's error beside it.
    private struct SheetRefused: Error {
        let form: WebForm
    }

    static func saveAttendance(_ request: Request, _ context: some PageRequestContext) async throws -> Response {
        try await PageSupport.respond(request, context: context, section: "/events") { _ in
            let id = try eventID(context)
            let fields = try await PageSupport.form(request)
            let references = fields.all("person")
            var values: [String: String] = [:]
            for reference in references {
                if fields.has("attended." + reference) { values["attended." + reference] = "1" }
                values["hours." + reference] = fields["hours." + reference]
            }
            let posted = WebForm(values: values)
            let (at, today) = (PageSupport.beijingNow(), PageSupport.today())
            let (user, outcome) = try await PageSupport.signedIn { db, _ -> Saved in
                let shown = try read(db, id)
                do {
                    try db.savepoint { db in
                        var form = posted
                        for reference in references {
                            guard let line = WebEvents.enrollment(reference, in: shown.detail) else {
                                form.formError = "名单已有变化，未保存：请核对后重新提交。"
                                continue
                            }
                            let attended = posted.values["attended." + reference] != nil
                            let hoursText = posted.values["hours." + reference] ?? ""
                            var hours: Decimal?
                            if attended, !hoursText.isEmpty {
                                guard let value = Decimal(string: hoursText) else {
                                    form.errors[reference] = "学时须是数字。"
                                    continue
                                }
                                hours = value
                            }
                            do {
                                try Attendance(db: db).record(
                                    eventID: id, idNumber: line.idNumber, attended: attended, hours: hours, at: at,
                                    today: today)
                            } catch let error as WorkforceError {
                                if case .invalid(_, _, let reason) = error {
                                    form.errors[reference] = Words.reason(reason)
                                } else {
                                    form.formError = Words.message(error)
                                }
                            }
                        }
                        if form.formError != nil || !form.errors.isEmpty { throw SheetRefused(form: form) }
                    }
                    return .saved(references.count)
                } catch let refused as SheetRefused {
                    return .refused(shown, refused.form)
                }
            }
            switch outcome {
            case .saved(let count):
                return PageSupport.redirect(to: "/events/\(id)", flash: "已保存 \(count) 人的出勤。")
            case .refused(let shown, let form):
                return attendancePage(
                    shown, user: user, context: context, flash: nil, form: form, status: .unprocessableContent)
            }
        }
    }
}
