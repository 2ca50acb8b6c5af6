/// A `COPY table (columns) FROM STDIN` statement, made of identifiers only.
///
/// COPY takes no parameters, so this type has no way to carry a value: the rows travel through
/// the ``CopyWriter`` instead. The table and column names are quoted as identifiers.
///
/// ```swift
/// let copy = CopyStatement(table: "import_staging", columns: ["line", "id_number"])
/// // COPY "import_staging" ("line", "id_number") FROM STDIN
/// ```
///
/// Related PostgreSQL documentation: <https://www.postgresql.org/docs/current/sql-copy.html>
public struct CopyStatement: Sendable, CustomStringConvertible {
    public let table: String
    public let columns: [String]

    /// - Parameters:
    ///   - table: the table to copy into, an unqualified identifier.
    ///   - columns: the columns each row gives, in order.
    public init(table: String, columns: [String]) {
        self.table = table
        self.columns = columns
    }

    /// The statement text, in PostgreSQL's text format.
    public var sql: String {
        let columnList = columns.map(SQLQuery.quoteIdentifier).joined(separator: ", ")
        return "COPY \(SQLQuery.quoteIdentifier(table)) (\(columnList)) FROM STDIN"
    }

    public var description: String { sql }
}

/// Writes rows into a running `COPY ... FROM STDIN` in PostgreSQL's text format, buffering them
/// into large chunks so that a million rows cost a few hundred libpq calls.
///
/// Only valid inside ``Connection/copyIn(_:_:)``.
public final class CopyWriter {
    private unowned let connection: Connection
    private var buffer: [UInt8] = []
    private let chunkSize = 256 * 1024

    init(connection: Connection) {
        self.connection = connection
        buffer.reserveCapacity(chunkSize + 4096)
    }

    /// Writes one row; nil fields are SQL NULL. Tabs, newlines and backslashes in values are escaped.
    ///
    /// - Throws: ``PostgresError`` naming the field's position (not its value) when a field holds a
    ///   NUL byte, which PostgreSQL text cannot hold; the row is not written.
    public func writeRow(_ fields: [String?]) throws(PostgresError) {
        let rowStart = buffer.count
        for (index, field) in fields.enumerated() {
            if index > 0 { buffer.append(UInt8(ascii: "\t")) }
            guard let field else {
                buffer.append(UInt8(ascii: "\\"))
                buffer.append(UInt8(ascii: "N"))
                continue
            }
            let needsEscaping = field.utf8.contains { $0 == UInt8(ascii: "\\") || $0 <= 13 }
            if needsEscaping, field.utf8.contains(0) {
                buffer.removeSubrange(rowStart...)
                throw PostgresError(
                    kind: .client,
                    message: "field \(index + 1) of a COPY row contains a NUL byte, which PostgreSQL text cannot hold")
            }
            if !needsEscaping {
                buffer.append(contentsOf: field.utf8)
                continue
            }
            for byte in field.utf8 {
                switch byte {
                case UInt8(ascii: "\\"): buffer.append(UInt8(ascii: "\\")); buffer.append(UInt8(ascii: "\\"))
                case UInt8(ascii: "\t"): buffer.append(UInt8(ascii: "\\")); buffer.append(UInt8(ascii: "t"))
                case UInt8(ascii: "\n"): buffer.append(UInt8(ascii: "\\")); buffer.append(UInt8(ascii: "n"))
                case UInt8(ascii: "\r"): buffer.append(UInt8(ascii: "\\")); buffer.append(UInt8(ascii: "r"))
                default: buffer.append(byte)
                }
            }
        }
        buffer.append(UInt8(ascii: "\n"))
        if buffer.count >= chunkSize { try flush() }
    }

    func flush() throws(PostgresError) {
        guard !buffer.isEmpty else { return }
        let connection = self.connection
        let result: Result<Void, PostgresError> = buffer.withUnsafeBytes { bytes in
            Result { () throws(PostgresError) in try connection.putCopyData(bytes) }
        }
        try result.get()
        buffer.removeAll(keepingCapacity: true)
    }
}
