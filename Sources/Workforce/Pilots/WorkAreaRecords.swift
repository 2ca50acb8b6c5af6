public import CalendarDates
public import PostgresClient

/// Which records of the work areas to list: those of some enterprises (nil: any) or of a region,
/// between two dates (inclusive, either open).
public struct WorkAreaFilter: Sendable {
    public var enterpriseIDs: [Int]?
    public var region: String?
    public var from: CalendarDate?
    public var to: CalendarDate?
    /// Only what this service organization provided.
    public var providerOrgID: Int?

    public init(
        enterpriseIDs: [Int]? = nil, region: String? = nil, from: CalendarDate? = nil, to: CalendarDate? = nil,
        providerOrgID: Int? = nil
    ) {
        self.enterpriseIDs = enterpriseIDs
        self.region = region
        self.from = from
        self.to = to
        self.providerOrgID = providerOrgID
    }

    /// The records of a pilot's period.
    init(scope: PilotScope) {
        self.init(
            enterpriseIDs: scope.enterpriseIDs, region: scope.ratioRegion,
            from: scope.from, to: scope.to, providerOrgID: scope.serviceOrgID)
    }

    /// The SQL condition on an enterprise id column and a date column.
    func condition(enterprise: SQLQuery, date: SQLQuery) -> SQLQuery {
        "\(enterpriseCondition(enterprise)) AND \(dateCondition(date))"
    }

    func enterpriseCondition(_ enterprise: SQLQuery) -> SQLQuery {
        """
        (\(enterpriseIDs)::bigint[] IS NULL OR \(enterprise) = ANY (\(enterpriseIDs)))
        AND (\(region)::text IS NULL
             OR \(enterprise) IN (SELECT id FROM enterprise WHERE in_region(region_code, \(region))))
        """
    }

    func dateCondition(_ date: SQLQuery) -> SQLQuery {
        "(\(from)::date IS NULL OR \(date) >= \(from)::date) AND (\(to)::date IS NULL OR \(date) <= \(to)::date)"
    }
}

extension WorkAreaFilter {
    /// A filter by enterprise (USCC) or region and dates, each checked.
    public init(db: Connection, enterpriseUSCC: String?, region: String?, from: CalendarDate?, to: CalendarDate?) throws
    {
        self.init(
            enterpriseIDs: try enterpriseUSCC.map { [try Enterprises(db: db).lookUp(uscc: $0).id] },
            region: try region.map { try Regions(db: db).known($0) }, from: from, to: to)
    }
}
