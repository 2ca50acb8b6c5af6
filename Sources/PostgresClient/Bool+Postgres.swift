extension Bool: PostgresEncodable, PostgresDecodable {
    public static var postgresType: PostgresType { .bool }
    public var postgresText: String? { self ? "t" : "f" }
    public init(postgresText text: String, type: PostgresType) throws(PostgresDecodingError.Reason) {
        switch text {
        case "t", "true": self = true
        case "f", "false": self = false
        default: throw .invalidText
        }
    }
}
