import CalendarDates
import PostgresClient
import TestSupport
import Testing
import Workforce

let testToday = CalendarDate(iso: "2026-11-27")!

/// The vectors of domain.md §3, checked in Swift and, for the database, in SQL.
@Suite struct CodesTests {
    /// A name of ideographs is answered without walking its characters (the roster import's
    /// common case); spaces around it are still trimmed, full-width ones too.
    @Test func namesOfIdeographsAreTrimmedOnlyOfSpaces() {
        #expect("张三".trimmingSpaces == "张三")
        #expect("熊杰\u{3000}".trimmingSpaces == "熊杰")
        #expect("\u{3000}熊杰".trimmingSpaces == "熊杰")
        #expect(" 欧阳 娜娜\t".trimmingSpaces == "欧阳 娜娜")
        #expect("张三\u{00A0}".trimmingSpaces == "张三")
        #expect("\u{FEFF}张三".trimmingSpaces == "张三")
        #expect("x张".trimmingSpaces == "x张")
    }

    @Test(arguments: [
        "110105199003071239", "11010519491231002X", "440524188001010014", "360426199101010071", "810000199001010019",
    ])
    func validIDNumbers(id: String) {
        #expect(Codes.checkIDNumber(id, today: testToday) == .valid(normalized: id))
    }

    @Test func lowerCaseXIsAcceptedAndUpperCased() {
        #expect(Codes.checkIDNumber("11010519491231002x", today: testToday) == .valid(normalized: "11010519491231002X"))
        #expect(Codes.checkIDNumber(" 11010519491231002x\u{3000}", today: testToday).normalized == "11010519491231002X")
    }

    @Test(arguments: [
        ("110105199003071238", "check character should be 9, found 8"),
        ("110105199002301231", "birth date 19900230 is not a real date"),
        ("110105199902301235", "birth date 19990230 is not a real date"),
        ("11010519900307123", "must be 18 characters, found 17"),
        ("1101051990030712390", "must be 18 characters, found 19"),
        ("11010519900307123A", "check character must be a digit or upper-case X, found 'A'"),
        ("1101051990A307123X", "characters 1-17 must be digits"),
        ("990105199003071236", "address code 990105 does not start with a known province-level prefix"),
    ])
    func invalidIDNumbers(id: String, reason: String) {
        #expect(Codes.checkIDNumber(id, today: testToday) == .invalid(reason: reason))
    }

    @Test func birthDatesInTheFutureAreRefused() {
        let future = Fixtures.idNumber(birth: "20301231", sequence: 1)
        #expect(
            Codes.checkIDNumber(future, today: testToday) == .invalid(reason: "birth date 2030-12-31 is in the future"))
    }

    @Test(arguments: ["52440300MJ000123XJ", "91110000600037341L", "51110000123456788R"])
    func validUSCCs(code: String) {
        #expect(Codes.checkUSCC(code) == .valid(normalized: code))
    }

    @Test(arguments: [
        ("52440300MJ000123XK", "check character should be J, found K"),
        (
            "52440300MJ000I23XJ",
            "character 14 ('I') is not in the USCC character set (digits and upper-case letters except I, O, Z, S, V)"
        ),
        (
            "52440300MJ000O23XJ",
            "character 14 ('O') is not in the USCC character set (digits and upper-case letters except I, O, Z, S, V)"
        ),
        (
            "Z2440300MJ000123XJ",
            "character 1 ('Z') is not in the USCC character set (digits and upper-case letters except I, O, Z, S, V)"
        ),
        (
            "52440300MJ000123SJ",
            "character 17 ('S') is not in the USCC character set (digits and upper-case letters except I, O, Z, S, V)"
        ),
        (
            "52440300MJ0001V3XJ",
            "character 15 ('V') is not in the USCC character set (digits and upper-case letters except I, O, Z, S, V)"
        ),
        ("52440A00MJ000123XJ", "characters 3-8 (registration region code) must be digits, found '440A00'"),
        ("52440300MJ000123X", "must be 18 characters, found 17"),
        ("52440300MJ0001231J", "organization code check character (position 17) should be X, found 1"),
        ("91350100M0001TGQXM", "check character should be 1, found M"),
    ])
    func invalidUSCCs(code: String, reason: String) {
        #expect(Codes.checkUSCC(code) == .invalid(reason: reason))
    }

    @Test func regionCodes() {
        #expect(Codes.checkRegion("440305") == .valid(normalized: "440305"))
        #expect(Codes.checkRegion("44030") == .invalid(reason: "region code must be 6 digits, found '44030'"))
        #expect(
            Codes.checkRegion("990000")
                == .invalid(reason: "province code '99' is not one of the 31 province-level divisions"))
    }
}

