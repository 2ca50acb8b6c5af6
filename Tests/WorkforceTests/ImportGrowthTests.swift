import CalendarDates
import Foundation
import PostgresClient
import TestSupport
import Testing
import Workforce

/// An import's time grows with its rows, whatever the planner's statistics say. After `VACUUM
/// ANALYZE` of empty tables (a routine `vacuumdb -z`, an analyze after an upgrade), PostgreSQL
/// believes the tables are empty; a merge that read the table it was writing in the same statement
/// then planned a nested loop over that table and rescanned it, growing, for every row: 20,000 rows
/// took 16 times as long as 5,000. These tests import 5,000 and 20,000 rows into such databases and
/// ask the larger to take less than 6 times the smaller (4 times is linear; before the fix, 7 to 11
/// times).
@Suite(.database, .serialized) struct ImportGrowthTests {
    static let small = 5_000
    static let large = 20_000
    static let limit = 6.0

    /// How the database looks before the measured import.
    enum Before: CaseIterable, Sendable {
        /// Tables analyzed while empty.
        case analyzedEmpty
        /// Tables analyzed while empty, then a first small import (the statistics still say empty).
        case firstSmallImport
    }

    @Test(arguments: Before.allCases) func staffImportGrowsLinearly(before: Before) throws {
        let ratio = try growth(before: before) { world, first, count in
            _ = try world.importStaff(Self.roster(first: first, count: count))
        }
        #expect(ratio < Self.limit, "20,000 rows took \(ratio)× the time of 5,000 (\(before))")
    }

    @Test(arguments: Before.allCases) func certificateImportGrowsLinearly(before: Before) throws {
        let ratio = try growth(before: before) { world, first, count in
            _ = try world.importCertificates(Self.certificates(first: first, count: count))
        }
        #expect(ratio < Self.limit, "20,000 rows took \(ratio)× the time of 5,000 (\(before))")
    }

    /// The time of importing `large` rows over that of `small` rows, each into a fresh schema
    /// prepared as `before` says; the fastest of three runs of each, alternating (the least disturbed by
    /// whatever else the machine does).
    private func growth(
        before: Before, _ load: (_ world: FixtureWorld, _ first: Int, _ count: Int) throws -> Void
    ) throws -> Double {
        var best: [Int: Duration] = [:]
        for _ in 0..<3 {
            for size in [Self.small, Self.large] {
                try TestDatabase.withSchema { db in
                    let world = try FixtureWorld(db: db, adding: [.guangzhou])
                    let tables = "person, employment, certificate, enterprise"
                    try db.execute(script: "VACUUM ANALYZE \(tables)")
                    if before != .analyzedEmpty {
                        try load(world, 0, 100)
                    }
                    let clock = ContinuousClock()
                    let started = clock.now
                    try load(world, 1_000, size)
                    let took = clock.now - started
                    best[size] = min(best[size] ?? took, took)
                    let table = try world.count("employment") > 0 ? "employment" : "certificate"
                    #expect(try world.count(table) == size + (before == .analyzedEmpty ? 0 : 100))
                }
            }
        }
        return best[Self.large]! / best[Self.small]!
    }

    /// A valid ID number for each of 36,000 sequence numbers (birth dates 1960-1964).
    static func idNumber(_ sequence: Int) -> String {
        let day = sequence / 1000
        let birth = String(format: "196%d%02d%02d", day / 300, day % 300 / 25 + 1, day % 25 + 1)
        return Fixtures.idNumber(birth: birth, sequence: sequence)
    }

    /// `count` roster rows of persons `first`…, one each, over three enterprises and all
    /// departments; every tenth has left.
    static func roster(first: Int, count: Int) -> String {
        let enterprises: [FixtureWorld.Enterprise] = [.shenzhen, .beijing, .guangzhou]
        let departments = ["party", "union", "youth_league", "womens_federation", "human_resources", "social_org"]
        var csv = "enterprise_uscc,id_number,name,department,hired_on,left_on\n"
        for p in first..<first + count {
            csv += "\(enterprises[p % 3].uscc),\(idNumber(p)),员工\(p),\(departments[p % 6]),2015-03-01,"
            csv += p % 10 == 0 ? "2020-06-30\n" : "\n"
        }
        return csv
    }

    /// `count` certificates of persons `first`…, with their names (the import adds the persons);
    /// every tenth revoked.
    static func certificates(first: Int, count: Int) -> String {
        let levels = ["junior", "intermediate", "senior"]
        var csv = "id_number,name,level,certificate_no,issued_on,revoked_on\n"
        for p in first..<first + count {
            csv += "\(idNumber(p)),持证人\(p),\(levels[p % 3]),Z\(p),2015-03-01,"
            csv += p % 10 == 0 ? "2020-06-30\n" : "\n"
        }
        return csv
    }
}
