import PostgresClient
import TestSupport
import Testing

private enum Shade: String, PostgresDecodable {
    case light, dark
}

/// Reading columns by position and name is checked: a wrong index, a missing name or a value no
/// enum case has is a decoding error that names the column, never NULL and never a trap.
@Suite(.database) struct DecodingTests {
    @Test func anOutOfRangeColumnIndexIsAnError() throws {
        try TestDatabase.withSchema(migrated: false) { (db: Connection) throws in
            let row = try db.query("SELECT 1 AS one").single()
            let error = #expect(throws: PostgresDecodingError.self) { try row.decode(1, as: Int?.self) }
            #expect(error?.reason == .columnOutOfRange)
            #expect(error?.description.contains("#1") == true)
            #expect(throws: PostgresDecodingError.self) { try row.decode(-1, as: Int.self) }
            #expect(throws: PostgresDecodingError.self) { try row.text(3) }
            #expect(try row.text(0) == "1")
        }
    }

    @Test func aMissingColumnNameIsItsOwnError() throws {
        try TestDatabase.withSchema(migrated: false) { (db: Connection) throws in
            let row = try db.query("SELECT 1 AS one").single()
            let error = #expect(throws: PostgresDecodingError.self) { try row.decode("two", as: Int.self) }
            #expect(error?.reason == .missingColumn)
            #expect(error?.description.contains("'two'") == true)
        }
    }

    @Test func enumsDecodeThroughTheirRawValueAndAnUnknownOneNamesColumnAndType() throws {
        try TestDatabase.withSchema(migrated: false) { (db: Connection) throws in
            let row = try db.query("SELECT 'dark' AS shade, 'violet' AS other, NULL AS none").single()
            #expect(try row.decode("shade", as: Shade.self) == .dark)
            #expect(try row.decode("none", as: Shade?.self) == nil)
            let error = #expect(throws: PostgresDecodingError.self) { try row.decode("other", as: Shade.self) }
            #expect(error?.reason == .unknownRawValue)
            #expect(error?.description.contains("'other'") == true)
            #expect(error?.description.contains("Shade") == true)
            #expect(error?.description.contains("violet") == false)
        }
    }

    @Test func arraysDecodeElementByElement() throws {
        try TestDatabase.withSchema(migrated: false) { (db: Connection) throws in
            let row = try db.query(
                """
                SELECT ARRAY['a', 'b c', NULL, 'NULL', 'x"y\\z', '{}'] AS texts, '{}'::text[] AS empty,
                       ARRAY['light', 'dark'] AS shades, ARRAY[1, 2, 3] AS numbers, ARRAY[[1], [2]] AS matrix,
                       ARRAY['light', 'violet'] AS odd
                """
            ).single()
            #expect(try row.decode("texts", as: [String?].self) == ["a", "b c", nil, "NULL", "x\"y\\z", "{}"])
            #expect(try row.decode("empty", as: [String].self) == [])
            #expect(try row.decode("shades", as: [Shade].self) == [.light, .dark])
            #expect(try row.decode("numbers", as: [Int].self) == [1, 2, 3])
            #expect(throws: PostgresDecodingError.self) { try row.decode("texts", as: [String].self) }
            #expect(throws: PostgresDecodingError.self) { try row.decode("matrix", as: [Int].self) }
            let odd = #expect(throws: PostgresDecodingError.self) { try row.decode("odd", as: [Shade].self) }
            #expect(odd?.reason == .unknownRawValue)
        }
    }

    @Test func firstAndSingle() throws {
        try TestDatabase.withSchema(migrated: false) { (db: Connection) throws in
            #expect(try db.query("SELECT 1 WHERE false").first == nil)
            #expect(try db.query("SELECT generate_series(7, 9)").first?.decode(0, as: Int.self) == 7)
            #expect(throws: PostgresError.self) { try db.query("SELECT 1 WHERE false").single() }
            #expect(throws: PostgresError.self) { try db.query("SELECT generate_series(1, 2)").single() }
            #expect(try db.query("SELECT 5").single().decode(0, as: Int.self) == 5)
        }
    }
}
