public import CalendarDates
public import Workforce

/// The pages of the training area of `esw serve`: the list of events, the form that schedules one,
/// an event with its seats, enrollments and waitlist, and its attendance sheet.
public enum WebEvents {
    /// Events from the first day of this month on (soonest first), then the earlier ones (latest
    /// first), one page of them; the link to schedule one for a role that may (`mayCreate`).
    public static func list(
        current: [EventSummary], earlier: [EventSummary], previous: String?, next: String?, mayCreate: Bool = true,
        frame: WebFrame
    ) -> String {
        var context: [String: Any] = [
            "current": current.map(row), "earlier": earlier.map(row), "hasCurrent": !current.isEmpty,
            "hasEarlier": !earlier.isEmpty, "mayCreate": mayCreate,
        ]
        if let previous { context["previous"] = previous }
        if let next { context["next"] = next }
        return WebPage.render(title: "培训", frame: frame, template: "web-event-list", context: context)
    }

    private static func row(_ event: EventSummary) -> [String: Any] {
        [
            "id": event.id, "title": event.title, "kind": event.kind.chineseName,
            "startsAt": WebText.dateTime(event.startsAt), "organizer": event.organizer,
            "seats": "\(event.enrolled + event.attended)/\(event.capacity)", "waitlisted": event.waitlisted,
            "cancelled": event.cancelled,
        ]
    }

    /// The form that schedules an event; `form` holds what was given and the errors beside it.
    public static func newForm(_ form: WebForm, frame: WebFrame) -> String {
        let kind = form.values["kind"] ?? ""
        let audience = Set((form.values["audience"] ?? "").split(separator: ",").map(String.init))
        let context: [String: Any] = [
            "csrfToken": frame.csrfToken ?? "", "formError": form.formError ?? "",
            "kinds": EventKind.allCases.map {
                ["code": $0.rawValue, "name": $0.chineseName, "selected": $0.rawValue == kind] as [String: Any]
            },
            "kindError": form.errors["kind"] ?? "",
            "fields": [
                form.field("title", "名称"),
                form.field("starts", "开始时间", hint: "如 2013-09-10 09:00 或 2013年9月10日 9:00"),
                form.field("ends", "结束时间", hint: "如 2013-09-10 12:00；只填日期表示当天结束"),
                form.field("hours", "学时", hint: "出席者获记的学时，不超过培训时长"),
                form.field("capacity", "名额", type: "number"),
                form.field("location", "地点"),
            ],
            "departments": Department.allCases.map { department in
                var entry: [String: Any] = [
                    "code": department.rawValue, "name": department.chineseName,
                    "checked": audience.contains(department.rawValue),
                    "quota": form.values["quota." + department.rawValue] ?? "",
                ]
                if let error = form.errors["quota." + department.rawValue] { entry["error"] = error }
                return entry
            },
            "audienceError": form.errors["audience"] ?? "", "quotaError": form.errors["quota"] ?? "",
        ]
        return WebPage.render(title: "新建培训", frame: frame, template: "web-event-new", context: context)
    }

    /// How a page names one enrollment of `detail` in a form it posts back (cancel, attendance):
    /// its place in the list and the masked ID number, so that the page holds no whole ID number
    /// the user may not see, and a list changed meanwhile is noticed (``enrollment(_:in:)``).
    public static func reference(_ index: Int, _ line: EnrollmentLine) -> String {
        "\(index)-\(maskedIDNumber(line.idNumber))"
    }

    /// The enrollment a posted ``reference(_:_:)`` names, or nil when the list has changed since
    /// the page was shown (or the reference is not one).
    public static func enrollment(_ reference: String, in detail: EventDetail) -> EnrollmentLine? {
        let parts = reference.split(separator: "-", maxSplits: 1)
        guard parts.count == 2, let index = Int(parts[0]), detail.enrollments.indices.contains(index) else {
            return nil
        }
        let line = detail.enrollments[index]
        return maskedIDNumber(line.idNumber) == parts[1] ? line : nil
    }