/// The database refuses the same codes on its own, so psql and buggy clients cannot store them.
@Suite(.database) struct DatabaseValidatorTests {
    @Test func theDatabaseGivesTheSameVerdictsAsSwift() throws {
        try TestDatabase.withSchema { db in
            let ids = [
                "110105199003071239", "11010519491231002X", "110105199003071238", "110105199002301231",
                "110105199902301235", "11010519900307123", "1101051990030712390", "11010519491231002x",
                "990105199003071236", "1101051990A307123X",
            ]
            for id in ids {
                let sqlReason: String? = try db.query("SELECT id_number_problem(\(id))").single().decode(0)
                let swiftReason = Codes.checkIDNumber(id, today: testToday).reason
                if id.hasSuffix("x") {
                    // Swift normalizes lower-case x before storing; the database only holds the canonical form.
                    #expect(swiftReason == nil)
                    #expect(sqlReason == "check character must be a digit or upper-case X, found 'x'")
                } else {
                    #expect(sqlReason == swiftReason, "\(id)")
                }
            }
            let codes = [
                "52440300MJ000123XJ", "91110000600037341L", "52440300MJ000123XK", "52440300MJ000I23XJ",
                "52440A00MJ000123XJ", "52440300MJ0001231J", "91350100M0001TGQXM", "52440300MJ000123X",
            ]
            for code in codes {
                let sqlReason: String? = try db.query("SELECT uscc_problem(\(code))").single().decode(0)
                #expect(sqlReason == Codes.checkUSCC(code).reason, "\(code)")
            }
            for region in ["440305", "44030", "990000", "abcdef"] {
                let sqlReason: String? = try db.query("SELECT region_code_problem(\(region))").single().decode(0)
                #expect(sqlReason == Codes.checkRegion(region).reason, "\(region)")
            }
        }
    }

