import CalendarDates
import Foundation
public import Workforce

/// The exam pages of `esw serve`: the sessions (`/exams`), a session with the scope's
/// registrations, the register form of those who may register staff and the scores upload of
/// those who may write scores; and the funnel table of the enterprise home page.
public enum WebExams {
    /// The sessions, latest year first, each with its registration windows and the number of
    /// registrations the user sees; the link to the scores upload when `scoresUpload`.
    public static func list(_ sessions: [ExamSession], scoresUpload: Bool, frame: WebFrame) -> String {
        let rows: [[String: Any]] = sessions.sorted { ($0.year, $0.level) > ($1.year, $1.level) }.map {
            [
                "id": $0.id, "year": String($0.year), "level": $0.level.chineseName,
                "examDate": ReportText.date($0.examDate),
                "windows": windows($0),
                "registrations": ReportText.count($0.registrations),
            ]
        }
        let context: [String: Any] = ["sessions": rows, "scoresUpload": scoresUpload]
        return WebPage.render(title: "考试", frame: frame, template: "web-exam-list", context: context)
    }

    /// A session: its facts, one page of the registrations the user sees (person, enterprise,
    /// subjects, status, scores, result; ID numbers whole or masked; the page's first line is
    /// number `firstNumber`, with the addresses of the pages before and after it), the form that
    /// registers one person by ID number (`registerForm`: nil for a role that may not register;
    /// its values and the error beside the field after a refusal) and the link to the scores
    /// upload when `scoresUpload`.
    public static func session(
        _ session: ExamSession, registrations: [ExamRegistrationLine], firstNumber: Int = 1, previous: String? = nil,
        next: String? = nil, wholeIDNumbers: Bool, registerForm: WebForm?, scoresUpload: Bool, frame: WebFrame
    ) -> String {
        let rows: [[String: Any]] = registrations.map { line in
            let sat = !line.scores.isEmpty
            return [
                "personID": line.personID, "name": line.name,
                "idNumber": shownIDNumber(line.idNumber, whole: wholeIDNumbers), "enterprise": line.enterpriseName,
                "subjects": line.subjects.map(\.chineseName).joined(separator: "、"),
                "registeredOn": ReportText.date(line.registeredOn),
                "status": (sat ? "已参考" : "已报名") + (line.eligibilityUnverified ? "（资格待核）" : ""),
                "scores": sat
                    ? line.scores.map { "\($0.subject.chineseName) \($0.score)" + ($0.passed ? "（合格）" : "（不合格）") }
                        .joined(separator: "；") : "—",
                "result": line.passed ? "通过" : sat ? "未通过" : "—",
            ]
        }
        var context: [String: Any] = [
            "id": session.id, "csrfToken": frame.csrfToken ?? "",
            "fields": [
                ["label": "年度", "value": "\(session.year)年"], ["label": "级别", "value": session.level.chineseName],
                ["label": "考试日期", "value": ReportText.date(session.examDate)],
                ["label": "报名时间", "value": windows(session)],
            ],
            "registrations": rows, "count": ReportText.count(session.registrations),
            "scoresUpload": scoresUpload,
        ]
        // Only a list longer than a page says which part of it is shown.
        if previous != nil || next != nil {
            context["pager"] = true
            if !rows.isEmpty { context["range"] = "第 \(firstNumber)–\(firstNumber + rows.count - 1) 人" }
        }
        if let previous { context["previous"] = previous }
        if let next { context["next"] = next }
        if let registerForm {
            var form: [String: Any] = ["idNumber": registerForm.values["id_number"] ?? ""]
            if let error = registerForm.errors["id_number"] { form["idNumberError"] = error }
            if let error = registerForm.formError { form["formError"] = error }
            context["register"] = form
        }
        return WebPage.render(
            title: "\(session.year)年\(session.level.chineseName)考试", frame: frame, template: "web-exam-show",
            context: context)
    }

    /// The registration windows of `session`, each as 广东省 2013年3月14日至2013年3月26日.
    static func windows(_ session: ExamSession) -> String {
        guard !session.windows.isEmpty else { return "—" }
        return session.windows.map { window in
            // The domain's words: "广东省 2013-03-14…2013-03-26".
            let parts = window.split(separator: " ", maxSplits: 1)
            let days = parts.last?.components(separatedBy: "…").compactMap { CalendarDate(iso: $0) } ?? []
            guard parts.count == 2, days.count == 2 else { return window }
            return "\(parts[0]) \(ReportText.period(days[0], days[1]))"
        }.joined(separator: "；")
    }

    /// The funnel registered → sat → passed → certified, one row per level (each person once).
    static func funnelTable(_ lines: [ExamResults.FunnelLine]) -> [String: Any] {
        Templates.table(
            headers: ["级别", "报名", "参考", "通过", "取得证书"],
            rows: lines.filter { $0.department == nil }.map {
                [
                    $0.level.chineseName, ReportText.count($0.registered), ReportText.count($0.sat),
                    ReportText.count($0.passed), ReportText.count($0.certified),
                ]
            },
            numeric: [1, 2, 3, 4], names: [0])
    }
}