    /// An event: what, when, where, seats and quotas; the people seated, waiting (in order) and
    /// cancelled, each seated or waiting one with a cancel button; the enroll form (one ID number,
    /// or a file) while enrollment is open. A role that only reads enrollments (`mayEnroll` false)
    /// gets no form and no button.
    public static func show(
        _ detail: EventDetail, wholeIDNumbers: Bool, enrollmentOpen: Bool, mayEnroll: Bool = true,
        enrollForm: WebForm, frame: WebFrame
    ) -> String {
        let enrollmentOpen = enrollmentOpen && mayEnroll
        let event = detail.summary
        func person(_ index: Int, _ line: EnrollmentLine) -> [String: Any] {
            [
                "name": line.name, "idNumber": shownIDNumber(line.idNumber, whole: wholeIDNumbers),
                "department": line.department.chineseName, "status": line.status.chineseName,
                "position": line.waitlistPosition.map(String.init) ?? "", "hours": line.hours.map(WebText.hours) ?? "",
                "reference": reference(index, line), "cancellable": !event.cancelled && enrollmentOpen,
            ]
        }
        let lines = Array(detail.enrollments.enumerated())
        let seated = lines.filter { [.enrolled, .attended, .absent].contains($0.element.status) }
        let waiting = lines.filter { $0.element.status == .waitlisted }
            .sorted { ($0.element.waitlistPosition ?? 0, $0.offset) < ($1.element.waitlistPosition ?? 0, $1.offset) }
        let cancelled = lines.filter { $0.element.status == .cancelled }
        var facts: [(label: String, value: String)] = [
            ("类型", event.kind.chineseName),
            ("时间", "\(WebText.dateTime(event.startsAt)) 至 \(WebText.dateTime(event.endsAt))"),
            ("学时", WebText.hours(event.hours)), ("主办", event.organizer),
        ]
        if let location = detail.location { facts.append(("地点", location)) }
        facts.append(("面向部门", detail.audience.map { $0.map(\.chineseName).joined(separator: "、") } ?? "全部"))
        facts.append(("名额", "已占 \(event.enrolled + event.attended) / 共 \(event.capacity)，候补 \(event.waitlisted) 人"))
        if event.cancelled { facts.append(("状态", "已取消")) }
        let context: [String: Any] = [
            "id": event.id, "csrfToken": frame.csrfToken ?? "",
            "facts": facts.map { ["label": $0.label, "value": $0.value] },
            "quotas": detail.quotas.map {
                ["department": $0.department.chineseName, "seats": $0.seats, "taken": $0.taken] as [String: Any]
            },
            "hasQuotas": !detail.quotas.isEmpty,
            "seated": seated.map { person($0.offset, $0.element) }, "seatedCount": seated.count,
            "waiting": waiting.map { person($0.offset, $0.element) },
            "cancelled": cancelled.map { person($0.offset, $0.element) }, "hasCancelled": !cancelled.isEmpty,
            "enrollmentOpen": enrollmentOpen && !event.cancelled, "idNumber": enrollForm.values["id_number"] ?? "",
            "idNumberError": enrollForm.errors["id_number"] ?? "", "formError": enrollForm.formError ?? "",
            "attendance": mayEnroll && !event.cancelled && !seated.isEmpty,
        ]
        return WebPage.render(title: event.title, frame: frame, template: "web-event-show", context: context)
    }

    /// The attendance sheet: one row per seated person, a tick box (came) and the hours credited;
    /// `form` holds what was posted and each refused row's error (by the row's reference).
    public static func attendance(
        _ detail: EventDetail, wholeIDNumbers: Bool, started: Bool, form: WebForm?, frame: WebFrame
    ) -> String {
        let event = detail.summary
        let rows: [[String: Any]] = detail.enrollments.enumerated().compactMap { index, line in
            guard [.enrolled, .attended, .absent].contains(line.status) else { return nil }
            let key = reference(index, line)
            var row: [String: Any] = [
                "name": line.name, "idNumber": shownIDNumber(line.idNumber, whole: wholeIDNumbers),
                "department": line.department.chineseName, "reference": key,
            ]
            if let form {
                row["attended"] = form.values["attended." + key] != nil
                row["hours"] = form.values["hours." + key] ?? ""
                if let error = form.errors[key] { row["error"] = error }
            } else {
                row["attended"] = line.status == .attended
                row["hours"] = line.status == .attended ? line.hours.map(WebText.hours) ?? "" : ""
            }
            return row
        }
        let context: [String: Any] = [
            "id": event.id, "csrfToken": frame.csrfToken ?? "", "rows": rows, "hasRows": !rows.isEmpty,
            "eventHours": WebText.hours(event.hours), "started": started, "formError": form?.formError ?? "",
            "when": "\(WebText.dateTime(event.startsAt)) 至 \(WebText.dateTime(event.endsAt))",
        ]
        return WebPage.render(
            title: "出勤登记：\(event.title)", frame: frame, template: "web-event-attendance", context: context)
    }
}
