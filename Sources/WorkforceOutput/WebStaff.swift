public import CalendarDates
public import Workforce

/// A form as a page shows it again after a refusal: the values given, and an error beside each
/// field that was refused (by the form field's name), or above the form for the whole of it.
public struct WebForm: Sendable {
    public var values: [String: String]
    public var errors: [String: String]
    public var formError: String?

    public init(values: [String: String] = [:], errors: [String: String] = [:], formError: String? = nil) {
        self.values = values
        self.errors = errors
        self.formError = formError
    }

    /// The Mustache context of one text field: its name, label, value and error.
    func field(_ name: String, _ label: String, type: String = "text", hint: String? = nil) -> [String: Any] {
        var field: [String: Any] = ["name": name, "label": label, "type": type, "value": values[name] ?? ""]
        if let error = errors[name] { field["error"] = error }
        if let hint { field["hint"] = hint }
        return field
    }
}

/// A spreadsheet upload of the pages (a roster, an event's enrollment list): where it is posted,
/// what the file must hold, and where to go back to.
public struct WebUpload: Sendable {
    public let title: String
    /// The address the file is posted to; the second step ("import the rest") is under it.
    public let action: String
    /// What the file holds, one line each (columns, encodings).
    public let help: [String]
    public let back: WebFrame.Link

    public init(title: String, action: String, help: [String], back: WebFrame.Link) {
        self.title = title
        self.action = action
        self.help = help
        self.back = back
    }
}

/// The pages of the staff area of `esw serve`: the list, a person, the roster upload and its
/// error table. Everything a person typed or a file held goes in escaped (`{{…}}`).
public enum WebStaff {
    /// The staff list with its search box, one page of `page` (none after a refused search); ID
    /// numbers whole or masked; the upload link for a role that keeps the roster (`mayUpload`).
    public static func list(
        _ page: StaffPage?, wholeIDNumbers: Bool, search: String, searchError: String?, previous: String?,
        next: String?, mayUpload: Bool = true, frame: WebFrame
    ) -> String {
        let rows: [[String: Any]] = (page?.lines ?? []).map { line in
            [
                "personID": line.personID, "name": line.name,
                "idNumber": shownIDNumber(line.idNumber, whole: wholeIDNumbers), "enterprise": line.enterpriseName,
                "department": line.department.chineseName, "hiredOn": WebText.date(line.hiredOn),
                "level": line.highestLevel?.chineseName ?? "—",
            ]
        }
        var shown = ""
        if let page {
            shown =
                page.lines.isEmpty
                ? "共 \(page.total) 条，本页没有"
                : "第 \(page.offset + 1)–\(page.offset + page.lines.count) 条，共 \(page.total) 条"
                    + "（\(WebText.date(page.asOf))在职）"
        }
        var context: [String: Any] = [
            "query": search, "rows": rows, "shown": shown, "csrfToken": frame.csrfToken ?? "", "mayUpload": mayUpload,
        ]
        if let searchError { context["searchError"] = searchError }
        if let previous { context["previous"] = previous }
        if let next { context["next"] = next }
        return WebPage.render(title: "人员", frame: frame, template: "web-staff-list", context: context)
    }

    /// A person's page: who, employments, certificates with their registration (登记) state by
    /// certificate number (`registrations`; a revoked certificate has none), training with the
    /// hours credited, exams.
    public static func person(
        _ record: PersonRecord, registrations: [String: CertificateStatus] = [:], wholeIDNumber: Bool, frame: WebFrame
    ) -> String {
        let context: [String: Any] = [
            "name": record.name, "idNumber": shownIDNumber(record.idNumber, whole: wholeIDNumber),
            "gender": record.gender == "M" ? "男" : "女", "birthDate": WebText.date(record.birthDate),
            "employments": record.employments.map {
                [
                    "enterprise": $0.enterpriseName, "uscc": $0.enterpriseUSCC, "department": $0.department.chineseName,
                    "hiredOn": WebText.date($0.hiredOn), "leftOn": WebText.date($0.leftOn),
                ]
            },
            "certificates": record.certificates.map {
                [
                    "level": $0.level.chineseName, "number": $0.number, "issuedOn": WebText.date($0.issuedOn),
                    "revokedOn": WebText.date($0.revokedOn),
                    "registration": registrations[$0.number].map(registrationText) ?? "—",
                ]
            },
            "trainingHours": WebText.hours(record.trainingHours),
            "training": record.training.map {
                [
                    "startsAt": WebText.dateTime($0.startsAt), "kind": $0.kind.chineseName, "title": $0.title,
                    "status": $0.status.chineseName, "hours": $0.hours.map(WebText.hours) ?? "—",
                ]
            },
            "exams": record.exams.map {
                [
                    "year": String($0.year), "level": $0.level.chineseName, "subject": $0.subject.chineseName,
                    "score": $0.score, "passed": $0.passed ? "合格" : "不合格",
                ]
            },
        ]
        return WebPage.render(title: record.name, frame: frame, template: "web-staff-person", context: context)
    }

