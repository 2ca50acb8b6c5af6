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

    /// A record's id in the path (`noun` says what it names), refused as bad input when it is not
    /// a positive integer the domain can hold.
    static func id(_ id: Int64, _ field: String, _ noun: String) throws -> Int {
        guard let id = Int(exactly: id), id > 0 else { throw APIProblem.badParameter(field, "is not \(noun)") }
        return id
    }

    /// Now on the server's wall clock (as `esw enroll` takes it): when an enrollment was asked for.
    static func now() -> LocalDateTime {
        let parts = Calendar(identifier: .gregorian).dateComponents(in: .current, from: Date())
        return LocalDateTime(date: CalendarDate.today(), hour: parts.hour ?? 0, minute: parts.minute ?? 0)
    }
}