    @Test(arguments: ["110105199003071238", "11010519491231002x", "110105199902301235", "11010519900307123"])
    func rawInsertsOfInvalidIDNumbersAreRefused(id: String) throws {
        try TestDatabase.withSchema { db in
            let error = #expect(throws: PostgresError.self) {
                try db.execute("INSERT INTO person (id_number, name) VALUES (\(id), \("张三"))")
            }
            #expect(error?.sqlState == .checkViolation)
            #expect(error?.constraint == "resident_id_number_valid")
        }
    }

    /// The domain's check (`id_number_valid`, sql/0022) is a faster form of `id_number_problem(…) IS
    /// NULL`: both must give the same verdict on every number, valid or not. Probed with every
    /// one-character change of valid numbers, every two-digit prefix, birth dates 1790–2101 with
    /// months 0–13 and days 0–32 (leap years and 29 February included), wrong lengths and characters,
    /// each also with its check character corrected so that the checksum does not decide alone.
    @Test func theDomainCheckGivesTheVerdictOfTheReasons() throws {
        try TestDatabase.withSchema { db in
            let samples = ["110105199003071239", "11010519491231002X", "440524188001010014", "810000199001010019"]
            let row = try db.query(
                """
                WITH base AS (SELECT unnest(\(samples)::text[]) AS id),
                raw AS (
                    SELECT overlay(b.id PLACING c FROM p FOR 1) AS id
                    FROM base b, generate_series(1, 18) p,
                         unnest(ARRAY['0', '1', '2', '5', '9', 'X', 'x', 'a', ' ', '+', '-', '３', 'é']) c
                    UNION ALL SELECT lpad(x::text, 2, '0') || substr(b.id, 3) FROM base b, generate_series(0, 99) x
                    UNION ALL SELECT '110105' || lpad(y::text, 4, '0') || lpad(m::text, 2, '0') || lpad(d::text, 2, '0')
                                     || '123'
                    FROM generate_series(1790, 2101) y, generate_series(0, 13) m, generate_series(0, 32) d
                    UNION ALL SELECT v FROM unnest(ARRAY['', '1', '11010519900307123', '1101051990030712390',
                                                        ' 110105199003071239', '110105199003071239 ',
                                                        '1101051990030712３9', '11010519900307123９']) v
                ),
                probe AS (
                    SELECT id FROM raw
                    UNION ALL SELECT left(id, 17) || id_number_check_character(id) FROM raw WHERE id ~ '^[0-9]{17}'
                )
                SELECT count(*), count(*) FILTER (WHERE id_number_problem(id) IS NULL),
                       count(*) FILTER (WHERE (id_number_problem(id) IS NULL) IS DISTINCT FROM id_number_valid(id))
                FROM probe
                """
            ).single()
            let probes: Int = try row.decode(0), valid: Int = try row.decode(1), differing: Int = try row.decode(2)
            #expect(probes > 200_000)
            #expect(valid > 10_000)
            #expect(differing == 0)
        }
    }

    /// A raw INSERT of a number that fails one rule only (its check character right) is refused by
    /// the domain, rule by rule.
    @Test(arguments: [
        "990105199003071", "110105179912311", "110105199002301", "110105190002291", "110105199013011",
        "110105199000011", "110105199004311",
    ])
    func rawInsertsFailingOneRuleAreRefused(first15: String) throws {
        try TestDatabase.withSchema { db in
            let id: String = try db.query("SELECT \(first15 + "23") || id_number_check_character(\(first15 + "23"))")
                .single().decode(0)
            let error = #expect(throws: PostgresError.self) {
                try db.execute("INSERT INTO person (id_number, name) VALUES (\(id), \("张三"))")
            }
            #expect(error?.sqlState == .checkViolation)
            #expect(error?.constraint == "resident_id_number_valid")
        }
    }

    @Test func rawInsertsOfInvalidUSCCsAndRegionsAreRefused() throws {
        try TestDatabase.withSchema { db in
            for code in ["52440300MJ000123XK", "52440300MJ000I23XJ", "52440A00MJ000123XJ", "91350100M0001TGQXM"] {
                let error = #expect(throws: PostgresError.self) {
                    try db.execute(
                        """
                        INSERT INTO enterprise (uscc, name, region_code) VALUES (\(code), \("某公司"), \("440305"))
                        """)
                }
                #expect(error?.constraint == "uscc_valid")
            }
            let region = #expect(throws: PostgresError.self) {
                try db.execute(
                    """
                    INSERT INTO enterprise (uscc, name, region_code)
                    VALUES (\("52440300MJ000123XJ"), \("某公司"), \("990305"))
                    """
                )
            }
            #expect(region?.constraint == "region_code_valid")
        }
    }

    @Test func theDatabaseRefusesBirthDatesAfterTheDayOfRecording() throws {
        try TestDatabase.withSchema { db in
            let future = Fixtures.idNumber(birth: "20301231", sequence: 7)
            let error = #expect(throws: PostgresError.self) {
                try db.execute("INSERT INTO person (id_number, name) VALUES (\(future), \("未来人"))")
            }
            #expect(error?.constraint == "person_birth_date_not_in_future")
        }
    }

    @Test func derivedGenderAndBirthDate() throws {
        try TestDatabase.withSchema { db in
            let row = try db.query(
                """
                INSERT INTO person (id_number, name) VALUES (\("11010519491231002X"), \("李娜"))
                RETURNING gender, birth_date
                """
            ).single()
            #expect(try row.decode(0, as: String.self) == "F")
            #expect(try row.decode(1, as: CalendarDate.self) == CalendarDate(iso: "1949-12-31"))
        }
    }
}
