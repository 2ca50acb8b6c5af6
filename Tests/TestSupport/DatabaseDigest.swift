public import PostgresClient

/// Every esw table of the test's schema with its row count and an md5 of all its rows (as text,
/// in text order), so that a test can show that a refused command changed nothing at all.
///
/// ```swift
/// let before = try DatabaseDigest(db)
/// #expect(throws: ImportRejected.self) { try staff.importFile(path: hostile, options: options) }
/// #expect(try DatabaseDigest(db) == before)
/// ```
public struct DatabaseDigest: Equatable, CustomStringConvertible {
    public struct Table: Equatable, Sendable {
        public let name: String
        public let rows: Int
        public let md5: String
    }

    public let tables: [Table]

    public init(_ db: Connection) throws {
        let names: [String] = try db.query(
            """
            SELECT c.relname::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') ORDER BY 1
            """
        ).map { try $0.decode(0) }
        tables = try names.map { name in
            let row = try db.query(
                """
                SELECT count(*), coalesce(md5(string_agg(t::text, E'\\n' ORDER BY t::text COLLATE "C")), '')
                FROM \(identifier: name) t
                """
            ).single()
            return Table(name: name, rows: try row.decode(0), md5: try row.decode(1))
        }
    }

    /// The row count of one table, nil when the schema has no such table.
    public func rows(of table: String) -> Int? { tables.first { $0.name == table }?.rows }

    /// Rows of every table, to check that a digest covers something.
    public var totalRows: Int { tables.reduce(0) { $0 + $1.rows } }

    public var description: String {
        tables.map { "\($0.name): \($0.rows) rows, md5 \($0.md5)" }.joined(separator: "\n")
    }
}
