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
