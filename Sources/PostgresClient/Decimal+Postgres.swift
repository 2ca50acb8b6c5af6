public import Foundation

/// Money and other exact quantities: `numeric` travels as decimal text, never through a Double.
extension Decimal: PostgresEncodable, PostgresDecodable {
    public static var postgresType: PostgresType { .numeric }
    public var postgresText: String? { NSDecimalNumber(decimal: self).description(withLocale: nil) }
    public init(postgresText text: String, type: PostgresType) throws(PostgresDecodingError.Reason) {
        guard text != "NaN", let value = Decimal(string: text, locale: Locale(identifier: "en_US_POSIX"))
        else { throw .invalidText }
        self = value
    }
}
