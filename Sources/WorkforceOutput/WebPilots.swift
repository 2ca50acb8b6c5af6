public import CalendarDates
public import Workforce

/// The pilot pages of `esw serve`: the programs with the applications in scope, and one
/// application with its history, the forms of the moves it may make, and its reports.
public enum WebPilots {
    /// One state change of an application's history, as `esw pilot history` gives it.
    public struct Step: Sendable {
        public let from: String?
        public let to: String
        public let on: CalendarDate
        public let actor: String
        public let note: String?

        public init(from: String?, to: String, on: CalendarDate, actor: String, note: String?) {
            self.from = from
            self.to = to
            self.on = on
            self.actor = actor
            self.note = note
        }
    }

    /// The programs (all of them: reference data) and one page of the applications in scope, with
    /// the address of the next page, and of the first when this is not it.
    public static func list(
        programs: [PilotProgram], applications: [PilotApplication], provinceNames: [String: String],
        first: String?, next: String?, frame: WebFrame
    ) -> String {
        let programNames = Dictionary(programs.map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
        var context: [String: Any] = [
            "programs": programs.map { program in
                [
                    "name": program.name, "document": program.document ?? "—",
                    "applyBy": ReportText.date(program.applyBy), "confirmBy": ReportText.date(program.confirmBy),
                    "months": "\(program.pilotMonths)个月", "summaryBy": ReportText.date(program.summaryBy),
                ]
            },
            "hasPrograms": !programs.isEmpty,
            "applications": applications.map { application in
                [
                    "id": application.id,
                    "program": programNames[application.programID] ?? String(application.programID),
                    "applicant": application.applicant,
                    "province": provinceNames[application.province] ?? application.province,
                    "status": stateName(application), "submittedOn": ReportText.date(application.submittedOn),
                ] as [String: Any]
            },
            "hasApplications": !applications.isEmpty,
        ]
        if let first { context["first"] = first }
        if let next { context["next"] = next }
        return WebPage.render(title: "试点", frame: frame, template: "web-pilot-list", context: context)
    }

    /// An application: what it is, its dated and attributed history, one form per move allowed
    /// from its state (`moves`, empty for a role that may not move it; `form` holds a refused
    /// post, its `to` naming the move's form), and the downloads of its reports, the application
    /// form (申报表) with the blanks its applicant fills in.
    public static func application(
        _ application: PilotApplication, program: PilotProgram?, provinceName: String, history: [Step],
        moves: [ApplicationStatus], form: WebForm, today: CalendarDate, frame: WebFrame
    ) -> String {
        var facts: [(label: String, value: String)] = [
            ("申报编号", String(application.id)),
            ("试点项目", program.map { $0.name + ($0.document.map { "（\($0)）" } ?? "") } ?? String(application.programID)),
            ("申报单位", application.applicant), ("省份", provinceName), ("状态", stateName(application)),
            ("申报日期", ReportText.date(application.submittedOn)),
        ]
        if let program { facts.append(("试点期", "\(program.pilotMonths)个月，总结截止\(ReportText.date(program.summaryBy))")) }
        let posted = form.values["to"]
        let blank = WebForm()
        // A refused move whose form the page does not show (not allowed from this state): above them all.
        let shownForm = moves.contains { $0.rawValue == posted }
        var context: [String: Any] = [
            "id": application.id, "csrfToken": frame.csrfToken ?? "",
            "facts": facts.map { ["label": $0.label, "value": $0.value] },
            "history": history.map { step in
                [
                    "on": ReportText.date(step.on), "from": step.from.map(stateName) ?? "—", "to": stateName(step.to),
                    "actor": step.actor, "note": step.note ?? "",
                ]
            },
            "moves": moves.map { move in
                let mine = move.rawValue == posted
                var entry: [String: Any] = [
                    "to": move.rawValue, "name": move.chineseName,
                    "on": mine ? form.values["on"] ?? "" : today.iso, "note": mine ? form.values["note"] ?? "" : "",
                ]
                if mine {
                    if let error = form.errors["on"] { entry["onError"] = error }
                    if let error = form.errors["note"] { entry["noteError"] = error }
                    if let error = form.formError { entry["formError"] = error }
                }
                return entry
            },
            "hasMoves": !moves.isEmpty,
            // The form's blanks the applicant fills in; left empty, the printed form has lines to write on.
            "formFields": [
                blank.field("contact", "联系人"), blank.field("address", "地址"),
                blank.field("industry", "行业/性质"), blank.field("preparer", "填报人"),
                blank.field("reviewer", "审核人"), blank.field("phone", "联系电话"),
                blank.field("as_of", "数据截至日期", hint: "如 \(today.iso)；不填为今天"),
            ],
        ]
        // (An empty string would still open a Mustache section: only a message goes in.)
        if !shownForm, let error = form.formError { context["pageError"] = error }
        return WebPage.render(
            title: "试点申报：\(application.applicant)", frame: frame, template: "web-pilot-application", context: context)
    }

    /// The state in Chinese, "（逾期）" after it for a late application.
    static func stateName(_ application: PilotApplication) -> String {
        application.status.chineseName + (application.late ? "（逾期申报）" : "")
    }

    /// A state code of the history in Chinese (the code itself should one ever be unknown).
    static func stateName(_ code: String) -> String { ApplicationStatus(rawValue: code)?.chineseName ?? code }
}
