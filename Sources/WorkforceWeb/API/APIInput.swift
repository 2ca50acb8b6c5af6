import CalendarDates
import Foundation
import Workforce

/// Reading the API's query parameters into the domain's values; a value that does not read is
/// refused naming the parameter (never quoting it).
enum APIInput {
    static func date(_ text: String?, _ field: String) throws -> CalendarDate? {
        guard let text else { return nil }
        guard let date = CalendarDate(text: text) else {
            throw APIProblem.badParameter(field, "is not a date; write \(CalendarDate.acceptedForms)")
        }
        return date
    }

    static func department(_ text: String?) throws -> Department? {
        guard let text else { return nil }
        guard let department = Department(text: text) else {
            throw APIProblem.badParameter("department", "unknown department; use one of \(Department.acceptedValues)")
        }
        return department
    }

    static func eventKind(_ text: String?) throws -> EventKind? {
        guard let text else { return nil }
        guard let kind = EventKind(text: text) else {
            throw APIProblem.badParameter("kind", "unknown kind; use one of \(EventKind.acceptedValues)")
        }
        return kind
    }

    /// Now on the server's wall clock (as `esw enroll` takes it): when an enrollment was asked for.
    static func now() -> LocalDateTime {
        let parts = Calendar(identifier: .gregorian).dateComponents(in: .current, from: Date())
        return LocalDateTime(date: CalendarDate.today(), hour: parts.hour ?? 0, minute: parts.minute ?? 0)
    }
}
