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
    /// of the country), their departments in key order, and the provinces' and the total's sums.
    func heldReport(
        region: String?, asOf: CalendarDate, includeDepartments: Bool, registeredOnly: Bool,
        regionNames: [String: String]
    ) throws -> RatioReport {
        // One probe of ratio_counts per enterprise, walked in enterprise_listing_order_idx's order.
        // The subquery is kept apart (OFFSET 0) so that the planner joins it enterprise by
        // enterprise instead of hashing both tables and sorting 10,000 names.
        var enterprises: [RatioEntry] = []
        var position: [Int: Int] = [:]
        for row in try db.query(
            """
            SELECT en.id, en.uscc, en.name, en.region_code, en.employees, r.tracked, r.certified, r.ratio::text,
                   r.junior, r.intermediate, r.senior
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
            enterprises.append(
                RatioEntry(
                    scope: .enterprise(enterprise),
                    counts: RatioCounts(
                        tracked: try row.decode(5), certified: try row.decode(6), ratio: try row.decode(7)),
                    levels: LevelCounts(
                        junior: try row.decode(8), intermediate: try row.decode(9), senior: try row.decode(10)),
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
        // The provinces and the total: sums of the enterprises' held rows, the ratio of the sums.
        let source: SQLQuery =
            includeDepartments
            ? breakdownCounts(asOf: asOf, region: region, registeredOnly: registeredOnly, held: true)
            : """
            (SELECT *, NULL::department_kind AS department
             FROM \(enterpriseCounts(asOf: asOf, region: region, registeredOnly: registeredOnly, held: true)) c)
            """
        var provinces: [RatioEntry] = []
        let totalScope: RatioEntry.Scope = region.map { .region(code: $0, name: regionNames[$0]) } ?? .country
        var total = RatioEntry(
            scope: totalScope, counts: RatioCounts(tracked: 0, certified: 0, ratio: nil), levels: LevelCounts(),
            departments: [])
        for row in try db.query(
            """
            SELECT grouping(en.province_code), en.province_code, r.department::text,
                   sum(r.tracked)::bigint, sum(r.certified)::bigint,
                   certified_ratio(sum(r.certified)::bigint, sum(r.tracked)::bigint)::text,
                   coalesce(sum(r.junior), 0)::bigint, coalesce(sum(r.intermediate), 0)::bigint,
                   coalesce(sum(r.senior), 0)::bigint
            FROM \(source) r
            JOIN enterprise en ON en.id = r.enterprise_id
            GROUP BY GROUPING SETS ((en.province_code, r.department), (r.department))
            ORDER BY 1, 2, r.department NULLS FIRST
            """)
        {
            let counts = RatioCounts(tracked: try row.decode(3), certified: try row.decode(4), ratio: try row.decode(5))
            let isTotal = try row.decode(0, as: Int.self) == 1
            if let department = try row.decode(2, as: Department?.self) {
                let entry = DepartmentRatio(department: department, counts: counts)
                if isTotal {
                    total.departments.append(entry)
                } else {
                    provinces[provinces.count - 1].departments.append(entry)
                }
                continue
            }
            let levels = LevelCounts(
                junior: try row.decode(6), intermediate: try row.decode(7), senior: try row.decode(8))
            if isTotal {
                total.counts = counts
                total.levels = levels
            } else {
                let code: String = try row.decode(1)
                provinces.append(
                    RatioEntry(
                        scope: .region(code: code, name: regionNames[code]), counts: counts, levels: levels,
                        departments: []))
            }
        }
        return RatioReport(
            asOf: asOf, total: total, provinces: region == nil ? provinces : [], enterprises: enterprises)
    }
}
