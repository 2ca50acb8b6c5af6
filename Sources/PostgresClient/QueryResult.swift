internal import CLibPQ

/// The rows a statement returned. Owns libpq's `PGresult` and frees it when released.
///
/// Iterate it for ``Row`` values and decode columns by name or index:
///
/// ```swift
/// for row in try db.query("SELECT id_number, hired_on FROM ...") {
///     let id: String = try row.decode("id_number")
///     let hired: CalendarDate? = try row.decode("hired_on")
/// }
/// ```
public final class QueryResult: Sequence {
    private let handle: OpaquePointer

    init(owning handle: OpaquePointer) {
        self.handle = handle
    }

    deinit {
        PQclear(handle)
    }

    public var count: Int { Int(PQntuples(handle)) }
    public var columnCount: Int { Int(PQnfields(handle)) }
    public var isEmpty: Bool { count == 0 }

    /// Rows affected by INSERT, UPDATE, DELETE, COPY and the like; 0 when not reported.
    public var affectedRows: Int {
        guard let text = PQcmdTuples(handle) else { return 0 }
        return Int(String(cString: text)) ?? 0
    }

    public lazy var columnNames: [String] = (0..<columnCount).map { String(cString: PQfname(handle, Int32($0))) }

    public func columnIndex(named name: String) -> Int? {
        columnNames.firstIndex(of: name)
    }

    public subscript(row: Int) -> Row { Row(result: self, index: row) }

    public func makeIterator() -> AnyIterator<Row> {
        var index = 0
        return AnyIterator {
            guard index < self.count else { return nil }
            defer { index += 1 }
            return Row(result: self, index: index)
        }
    }

    /// The first row, or nil when there is none.
    public var first: Row? { isEmpty ? nil : self[0] }

    /// The single row of a query that must return exactly one.
    ///
    /// - Throws: ``PostgresError`` (kind `.client`) when there are no rows or more than one.
    public func single() throws(PostgresError) -> Row {
        guard count == 1 else {
            throw PostgresError(kind: .client, message: "expected one row, got \(count)")
        }
        return self[0]
    }

    func text(row: Int, column: Int) -> String? {
        guard PQgetisnull(handle, Int32(row), Int32(column)) == 0 else { return nil }
        return String(cString: PQgetvalue(handle, Int32(row), Int32(column)))
    }

    func type(column: Int) -> PostgresType {
        PostgresType(oid: UInt32(PQftype(handle, Int32(column))))
    }
}

/// One row of a ``QueryResult``. Valid only while its result is alive, which it keeps alive.
public struct Row {
    let result: QueryResult
    let index: Int

    /// Decodes a column by position.
    ///
    /// - Throws: ``PostgresDecodingError`` naming the column when the value is NULL for a
    ///   non-optional type or does not parse as `T`, and with reason `.columnOutOfRange` when the
    ///   result has no column at that position.
    public func decode<T: PostgresDecodable>(_ column: Int, as type: T.Type = T.self) throws(PostgresDecodingError) -> T
    {
        try checkRange(column, decoding: T.self)
        let columnType = result.type(column: column)
        func failure(_ reason: PostgresDecodingError.Reason, _ text: String?) -> PostgresDecodingError {
            PostgresDecodingError(
                reason: reason, column: result.columnNames[column], columnIndex: column,
                expectedType: String(describing: T.self), actualType: columnType, valueForDiagnostics: text)
        }
        guard let text = result.text(row: index, column: column) else {
            guard let null = T.postgresNull else { throw failure(.unexpectedNull, nil) }
            return null
        }
        do {
            return try T(postgresText: text, type: columnType)
        } catch {
            throw failure(error, text)
        }
    }

    /// Decodes a column by name.
    ///
    /// - Throws: ``PostgresDecodingError`` with reason `.missingColumn` when the result has no
    ///   column of that name, or as ``decode(_:as:)-(Int,_)`` does.
    public func decode<T: PostgresDecodable>(_ column: String, as type: T.Type = T.self) throws(PostgresDecodingError)
        -> T
    {
        guard let position = result.columnIndex(named: column) else {
            throw PostgresDecodingError(
                reason: .missingColumn, column: column, columnIndex: -1,
                expectedType: String(describing: T.self), actualType: .unknown, valueForDiagnostics: nil)
        }
        return try decode(position, as: T.self)
    }

    /// The raw text of a column, nil for NULL.
    ///
    /// - Throws: ``PostgresDecodingError`` with reason `.columnOutOfRange` when the result has no
    ///   column at that position.
    public func text(_ column: Int) throws(PostgresDecodingError) -> String? {
        try checkRange(column, decoding: String.self)
        return result.text(row: index, column: column)
    }

    private func checkRange<T>(_ column: Int, decoding: T.Type) throws(PostgresDecodingError) {
        guard column < 0 || column >= result.columnCount else { return }
        throw PostgresDecodingError(
            reason: .columnOutOfRange, column: "#\(column)", columnIndex: column,
            expectedType: String(describing: T.self), actualType: .unknown, valueForDiagnostics: nil)
    }
}
