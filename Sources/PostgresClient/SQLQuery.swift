/// A SQL statement and its bound values, built by string interpolation.
///
/// Each interpolated value becomes a `$n` placeholder and travels separately from the SQL text,
/// so no value is ever spliced into SQL:
///
/// ```swift
/// let query: SQLQuery = "SELECT name FROM person WHERE id_number = \(idNumber)"
/// // sql: "SELECT name FROM person WHERE id_number = $1", binds: [idNumber]
/// ```
///
/// Raw SQL fragments need the explicit `\(unsafeRaw:)` label, and identifiers `\(identifier:)`,
/// which quotes them.
public struct SQLQuery: Sendable, ExpressibleByStringInterpolation, CustomStringConvertible {
    public private(set) var sql: String
    public private(set) var binds: [any PostgresEncodable]

    public init(stringLiteral value: String) {
        sql = value
        binds = []
    }

    public init(stringInterpolation: StringInterpolation) {
        sql = stringInterpolation.sql
        binds = stringInterpolation.binds
    }

    /// Creates a query from SQL text with `$n` placeholders and their values.
    public init(unsafeSQL sql: String, binds: [any PostgresEncodable] = []) {
        self.sql = sql
        self.binds = binds
    }

    public struct StringInterpolation: StringInterpolationProtocol {
        var sql = ""
        var binds: [any PostgresEncodable] = []

        public init(literalCapacity: Int, interpolationCount: Int) {
            sql.reserveCapacity(literalCapacity + interpolationCount * 3)
        }

        public mutating func appendLiteral(_ literal: String) {
            sql += literal
        }

        public mutating func appendInterpolation(_ value: some PostgresEncodable) {
            binds.append(value)
            sql += "$\(binds.count)"
        }

        /// Binds an optional value: nil becomes SQL NULL.
        public mutating func appendInterpolation<Value: PostgresEncodable>(_ value: Value?) {
            binds.append(value)
            sql += "$\(binds.count)"
        }

        /// Appends SQL text as it is. Never pass user input here.
        public mutating func appendInterpolation(unsafeRaw fragment: String) {
            sql += fragment
        }

        /// Appends a quoted identifier (a table or column name).
        public mutating func appendInterpolation(identifier name: String) {
            sql += SQLQuery.quoteIdentifier(name)
        }

        /// Appends another query, renumbering its placeholders.
        public mutating func appendInterpolation(_ query: SQLQuery) {
            sql += SQLQuery.renumber(query.sql, offset: binds.count)
            binds += query.binds
        }
    }

    /// Quotes an identifier the way the server reads it back: in double quotes, quotes doubled.
    public static func quoteIdentifier(_ name: String) -> String {
        "\"" + name.replacingAll("\"", with: "\"\"") + "\""
    }

    static func renumber(_ sql: String, offset: Int) -> String {
        guard offset > 0 else { return sql }
        var result = ""
        var index = sql.startIndex
        while index < sql.endIndex {
            let character = sql[index]
            if character == "$" {
                var end = sql.index(after: index)
                while end < sql.endIndex, sql[end].isASCII, sql[end].isNumber { end = sql.index(after: end) }
                if let number = Int(sql[sql.index(after: index)..<end]) {
                    result += "$\(number + offset)"
                    index = end
                    continue
                }
            }
            result.append(character)
            index = sql.index(after: index)
        }
        return result
    }

    public var description: String { sql }
}

extension String {
    func replacingAll(_ target: Character, with replacement: String) -> String {
        var result = ""
        for character in self {
            if character == target { result += replacement } else { result.append(character) }
        }
        return result
    }
}
