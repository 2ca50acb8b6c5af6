import CalendarDates
import PostgresClient
import TestSupport
import Testing
import Workforce
import WorkforceOutput

@Suite(.database) struct RegionTests {
    @Test func everyDivisionIsNamedInFullAndAMunicipalityHasNoCityLevel() throws {
        try TestDatabase.withSchema { db in
            let divisions = try Regions(db: db).divisions([
                "440000", "440300", "440305", "110000", "110105", "500230", "429004", "441900", "450000",
            ])
            #expect(
                divisions.mapValues(\.fullName) == [
                    "440000": "广东省", "440300": "广东省深圳市", "440305": "广东省深圳市南山区",
                    "110000": "北京市", "110105": "北京市朝阳区", "500230": "重庆市丰都县",
                    // A county directly under its province, and a city with no districts.
                    "429004": "湖北省仙桃市", "441900": "广东省东莞市", "450000": "广西壮族自治区",
                ])
            #expect(divisions["440305"]?.name == "南山区")
            #expect(divisions.values.allSatisfy { $0.abolishedIn == nil })
            let sql: String? = try db.query("SELECT region_full_name('440305')").single().decode(0)
            #expect(sql == "广东省深圳市南山区")
        }
    }

    @Test func theTableHoldsTheWholeCurrentListAndTheCodesOutOfUseSince1981() throws {
        try TestDatabase.withSchema { db in
            let row = try db.query(
                """
                SELECT count(*) FILTER (WHERE level = 'province'), count(*) FILTER (WHERE level = 'city'),
                       count(*) FILTER (WHERE level = 'county')
                FROM region WHERE in_use_until IS NULL AND NOT grouping_only
                """
            ).single()
            // The list of 2024: 31 provinces, 333 prefecture-level and 2,846 county-level divisions.
            #expect([try row.decode(0), try row.decode(1), try row.decode(2)] as [Int] == [31, 333, 2846])
            // 崇文区 was merged into 东城区 in 2010: its code stays known, with its names.
            let chongwen = try Regions(db: db).lookUp("110103")
            #expect(chongwen.fullName == "北京市崇文区")
            #expect(chongwen.abolishedIn == 2010)
            // A renamed code keeps its earlier name, dated.
            let former = try db.query(
                "SELECT name, in_use_from, in_use_until FROM region_former_name WHERE code = '120110'"
            ).single()
            #expect(try former.decode(0, as: String.self) == "东郊区")
            #expect(try former.decode(2, as: Int.self) == 1992)
            #expect(try Regions(db: db).lookUp("120110").fullName == "天津市东丽区")
        }
    }

    @Test func aCodeInNoListIsRefusedByEveryRegionOptionAndByTheDatabase() throws {
        try TestDatabase.withSchema { db in
            let world = try FixtureWorld(db: db)
            func refusal(_ body: () throws -> Void) -> (field: Field, reason: String)? {
                do {
                    try body()
                    return nil
                } catch WorkforceError.invalid(let field, _, let reason) {
                    return (field, reason.rendered(field: { $0.rawValue }, remedy: { _ in "" }))
                } catch {
                    return nil
                }
            }
            let asOf = CalendarDate(iso: "2014-06-30")!
            // 4403 is Shenzhen, but no list has a district 99: an error, not an empty answer.
            let refusals = [
                refusal { _ = try Regions(db: db).lookUp("440399") },
                refusal { _ = try RatioService(db: db).report(region: "440399", asOf: asOf) },
                refusal {
                    _ = try RatioService(db: db).trend(
                        uscc: nil, region: "440399", from: asOf, to: asOf, every: .month)
                },
                refusal { _ = try Reports(db: db).province(region: "440399", asOf: asOf) },
                refusal { _ = try world.enterprises.list(inRegion: "440399") },
                refusal { _ = try Events(db: db).list(region: "440399") },
                refusal {
                    _ = try world.enterprises.add(
                        uscc: Fixtures.uscc(region: "440399", serial: 9), name: "无此区企业", regionCode: "440399",
                        employees: nil)
                },
            ]
            for refused in refusals {
                #expect(refused?.field == "region")
                #expect(refused?.reason == "is not a GB/T 2260 division: no code list since 1981 has it")
            }
            // The database refuses it from any client.
            #expect(throws: PostgresError.self) {
                try db.execute(
                    """
                    INSERT INTO enterprise (uscc, name, region_code)
                    VALUES (\(Fixtures.uscc(region: "440399", serial: 8)), '无此区企业', '440399')
                    """)
            }
            // An abolished code is still known: older data carries it.
            _ = try world.enterprises.add(
                uscc: Fixtures.uscc(region: "110103", serial: 7), name: "崇文老企业", regionCode: "110103",
                employees: nil)
            #expect(try world.enterprises.list(inRegion: "110103").count == 1)
        }
    }

    @Test func aCityReportRollsUpByDistrictAndAMunicipalitysSaysQuanShi() throws {
        try TestDatabase.withSchema { db in
            let world = try FixtureWorld(db: db, adding: [.guangzhou])
            _ = try world.importStaff(
                FixtureWorld.staff([
                    .init(.shenzhen, 1, "一", "union", hired: "2012-01-01"),
                    .init(.shenzhen, 2, "二", "union", hired: "2012-01-01"),
                    .init(.guangzhou, 3, "三", "party", hired: "2012-01-01"),
                    .init(.beijing, 4, "四", "party", hired: "2012-01-01"),
                ]))
            _ = try world.importCertificates(
                FixtureWorld.certificates([
                    (1, "junior", "C1", "2013-01-01", nil), (4, "junior", "C4", "2013-01-01", nil),
                ])
            )
            let asOf = CalendarDate(iso: "2014-06-30")!
            let reports = Reports(db: db)

            let province = try reports.province(region: "440000", asOf: asOf)
            #expect(province.rollup == .city)
            #expect(province.cities.map(\.name) == ["广州市", "深圳市"])
            #expect(province.html().contains("全省持证比例"))

            let city = try reports.province(region: "440300", asOf: asOf)
            #expect(city.regionName == "广东省深圳市")
            #expect(city.rollup == .county)
            #expect(city.cities.map(\.code) == ["440305"])
            #expect(city.cities.map(\.name) == ["南山区"])
            #expect(city.total == RatioCounts(tracked: 2, certified: 1, ratio: "0.5000"))
            #expect(city.enterprises.map(\.regionName) == ["广东省深圳市南山区"])
            #expect(city.html().contains("全市持证比例"))
            #expect(city.html().contains("广东省深圳市南山区（440305）"))
            #expect(city.csvRows().rows.first?.first == "region")
            #expect(city.csvRows().rows.dropFirst().first?.prefix(3) == ["county", "440305", "南山区"])

            let beijing = try reports.province(region: "110000", asOf: asOf)
            #expect(beijing.rollup == .county)
            #expect(beijing.cities.map(\.name) == ["朝阳区"])
            #expect(beijing.html().contains("全市持证比例"))
            #expect(!beijing.html().contains("全省"))
        }
    }
}
