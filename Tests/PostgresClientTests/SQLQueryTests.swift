import CalendarDates
import PostgresClient
import Testing

@Suite struct SQLQueryTests {
    @Test func interpolatedValuesBecomeNumberedPlaceholders() {
        let id = "110105199003071239"
        let query: SQLQuery = "SELECT name FROM person WHERE id_number = \(id) AND id > \(5)"
        #expect(query.sql == "SELECT name FROM person WHERE id_number = $1 AND id > $2")
        #expect(query.binds.count == 2)
        #expect(query.binds[0].postgresText == id)
        #expect(query.binds[1].postgresText == "5")
    }

    @Test func nilBindsAsNull() {
        let missing: String? = nil
        let query: SQLQuery = "SELECT \(missing)"
        #expect(query.sql == "SELECT $1")
        #expect(query.binds[0].postgresText == nil)
    }

    @Test func quotesInValuesNeverReachTheSQLText() {
        let hostile = "'); DROP TABLE person; --"
        let query: SQLQuery = "SELECT \(hostile)"
        #expect(!query.sql.contains("DROP"))
    }

    @Test func identifiersAreQuotedAndRawFragmentsNeedTheirLabel() {
        let query: SQLQuery = "SELECT * FROM \(identifier: "we\"ird") ORDER BY \(unsafeRaw: "name")"
        #expect(query.sql == #"SELECT * FROM "we""ird" ORDER BY name"#)
        #expect(query.binds.isEmpty)
    }

    @Test func embeddedQueriesAreRenumbered() {
        let inner: SQLQuery = "id = \(1) OR id = \(2)"
        let outer: SQLQuery = "SELECT \(0) WHERE \(inner)"
        #expect(outer.sql == "SELECT $1 WHERE id = $2 OR id = $3")
        #expect(outer.binds.map(\.postgresText) == ["0", "1", "2"])
    }

    @Test func arraysBindAsOneArrayLiteral() {
        let query: SQLQuery = "SELECT 1 WHERE x = ANY(\(["a", "b\"c", "d\\e"]))"
        #expect(query.binds.count == 1)
        #expect(query.binds[0].postgresText == #"{"a","b\"c","d\\e"}"#)
        #expect(type(of: query.binds[0]).postgresType == .textArray)
    }
}

@Suite struct CalendarDateTests {
    @Test func rejectsDaysThatDoNotExist() {
        #expect(CalendarDate(year: 1990, month: 2, day: 30) == nil)
        #expect(CalendarDate(year: 2000, month: 2, day: 29) != nil)
        #expect(CalendarDate(year: 1900, month: 2, day: 29) == nil)
        #expect(CalendarDate(iso: "2013-13-01") == nil)
    }

    @Test func daysSinceEpochRoundTrips() {
        for days in stride(from: -800_000, through: 800_000, by: 997) {
            #expect(CalendarDate(daysSinceEpoch: days).daysSinceEpoch == days)
        }
        #expect(CalendarDate(iso: "1970-01-01")!.daysSinceEpoch == 0)
        #expect(CalendarDate(iso: "2013-06-01")!.adding(days: 30).iso == "2013-07-01")
    }

    @Test func addingMonthsClampsToTheMonthsEnd() {
        #expect(CalendarDate(iso: "2013-01-31")!.adding(months: 1).iso == "2013-02-28")
        #expect(CalendarDate(iso: "2013-11-15")!.adding(months: 3).iso == "2014-02-15")
    }
}
