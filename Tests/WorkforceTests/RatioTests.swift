import CalendarDates
import Foundation
import PostgresClient
import TestSupport
import Testing
import Workforce
import WorkforceOutput

/// The ratio edge cases of DESIGN.md, on 2013-12-31, with hand-counted expectations.
@Suite(.database) struct RatioTests {
    static let asOf = CalendarDate(iso: "2013-12-31")!
    static let guangzhou = RosterWorld.guangzhou
    static func p(_ n: Int) -> String { RosterWorld.person(n) }

    /// Shenzhen: 8 tracked, 4 certified. Beijing: the person shared with Shenzhen, certified.
    /// Guangzhou: nobody.
    func populate(_ world: RosterWorld) throws {
        let sz = RosterWorld.shenzhen, bj = RosterWorld.beijing
        try world.add(.guangzhou)
        _ = try world.importStaff(
            """
            enterprise_uscc,id_number,name,department,hired_on,left_on
            \(sz),\(RatioTests.p(1)),一,union,2012-01-01,
            \(sz),\(RatioTests.p(2)),二,union,2012-01-01,2013-06-01
            \(sz),\(RatioTests.p(3)),三,union,2014-01-01,
            \(sz),\(RatioTests.p(4)),四,union,2012-01-01,
            \(sz),\(RatioTests.p(4)),四,party,2012-01-01,
            \(sz),\(RatioTests.p(5)),五,youth_league,2012-01-01,
            \(sz),\(RatioTests.p(6)),六,womens_federation,2012-01-01,
            \(sz),\(RatioTests.p(7)),七,human_resources,2012-01-01,
            \(sz),\(RatioTests.p(8)),八,union,2012-01-01,2013-12-31
            \(sz),\(RatioTests.p(9)),九,union,2012-01-01,
            \(bj),\(RatioTests.p(9)),九,union,2012-01-01,
            \(sz),\(RatioTests.p(10)),十,social_org,2013-12-31,
            \(sz),\(RatioTests.p(11)),十一,party,,
            """)
        _ = try world.importCertificates(
            """
            id_number,level,certificate_no,issued_on,revoked_on
            \(RatioTests.p(1)),junior,C1,2013-01-01,
            \(RatioTests.p(2)),senior,C2,2012-01-01,
            \(RatioTests.p(4)),junior,C4a,2012-03-01,
            \(RatioTests.p(4)),intermediate,C4b,2013-05-01,
            \(RatioTests.p(5)),junior,C5,2014-02-01,
            \(RatioTests.p(6)),junior,C6,2012-01-01,2013-10-01
            \(RatioTests.p(7)),senior,C7,2013-12-31,2014-03-01
            \(RatioTests.p(8)),junior,C8,2012-01-01,
            \(RatioTests.p(9)),junior,C9,2013-06-01,
            """)
    }

    @Test func oneEnterpriseCountsEachEdgeCaseByTheDefinition() throws {
        try TestDatabase.withSchema { db in
            let world = try RosterWorld(db: db)
            try populate(world)
            let entry = try RatioService(db: db).enterprise(uscc: RosterWorld.shenzhen, asOf: RatioTests.asOf)
            #expect(entry.counts == RatioCounts(tracked: 8, certified: 4, ratio: "0.5000"))
            #expect(entry.levels == LevelCounts(junior: 2, intermediate: 1, senior: 1))
            let departments = Dictionary(uniqueKeysWithValues: entry.departments.map { ($0.department, $0.counts) })
            #expect(departments[.union] == RatioCounts(tracked: 3, certified: 3, ratio: "1.0000"))
            #expect(departments[.party] == RatioCounts(tracked: 2, certified: 1, ratio: "0.5000"))
            #expect(departments[.youthLeague] == RatioCounts(tracked: 1, certified: 0, ratio: "0.0000"))
            #expect(departments[.womensFederation] == RatioCounts(tracked: 1, certified: 0, ratio: "0.0000"))
            #expect(departments[.humanResources] == RatioCounts(tracked: 1, certified: 1, ratio: "1.0000"))
            #expect(departments[.socialOrg] == RatioCounts(tracked: 1, certified: 0, ratio: "0.0000"))
        }
    }

