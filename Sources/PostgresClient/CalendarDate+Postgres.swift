public import CalendarDates

extension CalendarDate: PostgresEncodable, PostgresDecodable {
    public static var postgresType: PostgresType { .date }
    public var postgresText: String? { iso }
    /// Reads the ISO form; the connection pins DateStyle to ISO so the server always sends it.
    public init(postgresText text: String, type: PostgresType) throws(PostgresDecodingError.Reason) {
        guard let date = CalendarDate(iso: text) else { throw .invalidText }
        self = date
    }
}
