/// A PostgreSQL type OID, as sent with each bound parameter.
///
/// Related PostgreSQL documentation: <https://www.postgresql.org/docs/current/datatype-oid.html>
public struct PostgresType: Hashable, Sendable, CustomStringConvertible {
    public let oid: UInt32
    public init(oid: UInt32) { self.oid = oid }

    public static let bool = PostgresType(oid: 16)
    public static let int8 = PostgresType(oid: 20)
    public static let int2 = PostgresType(oid: 21)
    public static let int4 = PostgresType(oid: 23)
    public static let text = PostgresType(oid: 25)
    public static let float8 = PostgresType(oid: 701)
    public static let unknown = PostgresType(oid: 705)
    public static let varchar = PostgresType(oid: 1043)
    public static let bpchar = PostgresType(oid: 1042)
    public static let date = PostgresType(oid: 1082)
    public static let timestamp = PostgresType(oid: 1114)
    public static let numeric = PostgresType(oid: 1700)
    public static let textArray = PostgresType(oid: 1009)
    public static let int8Array = PostgresType(oid: 1016)
    public static let dateArray = PostgresType(oid: 1182)

    public var description: String { "oid \(oid)" }
}

/// A Swift value that can be bound as a query parameter, in PostgreSQL's text format.
public protocol PostgresEncodable: Sendable {
    /// The type the server should read the parameter as.
    static var postgresType: PostgresType { get }
    /// The text form of the value, or nil for SQL NULL.
    var postgresText: String? { get }
}

/// A Swift value that can be read from a result column in PostgreSQL's text format.
public protocol PostgresDecodable {
    /// Decodes the text form of a non-NULL column value; throws when the text does not fit.
    init(postgresText text: String, type: PostgresType) throws(PostgresDecodingError.Reason)
    /// The value for SQL NULL, or nil when this type cannot represent NULL.
    static var postgresNull: Self? { get }
}

extension PostgresDecodable {
    public static var postgresNull: Self? { nil }
}

/// A column value that did not fit the Swift type asked for.
///
/// It names the column, its index and the expected type; the value itself is kept out of
/// `description` and shown only through `valueForDiagnostics`, because it may be personal data.
public struct PostgresDecodingError: Error, Sendable, CustomStringConvertible {
    public enum Reason: Error, Sendable {
        case unexpectedNull
        case invalidText
        /// The text decodes as the raw value, but no case of the `RawRepresentable` type has it.
        case unknownRawValue
        /// The result has no column at the index asked for.
        case columnOutOfRange
        /// The result has no column of the name asked for.
        case missingColumn
    }
    public var reason: Reason
    public var column: String
    public var columnIndex: Int
    public var expectedType: String
    public var actualType: PostgresType
    /// The raw text of the value; deliberately not part of `description`.
    public var valueForDiagnostics: String?

    public var description: String {
        switch reason {
        case .unexpectedNull:
            return "column '\(column)' (#\(columnIndex)) is NULL but \(expectedType) cannot be NULL"
        case .invalidText:
            return "column '\(column)' (#\(columnIndex), \(actualType)) does not decode as \(expectedType)"
        case .unknownRawValue:
            return "column '\(column)' (#\(columnIndex), \(actualType)) holds no raw value of \(expectedType)"
        case .columnOutOfRange:
            return "no column #\(columnIndex) in the result (decoding \(expectedType))"
        case .missingColumn:
            return "no column named '\(column)' in the result (decoding \(expectedType))"
        }
    }
}

/// Enums and other `RawRepresentable` types decode through their raw value: declare the
/// conformance and this implementation does the rest.
///
/// ```swift
/// extension Department: PostgresDecodable {}
/// let department = try row.decode("department", as: Department.self)
/// ```
///
/// An unknown raw value throws ``PostgresDecodingError`` with reason `.unknownRawValue`, naming
/// the column and the type; it never traps.
extension PostgresDecodable where Self: RawRepresentable, RawValue: PostgresDecodable {
    public init(postgresText text: String, type: PostgresType) throws(PostgresDecodingError.Reason) {
        let rawValue = try RawValue(postgresText: text, type: type)
        guard let value = Self(rawValue: rawValue) else { throw .unknownRawValue }
        self = value
    }
}

extension Optional: PostgresEncodable where Wrapped: PostgresEncodable {
    public static var postgresType: PostgresType { Wrapped.postgresType }
    public var postgresText: String? { self?.postgresText }
}

extension Optional: PostgresDecodable where Wrapped: PostgresDecodable {
    public init(postgresText text: String, type: PostgresType) throws(PostgresDecodingError.Reason) {
        self = .some(try Wrapped(postgresText: text, type: type))
    }
    public static var postgresNull: Self? { .some(.none) }
}
