extension Int: PostgresEncodable, PostgresDecodable {
    public static var postgresType: PostgresType { .int8 }
    public var postgresText: String? { String(self) }
    public init(postgresText text: String, type: PostgresType) throws(PostgresDecodingError.Reason) {
        guard let value = Int(text) else { throw .invalidText }
        self = value
    }
}

extension Int64: PostgresEncodable, PostgresDecodable {
    public static var postgresType: PostgresType { .int8 }
    public var postgresText: String? { String(self) }
    public init(postgresText text: String, type: PostgresType) throws(PostgresDecodingError.Reason) {
        guard let value = Int64(text) else { throw .invalidText }
        self = value
    }
}

extension Int32: PostgresEncodable, PostgresDecodable {
    public static var postgresType: PostgresType { .int4 }
    public var postgresText: String? { String(self) }
    public init(postgresText text: String, type: PostgresType) throws(PostgresDecodingError.Reason) {
        guard let value = Int32(text) else { throw .invalidText }
        self = value
    }
}
