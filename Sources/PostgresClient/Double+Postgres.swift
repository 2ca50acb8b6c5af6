extension Double: PostgresEncodable, PostgresDecodable {
    public static var postgresType: PostgresType { .float8 }
    public var postgresText: String? { String(self) }
    public init(postgresText text: String, type: PostgresType) throws(PostgresDecodingError.Reason) {
        guard let value = Double(text) else { throw .invalidText }
        self = value
    }
}
