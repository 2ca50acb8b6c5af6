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

    /// A region code that names a division of the code table, normalized, or a domain error
    /// naming `field`: six digits under a known province (``Codes/checkRegion(_:)``), and a
    /// province and prefecture that are rows of region (sql/0013 `region_code_unknown`, the rule
    /// the database enforces on every table that stores a region code).
    func known(_ code: String, field: Field = "region") throws -> String {
        let normalized = try Codes.validRegion(code, field: field)
        let problem: String? = try db.query("SELECT region_code_unknown(\(normalized))").single().decode(0)
        if let problem { throw WorkforceError.invalid(field: field, value: code, reason: Reason(problem)) }
        return normalized
    }

}
