extension String: PostgresEncodable, PostgresDecodable {
    public static var postgresType: PostgresType { .text }
    public var postgresText: String? { self }
    public init(postgresText text: String, type: PostgresType) { self = text }
}