    @Test func anEnterpriseWithNoStaffHasANullRatio() throws {
        try TestDatabase.withSchema { db in
            let world = try RosterWorld(db: db)
            try populate(world)
            let entry = try RatioService(db: db).enterprise(uscc: RatioTests.guangzhou, asOf: RatioTests.asOf)
            #expect(entry.counts == RatioCounts(tracked: 0, certified: 0, ratio: nil))
            #expect(entry.counts.percentage == "—")
            #expect(entry.departments.isEmpty)
        }
    }

    @Test func regionsSumCountsRatherThanAveragingRatios() throws {
        try TestDatabase.withSchema { db in
            let world = try RosterWorld(db: db)
            try populate(world)
            let service = RatioService(db: db)
            let guangdong = try service.report(region: "440000", asOf: RatioTests.asOf)
            #expect(guangdong.total.counts == RatioCounts(tracked: 8, certified: 4, ratio: "0.5000"))
            #expect(guangdong.enterprises.map { $0.counts.ratio } == [nil, "0.5000"])
            #expect(guangdong.provinces.isEmpty)
            let country = try service.report(region: nil, asOf: RatioTests.asOf)
            // (4 + 1) / (8 + 1), not the mean of 0.5 and 1.
            #expect(country.total.counts == RatioCounts(tracked: 9, certified: 5, ratio: "0.5556"))
            #expect(country.total.levels == LevelCounts(junior: 3, intermediate: 1, senior: 1))
            #expect(
                country.provinces.map { $0.scope } == [
                    .region(code: "110000", name: "北京市"), .region(code: "440000", name: "广东省"),
                ])
            #expect(country.provinces.map(\.counts.tracked) == [1, 8])
            #expect(country.enterprises.count == 3)
            let union = country.total.departments.first { $0.department == .union }
            #expect(union?.counts == RatioCounts(tracked: 4, certified: 4, ratio: "1.0000"))
            let shenzhenCity = try service.report(region: "440300", asOf: RatioTests.asOf)
            #expect(shenzhenCity.enterprises.count == 1)
        }
    }

    /// JSON text as the documents have it: every escape, text copied whole, indentation; pretty
    /// and compact (the writer appends bytes, docs/scaling.md "The ratio's JSON").
    @Test func jsonTextEscapesAndIndents() {
        let value = JSON.object([
            ("name", .string("深圳 \"A\\B\"\n\r\t\u{1}\u{1F}\u{7F}é")), ("empty", .array([])), ("none", .object([])),
            ("list", .array([.int(1), .number("0.5000"), .null, .bool(true), .bool(false)])),
            ("nested", .object([("k", .array([.object([("a", .string("b"))])]))])),
        ])
        #expect(
            value.serialized()
                == #"{"name":"深圳 \"A\\B\"\n\r\t\u0001\u001f\#u{7F}é","empty":[],"none":{},"#
                + #""list":[1,0.5000,null,true,false],"nested":{"k":[{"a":"b"}]}}"#)
        #expect(
            value.serialized(pretty: true) == """
                {
                  "name": "深圳 \\"A\\\\B\\"\\n\\r\\t\\u0001\\u001f\u{7F}é",
                  "empty": [],
                  "none": {},
                  "list": [
                    1,
                    0.5000,
                    null,
                    true,
                    false
                  ],
                  "nested": {
                    "k": [
                      {
                        "a": "b"
                      }
                    ]
                  }
                }
                """)
    }

    @Test func theJSONHasTheDocumentedShape() throws {
        try TestDatabase.withSchema { db in
            let world = try RosterWorld(db: db)
            try populate(world)
            let service = RatioService(db: db)
            let entry = try service.enterprise(uscc: RosterWorld.shenzhen, asOf: RatioTests.asOf)
            let json = JSON.object(entry.json(asOf: RatioTests.asOf)).serialized()
            let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
            #expect(
                json.hasPrefix(
                    #"{"as_of":"2013-12-31","enterprise":{"uscc":"\#(RosterWorld.shenzhen)","#
                        + #""name":"深圳测试电子有限公司","region_code":"440305"},"#
                        + #""tracked":8,"certified":4,"ratio":0.5000,"#
                        + #""by_department":[{"department":"party","tracked":2,"certified":1,"ratio":0.5000}"#
                ))
            #expect(object["by_level"] as? [String: Int] == ["junior": 2, "intermediate": 1, "senior": 1])
            let country = try service.report(region: nil, asOf: RatioTests.asOf).json.serialized()
            let countryObject = try #require(
                try JSONSerialization.jsonObject(with: Data(country.utf8)) as? [String: Any])
            #expect(countryObject["region"] is NSNull)
            #expect((countryObject["provinces"] as? [Any])?.count == 2)
            let enterprises = try #require(countryObject["enterprises"] as? [[String: Any]])
            let empty = enterprises.first {
                ($0["enterprise"] as? [String: Any])?["uscc"] as? String == RatioTests.guangzhou
            }
            #expect(empty?["ratio"] is NSNull)
            #expect(empty?["tracked"] as? Int == 0)
            #expect(
                Set(countryObject.keys) == [
                    "as_of", "region", "tracked", "certified", "ratio", "by_department", "by_level", "provinces",
                    "enterprises",
                ])
        }
    }

    @Test func theTrendStepsThroughTheDates() throws {
        try TestDatabase.withSchema { db in
            let world = try RosterWorld(db: db)
            try populate(world)
            let points = try RatioService(db: db).trend(
                uscc: RosterWorld.shenzhen, region: nil, from: CalendarDate(iso: "2013-11-30")!,
                to: CalendarDate(iso: "2014-03-15")!, every: .month)
            #expect(
                points.map(\.date.iso) == ["2013-11-30", "2013-12-31", "2014-01-31", "2014-02-28", "2014-03-15"],
                "a month-end start keeps to month ends")
            // 2014-01-31: p3 hired, p8 gone, p7 certified; 2014-02-28: p5's certificate counts;
            // 2014-03-15: p7's certificate is revoked.
            #expect(points[2].counts == RatioCounts(tracked: 9, certified: 4, ratio: "0.4444"))
            #expect(points[3].counts == RatioCounts(tracked: 9, certified: 5, ratio: "0.5556"))
            #expect(points[4].counts == RatioCounts(tracked: 9, certified: 4, ratio: "0.4444"))
            let region = try RatioService(db: db).trend(
                uscc: nil, region: "110000", from: RatioTests.asOf, to: RatioTests.asOf, every: .year)
            #expect(region.map(\.counts) == [RatioCounts(tracked: 1, certified: 1, ratio: "1.0000")])
        }
    }

    @Test func aPsqlUserGetsTheSameNumbers() throws {
        try TestDatabase.withSchema { db in
            let world = try RosterWorld(db: db)
            try populate(world)
            let row = try db.query(
                """
                SELECT r.tracked, r.certified, r.ratio::text FROM enterprise_ratio_on('2013-12-31') r
                JOIN enterprise e ON e.id = r.enterprise_id WHERE e.uscc = \(RosterWorld.shenzhen)
                """
            ).single()
            #expect(try row.decode(0, as: Int.self) == 8)
            #expect(try row.decode(1, as: Int.self) == 4)
            #expect(try row.decode(2, as: String.self) == "0.5000")
        }
    }

    /// The fast forms (sql/0018: pairs grouped in person order, enterprise and departments in one
    /// pass) against the definition of DESIGN.md written out with DISTINCT, on every enterprise
    /// and at dates on each side of every edge of the fixture, with all certificates and with
    /// registered ones only. The fixture has a person in two departments of one enterprise, a
    /// person in two enterprises, and here also a person with two overlapping employments in the
    /// same department and two certificates.
    @Test func theFastFormsEqualTheDefinitionOnEveryDay() throws {
        try TestDatabase.withSchema { db in
            let world = try RosterWorld(db: db)
            try populate(world)
            try db.execute(
                """
                INSERT INTO employment (person_id, enterprise_id, department, hired_on, left_on)
                SELECT e.person_id, e.enterprise_id, e.department, DATE '2011-06-01', DATE '2014-06-01'
                FROM employment e JOIN person p ON p.id = e.person_id WHERE p.id_number = \(RatioTests.p(1))
                """)
            try db.execute(
                """
                INSERT INTO certificate_registration (certificate_id, registered_on, valid_until, renewal)
                SELECT id, issued_on + 30, issued_on + 400, false FROM certificate
                WHERE certificate_no IN ('C1', 'C4a', 'C9')
                """)
            let days = try RatioService.trendDates(
                from: CalendarDate(iso: "2011-12-31")!, to: CalendarDate(iso: "2014-12-31")!, every: .month)
            for registeredOnly in [false, true] {
                let mismatches: Int = try db.query(
                    """
                    WITH days AS (SELECT unnest(\(days)::date[]) AS day),
                    definition AS (
                        SELECT d.day, e.enterprise_id, e.department, e.person_id,
                               (SELECT max(c.level) FROM certificate c
                                WHERE c.person_id = e.person_id
                                  AND c.issued_on <= d.day AND (c.revoked_on IS NULL OR c.revoked_on > d.day)
                                  AND (NOT \(registeredOnly) OR EXISTS (
                                      SELECT 1 FROM certificate_registration r WHERE r.certificate_id = c.id
                                        AND r.registered_on <= d.day AND r.valid_until > d.day))) AS level
                        FROM days d JOIN employment e
                          ON (e.hired_on IS NULL OR e.hired_on <= d.day) AND (e.left_on IS NULL OR e.left_on > d.day)),
                    expected AS (
                        SELECT d.day, en.id AS enterprise_id, NULL::department_kind AS department,
                               count(DISTINCT x.person_id) AS tracked,
                               count(DISTINCT x.person_id) FILTER (WHERE x.level IS NOT NULL) AS certified
                        FROM days d CROSS JOIN enterprise en
                        LEFT JOIN definition x ON x.day = d.day AND x.enterprise_id = en.id
                        GROUP BY d.day, en.id
                        UNION ALL
                        SELECT x.day, x.enterprise_id, x.department, count(DISTINCT x.person_id),
                               count(DISTINCT x.person_id) FILTER (WHERE x.level IS NOT NULL)
                        FROM definition x GROUP BY x.day, x.enterprise_id, x.department),
                    fast AS (
                        SELECT d.day, b.enterprise_id, b.department, b.tracked, b.certified
                        FROM days d, LATERAL enterprise_ratio_breakdown_on(d.day, NULL, \(registeredOnly)) b),
                    separate AS (
                        SELECT d.day, r.enterprise_id, NULL::department_kind, r.tracked, r.certified
                        FROM days d, LATERAL enterprise_ratio_on(d.day, NULL, \(registeredOnly)) r
                        UNION ALL
                        SELECT d.day, r.enterprise_id, r.department, r.tracked, r.certified
                        FROM days d, LATERAL enterprise_department_ratio_on(d.day, NULL, \(registeredOnly)) r)
                    SELECT (SELECT count(*) FROM ((TABLE expected EXCEPT ALL TABLE fast)
                                                  UNION ALL (TABLE fast EXCEPT ALL TABLE expected)) a)
                         + (SELECT count(*) FROM ((TABLE expected EXCEPT ALL TABLE separate)
                                                  UNION ALL (TABLE separate EXCEPT ALL TABLE expected)) b)
                    """
                ).single().decode(0)
                #expect(mismatches == 0, "registered only: \(registeredOnly)")
            }
            // Levels: the enterprise's row of the one-pass form carries enterprise_ratio_on's.
            let levelMismatches: Int = try db.query(
                """
                SELECT count(*) FROM enterprise_ratio_breakdown_on('2013-12-31') b
                JOIN enterprise_ratio_on('2013-12-31') r ON r.enterprise_id = b.enterprise_id
                WHERE b.department IS NULL
                  AND (b.junior, b.intermediate, b.senior, b.ratio) IS DISTINCT FROM
                      (r.junior, r.intermediate, r.senior, r.ratio)
                """
            ).single().decode(0)
            #expect(levelMismatches == 0)
            // The overlapping employment made no difference: p1 still counts once.
            let entry = try RatioService(db: db).enterprise(uscc: RosterWorld.shenzhen, asOf: RatioTests.asOf)
            #expect(entry.counts == RatioCounts(tracked: 8, certified: 4, ratio: "0.5000"))
            #expect(entry.departments.first { $0.department == .union }?.counts.tracked == 3)
        }
    }

    /// The report takes its departments from the same query as its counts; each enterprise's
    /// entry in it equals the entry asked for alone, and a region's departments sum its own.
    @Test func theReportsDepartmentsEqualEachEnterprisesOwn() throws {
        try TestDatabase.withSchema { db in
            let world = try RosterWorld(db: db)
            try populate(world)
            let service = RatioService(db: db)
            let country = try service.report(region: nil, asOf: RatioTests.asOf)
            for entry in country.enterprises {
                guard case .enterprise(let enterprise) = entry.scope else { continue }
                #expect(try service.enterprise(uscc: enterprise.uscc, asOf: RatioTests.asOf) == entry)
            }
            let guangdong = try #require(country.provinces.first { $0.scope == .region(code: "440000", name: "广东省") })
            #expect(
                guangdong.departments.map(\.department) == [
                    .party, .union, .youthLeague, .womensFederation,
                    .humanResources, .socialOrg,
                ])
            #expect(country.total.departments.first { $0.department == .union }?.counts.tracked == 4)
            let withoutDepartments = try service.report(region: nil, asOf: RatioTests.asOf, includeDepartments: false)
            #expect(withoutDepartments.enterprises.map(\.counts) == country.enterprises.map(\.counts))
            #expect(withoutDepartments.total.levels == country.total.levels)
            #expect(withoutDepartments.enterprises.allSatisfy { $0.departments.isEmpty })
        }
    }

    @Test func theBitSetOfDaysFollowsTheRulesOfEachDay() throws {
        try TestDatabase.withSchema { db in
            // Every interval over a small calendar, open at either end or not, against the rules.
            let mismatches: Int = try db.query(
                """
                WITH calendar AS (SELECT ARRAY(SELECT d::date
                                               FROM generate_series(DATE '2013-01-01', DATE '2013-01-10',
                                                                    '1 day') d) AS days),
                     bound AS (SELECT b::date AS day
                               FROM generate_series(DATE '2012-12-30', DATE '2013-01-12', '1 day') b
                               UNION ALL SELECT NULL)
                SELECT count(*)
                FROM calendar, bound s, bound e, unnest(calendar.days) WITH ORDINALITY AS u(day, i)
                WHERE ((days_active(s.day, e.day, calendar.days) >> (u.i - 1)::int) & 1 = 1)
                      IS DISTINCT FROM employment_active_on(s.day, e.day, u.day)
                   OR (s.day IS NOT NULL AND ((days_active(s.day, e.day, calendar.days) >> (u.i - 1)::int) & 1 = 1)
                      IS DISTINCT FROM certificate_valid_on(s.day, e.day, u.day))
                """
            ).single().decode(0)
            #expect(mismatches == 0)
        }
    }

    @Test func theOnePassCountsEqualEachDaysRatioForEveryEnterprise() throws {
        try TestDatabase.withSchema { db in
            let world = try RosterWorld(db: db)
            try populate(world)
            try db.execute(
                """
                INSERT INTO certificate_registration (certificate_id, registered_on, valid_until, renewal)
                SELECT id, issued_on + 30, issued_on + 400, false FROM certificate
                WHERE certificate_no IN ('C1', 'C4b', 'C9')
                """)
            let days = try RatioService.trendDates(
                from: CalendarDate(iso: "2011-12-31")!, to: CalendarDate(iso: "2014-12-31")!, every: .month)
            #expect(days.count == 37)
            for registeredOnly in [false, true] {
                let mismatches: Int = try db.query(
                    """
                    SELECT count(*) FROM enterprise_ratio_by_day(\(days)::date[], NULL, NULL, \(registeredOnly)) b
                    FULL JOIN (SELECT d.day, r.* FROM unnest(\(days)::date[]) AS d(day),
                               LATERAL enterprise_ratio_on(d.day, NULL, \(registeredOnly)) r) o
                        ON o.day = b.as_of AND o.enterprise_id = b.enterprise_id
                    WHERE (b.tracked, b.certified, b.ratio) IS DISTINCT FROM (o.tracked, o.certified, o.ratio)
                    """
                ).single().decode(0)
                #expect(mismatches == 0, "registered only: \(registeredOnly)")
                // The trend takes the one-pass form up to 62 days and the per-day form beyond; both agree.
                let long = try RatioService.trendDates(
                    from: CalendarDate(iso: "2008-12-31")!, to: CalendarDate(iso: "2014-12-31")!, every: .month)
                #expect(long.count > 62)
                let pairs: Int = try db.query(
                    """
                    SELECT count(*) FROM ratio_trend(\(long)::date[], '440000', NULL, \(registeredOnly)) l
                    JOIN ratio_trend(\(days)::date[], '440000', NULL, \(registeredOnly)) s ON s.as_of = l.as_of
                    WHERE (l.tracked, l.certified) = (s.tracked, s.certified)
                    """
                ).single().decode(0)
                #expect(pairs == days.count)
            }
            // Dates out of order would give wrong bits: refused, not answered.
            let error = #expect(throws: PostgresError.self) {
                try db.query("SELECT * FROM enterprise_ratio_by_day('{2014-01-01,2013-01-01}')")
            }
            #expect(error?.message.contains("at most 62 distinct dates in ascending order") == true)
        }
    }
}
