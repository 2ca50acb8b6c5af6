/// The name of an input a request carries, in the domain's words: `confirm_by`, `id_number`,
/// `out`. Each front end maps it to its own: the CLI to a flag (`--confirm-by`), the HTTP layer to
/// a JSON pointer (`/confirm_by`) or a form field.
public struct Field: RawRepresentable, Hashable, Sendable, ExpressibleByStringLiteral, CustomStringConvertible {
    public let rawValue: String

    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }

    public var description: String { rawValue }
}

/// Something a person can do next, named in the domain's words; a front end says it its own way
/// (the CLI as the command to run, a page as a link).
public enum Remedy: String, Sendable, CaseIterable {
    case addOrImportEnterprise = "add_or_import_enterprise"
    case listEnterprises = "list_enterprises"
    case addServiceOrganization = "add_service_organization"
    case listExamSessions = "list_exam_sessions"
    case setExamWindow = "set_exam_window"
    case recordLeaving = "record_leaving"
    case amendService = "amend_service"
    case amendFunding = "amend_funding"
    case correctName = "correct_name"
}

/// Why a request was refused: text that may name other fields and remedies, kept apart so that
/// each front end can name them in its own words.
///
/// ```swift
/// let reason: Reason = "is before \(field: "apply_by") 2013-06-01"
/// reason.rendered { "--" + $0.rawValue } remedy: { ... }   // "is before --apply-by 2013-06-01"
/// ```
public struct Reason: Sendable, Equatable, ExpressibleByStringInterpolation, CustomStringConvertible {
    public enum Segment: Sendable, Equatable {
        case text(String)
        case field(Field)
        case remedy(Remedy)
    }

    public var segments: [Segment]

    public init(segments: [Segment]) { self.segments = segments }
    public init(_ text: String) { segments = [.text(text)] }

    /// A reason written by SQL, where `{field:key}` and `{remedy:key}` stand for a field or a
    /// remedy (SQL has no interpolation of ours); anything else is text.
    public init(parsing text: String) {
        var interpolation = StringInterpolation(literalCapacity: text.count, interpolationCount: 0)
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            let marker = rest[rest.index(after: open)..<close]
            let parts = marker.split(separator: ":", maxSplits: 1).map(String.init)
            interpolation.appendLiteral(String(rest[..<open]))
            if parts.count == 2, parts[0] == "field" {
                interpolation.appendInterpolation(field: Field(parts[1]))
            } else if parts.count == 2, parts[0] == "remedy", let remedy = Remedy(rawValue: parts[1]) {
                interpolation.appendInterpolation(remedy: remedy)
            } else {
                interpolation.appendLiteral(String(rest[open...close]))
            }
            rest = rest[rest.index(after: close)...]
        }
        interpolation.appendLiteral(String(rest))
        segments = interpolation.segments
    }
    public init(stringLiteral value: String) { segments = [.text(value)] }
    public init(stringInterpolation: StringInterpolation) { segments = stringInterpolation.segments }

    public struct StringInterpolation: StringInterpolationProtocol {
        var segments: [Segment] = []

        public init(literalCapacity: Int, interpolationCount: Int) {}

        public mutating func appendLiteral(_ literal: String) { appendText(literal) }
        public mutating func appendInterpolation<T>(_ value: T) { appendText(String(describing: value)) }
        public mutating func appendInterpolation(field: Field) { segments.append(.field(field)) }
        public mutating func appendInterpolation(remedy: Remedy) { segments.append(.remedy(remedy)) }

        private mutating func appendText(_ text: String) {
            guard !text.isEmpty else { return }
            if case .text(let previous)? = segments.last {
                segments[segments.count - 1] = .text(previous + text)
            } else {
                segments.append(.text(text))
            }
        }
    }

    /// The reason with each field and remedy named by the front end.
    public func rendered(field: (Field) -> String, remedy: (Remedy) -> String) -> String {
        segments.map { segment in
            switch segment {
            case .text(let text): text
            case .field(let name): field(name)
            case .remedy(let action): remedy(action)
            }
        }.joined()
    }

    /// Field keys as they are, remedies by their key: the front-end-neutral form.
    public var description: String { rendered(field: \.rawValue) { "<\($0.rawValue)>" } }
}

/// A domain error: what the user asked for cannot be done, said in the domain's terms (field
/// keys and reasons, never a front end's flags or commands).
public enum WorkforceError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A value given in a request or in a file is not acceptable.
    case invalid(field: Field, value: String, reason: Reason)
    /// Something named does not exist.
    case notFound(Reason)
    /// The request contradicts what is on record.
    case conflict(Reason)
    /// A rule of the domain refuses it, whatever is on record: a person not eligible for an event.
    case refused(Reason)

    /// The message with fields and remedies named by the front end, and the refused value as it
    /// chooses to quote it; an empty value (or one withheld, such as a refused name) is not quoted.
    public func message(
        field: (Field) -> String, remedy: (Remedy) -> String, value quote: (String) -> String = { $0 }
    ) -> String {
        switch self {
        case .invalid(let name, let value, let reason):
            (value.isEmpty ? field(name) : "\(field(name)) '\(quote(value))'")
                + ": \(reason.rendered(field: field, remedy: remedy))"
        case .notFound(let reason), .conflict(let reason), .refused(let reason):
            reason.rendered(field: field, remedy: remedy)
        }
    }

    public var description: String { message(field: \.rawValue) { "<\($0.rawValue)>" } }
}
