import Mustache

/// The Mustache templates of Templates/, compiled into the binary: the page frame, the partials
/// (`table`, `fields`) and one body per report. Values are HTML-escaped by the engine; only the
/// SVG charts (built and escaped in Charts) and CSS strings go in with triple braces.
enum Templates {
    static let library: MustacheLibrary = {
        let sources: [(name: String, bytes: [UInt8])] = [
            ("document", PackageResources.document_mustache),
            ("table", PackageResources.table_mustache),
            ("fields", PackageResources.fields_mustache),
            ("province-report", PackageResources.province_report_mustache),
            ("pilot-report", PackageResources.pilot_report_mustache),
            ("application-form", PackageResources.application_form_mustache),
            ("web-layout", PackageResources.web_layout_mustache),
            ("web-login", PackageResources.web_login_mustache),
            ("web-password", PackageResources.web_password_mustache),
            ("web-error", PackageResources.web_error_mustache),
            ("web-home-enterprise", PackageResources.web_home_enterprise_mustache),
            ("web-home-region", PackageResources.web_home_region_mustache),
            ("web-staff-list", PackageResources.web_staff_list_mustache),
            ("web-staff-person", PackageResources.web_staff_person_mustache),
            ("web-staff-upload", PackageResources.web_staff_upload_mustache),
            ("web-staff-upload-done", PackageResources.web_staff_upload_done_mustache),
            ("web-staff-message", PackageResources.web_staff_message_mustache),
            ("web-event-list", PackageResources.web_event_list_mustache),
            ("web-event-new", PackageResources.web_event_new_mustache),
            ("web-event-show", PackageResources.web_event_show_mustache),
            ("web-event-attendance", PackageResources.web_event_attendance_mustache),
            ("web-ratio", PackageResources.web_ratio_mustache),
            ("web-hours", PackageResources.web_hours_mustache),
            ("web-exam-list", PackageResources.web_exam_list_mustache),
            ("web-exam-show", PackageResources.web_exam_show_mustache),
            ("web-pilot-list", PackageResources.web_pilot_list_mustache),
            ("web-pilot-application", PackageResources.web_pilot_application_mustache),
            ("web-report-list", PackageResources.web_report_list_mustache),
        ]
        var library = MustacheLibrary()
        for source in sources {
            // A template's last line break belongs to the file, not to the text it stands for
            // (partials are used inside lines).
            var text = String(decoding: source.bytes, as: UTF8.self)
            if text.hasSuffix("\n") { text.removeLast() }
            do {
                try library.register(text, named: source.name)
            } catch {
                // The templates are part of the program: one that does not parse is a bug that
                // every rendering test catches, not a condition to recover from.
                preconditionFailure("template \(source.name) does not parse: \(error)")
            }
        }
        return library
    }()

    /// A whole HTML page: the frame with its title, the running header printed on every page
    /// after the first, and the body rendered from `template` with `context` (which also gives the
    /// frame its `headerLines` and `notes`).
    static func page(title: String, running: String, template: String, context: [String: Any]) -> String {
        var frame = context
        frame["title"] = title
        frame["cssTitle"] = cssString(title)
        frame["cssRunning"] = cssString(running)
        frame["body"] = render(template, context)
        return render("document", frame) + "\n"
    }

    static func render(_ template: String, _ context: [String: Any]) -> String {
        guard let text = library.render(context, withTemplate: template) else {
            preconditionFailure("no template named \(template)")
        }
        return text
    }

    /// A table for the `table` partial; `numeric` columns are right-aligned, `names` columns do not
    /// wrap (a name is not broken in the middle). A short table is kept on one page.
    static func table(headers: [String], rows: [[String]], numeric: Set<Int> = [], names: Set<Int> = [])
        -> [String: Any]
    {
        [
            "headers": headers, "short": rows.count <= 12,
            "rows": rows.map { row in
                [
                    "cells": row.enumerated().map { index, cell in
                        ["text": cell, "numeric": numeric.contains(index), "name": names.contains(index)]
                    }
                ]
            },
        ]
    }

    /// A form's labelled values for the `fields` partial.
    static func fields(_ pairs: [(label: String, value: String)]) -> [String: Any] {
        ["fields": pairs.map { ["label": $0.label, "value": $0.value] }]
    }

    /// Text inside a CSS string literal.
    static func cssString(_ text: String) -> String {
        var output = ""
        for character in text {
            switch character {
            case "\\": output += "\\\\"
            case "\"": output += "\\\""
            case "\n", "\r": output += " "
            // Hex escapes keep the style element well-formed markup as well as valid CSS.
            case "<": output += "\\3C "
            case "&": output += "\\26 "
            default: output.append(character)
            }
        }
        return output
    }
}
