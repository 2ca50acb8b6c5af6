// Domain types read straight from the command line. Their conformances are public, as every
// conformance of a public type is, hence the public imports.
public import ArgumentParser
public import CalendarDates
import Synchronization
public import Workforce

extension CalendarDate: ExpressibleByArgument {
    /// Accepts the same forms as spreadsheets: 2013-06-01, 2013/6/1, 2013年6月1日.
    public init?(argument: String) {
        guard let date = CalendarDate(text: argument) else {
            RefusedDates.note(argument, time: false)
            return nil
        }
        self = date
    }
}

extension Department: ExpressibleByArgument {
    /// Accepts English keys (union) or Chinese names (工会).
    public init?(argument: String) { self.init(text: argument) }
    public static var allValueStrings: [String] { vocabularyValueStrings }
}

extension TrendStep: ExpressibleByArgument {}

extension EventKind: ExpressibleByArgument {
    /// Accepts English keys (expert_lecture) or Chinese names (专家讲座).
    public init?(argument: String) { self.init(text: argument) }
    public static var allValueStrings: [String] { vocabularyValueStrings }
}

extension LocalDateTime: ExpressibleByArgument {
    /// Accepts a date in any of its forms, alone or with a time: 2013-06-01, 2013-06-01T09:00,
    /// "2013/6/1 09:00", "2013年6月1日 09:00".
    public init?(argument: String) {
        guard let time = LocalDateTime(text: argument) else {
            RefusedDates.note(argument, time: true)
            return nil
        }
        self = time
    }
}

/// The dates (and times) that options refused while the command line was parsed, so that the usage
/// error names the forms a date is accepted in: ArgumentParser's own message says only that the
/// value is invalid, and `init?(argument:)` has no way to say why.
enum RefusedDates {
    /// Each refused value, and whether its option takes a time too.
    private static let values = Mutex<[String: Bool]>([:])

    static func note(_ value: String, time: Bool) {
        values.withLock { $0[value] = time }
    }

    /// ArgumentParser's message, with the accepted forms after its first line when the value it
    /// refused was a date's.
    static func explaining(_ message: String) -> String {
        let refused = values.withLock { $0 }
        guard let (_, time) = refused.first(where: { message.contains("The value '\($0.key)' is invalid") }) else {
            return message
        }
        var lines = message.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        lines[0] += ": write a date as \(CalendarDate.acceptedForms)"
        if time { lines[0] += ", optionally followed by a time: 2013-06-01T09:00 or \"2013/6/1 09:00\"" }
        return lines.joined(separator: "\n")
    }
}
extension AccessRole: ExpressibleByArgument {}

extension Vocabulary {
    /// What an option of this vocabulary accepts, as help and a usage error list it: each code and
    /// its Chinese name.
    static var vocabularyValueStrings: [String] { allCases.flatMap { [$0.rawValue, $0.chineseName] } }
}

/// Reads a term given on the command line (a code or its Chinese name), or refuses it naming
/// the option and what it accepts (exit 3, as every refused value of the data).
func term<Term: Vocabulary>(_ text: String, field: Field) throws -> Term {
    guard let term = Term(text: text) else {
        throw WorkforceError.invalid(field: field, value: text, reason: "use one of \(Term.acceptedValues)")
    }
    return term
}
