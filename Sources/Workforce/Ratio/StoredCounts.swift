public import CalendarDates
public import PostgresClient

/// The maintained ratio figure of sql/0021_ratio_counts.sql: `ratio_counts` and
/// `ratio_department_counts` hold, for today and a window of month ends, exactly the rows of
/// `enterprise_ratio_on` and `enterprise_department_ratio_on`. The ratio reads them where the day is
/// held and calls the functions otherwise; both give the same rows, so the same output.
extension RatioService {
    /// The per-enterprise counts on a day (the columns of `enterprise_ratio_on`): the held rows
    /// when the figure holds the day, else the function itself.
    func enterpriseCounts(asOf: CalendarDate, region: String?, registeredOnly: Bool, held: Bool) -> SQLQuery {
        guard held else { return "enterprise_ratio_on(\(asOf), \(region), \(registeredOnly))" }
        return heldRows(
            "enterprise_id, tracked, certified, junior, intermediate, senior, ratio", of: "ratio_counts",
            asOf: asOf, region: region, registeredOnly: registeredOnly)
    }

    /// The per-department counts on a day (the columns of `enterprise_department_ratio_on`).
    func departmentCounts(asOf: CalendarDate, region: String?, registeredOnly: Bool, held: Bool) -> SQLQuery {
        guard held else { return "enterprise_department_ratio_on(\(asOf), \(region), \(registeredOnly))" }
        return heldRows(
            "enterprise_id, department, tracked, certified, ratio", of: "ratio_department_counts",
            asOf: asOf, region: region, registeredOnly: registeredOnly)
    }

    /// The rows of a held table for one day, counting mode and region (all regions for nil).
    private func heldRows(
        _ columns: SQLQuery, of table: SQLQuery, asOf: CalendarDate, region: String?, registeredOnly: Bool
    ) -> SQLQuery {
        """
        (SELECT \(columns)
         FROM \(table)
         WHERE as_of = \(asOf) AND registered_only = \(registeredOnly)
           AND (\(region)::text IS NULL
                OR enterprise_id IN (SELECT id FROM enterprises_in_region(\(region)::text))))
        """
    }

    /// Each enterprise's counts (department NULL, with levels) and its departments' (levels NULL) on
    /// a day: the columns of `enterprise_ratio_breakdown_on`, which computes both in one pass.
    func breakdownCounts(asOf: CalendarDate, region: String?, registeredOnly: Bool, held: Bool) -> SQLQuery {
        guard held else { return "enterprise_ratio_breakdown_on(\(asOf), \(region), \(registeredOnly))" }
        return """
            (SELECT enterprise_id, NULL::department_kind AS department, tracked, certified, junior, intermediate,
                    senior, ratio
             FROM \(enterpriseCounts(asOf: asOf, region: region, registeredOnly: registeredOnly, held: true)) e
             UNION ALL
             SELECT enterprise_id, department, tracked, certified, NULL::bigint, NULL::bigint, NULL::bigint, ratio
             FROM \(departmentCounts(asOf: asOf, region: region, registeredOnly: registeredOnly, held: true)) d)
            """
    }

    /// Whether the maintained figure holds this day in this counting mode.
    public func holds(asOf: CalendarDate, registeredOnly: Bool) throws -> Bool {
        try db.query("SELECT ratio_counts_held(\(asOf), \(registeredOnly))").single().decode(0)
    }

    /// Makes the figure hold `today` (and the window of month ends), computing what it does not
    /// hold yet: the first read of a new day pays one computation, every later read of the day reads
    /// the table. Does nothing on a read-only connection (a standby), whose reads then compute.
    ///
    /// - Returns: how many days were computed.
    @discardableResult
    public func holdToday(_ today: CalendarDate, registeredOnly: Bool) throws -> Int {
        if try db.query("SELECT current_setting('transaction_read_only') = 'on' OR pg_is_in_recovery()").single()
            .decode(0, as: Bool.self)
        {
            return 0
        }
        return try db.query("SELECT ratio_counts_roll(\(today), \(registeredOnly))").single().decode(0)
    }

