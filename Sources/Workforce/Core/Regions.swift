public import PostgresClient

/// The administrative divisions of GB/T 2260 that the database names (sql/0001, sql/0008).
public struct Regions {
    public let db: Connection

    public init(db: Connection) {
        self.db = db
    }

    /// Every named division's name by its six-digit code.
    public func names() throws -> [String: String] {
        var names: [String: String] = [:]
        for row in try db.query("SELECT code, name FROM region") { names[try row.decode(0)] = try row.decode(1) }
        return names
    }
}
