public import CalendarDates

extension LocalDateTime: PostgresEncodable, PostgresDecodable {
    public static var postgresType: PostgresType { .timestamp }
    public var postgresText: String? { description + ":00" }
    /// Reads the server's `YYYY-MM-DD HH:MM:SS` form; seconds are dropped.
    public init(postgresText text: String, type: PostgresType) throws(PostgresDecodingError.Reason) {
        guard let value = LocalDateTime(text: text) else { throw .invalidText }
        self = value
    }
}