    /// Every difference between the held counts and the functions (sql `ratio_counts_differences`),
    /// each naming the enterprise by its USCC, the day and the department; no personal data.
    public func storedCountDifferences() throws -> [StoredCountDifference] {
        try db.query(
            """
            SELECT d.as_of, d.registered_only, coalesce(en.uscc::text, d.enterprise_id::text), d.department::text,
                   d.stored, d.computed
            FROM ratio_counts_differences() d
            LEFT JOIN enterprise en ON en.id = d.enterprise_id
            ORDER BY d.as_of, d.registered_only, 3, d.department NULLS FIRST
            """
        ).map { row in
            StoredCountDifference(
                asOf: try row.decode(0), registeredOnly: try row.decode(1), enterprise: try row.decode(2),
                department: try row.decode(3, as: Department?.self), stored: try row.decode(4),
                computed: try row.decode(5))
        }
    }

    /// The days the figure holds, with their counting mode.
    public func heldDays() throws -> [(asOf: CalendarDate, registeredOnly: Bool)] {
        try db.query("SELECT as_of, registered_only FROM ratio_counts_day ORDER BY 1, 2").map { row in
            (asOf: try row.decode(0), registeredOnly: try row.decode(1))
        }
    }
}

/// One row where the maintained figure differs from the ratio functions.
public struct StoredCountDifference: Sendable, Equatable {
    public let asOf: CalendarDate
    public let registeredOnly: Bool
    /// The enterprise's USCC (its internal id when the enterprise no longer exists).
    public let enterprise: String
    /// The department, or nil for the enterprise's own counts.
    public let department: Department?
    /// "tracked/certified (junior intermediate senior)", or nil when the row is missing.
    public let stored: String?
    public let computed: String?
}

extension RatioService {
    /// ``report(region:asOf:includeDepartments:registeredOnly:)`` from the held figure: the
    /// enterprises in the listing's order straight from an index (sql/0023: no grouping and no sort
    /// of the country), their departments in key order, and the provinces and the total summed
    /// here as the rows stream by; only their ratios are asked of `certified_ratio`, the rule's.
    func heldReport(
        region: String?, asOf: CalendarDate, includeDepartments: Bool, registeredOnly: Bool,
        regionNames: [String: String]
    ) throws -> RatioReport {
        var enterprises: [RatioEntry] = []
        var provinceOf: [String] = []
        var position: [Int: Int] = [:]
        // One probe of ratio_counts per enterprise, walked in enterprise_listing_order_idx's order.
        // The subquery is kept apart (OFFSET 0) so that the planner joins it enterprise by
        // enterprise instead of hashing both tables and sorting 10,000 names.
        for row in try db.query(
            """
            SELECT en.id, en.uscc, en.name, en.region_code, en.employees, en.province_code, r.tracked, r.certified,
                   r.ratio::text, r.junior, r.intermediate, r.senior
            FROM enterprise en
            CROSS JOIN LATERAL (
                SELECT * FROM ratio_counts r
                WHERE r.as_of = \(asOf) AND r.registered_only = \(registeredOnly) AND r.enterprise_id = en.id
                OFFSET 0) r
            WHERE in_region(en.region_code, \(region))
            ORDER BY en.province_code, en.region_code, en.name, en.uscc
            """)
        {
            let enterprise = Enterprise(
                uscc: try row.decode(1), name: try row.decode(2), regionCode: try row.decode(3),
                employees: try row.decode(4))
            position[try row.decode(0)] = enterprises.count
            provinceOf.append(try row.decode(5))
            enterprises.append(
                RatioEntry(
                    scope: .enterprise(enterprise),
                    counts: RatioCounts(
                        tracked: try row.decode(6), certified: try row.decode(7), ratio: try row.decode(8)),
                    levels: LevelCounts(
                        junior: try row.decode(9), intermediate: try row.decode(10), senior: try row.decode(11)),
                    departments: []))
        }
        if includeDepartments {
            for row in try db.query(
                """
                SELECT d.enterprise_id, d.department::text, d.tracked, d.certified, d.ratio::text
                FROM \(departmentCounts(asOf: asOf, region: region, registeredOnly: registeredOnly, held: true)) d
                ORDER BY d.enterprise_id, d.department
                """)
            {
                guard let index = position[try row.decode(0)] else { continue }
                enterprises[index].departments.append(
                    DepartmentRatio(
                        department: try row.decode(1),
                        counts: RatioCounts(
                            tracked: try row.decode(2), certified: try row.decode(3), ratio: try row.decode(4))))
            }
        }
        // The provinces (in code order: the rows came in it) and the total: sums of their enterprises.
        var sums = RollUp()
        var provinces: [(code: String, sums: RollUp)] = []
        for (index, entry) in enterprises.enumerated() {
            if provinces.last?.code != provinceOf[index] { provinces.append((provinceOf[index], RollUp())) }
            provinces[provinces.count - 1].sums.add(entry)
            sums.add(entry)
        }
        var ratios = try ratiosOf((provinces.map(\.sums) + [sums]).flatMap(\.allCounts)).makeIterator()
        let provinceEntries = provinces.map { province in
            province.sums.entry(scope: .region(code: province.code, name: regionNames[province.code]), ratios: &ratios)
        }
        let total = sums.entry(
            scope: region.map { .region(code: $0, name: regionNames[$0]) } ?? .country, ratios: &ratios)
        return RatioReport(
            asOf: asOf, total: total, provinces: region == nil ? provinceEntries : [], enterprises: enterprises)
    }