    /// 已登记（有效至2016年2月1日）, 未登记（应于2013年1月1日前登记）, 登记失效（2015年2月1日）.
    static func registrationText(_ status: CertificateStatus) -> String {
        switch status.state {
        case .registered, .renewalDue: "\(status.state.chineseName)（有效至\(WebText.date(status.validUntil))）"
        case .unregistered, .overdue: "\(status.state.chineseName)（应于\(WebText.date(status.dueBy))前登记）"
        case .lapsed: "\(status.state.chineseName)（\(WebText.date(status.validUntil))）"
        }
    }

    /// The upload form of `upload`, with the file's error beside the file field.
    public static func uploadForm(_ upload: WebUpload, fileError: String?, frame: WebFrame) -> String {
        var context = uploadContext(upload, frame: frame)
        if let fileError { context["fileError"] = fileError }
        return WebPage.render(title: upload.title, frame: frame, template: "web-staff-upload", context: context)
    }

    /// The refused upload: nothing was written; the table of bad rows (line, the file's column, the
    /// value masked and cut as a message quotes it, the reason in `reason`'s words), the form to send
    /// a corrected file, and the second step that imports the other rows and keeps the rejected ones
    /// for download (`rest`: the address it posts to).
    public static func uploadRefused(
        _ upload: WebUpload, errors: [RowError], reason: (Reason) -> String, badLines: Int, read: Int, rest: String,
        frame: WebFrame
    ) -> String {
        var context = uploadContext(upload, frame: frame)
        context["refused"] = [
            "summary": "\(read) 行中有 \(badLines) 行有误，未导入任何一行。请按下表更正后重新上传，或先导入其余 \(read - badLines) 行。",
            "rest": rest,
            "errors": errors.map {
                [
                    "line": String($0.line), "column": $0.column, "value": quotedValue($0.value),
                    "reason": reason($0.reason),
                ] as [String: Any]
            },
        ]
        return WebPage.render(title: upload.title, frame: frame, template: "web-staff-upload", context: context)
    }

    /// After the second step: the link to the rejected rows, with a reason column, as a CSV.
    public static func uploadDone(_ upload: WebUpload, rejects: String?, frame: WebFrame) -> String {
        var context = uploadContext(upload, frame: frame)
        if let rejects { context["rejects"] = rejects }
        return WebPage.render(title: upload.title, frame: frame, template: "web-staff-upload-done", context: context)
    }

    private static func uploadContext(_ upload: WebUpload, frame: WebFrame) -> [String: Any] {
        [
            "action": upload.action, "help": upload.help, "backLabel": upload.back.label, "backHref": upload.back.href,
            "csrfToken": frame.csrfToken ?? "",
        ]
    }
}

/// The text rules of the pages, those of the reports (``ReportText``): dates 2013年6月1日, hours
/// without trailing zeros; times 9:00.
enum WebText {
    static func date(_ date: CalendarDate?) -> String { date.map(ReportText.date) ?? "—" }

    static func dateTime(_ time: LocalDateTime) -> String {
        let minute = time.minute < 10 ? "0\(time.minute)" : "\(time.minute)"
        return "\(ReportText.date(time.date)) \(time.hour):\(minute)"
    }

    static func hours(_ text: String) -> String { ReportText.hours(text) }
}
