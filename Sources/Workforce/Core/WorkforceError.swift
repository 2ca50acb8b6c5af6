import PostgresClient

/// A domain error: what the user asked for cannot be done, said in the user's terms.
public enum WorkforceError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A value given on the command line or in a file is not acceptable.
    case invalid(field: String, value: String, reason: String)
    /// Something named does not exist.
    case notFound(String)
    /// The request contradicts what is on record.
    case conflict(String)

    public var description: String {
        switch self {
        case .invalid(let field, let value, let reason): "\(field) '\(value)': \(reason)"
        case .notFound(let message): message
        case .conflict(let message): message
        }
    }
}

extension PostgresError {
    /// The reason the database gave when one of the code validators refused a value.
    var codeProblem: String? {
        guard sqlState == .checkViolation else { return nil }
        return message
    }
}