    /// The ratio of each of these sums, as `certified_ratio` gives it, in one round trip.
    private func ratiosOf(_ counts: [RatioCounts]) throws -> [String?] {
        try db.query(
            """
            SELECT certified_ratio(u.certified, u.tracked)::text
            FROM unnest(\(counts.map(\.certified))::bigint[], \(counts.map(\.tracked))::bigint[])
                WITH ORDINALITY AS u(certified, tracked, n)
            ORDER BY u.n
            """
        ).map { try $0.decode(0) }
    }
}

/// The sums of a province's or the country's enterprises: counts, levels, and each department's
/// counts (a department appears once one of the enterprises has staff in it), in the enum's order.
private struct RollUp {
    var counts = RatioCounts(tracked: 0, certified: 0, ratio: nil)
    var levels = LevelCounts()
    var byDepartment: [Department: RatioCounts] = [:]

    mutating func add(_ entry: RatioEntry) {
        counts.tracked += entry.counts.tracked
        counts.certified += entry.counts.certified
        levels.junior += entry.levels.junior
        levels.intermediate += entry.levels.intermediate
        levels.senior += entry.levels.senior
        for department in entry.departments {
            byDepartment[department.department, default: RatioCounts(tracked: 0, certified: 0, ratio: nil)].tracked +=
                department.counts.tracked
            byDepartment[department.department]!.certified += department.counts.certified
        }
    }

    /// The counts to find ratios for: the total's, then each department's.
    var allCounts: [RatioCounts] {
        [counts] + Department.allCases.compactMap { byDepartment[$0] }
    }

    /// The entry of these sums, given the ratios of ``allCounts`` in turn.
    func entry(scope: RatioEntry.Scope, ratios: inout IndexingIterator<[String?]>) -> RatioEntry {
        var counts = counts
        counts.ratio = ratios.next() ?? nil
        let departments = Department.allCases.compactMap { department in
            byDepartment[department].map { sums in
                DepartmentRatio(
                    department: department,
                    counts: RatioCounts(tracked: sums.tracked, certified: sums.certified, ratio: ratios.next() ?? nil))
            }
        }
        return RatioEntry(scope: scope, counts: counts, levels: levels, departments: departments)
    }
}
