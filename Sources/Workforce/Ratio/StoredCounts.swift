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
        // One round trip: CASE evaluates the roll only when the server takes writes.
        try db.query(
            """
            SELECT CASE WHEN current_setting('transaction_read_only') = 'on' OR pg_is_in_recovery() THEN 0
                        ELSE ratio_counts_roll(\(today), \(registeredOnly)) END
            """
        ).single().decode(0)
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
    /// ``report(region:asOf:includeDepartments:registeredOnly:)`` from rows of `counts` (the
    /// columns of `enterprise_ratio_breakdown_on`): the enterprises in the listing's order from an
    /// index (sql/0023 `enterprise_listing_order_idx`), their counts in id order, matched here, and
    /// the provinces and the total summed here as the enterprises go by; only the ratios of those
    /// sums are asked of `certified_ratio`, the rule's own function. Nothing groups or sorts the
    /// country's names in the database (that sort cost more than reading the held counts).
    func assembledReport(
        region: String?, asOf: CalendarDate, counts: SQLQuery, regionNames: [String: String]
    ) throws -> RatioReport {
        var listing: [(id: Int, enterprise: Enterprise, province: String)] = []
        for row in try db.query(
            """
            SELECT en.id, en.uscc, en.name, en.region_code, en.employees, en.province_code
            FROM enterprise en
            WHERE in_region(en.region_code, \(region))
            ORDER BY en.province_code, en.region_code, en.name, en.uscc
            """)
        {
            listing.append(
                (
                    try row.decode(0),
                    Enterprise(
                        uscc: try row.decode(1), name: try row.decode(2), regionCode: try row.decode(3),
                        employees: try row.decode(4)),
                    try row.decode(5)
                ))
        }
        var byID: [Int: (counts: RatioCounts, levels: LevelCounts, departments: [DepartmentRatio])] = [:]
        byID.reserveCapacity(listing.count)
        for row in try db.query(
            """
            SELECT r.enterprise_id, r.department::text, r.tracked, r.certified, r.ratio::text, r.junior,
                   r.intermediate, r.senior
            FROM \(counts) r
            ORDER BY r.enterprise_id, r.department NULLS FIRST
            """)
        {
            let id: Int = try row.decode(0)
            let counts = RatioCounts(tracked: try row.decode(2), certified: try row.decode(3), ratio: try row.decode(4))
            if let department = try row.decode(1, as: Department?.self) {
                byID[id]?.departments.append(DepartmentRatio(department: department, counts: counts))
            } else {
                byID[id] = (
                    counts,
                    LevelCounts(junior: try row.decode(5), intermediate: try row.decode(6), senior: try row.decode(7)),
                    []
                )
            }
        }
        // The provinces (in code order: the listing is in it) and the total: sums of their enterprises.
        var enterprises: [RatioEntry] = []
        enterprises.reserveCapacity(listing.count)
        var sums = RollUp()
        var provinces: [(code: String, sums: RollUp)] = []
        for (id, enterprise, province) in listing {
            guard let found = byID[id] else { continue }
            let entry = RatioEntry(
                scope: .enterprise(enterprise), counts: found.counts, levels: found.levels,
                departments: found.departments)
            enterprises.append(entry)
            if provinces.last?.code != province { provinces.append((province, RollUp())) }
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
