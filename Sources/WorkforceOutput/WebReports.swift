import CalendarDates
public import Workforce

/// The reports page of `esw serve`: the form of a region's report (HTML to print, CSV, JSON) for
/// the roles that read one, and the downloads of each application in scope (its pilot report, its
/// application form, its evidence pack); and the names the downloaded files get.
public enum WebReports {
    /// The formats a report downloads in, as the form offers them.
    public static let formats: [(code: String, name: String)] = [
        ("html", "HTML（打印）"), ("csv", "CSV（表格）"), ("json", "JSON（数据）"),
    ]

    /// The page: `regionForm` (nil for a role without region reports) holds the values of the
    /// region form and the error beside each refused field; `applications` is one page of the
    /// applications in scope, with the address of the next page and of the first.
    public static func page(
        regionForm: WebForm?, programs: [PilotProgram], applications: [PilotApplication], first: String?,
        next: String?, frame: WebFrame
    ) -> String {
        let programNames = Dictionary(programs.map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
        var context: [String: Any] = [
            "applications": applications.map { application in
                [
                    "id": application.id,
                    "program": programNames[application.programID] ?? String(application.programID),
                    "applicant": application.applicant, "status": WebPilots.stateName(application),
                ] as [String: Any]
            },
            "hasApplications": !applications.isEmpty,
        ]
        if let form = regionForm {
            let format = form.values["format"] ?? "html"
            let language = form.values["lang"] ?? "zh"
            var region: [String: Any] = [
                "fields": [
                    form.field("region", "地区代码", hint: "省（440000）、市（440300）或区县（440305）"),
                    form.field("year", "年份", type: "number", hint: "年末的数据，如 2013；今年为截至今天"),
                    form.field("as_of", "或截至日期", hint: "如 2013-06-30；填写后不看年份"),
                ],
                "formats": formats.map {
                    ["code": $0.code, "name": $0.name, "selected": $0.code == format] as [String: Any]
                },
                "languages": [("zh", "中文"), ("en", "英文")].map {
                    ["code": $0.0, "name": $0.1, "selected": $0.0 == language] as [String: Any]
                },
                "signers": [
                    form.field("preparer", "填报人（可不填）"), form.field("reviewer", "审核人（可不填）"),
                    form.field("phone", "联系电话（可不填）"),
                ],
            ]
            // (An empty string would still open a Mustache section: only a message goes in.)
            for field in ["format", "lang"] {
                if let error = form.errors[field] { region[field + "Error"] = error }
            }
            context["region"] = region
        }
        if let first { context["first"] = first }
        if let next { context["next"] = next }
        return WebPage.render(title: "报告", frame: frame, template: "web-report-list", context: context)
    }

    /// A downloaded file's name in Chinese (for `filename*`) and in ASCII (for `filename`).
    public struct FileName: Sendable, Equatable {
        public let chinese: String
        public let ascii: String
    }

    /// 广东省企业社会工作人才持证情况报告-2013-12-31.html (the report's own title).
    public static func fileName(_ report: ProvinceReport, format: String) -> FileName {
        FileName(
            chinese: "\(report.regionName)企业社会工作人才持证情况报告-\(report.asOf.iso).\(format)",
            ascii: "region-report-\(report.regionCode)-\(report.asOf.iso).\(format)")
    }

    /// 试点工作报告-1-深圳测试电子有限公司.html
    public static func fileName(pilotReport scope: PilotScope, format: String) -> FileName {
        FileName(
            chinese: "试点工作报告-\(scope.applicationID)-\(scope.applicantName).\(format)",
            ascii: "pilot-report-\(scope.applicationID).\(format)")
    }

    /// 申报表-1-深圳测试电子有限公司.html
    public static func fileName(applicationForm scope: PilotScope) -> FileName {
        FileName(
            chinese: "申报表-\(scope.applicationID)-\(scope.applicantName).html",
            ascii: "application-form-\(scope.applicationID).html")
    }

    /// 证据包-1-深圳测试电子有限公司.zip
    public static func fileName(evidence scope: PilotScope) -> FileName {
        FileName(
            chinese: "证据包-\(scope.applicationID)-\(scope.applicantName).zip",
            ascii: "evidence-\(scope.applicationID).zip")
    }
}
